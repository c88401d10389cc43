using ClosedXML.Excel;
using CoeInsights.Exports.Evaluations;
using CoeInsights.Exports.Kpis;
using CoeInsights.Exports.Surveys;

namespace CoeInsights.Exports.Tests;

/// <summary>What Power BI / Power Pivot needs to load the data model as is: unique dimension keys, every fact key found in its dimension.</summary>
public sealed class DataModelTests
{
    private static XLWorkbook Open(Action<Stream> write)
    {
        var stream = new MemoryStream();
        write(stream);
        stream.Position = 0;
        return new XLWorkbook(stream);
    }

    private static List<string> Column(XLWorkbook workbook, string table, string column)
    {
        var t = workbook.Worksheets.SelectMany(w => w.Tables).Single(x => x.Name == table);
        var index = t.Fields.Single(f => f.Name == column).Index + 1;
        return t.DataRange.Rows().Select(r => r.Cell(index).GetFormattedString()).ToList();
    }

    private static void AssertRelationships(XLWorkbook workbook, (string Fact, string Key, string Dim)[] relationships)
    {
        foreach (var dim in relationships.Select(r => (r.Dim, r.Key)).Distinct())
        {
            var keys = Column(workbook, dim.Dim, dim.Key);
            Assert.True(keys.Count == keys.Distinct().Count(), $"{dim.Dim}.{dim.Key} has duplicate keys");
        }
        foreach (var (fact, key, dim) in relationships)
        {
            var known = Column(workbook, dim, key).ToHashSet();
            var missing = Column(workbook, fact, key).Where(k => !known.Contains(k)).Distinct().ToList();
            Assert.True(missing.Count == 0, $"{fact}.{key} not in {dim}: {string.Join(", ", missing.Take(5))}");
        }
    }

    [Fact]
    public void FindsEveryFactKeyInItsDimensionGivenVendorWorkbook()
    {
        var model = SampleEvaluation.Build();
        using var workbook = Open(s => EvaluationWorkbook.Write(model, s));

        AssertRelationships(workbook,
        [
            ("FactScore", "VendorId", "DimVendor"), ("FactScore", "CriterionId", "DimCriterion"), ("FactScore", "EvaluatorId", "DimEvaluator"),
            ("FactVendorResult", "VendorId", "DimVendor"), ("FactVendorFact", "VendorId", "DimVendor"), ("FactVendorFact", "CriterionId", "DimCriterion"),
        ]);
        Assert.Equal(model.VendorFacts.Count, Column(workbook, "FactVendorFact", "Value").Count); // every fact, not only the first cost
        var recommended = workbook.Worksheet("FactVendorResult").Table("FactVendorResult").DataRange.Rows().Where(r => r.Cell(8).GetBoolean()).ToList();
        Assert.Equal(model.Result.Recommendation.WinnerId, Assert.Single(recommended).Cell(2).GetString());
    }

    [Fact]
    public void FindsEveryFactKeyInItsDimensionGivenKpiDeck()
    {
        var model = SampleKpis.Build();
        using var workbook = Open(s => KpiDeck.Write(model, s));

        AssertRelationships(workbook, [("FactKpi", "Date", "DimDate"), ("FactKpi", "ProfileId", "DimProfile"), ("FactKpi", "Metric", "DimMetric")]);
        // Every metric recorded is a fact (not only the deck's trend metrics), and booleans are booleans.
        Assert.Equal(model.Observations.Select(o => o.Metric).Distinct().Order(), Column(workbook, "FactKpi", "Metric").Distinct().Order());
        var dates = workbook.Worksheet("DimDate").Table("DimDate");
        var first = dates.DataRange.FirstRow();
        Assert.Equal(["Date", "Year", "Quarter", "QuarterName", "Month", "MonthName", "MonthStart", "IsoYear", "IsoWeek", "WeekStart", "Weekday"], dates.Fields.Select(f => f.Name));
        Assert.Equal(new DateTime(2026, 6, 1), first.Cell(10).GetDateTime()); // 2026-06-01 is a Monday: its own week start
        Assert.Equal(XLDataType.Boolean, workbook.Worksheet("DimProfile").Table("DimProfile").DataRange.FirstRow().Cell(8).DataType);
    }

    [Fact]
    public void FindsEveryFactKeyInItsDimensionGivenSurveyWorkbook()
    {
        var model = SampleSurvey.Build();
        using var workbook = Open(s => SurveyWorkbook.Write(model, s));

        AssertRelationships(workbook,
        [
            ("FactAnswer", "RespondentId", "DimRespondent"), ("FactAnswer", "QuestionId", "DimQuestion"), ("DimRespondent", "Department", "DimDepartment"),
        ]);
        Assert.True(Column(workbook, "FactAnswer", "RespondentId").Count > model.Responses.Count); // the streamed rows are read too
        // Booleans are booleans in the data model (ReverseKeyed), not "yes"/"no" text.
        var dim = workbook.Worksheet("DimQuestion").Table("DimQuestion");
        var reverse = dim.Fields.Single(f => f.Name == "ReverseKeyed").Index + 1;
        Assert.Contains(dim.DataRange.Rows(), r => r.Cell(reverse).DataType == XLDataType.Boolean);
        Assert.DoesNotContain(dim.DataRange.Rows(), r => r.Cell(reverse).GetFormattedString() is "yes" or "no");
    }

    [Fact]
    public void SpellsEachValueOnceAcrossSheetsGivenVendorWorkbook()
    {
        var model = SampleEvaluation.Build();
        using var workbook = Open(s => EvaluationWorkbook.Write(model, s));

        // The direction a reader sees on the Weights sheet is the one the data model holds (not "benefit" vs "Benefit").
        var dimension = Column(workbook, "DimCriterion", "Direction").ToHashSet();
        var shown = workbook.Worksheet("Weights").Table("Weights").DataRange.Rows().Select(r => r.Cell(3).GetString()).ToHashSet();
        Assert.Equal(["Benefit", "Cost"], dimension.Order());
        Assert.Equal(dimension.Order(), shown.Order());
    }
}
