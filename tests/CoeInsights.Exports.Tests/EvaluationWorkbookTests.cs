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
        Assert.Equal(primary.Scores[winnerIndex], first.Cell(3).GetDouble(), 12);
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
        Assert.Equal(model.Scores.Sum(s => s.Value), fact.DataRange.Rows().Sum(r => r.Cell(4).GetDouble()), 9);
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
