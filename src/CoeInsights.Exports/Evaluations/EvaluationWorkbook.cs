using System.Globalization;
using ClosedXML.Excel;
using CoeInsights.Analytics.Scoring;
using CoeInsights.Exports.Common;

namespace CoeInsights.Exports.Evaluations;

/// <summary>
/// The scored vendor workbook the steering committee holds: a dashboard with the recommendation,
/// ranking, heat map, weights, sensitivity, agreement, comments, audit trail, methodology, and the
/// data model as Excel Tables (FactScore, DimVendor, DimCriterion, DimEvaluator).
/// </summary>
public static class EvaluationWorkbook
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static void Write(EvaluationWorkbookModel model, Stream output)
    {
        var charts = new List<ChartSpec>();
        var streamed = new List<StreamedRows>();
        Deck.Write(output, workbook =>
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var result = model.Result;
            // Scoring ranks nobody when fewer than two vendors pass the must-haves (no method result): the workbook
            // then says so, and still carries the evidence (who was ranked out and why, scores, audit trail).
            var primary = result.Methods.FirstOrDefault(m => m.Method == result.PrimaryMethod);
            var vendorName = model.Vendors.ToDictionary(v => v.Id, v => v.Name);
            var criterionName = model.Criteria.ToDictionary(c => c.Id, c => string.IsNullOrWhiteSpace(c.Description) ? c.Id : c.Description);
            var order = Enumerable.Range(0, result.VendorIds.Count).OrderBy(i => primary?.Ranks[i] ?? i + 1).ToArray();

            var dashboard = workbook.AddWorksheet(SafeText.SheetName("Dashboard", names));
            var ranking = workbook.AddWorksheet(SafeText.SheetName("Ranking", names));
            WriteRanking(ranking, model, primary, order, vendorName);
            WriteDashboard(dashboard, model, primary, order, vendorName, criterionName);
            if (primary is not null && order.Length > 0)
                charts.Add(new ChartSpec(dashboard.Name, ChartKind.ClusteredBar, "Score by vendor (0–100)",
                    $"'{ranking.Name}'!$B$4:$B${3 + order.Length}",
                    [new ChartSeries("Score (0–100)", $"'{ranking.Name}'!$C$4:$C${3 + order.Length}", "118DFF")],
                    FromColumn: 5, FromRow: 2, ToColumn: 13, ToRow: 20));

            WriteHeatMap(workbook.AddWorksheet(SafeText.SheetName("Heat map", names)), model, vendorName, criterionName, order);
            // The three decision views share one printed page: each is a short table (a row per department or vendor).
            var views = workbook.AddWorksheet(SafeText.SheetName(DecisionViewsSheet, names));
            DeckStyle.Page(views, "Decision views: by department, by category, value for money", 0);
            var next = WriteByDepartment(views, 3, model, primary, vendorName);
            next = WriteByCategory(views, next + 1, model, primary, vendorName, order);
            var (valueHeader, costed) = WriteValueForMoney(views, next + 1, model, primary, vendorName, order);
            if (costed > 0)
                charts.Add(new ChartSpec(views.Name, ChartKind.ClusteredBar, "3-year cost of ownership by vendor",
                    $"'{views.Name}'!$A${valueHeader + 1}:$A${valueHeader + costed}",
                    [new ChartSeries("3-year cost", $"'{views.Name}'!$E${valueHeader + 1}:$E${valueHeader + costed}", "E66C37")],
                    FromColumn: 7, FromRow: valueHeader - 1, ToColumn: 13, ToRow: valueHeader + Math.Max(costed + 6, 14), ValueFormat: "#,##0")); // 400,000 as the cells print it
            DeckStyle.Widths(views, 36, 14, 22, 14, 14, 40);
            var weights = workbook.AddWorksheet(SafeText.SheetName("Weights", names));
            WriteWeights(weights, model, criterionName, vendorName);
            // Bars from 0, not a radar: a radar whose axis starts near the smallest weight exaggerates near-flat weights.
            charts.Add(new ChartSpec(weights.Name, ChartKind.ClusteredBar, "Weight by criterion (%)",
                $"'{weights.Name}'!$A$4:$A${3 + result.CriterionIds.Count}",
                [new ChartSeries("Weight", $"'{weights.Name}'!$D$4:$D${3 + result.CriterionIds.Count}", "E66C37")],
                FromColumn: 7, FromRow: 2, ToColumn: 15, ToRow: 3 + Math.Max(20, result.CriterionIds.Count + 2)));
            WriteSensitivity(workbook.AddWorksheet(SafeText.SheetName("Sensitivity", names)), model, vendorName, criterionName);
            WriteAgreement(workbook.AddWorksheet(SafeText.SheetName("Agreement", names)), model, criterionName);
            WriteComments(workbook.AddWorksheet(SafeText.SheetName("Comments", names)), model, vendorName, criterionName, order);
            WriteAudit(workbook.AddWorksheet(SafeText.SheetName("Audit trail", names)), model, vendorName, criterionName);
            WriteMethodology(workbook.AddWorksheet(SafeText.SheetName("Methodology", names)), model);
            streamed.Add(WriteDataModel(workbook, names, model, primary));
        }, charts, streamed);
    }

    /// <summary>What the Ranking sheet says when no vendor passes the must-have criteria.</summary>
    public const string NoVendorRanked = "No vendor is ranked: every vendor is ranked out by a must-have criterion (see below).";

    /// <summary>The method in plain words for a committee (the enum names are for the API).</summary>
    public static string Plain(ScoringMethod method, NormalisationMethod normalisation) => (method switch
    {
        ScoringMethod.Wsm => "Weighted sum of scores",
        ScoringMethod.Wpm => "Weighted product of scores",
        ScoringMethod.Topsis => "Closeness to the ideal vendor (TOPSIS)",
        ScoringMethod.Vikor => "Compromise ranking (VIKOR)",
        ScoringMethod.PrometheeII => "Net outranking flow (PROMETHEE II)",
        _ => method.ToString(),
    }) + normalisation switch
    {
        NormalisationMethod.Max => ", each criterion scaled to its best vendor",
        NormalisationMethod.MinMax => ", each criterion scaled from its worst to its best vendor",
        NormalisationMethod.Vector => ", each criterion scaled by its length over vendors",
        NormalisationMethod.Sum => ", each criterion as a share of its total over vendors",
        _ => "",
    };

    /// <summary>"Closeness to the ideal vendor (TOPSIS)" → "closeness to the ideal vendor (TOPSIS)": the acronym stays.</summary>
    private static string LowerFirst(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];

    /// <summary>Engine text names vendors and criteria by id; a reader sees their names (longest id first, whole words).</summary>
    public static string Humanise(string text, IReadOnlyDictionary<string, string> vendorName, IReadOnlyDictionary<string, string> criterionName)
    {
        foreach (var (id, name) in vendorName.Concat(criterionName).Where(p => p.Key.Length > 0 && p.Key != p.Value).OrderByDescending(p => p.Key.Length))
            text = System.Text.RegularExpressions.Regex.Replace(text, $@"(?<![\w-]){System.Text.RegularExpressions.Regex.Escape(id)}(?![\w-])", name.Replace("$", "$$"));
        // Bootstrap intervals come from the engine on the method's 0–1 scale; the workbook shows scores on 0–100.
        if (text.Contains("bootstrap intervals", StringComparison.Ordinal))
            text = System.Text.RegularExpressions.Regex.Replace(text, @"\[(\d+(?:\.\d+)?), (\d+(?:\.\d+)?)\]", m =>
                FormattableString.Invariant($"[{double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 100:0.0}, {double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) * 100:0.0}]"))
                .Replace("bootstrap intervals (", "bootstrap intervals of the 0–100 score (", StringComparison.Ordinal);
        return text.Replace("Wsm", "weighted sum", StringComparison.Ordinal).Replace("Max normalisation", "best-vendor scaling", StringComparison.Ordinal);
    }

    private static void WriteDashboard(IXLWorksheet sheet, EvaluationWorkbookModel model, MethodResult? primary, int[] order, IReadOnlyDictionary<string, string> vendorName,
        IReadOnlyDictionary<string, string> criterionName)
    {
        DeckStyle.Page(sheet, model.Title, 0);
        sheet.Cell(2, 1).SetText(model.Purpose);
        var r = model.Result.Recommendation;
        var cards = new (string Label, Action<IXLCell> Value)[]
        {
            ("Recommended vendor", c => c.SetText(r.WinnerId is null ? "none" : vendorName.GetValueOrDefault(r.WinnerId, r.WinnerId))),
            ("Probability first (weights varied)", c => SafeText.SetNumber(c, r.ProbabilityFirst, DeckStyle.Percent)),
            // Scores are shown 0–100, so the margin is in points of that scale.
            ("Margin over runner-up (points of 100)", c => SafeText.SetNumber(c, r.Margin * 100, "0.0")),
            ("Runner-up", c => c.SetText(r.RunnerUpId is null ? "" : vendorName.GetValueOrDefault(r.RunnerUpId, r.RunnerUpId))),
            ("Evaluator agreement", c => c.SetText(r.AgreementLevel == AgreementLevel.NotAssessed ? "not assessed"
                : $"{r.AgreementLevel} (mean W {r.MeanAgreement?.ToString("0.00", CultureInfo.InvariantCulture) ?? "n/a"})")),
            ("Approval status", c => c.SetText(model.ApprovalStatus)),
            ("Vendors / criteria / evaluators", c => c.SetText($"{model.Vendors.Count} / {model.Criteria.Count} / {model.Evaluators.Count}")),
            ("Method", c => c.SetText(primary is null
                ? $"{Plain(model.Result.PrimaryMethod, NormalisationMethod.MethodDefault)}, not applied: fewer than two vendors pass the must-have criteria"
                : Plain(primary.Method, primary.Normalisation))),
        };
        for (var i = 0; i < cards.Length; i++)
        {
            var label = sheet.Cell(4 + i * 2, 1).SetText(cards[i].Label);
            label.Style.Font.FontColor = XLColor.Gray;
            var value = sheet.Cell(5 + i * 2, 1);
            cards[i].Value(value);
            value.Style.Font.FontSize = 14;
            value.Style.Font.Bold = true;
            value.Style.Fill.BackgroundColor = DeckStyle.Neutral;
        }
        var caveatRow = 5 + cards.Length * 2;
        sheet.Cell(caveatRow, 1).SetText("Caveats").Style.Font.Bold = true;
        for (var i = 0; i < r.Caveats.Count; i++) sheet.Cell(caveatRow + 1 + i, 1).SetText("• " + Humanise(r.Caveats[i], vendorName, criterionName));
        DeckStyle.Widths(sheet, 48);
    }

    private static void WriteRanking(IXLWorksheet sheet, EvaluationWorkbookModel model, MethodResult? primary, int[] order, IReadOnlyDictionary<string, string> vendorName)
    {
        DeckStyle.Page(sheet, "Ranking", 3);
        var result = model.Result;
        var acceptability = result.Robustness?.MonteCarlo?.RankAcceptability;
        var bootstrap = result.Robustness?.Bootstrap;
        var others = result.Methods.Where(m => m != primary).ToList();
        string[] header = ["Rank", "Vendor", "Score (0–100)", "P(first)", "Interval low", "Interval high", "Vendor id", .. others.Select(m => $"Rank by {Plain(m.Method, m.Normalisation)}")];
        DeckStyle.Header(sheet, 3, header);
        for (var k = 0; k < order.Length; k++)
        {
            var i = order[k];
            var row = 4 + k;
            sheet.Cell(row, 1).SetValue(primary?.Ranks[i] ?? k + 1);
            sheet.Cell(row, 2).SetText(vendorName.GetValueOrDefault(result.VendorIds[i], result.VendorIds[i]));
            SafeText.SetNumber(sheet.Cell(row, 3), primary?.Scores[i] * 100, "0.0");
            SafeText.SetNumber(sheet.Cell(row, 4), acceptability?[i][0], DeckStyle.Percent);
            SafeText.SetNumber(sheet.Cell(row, 5), bootstrap?.Lower[i] * 100, "0.0");
            SafeText.SetNumber(sheet.Cell(row, 6), bootstrap?.Upper[i] * 100, "0.0");
            sheet.Cell(row, 7).SetText(result.VendorIds[i]);
            for (var m = 0; m < others.Count; m++) sheet.Cell(row, 8 + m).SetValue(others[m].Ranks[i]);
        }
        // A table needs a data row: with nobody ranked the sheet says so in its place.
        if (order.Length == 0) sheet.Cell(4, 1).SetText(NoVendorRanked);
        var last = 3 + Math.Max(1, order.Length);
        DeckStyle.Table(sheet.Range(3, 1, last, header.Length), "Ranking");
        if (primary is not null && order.Length > 0)
        {
            sheet.Range(4, 3, last, 3).AddConditionalFormat().DataBar(DeckStyle.Primary).LowestValue().HighestValue();
            sheet.Range(4, 4, last, 4).AddConditionalFormat().ColorScale().LowestValue(XLColor.White).HighestValue(DeckStyle.Good);
        }
        var excludedRow = last + 2;
        if (result.Excluded.Count > 0)
        {
            sheet.Cell(excludedRow, 1).SetText("Ranked out by a must-have criterion").Style.Font.Bold = true;
            for (var i = 0; i < result.Excluded.Count; i++)
                sheet.Cell(excludedRow + 1 + i, 1).SetText($"{vendorName.GetValueOrDefault(result.Excluded[i].VendorId, result.Excluded[i].VendorId)}: {result.Excluded[i].Reason}");
        }
        DeckStyle.Widths(sheet, [8, 28, 14, 11, 12, 12, 16, .. others.Select(_ => 30.0)]);
        // "Rank by <method in plain words>": the other methods' ranks beside the primary's, headers on up to four lines.
        for (var m = 0; m < others.Count; m++) sheet.Cell(3, 8 + m).Style.Alignment.WrapText = true;
        if (others.Count > 0) sheet.Row(3).Height = 60;
    }

    /// <summary>
    /// Criteria down, vendors across in rank order: a sample's two dozen criteria fit one landscape page at the body
    /// font size, where criteria across (one column each) had to shrink to a third to fit the page's width.
    /// </summary>
    private static void WriteHeatMap(IXLWorksheet sheet, EvaluationWorkbookModel model, IReadOnlyDictionary<string, string> vendorName,
        IReadOnlyDictionary<string, string> criterionName, int[] order)
    {
        DeckStyle.Page(sheet, $"Vendor × criterion, vendors in rank order (mean scores on {model.ScaleMin:0.##}–{model.ScaleMax:0.##}; costs in currency; red worse, green better)", 3);
        var result = model.Result;
        string[] header = ["Criterion", "Category", "Weight"];
        for (var c = 0; c < header.Length; c++) sheet.Cell(3, c + 1).SetText(header[c]);
        const int first = 4; // first vendor column
        for (var k = 0; k < order.Length; k++)
        {
            var i = order[k];
            sheet.Cell(3, first + k).SetText($"{k + 1}. {vendorName.GetValueOrDefault(result.VendorIds[i], result.VendorIds[i])}");
        }
        for (var c = 1; c < first + order.Length; c++)
        {
            sheet.Cell(3, c).Style.Alignment.WrapText = true;
            sheet.Cell(3, c).Style.Font.Bold = true;
            sheet.Cell(3, c).Style.Border.BottomBorder = XLBorderStyleValues.Thin;
        }
        sheet.Row(3).Height = 45;
        for (var j = 0; j < result.CriterionIds.Count; j++)
        {
            var criterion = model.Criteria.FirstOrDefault(c => c.Id == result.CriterionIds[j]);
            var cost = criterion?.Direction == CriterionDirection.Cost;
            var row = first + j;
            sheet.Cell(row, 1).SetText(criterionName.GetValueOrDefault(result.CriterionIds[j], result.CriterionIds[j]));
            sheet.Cell(row, 2).SetText(criterion?.Category ?? "");
            SafeText.SetNumber(sheet.Cell(row, 3), result.Weights[j], DeckStyle.Percent);
            for (var k = 0; k < order.Length; k++)
                if (cost) SafeText.SetCurrency(sheet.Cell(row, first + k), result.DecisionMatrix[order[k]][j]);
                else SafeText.SetNumber(sheet.Cell(row, first + k), result.DecisionMatrix[order[k]][j], "0.00");
            // Criteria differ in units (scores vs cost): one colour scale per criterion (none over an empty matrix).
            if (order.Length > 0)
                sheet.Range(row, first, row, first + order.Length - 1).AddConditionalFormat().ColorScale()
                    .LowestValue(cost ? DeckStyle.Good : DeckStyle.Bad).Midpoint(XLCFContentType.Percentile, 50, XLColor.FromHtml("#FFEB84"))
                    .HighestValue(cost ? DeckStyle.Bad : DeckStyle.Good);
        }
        // Wide enough for a criterion described in a sentence (~80 characters): one line per criterion keeps the
        // sheet on one page; the vendor columns only hold a number each.
        sheet.Column(1).Width = 72;
        sheet.Column(2).Width = 14;
        sheet.Column(3).Width = 8;
        for (var k = 0; k < order.Length; k++) sheet.Column(first + k).Width = 13;
        // Criterion and category on every page when a long list runs over one.
        sheet.PageSetup.SetColumnsToRepeatAtLeft(1, 2);
    }

    /// <summary>What the decision views say when no method ranked the vendors.</summary>
    public const string NoViewWithoutRanking = "Not computed: no vendor is ranked (see the Ranking sheet).";

    /// <summary>Label of the department-balanced row on the By department sheet.</summary>
    public const string BalancedLabel = "All departments, each counting equally";

    /// <summary>Cost facts paid once (not every year) go into the 3-year cost once; named so by their criterion.</summary>
    public static bool IsOneOffCost(CriterionInfo c) => c.Direction == CriterionDirection.Cost && DecisionViews.IsOneOffCost(c.Id, c.Description);

    /// <summary>Name of the sheet with the department, category and value-for-money views.</summary>
    public const string DecisionViewsSheet = "Decision views";

    /// <summary>A section heading on a sheet of several tables.</summary>
    private static void Section(IXLWorksheet sheet, int row, string text)
    {
        var cell = sheet.Cell(row, 1).SetText(text);
        cell.Style.Font.Bold = true;
        cell.Style.Font.FontSize = 12;
        cell.Style.Font.FontColor = DeckStyle.Dark;
    }

    /// <summary>
    /// Writes the section from row <paramref name="top"/> (heading, then a line saying whose weights) and returns the
    /// first row after it: each department under its own survey weights when the model has them, otherwise under the
    /// common weights with its own evaluators' scores.
    /// </summary>
    private static int WriteByDepartment(IXLWorksheet sheet, int top, EvaluationWorkbookModel model, MethodResult? primary, IReadOnlyDictionary<string, string> vendorName)
    {
        var own = model.DepartmentWeightsView;
        Section(sheet, top, own is null ? ByDepartmentHeading : ByDepartmentOwnWeightsHeading);
        if (primary is null) { sheet.Cell(top + 1, 1).SetText(NoViewWithoutRanking); return top + 2; }
        var result = model.Result;
        var h = top + 1;
        if (model.DepartmentWeightsNote.Length > 0)
        {
            // Across the table's width, wrapped: a long line in one cell would run off the printed page.
            var note = sheet.Range(h, 1, h, 6).Merge();
            note.FirstCell().SetText(model.DepartmentWeightsNote);
            note.Style.Font.Italic = true;
            note.Style.Alignment.WrapText = true;
            note.Style.Alignment.Vertical = XLAlignmentVerticalValues.Top;
            sheet.Row(h).Height = 15 * Math.Max(1, (int)Math.Ceiling(model.DepartmentWeightsNote.Length / 150.0));
            h++;
        }
        var facts = model.VendorFacts.Select(f => f.CriterionId).ToHashSet(StringComparer.Ordinal);
        var view = own ?? DecisionViews.ByDepartment(result.VendorIds, result.CriterionIds,
            result.CriterionIds.Select(id => model.Criteria.FirstOrDefault(c => c.Id == id)?.Direction ?? CriterionDirection.Benefit).ToArray(),
            result.CriterionIds.Select(id => !facts.Contains(id)).ToArray(), result.Weights, primary.NormalisedMatrix,
            new ScoreScale(model.ScaleMin, model.ScaleMax),
            model.Scores.Select(s => new EvaluatorScore(s.EvaluatorId, s.VendorId, s.CriterionId, s.Value)),
            model.Evaluators.ToDictionary(e => e.Id, e => e.Department));
        string[] header = ["Department", own is null ? "Evaluators" : "Survey respondents", "Winner", "Winner's score (0–100)", "Margin (points)", "Runner-up"];
        var rows = view.Balanced is null ? view.Departments : [.. view.Departments, view.Balanced];
        if (rows.Count == 0) { sheet.Cell(h, 1).SetText("No evaluator with a department scored a ranked vendor."); return h + 1; }
        for (var c = 0; c < header.Length; c++) sheet.Cell(h, c + 1).SetText(header[c]);
        string Name(int i) => vendorName.GetValueOrDefault(result.VendorIds[i], result.VendorIds[i]);
        for (var k = 0; k < rows.Count; k++)
        {
            var d = rows[k];
            var row = h + 1 + k;
            var runnerUp = Enumerable.Range(0, d.Scores.Count).Where(i => i != d.Winner).OrderBy(i => d.Ranks[i]).FirstOrDefault(-1);
            sheet.Cell(row, 1).SetText(d == view.Balanced ? BalancedLabel : string.IsNullOrWhiteSpace(d.Department) ? "No department given" : d.Department);
            sheet.Cell(row, 2).SetValue(d.Evaluators);
            sheet.Cell(row, 3).SetText(Name(d.Winner));
            SafeText.SetNumber(sheet.Cell(row, 4), d.Scores[d.Winner], "0.0");
            SafeText.SetNumber(sheet.Cell(row, 5), d.Margin, "0.0");
            sheet.Cell(row, 6).SetText(runnerUp < 0 ? "" : d.Margin == 0 ? $"{Name(runnerUp)} (tied)" : Name(runnerUp));
        }
        DeckStyle.Table(sheet.Range(h, 1, h + rows.Count, header.Length), "ByDepartment");
        Wrapped(sheet, h, header.Length);
        if (view.Balanced is not null) sheet.Row(h + rows.Count).Style.Font.Bold = true;
        return h + rows.Count + 1;
    }

    /// <summary>A header row whose labels wrap onto two lines (LibreOffice does not grow a row for wrapped text by itself).</summary>
    private static void Wrapped(IXLWorksheet sheet, int row, int columns)
    {
        for (var c = 1; c <= columns; c++) sheet.Cell(row, c).Style.Alignment.WrapText = true;
        sheet.Row(row).Height = 30;
    }

    /// <summary>Heading of the department view without department weights (the department's evaluators, the common weights).</summary>
    public const string ByDepartmentHeading = "Winner by department, with the common weights: each department's own evaluators' scores";

    /// <summary>Heading of the department view under each department's own (survey) weights.</summary>
    public const string ByDepartmentOwnWeightsHeading = "Winner under each department's own weights (from the stakeholder survey), and with the departments balanced";

    /// <summary>Heading of the category view.</summary>
    public const string ByCategoryHeading = "Scores by category (0–100 within each category; 100 = best vendor on every criterion in it)";

    /// <summary>Heading of the value-for-money view.</summary>
    public const string ValueForMoneyHeading = "Value for money: benefit (score) against annual and 3-year cost";

    private static int WriteByCategory(IXLWorksheet sheet, int top, EvaluationWorkbookModel model, MethodResult? primary, IReadOnlyDictionary<string, string> vendorName, int[] order)
    {
        Section(sheet, top, ByCategoryHeading);
        if (primary is null || order.Length == 0) { sheet.Cell(top + 1, 1).SetText(NoViewWithoutRanking); return top + 2; }
        var result = model.Result;
        var categories = result.CriterionIds.Select(id => model.Criteria.FirstOrDefault(c => c.Id == id)?.Category is { Length: > 0 } c ? c : "Uncategorised").ToArray();
        var view = DecisionViews.ByCategory(categories, result.Weights, primary.NormalisedMatrix);
        string[] header = ["Vendor (rank)", .. view.Categories];
        var h = top + 1;
        for (var c = 0; c < header.Length; c++) sheet.Cell(h, c + 1).SetText(header[c]);
        for (var k = 0; k < order.Length; k++)
        {
            var i = order[k];
            sheet.Cell(h + 1 + k, 1).SetText($"{k + 1}. {vendorName.GetValueOrDefault(result.VendorIds[i], result.VendorIds[i])}");
            for (var c = 0; c < view.Categories.Count; c++) SafeText.SetNumber(sheet.Cell(h + 1 + k, 2 + c), view.Scores[i][c], "0.0");
        }
        var last = h + order.Length;
        DeckStyle.Table(sheet.Range(h, 1, last, header.Length), "ByCategory");
        sheet.Range(h + 1, 2, last, 1 + view.Categories.Count).AddConditionalFormat().ColorScale()
            .LowestValue(DeckStyle.Bad).Midpoint(XLCFContentType.Percentile, 50, XLColor.FromHtml("#FFEB84")).HighestValue(DeckStyle.Good);
        sheet.Cell(last + 1, 1).SetText("Category weight");
        for (var c = 0; c < view.Categories.Count; c++) SafeText.SetNumber(sheet.Cell(last + 1, 2 + c), view.CategoryWeights[c], DeckStyle.Weight);
        Wrapped(sheet, h, header.Length);
        sheet.Row(h).Height = 45; // three lines: "Publishing and approval workflows" printed its last two only
        return last + 2;
    }

    /// <summary>
    /// Benefit against cost, vendors in rank order, from row <paramref name="top"/> (heading); returns the header row and
    /// how many rows below it carry a 3-year cost (for the chart).
    /// </summary>
    private static (int Header, int Costed) WriteValueForMoney(IXLWorksheet sheet, int top, EvaluationWorkbookModel model, MethodResult? primary, IReadOnlyDictionary<string, string> vendorName, int[] order)
    {
        Section(sheet, top, ValueForMoneyHeading);
        if (primary is null || order.Length == 0) { sheet.Cell(top + 1, 1).SetText(NoViewWithoutRanking); return (top + 1, 0); }
        var result = model.Result;
        var vendor = model.Vendors.ToDictionary(v => v.Id);
        var oneOffCriteria = model.Criteria.Where(IsOneOffCost).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var oneOff = result.VendorIds.Select(v => model.VendorFacts.Where(f => f.VendorId == v && oneOffCriteria.Contains(f.CriterionId)).Sum(f => f.Value)).ToArray();
        var values = DecisionViews.ValueForMoney(result.VendorIds, primary.Scores.Select(s => s * 100).ToArray(),
            result.VendorIds.Select(v => vendor.GetValueOrDefault(v)?.AnnualCost).ToArray(), oneOff);
        string[] header = ["Vendor", "Benefit (score 0–100)", "Annual cost", "One-off costs", "3-year cost of ownership", "Best value at its cost (Pareto set)"];
        var h = top + 1;
        for (var c = 0; c < header.Length; c++) sheet.Cell(h, c + 1).SetText(header[c]);
        // Costed vendors first (rank order within), so the chart covers one contiguous range.
        var rows = order.OrderBy(i => values[i].ThreeYearCost is null).ToArray();
        for (var k = 0; k < rows.Length; k++)
        {
            var v = values[rows[k]];
            sheet.Cell(h + 1 + k, 1).SetText(vendorName.GetValueOrDefault(v.VendorId, v.VendorId));
            SafeText.SetNumber(sheet.Cell(h + 1 + k, 2), v.Benefit, "0.0");
            SafeText.SetCurrency(sheet.Cell(h + 1 + k, 3), v.AnnualCost);
            SafeText.SetCurrency(sheet.Cell(h + 1 + k, 4), v.AnnualCost is null ? null : oneOff[rows[k]]);
            SafeText.SetCurrency(sheet.Cell(h + 1 + k, 5), v.ThreeYearCost);
            sheet.Cell(h + 1 + k, 6).SetText(v.Pareto switch { true => "Yes", false => "No: another gives as much for less", null => "No cost recorded" });
        }
        var last = h + rows.Length;
        DeckStyle.Table(sheet.Range(h, 1, last, header.Length), "ValueForMoney");
        sheet.Range(h + 1, 2, last, 2).AddConditionalFormat().DataBar(DeckStyle.Primary).LowestValue().HighestValue();
        Wrapped(sheet, h, header.Length);
        return (h, values.Count(v => v.ThreeYearCost is not null));
    }

    private static void WriteWeights(
        IXLWorksheet sheet, EvaluationWorkbookModel model, IReadOnlyDictionary<string, string> criterionName, IReadOnlyDictionary<string, string> vendorName)
    {
        DeckStyle.Page(sheet, $"Weights — source: {model.WeightsSource}", 3);
        var result = model.Result;
        // The last two columns weigh by the data alone (entropy, CRITIC), for the committee to set beside its own weights.
        string[] header = ["Criterion", "Category", "Direction (Cost: less is better)", "Weight", "Must-have threshold", "Description",
            "Entropy weight (data only)", "CRITIC weight (data only)"];
        DeckStyle.Header(sheet, 3, header);
        for (var j = 0; j < result.CriterionIds.Count; j++)
        {
            var info = model.Criteria.FirstOrDefault(c => c.Id == result.CriterionIds[j]);
            sheet.Cell(4 + j, 1).SetText(criterionName.GetValueOrDefault(result.CriterionIds[j], result.CriterionIds[j]));
            sheet.Cell(4 + j, 2).SetText(info?.Category ?? "");
            // The same spelling as DimCriterion.Direction, so a filter or a lookup matches across sheets.
            sheet.Cell(4 + j, 3).SetText((info?.Direction ?? CriterionDirection.Benefit).ToString());
            SafeText.SetNumber(sheet.Cell(4 + j, 4), result.Weights[j], DeckStyle.Weight);
            SafeText.SetNumber(sheet.Cell(4 + j, 5), info?.MustHaveThreshold, "0.00");
            sheet.Cell(4 + j, 6).SetText(info?.Description ?? "");
            SafeText.SetNumber(sheet.Cell(4 + j, 7), result.ObjectiveWeights?.Entropy?[j], DeckStyle.Weight);
            SafeText.SetNumber(sheet.Cell(4 + j, 8), result.ObjectiveWeights?.Critic?[j], DeckStyle.Weight);
        }
        var last = 3 + result.CriterionIds.Count;
        DeckStyle.Table(sheet.Range(3, 1, last, header.Length), "Weights");
        sheet.Range(4, 4, last, 4).AddConditionalFormat().DataBar(DeckStyle.Accent).LowestValue().HighestValue();
        if (result.Ahp is { } ahp)
            sheet.Cell(last + 2, 1).SetText(FormattableString.Invariant(
                $"AHP: lambda_max {ahp.LambdaMax:0.0000}, CI {ahp.ConsistencyIndex:0.0000}, CR {ahp.ConsistencyRatio:0.0000} ({ahp.RandomIndexTable} random index {ahp.RandomIndex:0.00}); {(ahp.IsAcceptablyConsistent ? "acceptably consistent" : "inconsistent: revisit the judgements")}."));
        var note = last + (result.Ahp is null ? 2 : 3);
        if (result.ObjectiveWeights is { } o)
            sheet.Cell(note, 1).SetText(
                "Weighted by the data alone, the winner would be " + Named(o.EntropyWinnerId, "undefined (a negative value, or a zero cost)") + " (entropy) and "
                + Named(o.CriticWinnerId, "undefined (every criterion constant)") + " (CRITIC): criteria on which the vendors differ more weigh more; "
                + "CRITIC also weighs criteria that disagree with the others more.");
        DeckStyle.Widths(sheet, 22, 18, 28, 10, 12, 60, 14, 14);

        string Named(string? id, string undefined) => id is null ? undefined : vendorName.GetValueOrDefault(id, id);
    }

    private static void WriteSensitivity(IXLWorksheet sheet, EvaluationWorkbookModel model, IReadOnlyDictionary<string, string> vendorName,
        IReadOnlyDictionary<string, string> criterionName)
    {
        DeckStyle.Page(sheet, "Sensitivity: the weight moves that change the winner", 3);
        string[] header = ["Criterion", "Weight", "Winner changes below", "New winner", "Winner changes above", "New winner ", "Smallest move"];
        DeckStyle.Header(sheet, 3, header);
        var rows = model.Result.Robustness?.Sensitivity ?? [];
        for (var k = 0; k < rows.Count; k++)
        {
            var s = rows[k];
            sheet.Cell(4 + k, 1).SetText(criterionName.GetValueOrDefault(s.CriterionId, s.CriterionId));
            SafeText.SetNumber(sheet.Cell(4 + k, 2), s.Weight, DeckStyle.Weight);
            SafeText.SetNumber(sheet.Cell(4 + k, 3), s.LowerCriticalWeight, DeckStyle.Weight);
            sheet.Cell(4 + k, 4).SetText(s.LowerNewWinner is null ? "none in [0,1]" : vendorName.GetValueOrDefault(s.LowerNewWinner, s.LowerNewWinner));
            SafeText.SetNumber(sheet.Cell(4 + k, 5), s.UpperCriticalWeight, DeckStyle.Weight);
            sheet.Cell(4 + k, 6).SetText(s.UpperNewWinner is null ? "none in [0,1]" : vendorName.GetValueOrDefault(s.UpperNewWinner, s.UpperNewWinner));
            SafeText.SetNumber(sheet.Cell(4 + k, 7), s.SmallestChange, DeckStyle.Weight);
        }
        if (rows.Count > 0)
        {
            DeckStyle.Table(sheet.Range(3, 1, 3 + rows.Count, header.Length), "Sensitivity");
            sheet.Range(4, 7, 3 + rows.Count, 7).AddConditionalFormat().ColorScale().LowestValue(DeckStyle.Bad).HighestValue(XLColor.White);
        }
        else
        {
            sheet.Cell(4, 1).SetText("Sensitivity was not requested for this scoring.");
        }
        DeckStyle.Widths(sheet, 22, 10, 20, 24, 20, 24, 14);
    }

    private static void WriteAgreement(IXLWorksheet sheet, EvaluationWorkbookModel model, IReadOnlyDictionary<string, string> criterionName)
    {
        DeckStyle.Page(sheet, "Evaluator agreement per criterion (Kendall's W, tie-corrected)", 3);
        string[] header = ["Criterion", "W", "Chi-square", "df", "p-value", "Evaluators"];
        DeckStyle.Header(sheet, 3, header);
        var agg = model.Result.Aggregation;
        var ids = model.Result.CriterionIds;
        for (var j = 0; j < ids.Count; j++)
        {
            var w = agg?.AgreementPerCriterion.ElementAtOrDefault(j);
            sheet.Cell(4 + j, 1).SetText(criterionName.GetValueOrDefault(ids[j], ids[j]));
            SafeText.SetNumber(sheet.Cell(4 + j, 2), w?.IsDefined == true ? w.WTieCorrected : null, "0.000");
            SafeText.SetNumber(sheet.Cell(4 + j, 3), w?.ChiSquare, "0.000");
            SafeText.SetNumber(sheet.Cell(4 + j, 4), w?.DegreesOfFreedom, "0");
            SafeText.SetPValue(sheet.Cell(4 + j, 5), w?.PValue);
            SafeText.SetNumber(sheet.Cell(4 + j, 6), w?.Raters, "0");
        }
        DeckStyle.Table(sheet.Range(3, 1, 3 + ids.Count, header.Length), "Agreement");
        sheet.Range(4, 2, 3 + ids.Count, 2).AddConditionalFormat().IconSet(XLIconSetStyle.ThreeTrafficLights1)
            .AddValue(XLCFIconSetOperator.EqualOrGreaterThan, 0, XLCFContentType.Number)
            .AddValue(XLCFIconSetOperator.EqualOrGreaterThan, 0.3, XLCFContentType.Number)
            .AddValue(XLCFIconSetOperator.EqualOrGreaterThan, 0.5, XLCFContentType.Number);
        DeckStyle.Widths(sheet, 22, 10, 12, 6, 10, 12);
    }

    /// <summary>
    /// One row per vendor, evaluator and comment: an evaluator who wrote the same words on several criteria is read once,
    /// with the criteria (and the score given on each) listed beside it; vendors in rank order.
    /// </summary>
    private static void WriteComments(IXLWorksheet sheet, EvaluationWorkbookModel model, IReadOnlyDictionary<string, string> vendorName,
        IReadOnlyDictionary<string, string> criterionName, int[] order)
    {
        DeckStyle.Page(sheet, "Comments and evidence (vendors in rank order; the criteria each comment was given on, with the score)", 3);
        var evaluator = model.Evaluators.ToDictionary(e => e.Id, e => e.Name);
        var rank = order.Select((i, k) => (model.Result.VendorIds[i], k)).ToDictionary(x => x.Item1, x => x.k);
        var given = model.Scores.Where(s => !string.IsNullOrWhiteSpace(s.Comment) || !string.IsNullOrWhiteSpace(s.Evidence)).ToList();
        // An Evidence column only when some score has evidence: an empty column would only narrow the printed page.
        var evidence = given.Any(s => !string.IsNullOrWhiteSpace(s.Evidence));
        string[] header = evidence ? ["Vendor", "Evaluator", "Comment", "Evidence", "On criteria (score)"] : ["Vendor", "Evaluator", "Comment", "On criteria (score)"];
        double[] widths = evidence ? [20, 18, 40, 30, 100] : [20, 18, 40, 110];
        DeckStyle.Header(sheet, 3, header);
        var rows = given
            .GroupBy(s => (s.VendorId, s.EvaluatorId, Comment: s.Comment ?? "", Evidence: s.Evidence ?? ""))
            .OrderBy(g => rank.GetValueOrDefault(g.Key.VendorId, int.MaxValue)).ThenBy(g => vendorName.GetValueOrDefault(g.Key.VendorId, g.Key.VendorId), StringComparer.Ordinal)
            .ThenBy(g => evaluator.GetValueOrDefault(g.Key.EvaluatorId, g.Key.EvaluatorId), StringComparer.Ordinal).ThenBy(g => g.Key.Comment, StringComparer.Ordinal)
            .ToList();
        for (var k = 0; k < rows.Count; k++)
        {
            var g = rows[k];
            string[] texts =
            [
                vendorName.GetValueOrDefault(g.Key.VendorId, g.Key.VendorId), evaluator.GetValueOrDefault(g.Key.EvaluatorId, g.Key.EvaluatorId), g.Key.Comment,
                .. evidence ? new[] { g.Key.Evidence } : [],
                string.Join("; ", g.Select(s => $"{criterionName.GetValueOrDefault(s.CriterionId, s.CriterionId)} ({s.Value.ToString("0.##", CultureInfo.InvariantCulture)})")),
            ];
            for (var c = 0; c < texts.Length; c++) sheet.Cell(4 + k, 1 + c).SetText(texts[c]);
            // Wrapped rows get the height of their longest cell: LibreOffice keeps a row one line high otherwise.
            var lines = texts.Select((t, c) => (int)Math.Ceiling(t.Length / (widths[c] * 1.3))).Max();
            sheet.Row(4 + k).Height = 15 * Math.Max(1, lines);
        }
        if (rows.Count > 0) DeckStyle.Table(sheet.Range(3, 1, 3 + rows.Count, header.Length), "Comments");
        else sheet.Cell(4, 1).SetText("No comments were recorded.");
        DeckStyle.Widths(sheet, widths);
        for (var c = 3; c <= header.Length; c++) sheet.Column(c).Style.Alignment.WrapText = true;
        sheet.Rows(4, 3 + Math.Max(1, rows.Count)).Style.Alignment.Vertical = XLAlignmentVerticalValues.Top;
    }

    private static void WriteAudit(IXLWorksheet sheet, EvaluationWorkbookModel model, IReadOnlyDictionary<string, string> vendorName,
        IReadOnlyDictionary<string, string> criterionName)
    {
        DeckStyle.Page(sheet, "Audit trail", 3);
        string[] header = ["Time (UTC)", "Who", "What", "Detail"];
        DeckStyle.Header(sheet, 3, header);
        for (var k = 0; k < model.AuditTrail.Count; k++)
        {
            var a = model.AuditTrail[k];
            sheet.Cell(4 + k, 1).SetValue(a.Time.UtcDateTime).Style.DateFormat.Format = DeckStyle.DateTime;
            sheet.Cell(4 + k, 2).SetText(a.Actor);
            sheet.Cell(4 + k, 3).SetText(a.Action);
            sheet.Cell(4 + k, 4).SetText(Humanise(a.Detail, vendorName, criterionName)); // "proposed crestline" → "proposed Crestline Social"
        }
        if (model.AuditTrail.Count > 0) DeckStyle.Table(sheet.Range(3, 1, 3 + model.AuditTrail.Count, header.Length), "AuditTrail");
        DeckStyle.Widths(sheet, 18, 24, 28, 80);
        sheet.Column(4).Style.Alignment.WrapText = true; // long details wrap instead of running off the printed page
    }

    private static void WriteMethodology(IXLWorksheet sheet, EvaluationWorkbookModel model)
    {
        DeckStyle.Page(sheet, "Methodology: how every number was made", 0);
        var r = model.Result;
        var lines = new List<string>
        {
            FormattableString.Invariant($"Scores: each evaluator scored each vendor on each criterion on a {model.ScaleMin:0.##}–{model.ScaleMax:0.##} scale; scores are aggregated per vendor and criterion ({r.Aggregation?.Method.ToString() ?? "as given"}; missing scores: {r.Aggregation?.MissingScorePolicy.ToString() ?? "n/a"}, {r.Aggregation?.MissingScoreCount ?? 0} missing)."),
            $"Weights: {model.WeightsSource}; they sum to 100%.",
            "Cost criteria (less is better, e.g. annual cost) are inverted before normalising, so a higher normalised value is always better.",
            r.Methods.Count == 0
                ? $"Ranking: {Plain(r.PrimaryMethod, NormalisationMethod.MethodDefault)} would make the recommendation, but it was not applied: fewer than two vendors pass the must-have criteria."
                : r.Methods.Count > 1
                ? $"Ranking: {Plain(r.Methods.First(m => m.Method == r.PrimaryMethod).Method, r.Methods.First(m => m.Method == r.PrimaryMethod).Normalisation)} makes the recommendation; the Ranking sheet also shows each vendor's rank by {string.Join(" and by ", r.Methods.Where(m => m.Method != r.PrimaryMethod).Select(m => LowerFirst(Plain(m.Method, m.Normalisation))))}."
                : $"Ranking: {Plain(r.Methods[0].Method, r.Methods[0].Normalisation)} makes the recommendation (no other method was computed).",
            "Scores are shown on 0–100 (the method's 0–1 total × 100); the margin is the winner's lead in points of that scale.",
            "Heat map: the aggregated decision matrix (before normalisation), a row per criterion with its weight, vendors across in rank order, each row coloured on its own; cost criteria are in currency.",
            model.DepartmentWeightsView is not null
                ? "By department: each department's own weights are those its respondents gave in the stakeholder survey the weights came from (the survey as it was when they were applied); every vendor is scored again by the ranking's method with those weights, on the same aggregated scores. The balanced row uses the survey's department-balanced weights (each department counting once however many respondents it has). Margin = winner's score − runner-up's, in points."
                : "By department: without per-department weights (the note under the view says why), every department uses the common weights and is told apart by its own evaluators' scores: their mean score per vendor and criterion, mapped from the scale to 0–1 (lowest → 0, highest → 1), weighted with the common weights (× 100). Vendor facts such as cost, and any score a department did not give, keep the overall scaled value. The balanced row averages the department scores, each department counting once however many evaluators it has. Margin = winner's score − runner-up's, in points.",
            "By category: each vendor's weighted score within a category (its criteria's weights rescaled to sum to 1), on 0–100 from the scaled values the ranking uses; a category's weight is the sum of its criteria's weights.",
            "Value for money: benefit is the vendor's overall score (0–100); annual cost is the first cost fact recorded (e.g. annual licence cost); one-off costs are the cost facts named implementation, set-up, onboarding, migration or one-off; 3-year cost of ownership = 3 × annual cost + one-off costs. A vendor is on the Pareto set when no other vendor has at least its benefit for at most its 3-year cost and is strictly better on one of them.",
            "Sensitivity: for each criterion, the smallest change of its weight (others rescaled proportionally) that changes the winner.",
            "P(first): share of Monte Carlo weight samples (Dirichlet around the chosen weights) in which the vendor ranks first.",
            "Interval low/high: bootstrap 95% percentile interval of each vendor's score (0–100) when evaluators are resampled.",
            "Agreement: Kendall's W with tie correction per criterion (0 = no agreement, 1 = perfect), with its chi-square test.",
            "Conventions applied (from the scoring engine):",
        };
        lines.AddRange(r.Decisions.Select(d => "  • " + d));
        DeckStyle.Prose(sheet, 3, lines);
    }

    /// <summary>
    /// The star schema a BI analyst imports as is: FactScore, FactVendorResult and FactVendorFact, each row carrying its
    /// EvaluationId (workbooks of several evaluations append), with DimVendor, DimCriterion and DimEvaluator.
    /// </summary>
    private static StreamedRows WriteDataModel(XLWorkbook workbook, ISet<string> names, EvaluationWorkbookModel model, MethodResult? primary)
    {
        var fact = workbook.AddWorksheet(SafeText.SheetName("FactScore", names));
        string[] fh = ["EvaluationId", "EvaluatorId", "VendorId", "CriterionId", "Score"];
        DeckStyle.Header(fact, 1, fh);
        // The first row through ClosedXML (it sets the styles); the rest, and the table, are streamed (memory stays flat).
        if (model.Scores.Count > 0)
        {
            var s = model.Scores[0];
            fact.Cell(2, 1).SetText(model.EvaluationId);
            fact.Cell(2, 2).SetText(s.EvaluatorId);
            fact.Cell(2, 3).SetText(s.VendorId);
            fact.Cell(2, 4).SetText(s.CriterionId);
            fact.Cell(2, 5).SetValue(s.Value);
        }
        fact.SheetView.FreezeRows(1);
        DeckStyle.Widths(fact, 38, 20, 20, 20, 10);

        // One row per vendor: the result a report visual shows (rank, score 0–100, P(first), bootstrap interval).
        var results = workbook.AddWorksheet(SafeText.SheetName("FactVendorResult", names));
        string[] rh = ["EvaluationId", "VendorId", "Rank", "Score", "ProbabilityFirst", "IntervalLow", "IntervalHigh", "IsRecommended"];
        DeckStyle.Header(results, 1, rh);
        var r = model.Result;
        for (var i = 0; i < r.VendorIds.Count; i++)
        {
            results.Cell(2 + i, 1).SetText(model.EvaluationId);
            results.Cell(2 + i, 2).SetText(r.VendorIds[i]);
            if (primary is not null) results.Cell(2 + i, 3).SetValue(primary.Ranks[i]);
            SafeText.SetNumber(results.Cell(2 + i, 4), primary?.Scores[i] * 100, "0.00");
            SafeText.SetNumber(results.Cell(2 + i, 5), r.Robustness?.MonteCarlo?.RankAcceptability[i][0], DeckStyle.Percent);
            SafeText.SetNumber(results.Cell(2 + i, 6), r.Robustness?.Bootstrap?.Lower[i] * 100, "0.00");
            SafeText.SetNumber(results.Cell(2 + i, 7), r.Robustness?.Bootstrap?.Upper[i] * 100, "0.00");
            results.Cell(2 + i, 8).SetValue(r.VendorIds[i] == r.Recommendation.WinnerId);
        }
        DeckStyle.Table(results.Range(1, 1, 1 + Math.Max(1, r.VendorIds.Count), rh.Length), "FactVendorResult");
        DeckStyle.Widths(results, 38, 20, 6, 8, 14, 12, 12, 13);
        results.SheetView.FreezeRows(1);

        var facts = workbook.AddWorksheet(SafeText.SheetName("FactVendorFact", names));
        string[] vfh = ["EvaluationId", "VendorId", "CriterionId", "Value"];
        DeckStyle.Header(facts, 1, vfh);
        for (var k = 0; k < model.VendorFacts.Count; k++)
        {
            facts.Cell(2 + k, 1).SetText(model.EvaluationId);
            facts.Cell(2 + k, 2).SetText(model.VendorFacts[k].VendorId);
            facts.Cell(2 + k, 3).SetText(model.VendorFacts[k].CriterionId);
            SafeText.SetNumber(facts.Cell(2 + k, 4), model.VendorFacts[k].Value, "#,##0.##");
        }
        DeckStyle.Table(facts.Range(1, 1, 1 + Math.Max(1, model.VendorFacts.Count), vfh.Length), "FactVendorFact");
        DeckStyle.Widths(facts, 38, 20, 20, 14);
        facts.SheetView.FreezeRows(1);

        var vendors = workbook.AddWorksheet(SafeText.SheetName("DimVendor", names));
        string[] vh = ["VendorId", "Vendor", "AnnualCost"];
        DeckStyle.Header(vendors, 1, vh);
        for (var k = 0; k < model.Vendors.Count; k++)
        {
            vendors.Cell(2 + k, 1).SetText(model.Vendors[k].Id);
            vendors.Cell(2 + k, 2).SetText(model.Vendors[k].Name);
            SafeText.SetCurrency(vendors.Cell(2 + k, 3), model.Vendors[k].AnnualCost);
        }
        DeckStyle.Table(vendors.Range(1, 1, 1 + model.Vendors.Count, vh.Length), "DimVendor");
        DeckStyle.Widths(vendors, 20, 28, 14);
        vendors.SheetView.FreezeRows(1);

        var criteria = workbook.AddWorksheet(SafeText.SheetName("DimCriterion", names));
        string[] ch = ["CriterionId", "Category", "Direction", "Weight", "Description"];
        DeckStyle.Header(criteria, 1, ch);
        var weight = model.Result.CriterionIds.Select((id, j) => (id, j)).ToDictionary(x => x.id, x => model.Result.Weights[x.j]);
        for (var k = 0; k < model.Criteria.Count; k++)
        {
            var c = model.Criteria[k];
            criteria.Cell(2 + k, 1).SetText(c.Id);
            criteria.Cell(2 + k, 2).SetText(c.Category);
            criteria.Cell(2 + k, 3).SetText(c.Direction.ToString());
            SafeText.SetNumber(criteria.Cell(2 + k, 4), weight.TryGetValue(c.Id, out var w) ? w : null, DeckStyle.Weight);
            criteria.Cell(2 + k, 5).SetText(c.Description);
        }
        DeckStyle.Table(criteria.Range(1, 1, 1 + model.Criteria.Count, ch.Length), "DimCriterion");
        DeckStyle.Widths(criteria, 20, 20, 12, 10, 60);
        criteria.SheetView.FreezeRows(1);

        var evaluators = workbook.AddWorksheet(SafeText.SheetName("DimEvaluator", names));
        string[] eh = ["EvaluatorId", "Evaluator", "Department"];
        DeckStyle.Header(evaluators, 1, eh);
        for (var k = 0; k < model.Evaluators.Count; k++)
        {
            evaluators.Cell(2 + k, 1).SetText(model.Evaluators[k].Id);
            evaluators.Cell(2 + k, 2).SetText(model.Evaluators[k].Name);
            evaluators.Cell(2 + k, 3).SetText(model.Evaluators[k].Department);
        }
        DeckStyle.Table(evaluators.Range(1, 1, 1 + Math.Max(1, model.Evaluators.Count), eh.Length), "DimEvaluator");
        DeckStyle.Widths(evaluators, 20, 28, 20);
        evaluators.SheetView.FreezeRows(1);
        return new StreamedRows(fact.Name, Math.Max(0, model.Scores.Count - 1),
            model.Scores.Skip(1).Select(x => new object?[] { model.EvaluationId, x.EvaluatorId, x.VendorId, x.CriterionId, x.Value }), new StreamedTable("FactScore", fh));
    }

}
