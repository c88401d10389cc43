using CoeInsights.Exports.Evaluations;
using CoeInsights.Exports.Kpis;
using CoeInsights.Exports.Surveys;

namespace CoeInsights.Exports.Tests;

/// <summary>Each sample deck converted to PDF by LibreOffice once for the whole run (a conversion takes seconds), shared by the print tests.</summary>
public sealed class PrintedDecks : IAsyncLifetime
{
    public EvaluationWorkbookModel Evaluation { get; } = SampleEvaluation.Build();
    public (string Pdf, string FirstPage, int Pages) Vendor { get; private set; }
    public (string Pdf, string FirstPage, int Pages) Kpi { get; private set; }
    public (string Pdf, string FirstPage, int Pages) Survey { get; private set; }

    public async Task InitializeAsync()
    {
        // One after the other: two cores, and each LibreOffice run is busy on one.
        Vendor = await Printed("vendor-workbook", s => EvaluationWorkbook.Write(Evaluation, s));
        Kpi = await Printed("kpi-deck", s => KpiDeck.Write(SampleKpis.Build(), s));
        Survey = await Printed("survey-workbook", s => SurveyWorkbook.Write(SampleSurvey.Build(), s));
    }

    private static async Task<(string, string, int)> Printed(string name, Action<Stream> write)
    {
        var pdf = await SpreadsheetProgram.RenderAsync(name, write);
        return (pdf, await SpreadsheetProgram.PageTextAsync(pdf, 1), await SpreadsheetProgram.PageCountAsync(pdf));
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>What a reader of the printed decks sees: the first page carries the message, and a deck prints in about a dozen pages.</summary>
[CollectionDefinition(Name)]
public sealed class PrintedDecksCollection : ICollectionFixture<PrintedDecks>
{
    public const string Name = "Printed decks";
}

[Collection(PrintedDecksCollection.Name)]
public sealed class PrintedDeckTests(PrintedDecks decks)
{
    [Fact]
    public void PrintsRecommendationWithVendorNameOnPageOneGivenVendorWorkbook()
    {
        var winner = decks.Evaluation.Vendors.Single(v => v.Id == decks.Evaluation.Result.Recommendation.WinnerId).Name;

        var lines = decks.Vendor.FirstPage.Split('\n').Select(l => l.Trim()).ToList();

        var at = lines.FindIndex(l => l.StartsWith("Recommended vendor", StringComparison.Ordinal));
        Assert.True(at >= 0, decks.Vendor.FirstPage);
        Assert.StartsWith(winner, lines.Skip(at + 1).First(l => l.Length > 0));
        Assert.Contains(decks.Evaluation.Title, decks.Vendor.FirstPage);
    }

    [Fact]
    public void PrintsSurveyTitleOnPageOneGivenSurveyWorkbook()
    {
        Assert.Contains(SampleSurvey.Build().Title, decks.Survey.FirstPage);
    }

    [Theory]
    [InlineData("vendor")]
    [InlineData("kpi")]
    [InlineData("survey")]
    public void PrintsAtMostTwelvePagesLeavingTheDataModelOut(string deck)
    {
        var (_, _, pages) = deck switch { "vendor" => decks.Vendor, "kpi" => decks.Kpi, _ => decks.Survey };

        Assert.InRange(pages, 1, 12);
    }
}
