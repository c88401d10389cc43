using System.Globalization;
using ClosedXML.Excel;
using CoeInsights.Analytics.Surveys;
using CoeInsights.Exports.Common;

namespace CoeInsights.Exports.Surveys;

/// <summary>
/// The stakeholder survey workbook: an overview (response rate per department, NPS with its interval,
/// Cronbach's alpha), per-question distributions as Tables with native clustered bar charts bound to them,
/// the department breakdown (plain vs department-balanced), the derived weights (per department as a heat map, plain vs balanced bars
/// chart, AHP consistency per respondent), methodology, and the data model as Excel Tables
/// (FactAnswer, DimQuestion, DimRespondent, DimDepartment). Every user text is a text cell.
/// </summary>
public static class SurveyWorkbook
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Rows a chart block takes at least (the chart is 16 rows tall).</summary>
    private const int ChartRows = 17;
    /// <summary>Height of a question's own chart (rows) when its table is shorter.</summary>
    private const int BlockChartRows = 11;
    /// <summary>Value-axis format of charts over shares and weights: the tables show them as %.</summary>
    private const string ChartPercent = "0%";

    /// <summary>Free-text answers listed under their question; all of them are in FactAnswer.</summary>
    public const int MaxFreeTextListed = 1_000;

    /// <param name="rowsPerSheet">Rows a FactAnswer sheet holds, header included (Excel's limit; smaller only to test the split).</param>
    public static void Write(SurveyWorkbookModel model, Stream output, int rowsPerSheet = SafeText.MaxRows)
    {
        if (rowsPerSheet is < 2 or > SafeText.MaxRows)
            throw new ArgumentOutOfRangeException(nameof(rowsPerSheet), $"between 2 and {SafeText.MaxRows}");
        var charts = new List<ChartSpec>();
        var streamed = new List<StreamedRows>();
        Deck.Write(output, workbook =>
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var context = new Context(model, tables, charts);
            WriteOverview(workbook.AddWorksheet(SafeText.SheetName("Overview", names)), context);
            WriteQuestions(workbook.AddWorksheet(SafeText.SheetName("Questions", names)), context);
            WriteDepartments(workbook.AddWorksheet(SafeText.SheetName("Departments", names)), context);
            WriteWeights(workbook.AddWorksheet(SafeText.SheetName("Weights", names)), context);
            WriteMethodology(workbook.AddWorksheet(SafeText.SheetName("Methodology", names)), model);
            streamed.AddRange(WriteDataModel(workbook, names, context, rowsPerSheet));
        }, charts, streamed);
    }

    private sealed record Context(SurveyWorkbookModel Model, ISet<string> Tables, List<ChartSpec> Charts)
    {
        public string Label(string questionId) =>
            Model.QuestionTexts.TryGetValue(questionId, out var text) && !string.IsNullOrWhiteSpace(text) ? $"{questionId}: {text}" : questionId;

        private Dictionary<string, string>? shortLabels;

        /// <summary>
        /// How a chart (and the table it draws from) names a question: its wording, cut at a word within
        /// <see cref="ShortLabelLength"/> characters with "…"; the id when it has no wording; the id added when two
        /// questions would read the same.
        /// </summary>
        public string ShortLabel(string questionId)
        {
            shortLabels ??= ShortLabels();
            return shortLabels.GetValueOrDefault(questionId, questionId);
        }

        private Dictionary<string, string> ShortLabels()
        {
            var texts = Model.Questions.Where(q => Model.QuestionTexts.TryGetValue(q.Id, out var t) && !string.IsNullOrWhiteSpace(t))
                .ToDictionary(q => q.Id, q => string.Join(' ', Model.QuestionTexts[q.Id].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
            // A lead-in sentence several questions share ("How important is this for our next platform? Shared content
            // calendar…") tells the bars apart by nothing: the label is what follows it.
            var leads = texts.ToDictionary(t => t.Key, t => LeadIn.Match(t.Value) is { Success: true } m ? m.Groups[1].Value : null);
            var shared = leads.Values.OfType<string>().GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
            var labels = Model.Questions.ToDictionary(q => q.Id, q => !texts.TryGetValue(q.Id, out var text) ? q.Id
                : Shorten(leads[q.Id] is { } lead && shared.Contains(lead) ? text[lead.Length..].TrimStart() : text));
            foreach (var same in labels.GroupBy(l => l.Value, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).ToList())
                foreach (var (id, label) in same) labels[id] = $"{label} ({id})";
            return labels;
        }

        /// <summary>Audience departments in invitation order, then any other department that answered (ordinal order).</summary>
        public IReadOnlyList<string> Departments() =>
            Model.Audience.Select(a => a.Department)
                .Concat(Model.Responses.Select(r => r.Department).Distinct().Order(StringComparer.Ordinal))
                .Distinct().ToList();
    }

    /// <summary>The longest question wording a chart's axis shows whole (longer wordings are shortened, ending in "…").</summary>
    public const int ShortLabelLength = 48;

    /// <summary>A first sentence (or a lead-in ending in a colon) with more wording after it.</summary>
    private static readonly System.Text.RegularExpressions.Regex LeadIn = new(@"^(.+?[?.!:])\s+\S", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static readonly HashSet<string> DanglingWords = new(StringComparer.OrdinalIgnoreCase)
        { "a", "an", "and", "or", "the", "to", "of", "for", "with", "in", "on", "at", "by", "is", "are", "your", "our" };

    /// <summary>
    /// A wording as an axis label: on one line; when too long, without its remarks in brackets, then cut at the last whole
    /// word that fits (not after "and", "of", "the"…) and marked with "…".
    /// </summary>
    private static string Shorten(string text)
    {
        if (text.Length <= ShortLabelLength) return text;
        var plain = string.Join(' ', System.Text.RegularExpressions.Regex.Replace(text, @"\s*\([^()]*\)", "")
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (plain.Length > 0) text = plain;
        if (text.Length <= ShortLabelLength) return text;
        var words = text[..ShortLabelLength].Split(' ').ToList();
        if (words.Count > 1 && text[ShortLabelLength] != ' ') words.RemoveAt(words.Count - 1); // the word cut in half
        while (words.Count > 1 && DanglingWords.Contains(words[^1].TrimEnd(',', ';', ':'))) words.RemoveAt(words.Count - 1);
        return string.Join(' ', words).TrimEnd(' ', ',', ';', ':', '-') + "…";

    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static void Card(IXLWorksheet sheet, int row, string label, Action<IXLWorksheet, int> value)
    {
        sheet.Cell(row, 1).SetText(label).Style.Font.FontColor = XLColor.Gray;
        value(sheet, row + 1);
        var cell = sheet.Cell(row + 1, 1);
        cell.Style.Font.FontSize = 14;
        cell.Style.Font.Bold = true;
        cell.Style.Fill.BackgroundColor = DeckStyle.Neutral;
    }

    private static void WriteOverview(IXLWorksheet sheet, Context context)
    {
        var model = context.Model;
        var results = model.Results;
        DeckStyle.Page(sheet, model.Title, 0);
        sheet.Cell(2, 1).SetText(Invariant($"{model.Status}{(model.Status.Length > 0 ? "; " : "")}generated {model.GeneratedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC"));
        sheet.Cell(3, 1).SetText(PrivacyLine(model)).Style.Font.FontColor = XLColor.Gray;
        var row = 4;
        Card(sheet, row, "Respondents", (s, r) => SafeText.SetNumber(s.Cell(r, 1), results.Respondents, DeckStyle.Count));
        row += 2;
        Card(sheet, row, "Overall response rate", (s, r) =>
        {
            if (results.OverallResponseRate is null) s.Cell(r, 1).SetText("no invitations recorded");
            else SafeText.SetNumber(s.Cell(r, 1), results.OverallResponseRate, DeckStyle.Percent);
        });
        row += 2;
        foreach (var q in results.Questions.Where(q => q.Nps is not null))
        {
            var nps = q.Nps!;
            Card(sheet, row, $"NPS — {context.Label(q.QuestionId)}", (s, r) =>
            {
                SafeText.SetNumber(s.Cell(r, 1), nps.Score, "0.0");
                s.Cell(r, 2).SetText(Invariant($"{nps.ConfidenceLevel:0%} CI"));
                SafeText.SetNumber(s.Cell(r, 3), nps.Lower, "0.0");
                s.Cell(r, 4).SetText("to");
                SafeText.SetNumber(s.Cell(r, 5), nps.Upper, "0.0");
                s.Cell(r, 6).SetText(Invariant($"n = {nps.N}"));
            });
            row += 2;
        }
        foreach (var scale in results.Scales)
        {
            Card(sheet, row, $"Cronbach's alpha — {scale.ScaleId} ({string.Join(", ", scale.Items)})", (s, r) =>
            {
                if (scale.Alpha is null) s.Cell(r, 1).SetText(scale.Note ?? "undefined");
                else SafeText.SetNumber(s.Cell(r, 1), scale.Alpha, "0.00");
                s.Cell(r, 2).SetText(Invariant($"{scale.CompleteRespondents} complete respondents"));
            });
            row += 2;
        }

        row++;
        sheet.Cell(row, 1).SetText("Response rate by department").Style.Font.Bold = true;
        var rates = results.ResponseRates.ToDictionary(r => r.Department, StringComparer.Ordinal);
        var rows = context.Departments().Select(d => rates.TryGetValue(d, out var rate)
            ? new object?[] { d, rate.Invited, rate.Responded, rate.Rate }
            : [d, null, model.Responses.Count(r => r.Department == d), null]).ToList();
        DeckTable.Write(sheet, row + 1, 1, "ResponseRates",
            [new("Department"), new("Invited", DeckStyle.Count), new("Responded", DeckStyle.Count), new("Response rate", DeckStyle.Percent)], rows, context.Tables);
        var first = row + 2;
        var last = row + 1 + Math.Max(1, rows.Count);
        sheet.Range(first, 4, last, 4).AddConditionalFormat().DataBar(DeckStyle.Primary).LowestValue().HighestValue();
        if (rows.Count > 0)
            context.Charts.Add(new ChartSpec(sheet.Name, ChartKind.ClusteredBar, "Response rate by department",
                NativeCharts.Ref(sheet.Name, 1, first, last),
                [new ChartSeries("Response rate", NativeCharts.Ref(sheet.Name, 4, first, last), DeckStyle.Palette[0])],
                FromColumn: 7, FromRow: 2, ToColumn: 15, ToRow: 20, ValueFormat: ChartPercent));
        DeckStyle.Widths(sheet, 40, 12, 12, 12, 12, 12);
    }

    private static void WriteQuestions(IXLWorksheet sheet, Context context)
    {
        var model = context.Model;
        DeckStyle.Page(sheet, "Questions: distributions, top-2-box, NPS, rankings", 0);
        var row = 3;
        var likert = model.Results.Questions.Where(q => q.Likert is not null).ToList();
        if (likert.Count > 0)
        {
            sheet.Cell(row, 1).SetText("Likert items: share of answers on the two highest points (top-2-box), plain and department-balanced").Style.Font.Bold = true;
            var rows = likert.Select(q => new object?[]
            {
                context.ShortLabel(q.QuestionId), q.Answered, q.Numeric?.Mean, q.Likert!.TopTwoBox, q.Likert.BalancedTopTwoBox, q.Likert.BottomTwoBox,
            }).ToList();
            DeckTable.Write(sheet, row + 1, 1, "LikertTopTwoBox",
                [new("Question"), new("Answered", DeckStyle.Count), new("Mean", "0.00"), new("Top-2-box", DeckStyle.Percent),
                    new("Balanced top-2-box", DeckStyle.Percent), new("Bottom-2-box", DeckStyle.Percent)], rows, context.Tables);
            var (first, last) = (row + 2, row + 1 + rows.Count);
            context.Charts.Add(new ChartSpec(sheet.Name, ChartKind.ClusteredBar, "Top-2-box by Likert item",
                NativeCharts.Ref(sheet.Name, 1, first, last),
                [
                    new ChartSeries("Top-2-box", NativeCharts.Ref(sheet.Name, 4, first, last), DeckStyle.Palette[0]),
                    new ChartSeries("Balanced top-2-box", NativeCharts.Ref(sheet.Name, 5, first, last), DeckStyle.Palette[2]),
                ], FromColumn: 7, FromRow: row, ToColumn: 15, ToRow: row + Math.Max(ChartRows, rows.Count + 4) - 1, ValueFormat: ChartPercent)); // a label per item
            row += Math.Max(rows.Count + 3, Math.Max(ChartRows, rows.Count + 4) + 1);
        }

        var nps = model.Results.Questions.Where(q => q.Nps is not null).ToList();
        if (nps.Count > 0)
        {
            sheet.Cell(row, 1).SetText("Net Promoter Score (promoters 9–10, passives 7–8, detractors 0–6)").Style.Font.Bold = true;
            var rows = nps.Select(q => new object?[]
            {
                context.ShortLabel(q.QuestionId), q.Nps!.N, q.Nps.Score, q.Nps.Lower, q.Nps.Upper, q.Nps.BalancedScore, q.Nps.PromoterShare, q.Nps.PassiveShare, q.Nps.DetractorShare,
            }).ToList();
            DeckTable.Write(sheet, row + 1, 1, "NetPromoterScore",
                [new("Question"), new("Answered", DeckStyle.Count), new("NPS", "0.0"), new("CI lower", "0.0"), new("CI upper", "0.0"),
                    new("Balanced NPS", "0.0"), new("Promoters", DeckStyle.Percent), new("Passives", DeckStyle.Percent), new("Detractors", DeckStyle.Percent)],
                rows, context.Tables);
            var (first, last) = (row + 2, row + 1 + rows.Count);
            context.Charts.Add(new ChartSpec(sheet.Name, ChartKind.ClusteredBar, "Promoters, passives and detractors",
                NativeCharts.Ref(sheet.Name, 1, first, last),
                [
                    new ChartSeries("Promoters", NativeCharts.Ref(sheet.Name, 7, first, last), "1AAB40"),
                    new ChartSeries("Passives", NativeCharts.Ref(sheet.Name, 8, first, last), "A19F9D"),
                    new ChartSeries("Detractors", NativeCharts.Ref(sheet.Name, 9, first, last), "D64550"),
                ], FromColumn: 10, FromRow: row, ToColumn: 18, ToRow: row + ChartRows - 1, ValueFormat: ChartPercent));
            row += Math.Max(rows.Count + 3, ChartRows + 1);
        }

        var questions = model.Questions.ToDictionary(q => q.Id);
        foreach (var result in model.Results.Questions)
            row = WriteQuestionBlock(sheet, row, context, questions[result.QuestionId], result);
        DeckStyle.Widths(sheet, 46, 12, 12, 12, 17, 14, 12, 12, 12);
    }

    /// <summary>One question: heading, summary line, its table and (for distributions, rankings, pairwise) a bar chart beside it.</summary>
    private static int WriteQuestionBlock(IXLWorksheet sheet, int row, Context context, SurveyQuestion question, QuestionResult result)
    {
        var heading = sheet.Cell(row, 1).SetText(context.Label(result.QuestionId));
        heading.Style.Font.Bold = true;
        heading.Style.Font.FontSize = 12;
        heading.Style.Font.FontColor = DeckStyle.Dark;
        sheet.Cell(row + 1, 1).SetText(Summary(question, result));
        var headerRow = row + 2;
        var tableName = $"Q_{result.QuestionId}";
        List<object?[]> rows;
        string chartTitle;
        ChartSeries[] series;
        string? axis = ChartPercent; // shares and weights; Borda points are points
        var (first, lastFor) = (headerRow + 1, (Func<int, int>)(n => headerRow + Math.Max(1, n)));
        switch (result.Kind)
        {
            case QuestionKind.Likert or QuestionKind.Nps or QuestionKind.SingleChoice or QuestionKind.MultipleChoice:
                rows = result.Distribution.Select(d => new object?[] { d.Category, d.Count, d.Share, d.BalancedShare }).ToList();
                DeckTable.Write(sheet, headerRow, 1, tableName,
                    [new(result.Kind is QuestionKind.Likert or QuestionKind.Nps ? "Scale point" : "Option"), new("Count", DeckStyle.Count),
                        new("Share", DeckStyle.Percent), new("Balanced share", DeckStyle.Percent)], rows, context.Tables);
                chartTitle = $"{context.ShortLabel(result.QuestionId)}: distribution";
                series =
                [
                    new ChartSeries("Share", NativeCharts.Ref(sheet.Name, 3, first, lastFor(rows.Count)), DeckStyle.Palette[0]),
                    new ChartSeries("Balanced share", NativeCharts.Ref(sheet.Name, 4, first, lastFor(rows.Count)), DeckStyle.Palette[2]),
                ];
                break;
            case QuestionKind.Ranking when result.Ranking is { } ranking:
                rows = ranking.Order.Select(id => ranking.Options.First(o => o.Option == id)).Select(o => new object?[]
                {
                    o.Option, o.BordaPoints, o.MeanBordaPoints, o.BalancedMeanBordaPoints, o.MeanRank, o.BalancedMeanRank, o.TimesRanked,
                }).ToList();
                DeckTable.Write(sheet, headerRow, 1, tableName,
                    [new("Option"), new("Borda points", "0.##"), new("Mean points", "0.00"), new("Balanced mean points", "0.00"),
                        new("Mean rank", "0.00"), new("Balanced mean rank", "0.00"), new("Times ranked", DeckStyle.Count)], rows, context.Tables);
                chartTitle = $"{context.ShortLabel(result.QuestionId)}: Borda points per ranking";
                axis = null;
                series =
                [
                    new ChartSeries("Mean points", NativeCharts.Ref(sheet.Name, 3, first, lastFor(rows.Count)), DeckStyle.Palette[0]),
                    new ChartSeries("Balanced mean points", NativeCharts.Ref(sheet.Name, 4, first, lastFor(rows.Count)), DeckStyle.Palette[2]),
                ];
                break;
            case QuestionKind.Pairwise when result.Pairwise is { } pairwise:
                rows = pairwise.Criteria.Select((c, j) => new object?[] { c, pairwise.Group?.Weights[j], pairwise.BalancedWeights?[j] }).ToList();
                DeckTable.Write(sheet, headerRow, 1, tableName,
                    [new("Criterion"), new("Group weight", DeckStyle.Weight), new("Balanced weight", DeckStyle.Weight)], rows, context.Tables);
                chartTitle = $"{context.ShortLabel(result.QuestionId)}: group AHP weights";
                series =
                [
                    new ChartSeries("Group weight", NativeCharts.Ref(sheet.Name, 2, first, lastFor(rows.Count)), DeckStyle.Palette[0]),
                    new ChartSeries("Balanced weight", NativeCharts.Ref(sheet.Name, 3, first, lastFor(rows.Count)), DeckStyle.Palette[2]),
                ];
                break;
            case QuestionKind.Number:
                var n = result.Numeric;
                rows =
                [
                    ["Answered", (double)result.Answered], ["Missing", (double)result.Missing], ["Mean", n?.Mean], ["Balanced mean", n?.BalancedMean],
                    ["Median", n?.Median], ["Standard deviation", n?.StandardDeviation], ["Minimum", n?.Minimum], ["Maximum", n?.Maximum],
                ];
                DeckTable.Write(sheet, headerRow, 1, tableName, [new("Statistic"), new("Value", "#,##0.##")], rows, context.Tables);
                return headerRow + rows.Count + 2;
            case QuestionKind.FreeText when !context.Model.IncludeFreeText:
                sheet.Cell(headerRow, 1).SetText(Invariant($"{result.Answered:N0} free-text answers: shown to committee and admin only."));
                return headerRow + 2;
            case QuestionKind.FreeText:
                var answers = context.Model.Responses
                    .Where(r => r.Answers.TryGetValue(result.QuestionId, out var a) && !string.IsNullOrEmpty(a.Text))
                    .Select(r => new object?[] { r.Answers[result.QuestionId].Text, r.Department }).ToList();
                var listed = answers.Take(MaxFreeTextListed).ToList();
                DeckTable.Write(sheet, headerRow, 1, tableName, [new("Answer"), new("Department")], listed, context.Tables);
                sheet.Range(headerRow + 1, 1, headerRow + Math.Max(1, listed.Count), 1).Style.Alignment.WrapText = true;
                var next = headerRow + Math.Max(1, listed.Count) + 1;
                if (answers.Count > listed.Count)
                    sheet.Cell(next++, 1).SetText(Invariant($"… {answers.Count - listed.Count:N0} more answers in the FactAnswer table."));
                return next + 1;
            default:
                sheet.Cell(headerRow, 1).SetText("No answers yet.");
                return headerRow + 2;
        }
        // A block is as tall as its table or a small chart (a label per row), so a 5-point scale does not take a page's third.
        var chartRows = Math.Max(BlockChartRows, rows.Count + 5);
        if (rows.Count > 0)
            context.Charts.Add(new ChartSpec(sheet.Name, ChartKind.ClusteredBar, chartTitle,
                NativeCharts.Ref(sheet.Name, 1, first, lastFor(rows.Count)), series,
                FromColumn: 8, FromRow: row, ToColumn: 16, ToRow: row + chartRows - 1, ValueFormat: axis));
        return row + Math.Max(rows.Count + 4, chartRows + 1);
    }

    private static string Summary(SurveyQuestion q, QuestionResult r)
    {
        var kind = q.Kind switch
        {
            QuestionKind.Likert => Invariant($"Likert 1–{q.ScalePoints}{(q.ReverseKeyed ? ", reverse-keyed (recoded)" : "")}"),
            QuestionKind.Nps => "NPS 0–10",
            QuestionKind.SingleChoice => "Single choice",
            QuestionKind.MultipleChoice => "Multiple choice (shares can sum to more than 100%)",
            QuestionKind.Ranking => "Ranking (best first)",
            QuestionKind.Pairwise => "Pairwise comparison (AHP)",
            QuestionKind.Number => "Number",
            _ => "Free text",
        };
        var parts = new List<string> { kind, Invariant($"answered {r.Answered}, missing {r.Missing}") };
        if (r.Numeric is { } n)
            parts.Add(Invariant($"mean {n.Mean:0.00} (balanced {n.BalancedMean:0.00}), median {n.Median:0.##}{(n.StandardDeviation is { } sd ? Invariant($", sd {sd:0.00}") : "")}"));
        if (r.Likert is { } l) parts.Add(Invariant($"top-2-box {l.TopTwoBox:0.0%} (balanced {l.BalancedTopTwoBox:0.0%})"));
        if (r.Nps is { } nps) parts.Add(Invariant($"NPS {nps.Score:0.0} ({nps.ConfidenceLevel:0%} CI {nps.Lower:0.0} to {nps.Upper:0.0})"));
        if (r.Ranking is { } k) parts.Add(Invariant($"{k.Rankings} rankings, {k.PartialRankings} partial"));
        if (r.Pairwise?.Group is { } g) parts.Add(Invariant($"group CR {g.ConsistencyRatio:0.000}"));
        if (q.CriterionId is { Length: > 0 } c) parts.Add($"rates criterion {c}");
        return string.Join("; ", parts);
    }

    private static void WriteDepartments(IXLWorksheet sheet, Context context)
    {
        var model = context.Model;
        DeckStyle.Page(sheet, "Departments: plain vs department-balanced figures, and each department's own", 3);
        // Likert items first: the chart compares their means (other kinds are on other scales).
        var numeric = model.Results.Questions.Where(q => q.Numeric is not null).OrderBy(q => q.Kind == QuestionKind.Likert ? 0 : 1).ToList();
        var likertCount = numeric.Count(q => q.Kind == QuestionKind.Likert);
        var rows = numeric.Select(q => new object?[]
        {
            context.ShortLabel(q.QuestionId), q.Kind.ToString(), q.Answered, q.Numeric!.Departments, q.Numeric.Mean, q.Numeric.BalancedMean,
            q.Likert?.TopTwoBox, q.Likert?.BalancedTopTwoBox, q.Nps?.Score, q.Nps?.BalancedScore,
        }).ToList();
        DeckTable.Write(sheet, 3, 1, "PlainVsBalanced",
            [new("Question"), new("Kind"), new("Answered", DeckStyle.Count), new("Departments", DeckStyle.Count), new("Mean", "0.00"),
                new("Balanced mean", "0.00"), new("Top-2-box", DeckStyle.Percent), new("Balanced top-2-box", DeckStyle.Percent),
                new("NPS", "0.0"), new("Balanced NPS", "0.0")], rows, context.Tables);
        if (likertCount > 0)
            context.Charts.Add(new ChartSpec(sheet.Name, ChartKind.ClusteredColumn, "Likert means: plain vs department-balanced",
                NativeCharts.Ref(sheet.Name, 1, 4, 3 + likertCount),
                [
                    new ChartSeries("Mean", NativeCharts.Ref(sheet.Name, 5, 4, 3 + likertCount), DeckStyle.Palette[0]),
                    new ChartSeries("Balanced mean", NativeCharts.Ref(sheet.Name, 6, 4, 3 + likertCount), DeckStyle.Palette[2]),
                ], FromColumn: 11, FromRow: 2, ToColumn: 19, ToRow: 2 + ChartRows));
        var row = 3 + Math.Max(rows.Count + 3, ChartRows + 2);
        sheet.Cell(row, 1).SetText("Each department's own figures (colour: low to high within each question)").Style.Font.Bold = true;
        var breakdown = numeric.SelectMany(q => q.Departments.Select(d => new object?[] { context.ShortLabel(q.QuestionId), d.Department, d.Answered, d.Mean, d.TopTwoBox, d.NpsScore })).ToList();
        DeckTable.Write(sheet, row + 1, 1, "DepartmentBreakdown",
            [new("Question"), new("Department"), new("Answered", DeckStyle.Count), new("Mean", "0.00"), new("Top-2-box", DeckStyle.Percent), new("NPS", "0.0")],
            breakdown, context.Tables);
        // One colour scale per question: questions differ in scale (1–5, 0–10, amounts).
        var first = row + 2;
        foreach (var q in numeric.Where(q => q.Departments.Count > 0))
        {
            sheet.Range(first, 4, first + q.Departments.Count - 1, 4).AddConditionalFormat().ColorScale()
                .LowestValue(DeckStyle.Bad).Midpoint(XLCFContentType.Percentile, 50, XLColor.FromHtml("#FFEB84")).HighestValue(DeckStyle.Good);
            first += q.Departments.Count;
        }
        DeckStyle.Widths(sheet, 40, 24, 11, 12, 10, 14, 11, 16, 9, 13);
    }

    private static void WriteWeights(IXLWorksheet sheet, Context context)
    {
        var model = context.Model;
        DeckStyle.Page(sheet, "Derived weights: headline, plain and department-balanced, per department", 0);
        var row = 3;
        if (model.Weights.Count == 0)
            sheet.Cell(row++, 1).SetText("No weights were derived from this survey.");
        foreach (var note in model.WeightNotes) sheet.Cell(row++, 1).SetText(note);
        if (model.Weights.Count == 0 && model.WeightNotes.Count > 0) row++;
        foreach (var w in model.Weights)
        {
            var method = w.Method == WeightDerivationMethod.ImportanceRatings ? "Importance ratings" : "Pairwise judgements (group AHP)";
            var heading = sheet.Cell(row, 1).SetText(Invariant(
                $"{method}: headline weights are {(w.IsDepartmentBalanced ? "department-balanced" : "plain")}{(w.GroupConsistencyRatio is { } cr ? Invariant($"; group CR {cr:0.000}") : "")}; {w.UsedRespondents.Count} respondents used, {w.ExcludedRespondents.Count} excluded"));
            heading.Style.Font.Bold = true;
            heading.Style.Font.FontColor = DeckStyle.Dark;
            var key = w.Method == WeightDerivationMethod.ImportanceRatings ? "Importance" : "Pairwise";
            // Heaviest first, here and in the per-department table: the bars read as a ranking (ties by criterion id).
            var order = Enumerable.Range(0, w.CriterionIds.Count)
                .OrderByDescending(j => w.Weights[j]).ThenBy(j => w.CriterionIds[j], StringComparer.Ordinal).ToList();
            var rows = order.Select(j => new object?[]
            {
                w.CriterionIds[j], w.Weights[j], w.PlainWeights[j], w.BalancedWeights[j], w.MeanImportance.Count > j ? w.MeanImportance[j] : null,
            }).ToList();
            DeckTable.Write(sheet, row + 1, 1, $"Weights{key}",
                [new("Criterion"), new("Weight", DeckStyle.Weight), new("Plain", DeckStyle.Weight), new("Balanced", DeckStyle.Weight), new("Mean importance", "0.00")],
                rows, context.Tables);
            var (first, last) = (row + 2, row + 1 + Math.Max(1, rows.Count));
            sheet.Range(first, 2, last, 2).AddConditionalFormat().DataBar(DeckStyle.Accent).LowestValue().HighestValue();
            // Bars from 0% beside the table, heaviest on top, a label per criterion (not a radar, whose spokes are unreadable past a few).
            if (rows.Count > 0)
                context.Charts.Add(new ChartSpec(sheet.Name, ChartKind.ClusteredBar, $"{method}: plain vs department-balanced weight",
                    NativeCharts.Ref(sheet.Name, 1, first, last),
                    [
                        new ChartSeries("Plain", NativeCharts.Ref(sheet.Name, 3, first, last), DeckStyle.Palette[0]),
                        new ChartSeries("Balanced", NativeCharts.Ref(sheet.Name, 4, first, last), DeckStyle.Palette[2]),
                    ], FromColumn: 7, FromRow: row, ToColumn: 15, ToRow: last + 1, ValueFormat: ChartPercent));
            row = last + 2;

            sheet.Cell(row, 1).SetText("Per department (each department's own weights)").Style.Font.Bold = true;
            var departments = w.Departments;
            var byDept = order.Select(j => new object?[] { w.CriterionIds[j] }.Concat(departments.Select(d => (object?)d.Weights[j])).ToArray()).ToList();
            DeckTable.Write(sheet, row + 1, 1, $"WeightsByDepartment{key}",
                [new("Criterion"), .. departments.Select(d => new DeckColumn(Invariant($"{d.Department} (n={d.Respondents})"), DeckStyle.Weight))],
                byDept, context.Tables);
            var (dFirst, dLast) = (row + 2, row + 1 + Math.Max(1, byDept.Count));
            // Each department's weights as a heat map (low to high over the whole table): where a department differs stands out.
            if (byDept.Count > 0 && departments.Count > 0)
                sheet.Range(dFirst, 2, dLast, 1 + departments.Count).AddConditionalFormat().ColorScale()
                    .LowestValue(XLColor.White).HighestValue(DeckStyle.Primary);
            row = dLast + 2;

            if (w.ExcludedRespondents.Count > 0)
            {
                sheet.Cell(row, 1).SetText("Respondents left out, and why").Style.Font.Bold = true;
                var excluded = w.ExcludedRespondents.Select(e => new object?[] { e.RespondentId, e.Department, e.Reason }).ToList();
                DeckTable.Write(sheet, row + 1, 1, $"Excluded{key}", [new("Respondent"), new("Department"), new("Reason")], excluded, context.Tables);
                row += excluded.Count + 3;
            }
        }

        var ahp = model.Results.Questions.Where(q => q.Pairwise is { Respondents.Count: > 0 }).ToList();
        foreach (var q in ahp)
        {
            sheet.Cell(row, 1).SetText(Invariant($"AHP consistency per respondent — {context.Label(q.QuestionId)} (inconsistent: CR above the survey's maximum)")).Style.Font.Bold = true;
            var rows = q.Pairwise!.Respondents.Select(r => new object?[] { r.RespondentId, r.Department, r.ConsistencyRatio, r.IsInconsistent, r.UsedInGroup }).ToList();
            DeckTable.Write(sheet, row + 1, 1, $"AhpConsistency_{q.QuestionId}",
                [new("Respondent"), new("Department"), new("CR", "0.000"), new("Inconsistent"), new("Used in group")], rows, context.Tables);
            for (var i = 0; i < rows.Count; i++)
                if (q.Pairwise.Respondents[i].IsInconsistent)
                    sheet.Range(row + 2 + i, 3, row + 2 + i, 4).Style.Font.SetFontColor(DeckStyle.Bad).Font.SetBold(true);
            row += rows.Count + 3;
        }
        DeckStyle.Widths(sheet, 28, 20, 12, 12, 14, 14, 14);
    }

    private static void WriteMethodology(IXLWorksheet sheet, SurveyWorkbookModel model)
    {
        DeckStyle.Page(sheet, "Methodology: how every number was made", 0);
        var lines = new List<string>
        {
            "Each respondent counts once: when someone answered again, only their latest response is used.",
            "Shares are of the people who answered the question; people who skipped it are counted as missing, never as a scale point.",
            "Top-2-box: the share of answers on the two highest points of a Likert scale (4–5 of 5, 6–7 of 7). Reverse-keyed items are recoded first, so a high score always means agreement with the positive wording.",
            "Net Promoter Score: the share of promoters (9–10) minus the share of detractors (0–6), times 100, so it runs from −100 to 100. The interval shows how far it could move by chance with this many answers.",
            "Department-balanced: every department that answered counts the same, however many people it has — the average of the department figures. Plain: every respondent counts the same.",
            "Rankings: an option ranked first of n gets n − 1 points, second n − 2, and so on (Borda); options a person left unranked share the remaining points.",
            "Pairwise comparisons: each person's judgements give their own weights (AHP); a consistency ratio (CR) above the maximum marks answers that contradict themselves, which are flagged and by default left out.",
            "Cronbach's alpha: how consistently the items of one scale measure the same thing (0.7 or more is usually taken as acceptable); only people who answered every item are used.",
            "Derived weights: importance ratings averaged per criterion and scaled to sum to 100%, or the group AHP weights of the pairwise question.",
            "Conventions applied (from the analytics):",
        };
        lines.InsertRange(0,
        [
            "Privacy: " + PrivacyLine(model),
            "Respondent ids are personal data. Pseudonyms number the respondents R001, R002, … in the order they first answered (a revision keeps its number), the same on every sheet and in every export of this survey; only committee and admin keys may ask for the real ids. Free-text answers are shown to committee and admin keys only; viewers and evaluators see how many there are. A department with very few respondents can still narrow down who answered: share the file accordingly.",
        ]);
        lines.AddRange(model.Results.Decisions.Select(d => "  • " + d));
        foreach (var w in model.Weights) lines.AddRange(w.Decisions.Select(d => "  • " + d));
        DeckStyle.Prose(sheet, 3, lines);
    }

    /// <summary>
    /// The star schema: FactAnswer (one row per answer, choice or judgement; split over several sheets past
    /// the row limit), DimQuestion, DimRespondent, DimDepartment.
    /// </summary>
    private static IEnumerable<StreamedRows> WriteDataModel(XLWorkbook workbook, ISet<string> names, Context context, int rowsPerSheet)
    {
        var model = context.Model;
        var questions = model.Questions.ToDictionary(q => q.Id);
        var facts = model.Responses.SelectMany(r => r.Answers.Where(a => questions.ContainsKey(a.Key))
            .Where(a => model.IncludeFreeText || questions[a.Key].Kind != QuestionKind.FreeText)
            .SelectMany(a => FactRows(r.RespondentId, questions[a.Key], a.Value))).ToList();
        string[] header = ["RespondentId", "QuestionId", "Option", "Value", "Scored", "Text"];
        var perSheet = rowsPerSheet - 1;
        var sheets = Math.Max(1, (facts.Count + perSheet - 1) / perSheet);
        var streamed = new List<StreamedRows>();
        for (var k = 0; k < sheets; k++)
        {
            var chunk = facts.Skip(k * perSheet).Take(perSheet).ToList();
            var fact = workbook.AddWorksheet(SafeText.SheetName(k == 0 ? "FactAnswer" : $"FactAnswer {k + 1}", names));
            DeckStyle.Header(fact, 1, header);
            // The first row through ClosedXML (it sets each column's style); the rest are streamed.
            // Every cell of that row gets an explicit format, so each column has its own style to lend.
            if (chunk.Count > 0)
                for (var c = 0; c < header.Length; c++)
                {
                    var cell = fact.Cell(2, c + 1);
                    DeckTable.Set(cell, chunk[0][c], FactFormats[c]);
                    cell.Style.NumberFormat.Format = FactFormats[c];
                }
            DeckStyle.Table(fact.Range(1, 1, 1 + Math.Max(1, chunk.Count), header.Length), DeckTable.UniqueName("FactAnswer", context.Tables));
            fact.SheetView.FreezeRows(1);
            DeckStyle.Widths(fact, 22, 16, 24, 10, 10, 60);
            if (chunk.Count > 1) streamed.Add(new StreamedRows(fact.Name, chunk.Count - 1, chunk.Skip(1)));
        }

        var dimQuestion = workbook.AddWorksheet(SafeText.SheetName("DimQuestion", names));
        var results = model.Results.Questions.ToDictionary(q => q.QuestionId);
        DeckTable.Write(dimQuestion, 1, 1, "DimQuestion",
            [new("QuestionId"), new("Kind"), new("Text"), new("ScalePoints"), new("ReverseKeyed"), new("CriterionId"), new("Options"), new("Answered", DeckStyle.Count), new("Missing", DeckStyle.Count)],
            model.Questions.Select(q => new object?[]
            {
                q.Id, q.Kind.ToString(), model.QuestionTexts.GetValueOrDefault(q.Id, ""), q.Kind == QuestionKind.Likert ? q.ScalePoints : null,
                q.Kind == QuestionKind.Likert ? q.ReverseKeyed : null, q.CriterionId ?? "", string.Join("; ", q.Options),
                results.GetValueOrDefault(q.Id)?.Answered, results.GetValueOrDefault(q.Id)?.Missing,
            }).ToList(), context.Tables);
        dimQuestion.SheetView.FreezeRows(1);
        DeckStyle.Widths(dimQuestion, 16, 14, 60, 12, 13, 16, 40, 10, 10);

        var dimRespondent = workbook.AddWorksheet(SafeText.SheetName("DimRespondent", names));
        DeckTable.Write(dimRespondent, 1, 1, "DimRespondent", [new("RespondentId"), new("Department")],
            model.Responses.Select(r => new object?[] { r.RespondentId, r.Department }).ToList(), context.Tables);
        dimRespondent.SheetView.FreezeRows(1);
        DeckStyle.Widths(dimRespondent, 24, 24);

        var dimDepartment = workbook.AddWorksheet(SafeText.SheetName("DimDepartment", names));
        var invited = model.Audience.ToDictionary(a => a.Department, a => a.Invited, StringComparer.Ordinal);
        DeckTable.Write(dimDepartment, 1, 1, "DimDepartment", [new("Department"), new("Invited", DeckStyle.Count), new("Responded", DeckStyle.Count)],
            context.Departments().Select(d => new object?[]
            {
                d, invited.TryGetValue(d, out var n) ? n : null, model.Responses.Count(r => r.Department == d),
            }).ToList(), context.Tables);
        dimDepartment.SheetView.FreezeRows(1);
        DeckStyle.Widths(dimDepartment, 24, 10, 12);
        return streamed;
    }

    private static string PrivacyLine(SurveyWorkbookModel model) =>
        (model.RespondentIds == RespondentIdentity.Identified ? "Respondents are identified by their real ids" : "Respondents are pseudonymised (R001, R002, …)")
        + (model.IncludeFreeText ? "; free-text answers are included." : "; free-text answers are left out (committee and admin only).");

    private static readonly string[] FactFormats = ["@", "@", "@", "0.####", "0.####", "@"];

    /// <summary>RespondentId, QuestionId, Option, Value (as answered), Scored (reverse-keyed recoded), Text.</summary>
    private static IEnumerable<object?[]> FactRows(string respondent, SurveyQuestion q, SurveyAnswer a)
    {
        switch (q.Kind)
        {
            case QuestionKind.Likert or QuestionKind.Nps or QuestionKind.Number when a.Value is { } v:
                var scored = q.Kind == QuestionKind.Likert && q.ReverseKeyed ? q.ScalePoints + 1 - v : v;
                yield return [respondent, q.Id, null, v, scored, null];
                break;
            case QuestionKind.SingleChoice or QuestionKind.MultipleChoice:
                foreach (var choice in a.Choices) yield return [respondent, q.Id, choice, 1.0, null, null];
                break;
            case QuestionKind.Ranking:
                for (var i = 0; i < a.Choices.Count; i++) yield return [respondent, q.Id, a.Choices[i], (double)(i + 1), null, null];
                break;
            case QuestionKind.Pairwise:
                var k = 0;
                for (var i = 0; i < q.Options.Count; i++)
                    for (var j = i + 1; j < q.Options.Count && k < a.Judgements.Count; j++, k++)
                        yield return [respondent, q.Id, $"{q.Options[i]} vs {q.Options[j]}", a.Judgements[k], null, null];
                break;
            case QuestionKind.FreeText:
                yield return [respondent, q.Id, null, null, null, SafeText.Fit(a.Text)];
                break;
        }
    }
}
