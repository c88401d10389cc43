using CoeInsights.Analytics.Scoring;
using ClosedXML.Excel;
using CoeInsights.Exports.Evaluations;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;

namespace CoeInsights.Exports.Tests;

public sealed class EvaluationWorkbookTests
{
    private static MemoryStream Written(EvaluationWorkbookModel model)
    {
        var stream = new MemoryStream();
        EvaluationWorkbook.Write(model, stream);
        stream.Position = 0;
        return stream;
    }

    [Fact]
    public void PassesOpenXmlValidatorGivenSampleEvaluation()
    {
        using var stream = Written(SampleEvaluation.Build());
        using var document = SpreadsheetDocument.Open(stream, false);

        var errors = new OpenXmlValidator(FileFormatVersions.Office2016).Validate(document)
            .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();

        Assert.True(errors.Count == 0, string.Join('\n', errors.Take(20)));
    }

    [Fact]
    public void ShowsEntropyAndCriticWeightsBesideTheCommitteesGivenSampleEvaluation()
    {
        var model = SampleEvaluation.Build();
        using var workbook = new XLWorkbook(Written(model));
        var sheet = workbook.Worksheet("Weights");
        var table = sheet.Table("Weights");
        var entropy = table.Fields.Single(f => f.Name == "Entropy weight (data only)").Index + 1;
        var critic = table.Fields.Single(f => f.Name == "CRITIC weight (data only)").Index + 1;
        var rows = table.DataRange.Rows().ToList();

        // What a reader sees: a weight per criterion printed as the committee's weight beside it is (a percentage), summing to 100 %.
        Assert.Equal(model.Result.CriterionIds.Count, rows.Count);
        foreach (var column in new[] { entropy, critic })
        {
            Assert.All(rows, r => Assert.Equal(("0.0%", XLDataType.Number), (r.Cell(column).Style.NumberFormat.Format, r.Cell(column).DataType)));
            Assert.All(rows, r => Assert.Equal(r.Cell(4).Style.NumberFormat.Format, r.Cell(column).Style.NumberFormat.Format));
            Assert.Equal(1, rows.Sum(r => r.Cell(column).GetDouble()), 9);
        }
        var o = model.Result.ObjectiveWeights!;
        var names = model.Vendors.ToDictionary(v => v.Id, v => v.Name);
        var note = sheet.CellsUsed().Select(c => c.GetString()).Single(t => t.StartsWith("Weighted by the data alone", StringComparison.Ordinal));
        Assert.Contains(names[o.EntropyWinnerId!] + " (entropy)", note);
        Assert.Contains(names[o.CriticWinnerId!] + " (CRITIC)", note);
    }

    [Fact]
    public void SaysNoVendorIsRankedGivenEveryVendorRankedOut()
    {
        var model = SampleEvaluation.Build(analyticsMustHave: 6);
        Assert.Equal(model.Vendors.Count, model.Result.Excluded.Count);

        using var stream = Written(model);
        using (var document = SpreadsheetDocument.Open(stream, false))
        {
            var errors = new OpenXmlValidator(FileFormatVersions.Office2016).Validate(document)
                .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();
            Assert.True(errors.Count == 0, string.Join('\n', errors.Take(20)));
        }
        stream.Position = 0;
        using var workbook = new XLWorkbook(stream);

        Assert.Equal("none", workbook.Worksheet("Dashboard").Cell(5, 1).GetString());
        var ranking = workbook.Worksheet("Ranking");
        Assert.Contains(ranking.CellsUsed(), c => c.GetString() == EvaluationWorkbook.NoVendorRanked);
        var rankedOut = ranking.CellsUsed().Select(c => c.GetString()).ToList();
        Assert.All(model.Vendors, v => Assert.Contains(rankedOut, t => t.StartsWith(v.Name + ": ", StringComparison.Ordinal)));
        Assert.Contains("not applied", workbook.Worksheet("Dashboard").CellsUsed().Select(c => c.GetString()).Single(t => t.StartsWith("Weighted sum", StringComparison.Ordinal)));
    }

    [Fact]
    public void ShowsRecommendedVendorAndRankingGivenScoredEvaluation()
    {
        var model = SampleEvaluation.Build();
        using var workbook = new XLWorkbook(Written(model));

        var result = model.Result;
        var winnerName = model.Vendors.Single(v => v.Id == result.Recommendation.WinnerId).Name;
        Assert.Equal(winnerName, workbook.Worksheet("Dashboard").Cell(5, 1).GetString());
        var ranking = workbook.Worksheet("Ranking").Table("Ranking");
        Assert.Equal(model.Vendors.Count, ranking.DataRange.RowCount());
        var first = ranking.DataRange.FirstRow();
        Assert.Equal(1, first.Cell(1).GetValue<int>());
        Assert.Equal(result.Recommendation.WinnerId, first.Cell(7).GetString());
        var primary = result.Methods.First(m => m.Method == result.PrimaryMethod);
        var winnerIndex = result.VendorIds.ToList().IndexOf(result.Recommendation.WinnerId!);
        Assert.Equal(primary.Scores[winnerIndex] * 100, first.Cell(3).GetDouble(), 10); // shown on 0–100
        // The other method compared is ranked beside it, as the Methodology sheet says.
        var topsis = result.Methods.Single(m => m.Method == ScoringMethod.Topsis);
        Assert.Equal(topsis.Ranks[winnerIndex], first.Cell(8).GetValue<int>());
    }

    [Fact]
    public void NamesVendorsNotIdsGivenAuditTrailDetail()
    {
        var model = SampleEvaluation.Build() with
        {
            AuditTrail = [new AuditEntry(new DateTimeOffset(2026, 11, 3, 9, 0, 0, TimeSpan.Zero), "committee-1", "RecommendationProposed", "proposed v3")],
        };
        using var workbook = new XLWorkbook(Written(model));

        var detail = workbook.Worksheet("Audit trail").Table("AuditTrail").DataRange.FirstRow().Cell(4).GetString();
        Assert.Equal("proposed Contoso Listen", detail);
    }

    [Fact]
    public void NamesVendorsAndCriteriaNotIdsGivenCaveatsAndHeatMap()
    {
        var model = SampleEvaluation.Build();
        using var workbook = new XLWorkbook(Written(model));

        var heat = workbook.Worksheet("Heat map");
        var winner = model.Vendors.Single(v => v.Id == model.Result.Recommendation.WinnerId).Name;

        Assert.Equal("1. " + winner, heat.Cell(3, 4).GetString()); // vendors across, in rank order
        Assert.Equal("Approval workflows", heat.Cell(4, 1).GetString()); // criteria down, by name, not "publishing"
        var cost = Enumerable.Range(4, model.Result.CriterionIds.Count).Single(r => heat.Cell(r, 1).GetString() == "Annual licence cost");
        Assert.Equal("#,##0", heat.Cell(cost, 4).Style.NumberFormat.Format);
        Assert.Equal("Weighted sum of scores, each criterion scaled to its best vendor",
            workbook.Worksheet("Dashboard").Cell(5 + 7 * 2, 1).GetString());
    }

    [Fact]
    public void ReplacesIdsWithNamesGivenEngineCaveat()
    {
        var text = EvaluationWorkbook.Humanise("Weights for crisis-alerting decide the winner: flips it to beaconly (Wsm with Max normalisation).",
            new Dictionary<string, string> { ["beaconly"] = "Beaconly", ["beacon"] = "Beacon" },
            new Dictionary<string, string> { ["crisis-alerting"] = "Spike and crisis alerting" });

        Assert.Equal("Weights for Spike and crisis alerting decide the winner: flips it to Beaconly (weighted sum with best-vendor scaling).", text);
    }

    [Fact]
    public void ShowsBootstrapIntervalsOnTheHundredPointScaleGivenEngineCaveat()
    {
        var text = EvaluationWorkbook.Humanise("crestline and beaconly have overlapping 95% bootstrap intervals ([0.843, 0.8769] vs [0.8379, 0.8544]): crestline comes first in 94.5% of evaluator resamples.",
            new Dictionary<string, string> { ["crestline"] = "Crestline Social", ["beaconly"] = "Beaconly" }, new Dictionary<string, string>());

        Assert.Equal("Crestline Social and Beaconly have overlapping 95% bootstrap intervals of the 0–100 score ([84.3, 87.7] vs [83.8, 85.4]): Crestline Social comes first in 94.5% of evaluator resamples.", text);
    }

    [Fact]
    public void CarriesStarSchemaTablesGivenScores()
    {
        var model = SampleEvaluation.Build();
        using var workbook = new XLWorkbook(Written(model));

        var tables = workbook.Worksheets.SelectMany(w => w.Tables).Select(t => t.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "FactScore", "DimVendor", "DimCriterion", "DimEvaluator" }, tables);
        var fact = workbook.Worksheet("FactScore").Table("FactScore");
        Assert.Equal(model.Scores.Count, fact.DataRange.RowCount());
        Assert.Equal(model.Scores.Sum(s => s.Value), fact.DataRange.Rows().Sum(r => r.Cell(5).GetDouble()), 9);
        Assert.All(fact.DataRange.Rows(), r => Assert.Equal(model.EvaluationId, r.Cell(1).GetString()));
    }

    [Fact]
    public void WritesHostileTextsAsTextGivenFormulaLikeNames()
    {
        using var stream = Written(SampleEvaluation.Build());
        using var workbook = new XLWorkbook(stream);

        var cells = workbook.Worksheets.SelectMany(w => w.CellsUsed()).ToList();
        Assert.DoesNotContain(cells, c => c.HasFormula);
        Assert.Contains(cells, c => c.GetString() == SampleEvaluation.HostileVendor && c.DataType == XLDataType.Text);
        Assert.Contains(cells, c => c.GetString() == SampleEvaluation.HostileComment && c.DataType == XLDataType.Text);
        Assert.Contains(cells, c => c.GetString() == SampleEvaluation.HostileCriterion && c.DataType == XLDataType.Text);
        stream.Position = 0;
        using var document = SpreadsheetDocument.Open(stream, false);
        var formulas = document.WorkbookPart!.WorksheetParts.SelectMany(p => p.Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.CellFormula>());
        Assert.Empty(formulas);
    }

    [Fact]
    public void BindsNativeChartsToRankingRangeGivenDashboard()
    {
        using var stream = Written(SampleEvaluation.Build());
        using var document = SpreadsheetDocument.Open(stream, false);

        var chartFormulas = document.WorkbookPart!.WorksheetParts
            .Where(p => p.DrawingsPart is not null)
            .SelectMany(p => p.DrawingsPart!.ChartParts)
            .SelectMany(c => c.ChartSpace.Descendants<DocumentFormat.OpenXml.Drawing.Charts.Formula>())
            .Select(f => f.Text).ToList();

        Assert.Contains("'Ranking'!$C$4:$C$7", chartFormulas);
        Assert.Contains("'Weights'!$D$4:$D$7", chartFormulas);
    }
}
