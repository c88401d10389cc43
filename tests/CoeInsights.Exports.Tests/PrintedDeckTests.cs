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

    /// <summary>The Likert chart as printed: the wording of every item and its axis in % (the table beside it shows %), not fractions.</summary>
    [Fact]
    public async Task PrintsEveryItemAndPercentAxisInTopTwoBoxChartGivenSurveyWorkbook()
    {
        var (pdf, _, pages) = decks.Survey;
        List<SpreadsheetProgram.PrintedWord> chart = [];
        for (var p = 1; p <= pages && chart.Count == 0; p++)
        {
            if (!(await SpreadsheetProgram.PageTextAsync(pdf, p)).Contains("Top-2-box by Likert item", StringComparison.Ordinal)) continue;
            var words = await SpreadsheetProgram.PageWordBoxesAsync(pdf, p);
            var edge = words.Where(w => w.Text == "Bottom-2-box").Min(w => w.XMax); // the table's last column
            chart = words.Where(w => w.XMin > edge).ToList();
        }

        // Each item by its wording (shortened at a word when long), the id only where there is no wording.
        var printed = string.Join(' ', chart.Select(w => w.Text));
        var likert = SampleSurvey.Questions.Where(q => q.Kind == CoeInsights.Analytics.Surveys.QuestionKind.Likert).Select(q => q.Id).ToList();
        Assert.All(likert, id => Assert.Contains(SampleSurvey.LikertChartLabels[id], printed));
        Assert.All(likert.Where(SampleSurvey.QuestionTexts.ContainsKey), id => Assert.DoesNotContain(chart, w => w.Text == id));
        var ticks = chart.Where(w => System.Text.RegularExpressions.Regex.IsMatch(w.Text, "^[0-9]+%$")).Select(w => w.Text).Distinct().ToList();
        Assert.Contains("0%", ticks);
        Assert.True(ticks.Count >= 3, string.Join(" ", ticks));
        Assert.DoesNotContain(chart, w => System.Text.RegularExpressions.Regex.IsMatch(w.Text, @"^0\.[0-9]+$"));
    }

    /// <summary>
    /// The Methodology page reads as prose: no printed word lies over another (a wrapped line in a one-line-high row
    /// prints over the rows below it), and every line ends inside the paper (A4 landscape, 842 pt wide).
    /// </summary>
    [Theory]
    [InlineData("vendor")]
    [InlineData("kpi")]
    [InlineData("survey")]
    public async Task PrintsMethodologyAsReadableLines(string deck)
    {
        var (pdf, _, pages) = deck switch { "vendor" => decks.Vendor, "kpi" => decks.Kpi, _ => decks.Survey };
        var page = 0;
        for (var p = pages; p >= 1 && page == 0; p--)
            if ((await SpreadsheetProgram.PageTextAsync(pdf, p)).Contains("Methodology: how every number was made", StringComparison.Ordinal)) page = p;
        Assert.True(page > 0, "no Methodology page");

        var words = (await SpreadsheetProgram.PageWordBoxesAsync(pdf, page)).Where(w => w.Text.Trim().Length > 0).ToList();
        Assert.True(words.Count > 100, $"{words.Count} words");
        Assert.All(words, w => Assert.True(w.XMax <= 842 - 10, $"'{w.Text}' runs off the paper at {w.XMax:0} pt"));
        for (var i = 0; i < words.Count; i++)
            for (var j = i + 1; j < words.Count; j++)
            {
                var (a, b) = (words[i], words[j]);
                // Boxes of consecutive lines touch (a box is a little taller than the line pitch); printed over means
                // sharing more than half the height on the same stretch of the line.
                var across = Math.Min(a.XMax, b.XMax) - Math.Max(a.XMin, b.XMin);
                var down = Math.Min(a.YMax, b.YMax) - Math.Max(a.YMin, b.YMin);
                Assert.False(across > 1 && down > 0.5 * Math.Min(a.YMax - a.YMin, b.YMax - b.YMin), $"'{a.Text}' and '{b.Text}' print over each other");
            }
        if (deck == "kpi") Assert.Contains("the data-model sheets are not printed.", string.Join(' ', words.Select(w => w.Text)));
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
