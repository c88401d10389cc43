using ClosedXML.Excel;
using CoeInsights.Analytics.Scoring;
using CoeInsights.Exports.Evaluations;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;

namespace CoeInsights.Exports.Tests;

/// <summary>
/// The Decision views sheet (by department, by category, value for money) of a tiny evaluation worked out by hand.
/// Scale 1–5; weights: Ease of use .4 and Reporting .2 (Usability), Annual licence cost .4 (Cost).
/// Ease of use (Sales s1, s2; IT t1): Alpha 5, 5, 1; Bravo 3, 3, 5; Charlie 4, 2, 3. Reporting: 4, 4, 2 from everyone.
/// Annual cost: Alpha 10,000, Bravo 20,000, Charlie 10,000; implementation (one-off): Alpha 5,000, Bravo 0, Charlie 0.
/// Overall (means, best-vendor scaling): ease 11/3, 11/3, 3 → 1, 1, 9/11; reporting 1, 1, .5; cost 1, .5, 1.
/// Scores: Alpha .4 + .2 + .4 = 100; Bravo .4 + .2 + .2 = 80; Charlie .4·9/11 + .1 + .4 = 82.73.
/// Sales on the scale (min → 0, max → 1): ease 1, .5, .5; reporting .75, .75, .25 → Alpha 95, Bravo 55, Charlie 65: Alpha by 30.
/// IT: ease 0, 1, .5 → Alpha 55, Bravo 75, Charlie 65: Bravo by 10. Balanced: 75, 65, 65: Alpha by 10.
/// Usability: Alpha 100, Bravo 100, Charlie (.4·9/11 + .2·.5)/.6 = 71.21; Cost 100, 50, 100.
/// 3-year cost: Alpha 35,000, Bravo 60,000, Charlie 30,000: Alpha (best) and Charlie (cheapest) are on the Pareto set;
/// Bravo is dominated by Alpha (more benefit for less).
/// </summary>
public sealed class EvaluationViewsTests
{
    private static EvaluationWorkbookModel Model()
    {
        var vendors = new[] { new VendorInfo("a", "Alpha", 10_000), new VendorInfo("b", "Bravo", 20_000), new VendorInfo("c", "Charlie", 10_000) };
        var criteria = new[]
        {
            new CriterionInfo("ease", "Ease of use", "Usability", CriterionDirection.Benefit),
            new CriterionInfo("reporting", "Reporting", "Usability", CriterionDirection.Benefit),
            new CriterionInfo("annual_cost", "Annual licence cost", "Cost", CriterionDirection.Cost),
            new CriterionInfo("implementation_cost", "Implementation (one-off)", "Cost", CriterionDirection.Cost),
        };
        var evaluators = new[] { new EvaluatorInfo("s1", "Sam", "Sales"), new EvaluatorInfo("s2", "Sue", "Sales"), new EvaluatorInfo("t1", "Tim", "IT") };
        var ease = new Dictionary<string, double[]> { ["a"] = [5, 5, 1], ["b"] = [3, 3, 5], ["c"] = [4, 2, 3] };
        var scores = new List<ScoreEntry>();
        for (var e = 0; e < evaluators.Length; e++)
            foreach (var v in vendors)
            {
                scores.Add(new ScoreEntry(evaluators[e].Id, v.Id, "ease", ease[v.Id][e]));
                scores.Add(new ScoreEntry(evaluators[e].Id, v.Id, "reporting", v.Id == "c" ? 2 : 4));
            }
        var result = ScoringEngine.ScoreEvaluation(new EvaluationScoringRequest
        {
            Vendors = vendors.Select(v => new Vendor(v.Id, v.Name)).ToArray(),
            Criteria = [new Criterion("ease", Category: "Usability"), new Criterion("reporting", Category: "Usability"),
                new Criterion("annual_cost", CriterionDirection.Cost, "Cost", Source: CriterionSource.VendorFact)],
            EvaluatorIds = evaluators.Select(e => e.Id).ToArray(),
            Scale = new ScoreScale(1, 5),
            Scores = scores.Select(s => new EvaluatorScore(s.EvaluatorId, s.VendorId, s.CriterionId, s.Value)).ToArray(),
            Facts = vendors.Select(v => new VendorFact(v.Id, "annual_cost", v.AnnualCost!.Value)).ToArray(),
            Weights = [0.4, 0.2, 0.4],
        });
        return new EvaluationWorkbookModel
        {
            Title = "Views by hand",
            GeneratedAt = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero),
            ScaleMin = 1,
            ScaleMax = 5,
            Vendors = vendors,
            Criteria = criteria,
            Evaluators = evaluators,
            WeightsSource = "Direct",
            Scores = scores,
            VendorFacts = [.. vendors.Select(v => new VendorFactEntry(v.Id, "annual_cost", v.AnnualCost!.Value)), new VendorFactEntry("a", "implementation_cost", 5_000)],
            Result = result,
        };
    }

    private static MemoryStream Written()
    {
        var stream = new MemoryStream();
        EvaluationWorkbook.Write(Model(), stream);
        stream.Position = 0;
        return stream;
    }

    private static string[] Row(IXLWorksheet sheet, int row, int columns) =>
        Enumerable.Range(1, columns).Select(c => sheet.Cell(row, c) is var cell && cell.DataType == XLDataType.Number
            ? Math.Round(cell.GetDouble(), 2).ToString(System.Globalization.CultureInfo.InvariantCulture) : cell.GetString()).ToArray();

    /// <summary>The three views share one sheet (one printed page): the row of a section's table header, below its heading.</summary>
    private static int HeaderRow(IXLWorksheet sheet, string heading) =>
        sheet.Column(1).CellsUsed().Single(c => c.GetString() == heading).Address.RowNumber + 1;

    [Fact]
    public void ShowsEachDepartmentsWinnerAndTheBalancedResult()
    {
        using var workbook = new XLWorkbook(Written());
        var sheet = workbook.Worksheet(EvaluationWorkbook.DecisionViewsSheet);
        var h = HeaderRow(sheet, EvaluationWorkbook.ByDepartmentHeading);

        Assert.Equal(["Department", "Evaluators", "Winner", "Winner's score (0–100)", "Margin (points)", "Runner-up"], Row(sheet, h, 6));
        Assert.Equal(["IT", "1", "Bravo", "75", "10", "Charlie"], Row(sheet, h + 1, 6));
        Assert.Equal(["Sales", "2", "Alpha", "95", "30", "Charlie"], Row(sheet, h + 2, 6));
        Assert.Equal([EvaluationWorkbook.BalancedLabel, "3", "Alpha", "75", "10", "Bravo"], Row(sheet, h + 3, 6));
    }

    [Fact]
    public void ShowsScoresByCategoryInRankOrderWithAColourScale()
    {
        using var workbook = new XLWorkbook(Written());
        var sheet = workbook.Worksheet(EvaluationWorkbook.DecisionViewsSheet);
        var h = HeaderRow(sheet, EvaluationWorkbook.ByCategoryHeading);

        Assert.Equal(["Vendor (rank)", "Usability", "Cost"], Row(sheet, h, 3));
        Assert.Equal(["1. Alpha", "100", "100"], Row(sheet, h + 1, 3));
        Assert.Equal(["2. Charlie", "71.21", "100"], Row(sheet, h + 2, 3));
        Assert.Equal(["3. Bravo", "100", "50"], Row(sheet, h + 3, 3));
        Assert.Equal((.4 * 9 / 11 + .1) / .6 * 100, sheet.Cell(h + 2, 2).GetDouble(), 9);
        Assert.Equal("0.0", sheet.Cell(h + 2, 2).Style.NumberFormat.Format);
        Assert.Contains(sheet.ConditionalFormats, f => f.ConditionalFormatType == XLConditionalFormatType.ColorScale
            && f.Ranges.Any(r => r.RangeAddress.ToString() == $"B{h + 1}:C{h + 3}"));
    }

    [Fact]
    public void FlagsTheParetoSetAgainstThreeYearCostInCurrency()
    {
        using var workbook = new XLWorkbook(Written());
        var sheet = workbook.Worksheet(EvaluationWorkbook.DecisionViewsSheet);
        var h = HeaderRow(sheet, EvaluationWorkbook.ValueForMoneyHeading);

        Assert.Equal("3-year cost of ownership", sheet.Cell(h, 5).GetString());
        Assert.Equal(["Alpha", "100"], Row(sheet, h + 1, 2));
        Assert.Equal([35_000.0, 30_000, 60_000], Enumerable.Range(h + 1, 3).Select(r => sheet.Cell(r, 5).GetDouble()));
        Assert.Equal(["Yes", "Yes", "No: another gives as much for less"], Enumerable.Range(h + 1, 3).Select(r => sheet.Cell(r, 6).GetString()));
        Assert.Equal(["Alpha", "Charlie", "Bravo"], Enumerable.Range(h + 1, 3).Select(r => sheet.Cell(r, 1).GetString()));
        Assert.Equal(5_000, sheet.Cell(h + 1, 4).GetDouble());
        Assert.Contains(",", sheet.Cell(h + 1, 5).Style.NumberFormat.Format); // thousands separators
    }

    [Fact]
    public void PassesOpenXmlValidatorWithTheViewSheets()
    {
        using var stream = Written();
        using var document = SpreadsheetDocument.Open(stream, false);

        var errors = new OpenXmlValidator(FileFormatVersions.Office2016).Validate(document)
            .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();

        Assert.True(errors.Count == 0, string.Join('\n', errors.Take(20)));
        using (var workbook = new XLWorkbook(Written()))
        {
            var methodology = workbook.Worksheet("Methodology").CellsUsed().Select(c => c.GetString()).ToList();
            Assert.Contains(methodology, t => t.StartsWith("By department: ", StringComparison.Ordinal) && t.Contains("each department counting once"));
            Assert.Contains(methodology, t => t.StartsWith("By category: ", StringComparison.Ordinal));
            Assert.Contains(methodology, t => t.StartsWith("Value for money: ", StringComparison.Ordinal) && t.Contains("3 × annual cost + one-off costs"));
        }
        Assert.Contains(document.WorkbookPart!.WorksheetParts, p => p.DrawingsPart?.ChartParts.Any() == true
            && document.WorkbookPart.GetIdOfPart(p) == document.WorkbookPart.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>()
                .Single(s => s.Name == EvaluationWorkbook.DecisionViewsSheet).Id);
    }
}
