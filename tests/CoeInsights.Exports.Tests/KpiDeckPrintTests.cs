using System.Globalization;
using CoeInsights.Exports.Kpis;

namespace CoeInsights.Exports.Tests;

/// <summary>What a reader of the printed KPI deck sees: page 1 is the report page, dated, with the cards and the planted spike.</summary>
[Collection(PrintedDecksCollection.Name)]
public sealed class KpiDeckPrintTests(PrintedDecks decks)
{
    private readonly (string Pdf, string FirstPage, int Pages) deck = decks.Kpi;

    [Fact]
    public void DatesTheReportingPeriodOnPageOne()
    {
        Assert.Contains("Reporting period 2026-06-01 to 2026-09-28 (120 days)", deck.FirstPage);
        Assert.Contains("previous 120 days (2026-02-01 to 2026-05-31)", deck.FirstPage);
    }

    [Fact]
    public void ShowsCardValuesAndChangesOnPageOne()
    {
        var page = KpiReportPage.Build(SampleKpis.Build());
        var impressions = page.Cards.Single(c => c.Name == "Impressions");

        Assert.Contains(impressions.Value!.Value.ToString("#,##0", CultureInfo.InvariantCulture), deck.FirstPage);
        Assert.Contains("▲ " + (impressions.VsPrevious!.ChangePct!.Value / 100).ToString("0.0%", CultureInfo.InvariantCulture), deck.FirstPage);
        Assert.Contains("vs last year", deck.FirstPage);
        Assert.Contains("Engagement rate", deck.FirstPage);
    }

    [Fact]
    public void ShowsPlantedSpikeWithDateAndProfileOnPageOne()
    {
        var line = deck.FirstPage.Split('\n').First(l => l.Contains(SampleKpis.SpikeDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) && l.Contains("Negative mentions"));

        Assert.Contains("Instagram", line);
        Assert.Contains("Watch: Negative mentions on Instagram", deck.FirstPage);
    }

    [Fact]
    public void KeepsOwnedAndCompetitorsApartOnPageOne()
    {
        Assert.Contains("Top owned profiles by engagements", deck.FirstPage);
        Assert.Contains("Competitors by engagements", deck.FirstPage);
        Assert.Contains("LinkedIn globex", deck.FirstPage);
    }

    /// <summary>
    /// The Trend statistics header as printed: every word of every column's wrapped header is on the page, above the first
    /// row of figures (a header row one line high keeps only the line LibreOffice centres, "Last change" lost its top line).
    /// </summary>
    [Fact]
    public async Task PrintsWholeWrappedHeadersOnTrendStatistics()
    {
        var page = 0;
        for (var p = 1; p <= deck.Pages && page == 0; p++)
            if ((await SpreadsheetProgram.PageTextAsync(deck.Pdf, p)).Contains("Trend statistics per profile and metric", StringComparison.Ordinal)) page = p;
        Assert.True(page > 0, "no Trend statistics page");
        var words = await SpreadsheetProgram.PageWordBoxesAsync(deck.Pdf, page);
        var firstFigures = words.Where(w => w.Text is "LinkedIn" or "Instagram").Min(w => w.YMin); // the first row of figures

        var header = words.Where(w => w.YMax <= firstFigures).Select(w => w.Text).ToList();

        foreach (var word in "Whole weeks observed OLS slope / week p-value Mann-Kendall Sen's Last change (week on week) CAGR per year".Split(' '))
            Assert.Contains(word, header);
    }
}
