using ClosedXML.Excel;
using CoeInsights.Exports.Kpis;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;

namespace CoeInsights.Exports.Tests;

public sealed class KpiDeckTests
{
    private static MemoryStream Written(KpiDeckModel model)
    {
        var stream = new MemoryStream();
        KpiDeck.Write(model, stream);
        stream.Position = 0;
        return stream;
    }

    [Fact]
    public void PassesOpenXmlValidatorGivenSampleKpis()
    {
        using var stream = Written(SampleKpis.Build());
        using var document = SpreadsheetDocument.Open(stream, false);

        var errors = new OpenXmlValidator(FileFormatVersions.Office2016).Validate(document)
            .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();

        Assert.True(errors.Count == 0, string.Join('\n', errors.Take(20)));
    }

    [Fact]
    public void KeepsEveryFactAndAGaplessDateTableGivenMissingDay()
    {
        var model = SampleKpis.Build();
        using var workbook = new XLWorkbook(Written(model));

        var fact = workbook.Worksheet("FactKpi").Table("FactKpi");
        Assert.Equal(model.Observations.Count, fact.DataRange.RowCount());
        Assert.Equal(model.Observations.Sum(o => o.Value), fact.DataRange.Rows().Sum(r => r.Cell(4).GetDouble()), 6);
        var dates = workbook.Worksheet("DimDate").Table("DimDate").DataRange.Rows().Select(r => r.Cell(1).GetDateTime()).ToList();
        Assert.Equal(120, dates.Count);
        Assert.All(dates.Zip(dates.Skip(1)), pair => Assert.Equal(1, (pair.Second - pair.First).TotalDays));
    }

    [Fact]
    public void LeavesRoiCellsBlankGivenNetworkWithoutSpend()
    {
        // A network with engagements but no spend recorded: spend, revenue and ROI are missing, not 0 (docs/kpis.md).
        var sample = SampleKpis.Build();
        var model = sample with { NetworkRoi = [.. sample.NetworkRoi, new DeckNetworkRoi("TikTok", 1, null, null, 500, null, null, 3)] };
        using var workbook = new XLWorkbook(Written(model));

        var row = workbook.Worksheet("ROI by network").Table("NetworkRoi").DataRange.Rows().Single(r => r.Cell(1).GetString() == "TikTok");

        Assert.True(row.Cell(3).IsEmpty());
        Assert.True(row.Cell(4).IsEmpty());
        Assert.Equal(500, row.Cell(5).GetDouble());
        Assert.True(row.Cell(6).IsEmpty());
        Assert.True(row.Cell(7).IsEmpty());
    }

    [Theory]
    [InlineData("  <p&x> \"q\" 'a'  ")]
    [InlineData("tab\there\r\nnext line")]
    [InlineData("=HYPERLINK(\"http://x\")")]
    [InlineData("emoji 😀 and ünïcödé")]
    public void KeepsStreamedTextExactGivenMarkupAndWhitespace(string text)
    {
        var sample = SampleKpis.Build();
        // Row 3 of FactKpi is a streamed row (row 2 is written by ClosedXML).
        var model = sample with { Observations = sample.Observations.Select((o, i) => i == 1 ? o with { ProfileId = text } : o).ToList() };
        using var stream = Written(model);
        using (var document = SpreadsheetDocument.Open(stream, false))
            Assert.Empty(new OpenXmlValidator(FileFormatVersions.Office2016).Validate(document));
        stream.Position = 0;
        using var workbook = new XLWorkbook(stream);

        var cell = workbook.Worksheet("FactKpi").Cell(3, 2);
        Assert.Equal(XLDataType.Text, cell.DataType);
        Assert.Equal(text.Replace("\r\n", "\n"), cell.GetString().Replace("\r\n", "\n"));
    }

    [Fact]
    public void ReplacesControlCharactersGivenStreamedText()
    {
        // XML cannot carry U+0000–U+001F (but tab and newlines), U+FFFE, U+FFFF or a lone surrogate: SafeText makes each
        // U+FFFD, as in every other cell; a literal "_x0041_" gets its underscore escaped so Excel does not read it back as "A".
        Assert.Equal("bell\uFFFD nul\uFFFD \uFFFD\uFFFD _x005F_x0041_", StreamedInlineText("bell\u0007 nul\u0000 \uFFFE\uD800 _x0041_"));
    }

    [Fact]
    public void WritesValidDeckWithCleanedLabelsGivenControlCharactersInHandleAndMetric()
    {
        const string bad = "\u0001\u0000\uFFFE\uFFFF\uDC00";
        var sample = SampleKpis.Build();
        var model = sample with
        {
            Title = $"Deck{bad}",
            Profiles = sample.Profiles.Select((p, i) => i == 0 ? p with { Handle = $"evil{bad}", BusinessUnit = $"unit{bad}" } : p).ToList(),
        };
        using var stream = Written(model);

        using (var document = SpreadsheetDocument.Open(stream, false))
        {
            Assert.Empty(new OpenXmlValidator(FileFormatVersions.Office2016).Validate(document));
            var seriesNames = document.WorkbookPart!.WorksheetParts.Where(w => w.DrawingsPart is not null)
                .SelectMany(w => w.DrawingsPart!.ChartParts).SelectMany(c => c.ChartSpace.Descendants<DocumentFormat.OpenXml.Drawing.Charts.SeriesText>())
                .Select(t => t.InnerText).ToList();
            Assert.Contains(seriesNames, n => n.EndsWith("evil\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD", StringComparison.Ordinal));
        }
        stream.Position = 0;
        using var workbook = new XLWorkbook(stream);
        Assert.Equal("Deck\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD", workbook.Worksheet("Dashboard").Cell(1, 1).GetString());
    }

    private static string StreamedInlineText(string profileId)
    {
        var sample = SampleKpis.Build();
        var model = sample with { Observations = sample.Observations.Select((o, i) => i == 1 ? o with { ProfileId = profileId } : o).ToList() };
        using var stream = Written(model);
        using var document = SpreadsheetDocument.Open(stream, false);

        Assert.Empty(new OpenXmlValidator(FileFormatVersions.Office2016).Validate(document));
        var fact = document.WorkbookPart!.WorksheetParts.Single(p => p.TableDefinitionParts.Any(t => t.Table.Name == "FactKpi"));
        return fact.Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.InlineString>().First().InnerText;
    }

    [Fact]
    public void LeavesMissingPeriodEmptyNotZeroGivenWeekWithoutData()
    {
        var model = SampleKpis.Build() is var m ? m with
        {
            Series = m.Series.Select(s => s.ProfileId == "p-li" && s.Metric == "impressions"
                ? s with { Values = s.Values.Select((v, i) => i == 3 ? null : v).ToList() } : s).ToList(),
        } : null!;
        using var workbook = new XLWorkbook(Written(model));

        var sheet = workbook.Worksheet("Trend impressions");
        var column = Enumerable.Range(2, 4).First(c => sheet.Cell(3, c).GetString() == "LinkedIn acme");
        Assert.True(sheet.Cell(4 + 3, column).IsEmpty());
        Assert.False(sheet.Cell(4 + 2, column).IsEmpty());
    }

    [Fact]
    public void ListsPlantedSpikeFirstWithItsDayGivenNegativeMentionSpike()
    {
        using var workbook = new XLWorkbook(Written(SampleKpis.Build()));

        var first = workbook.Worksheet("Anomalies").Table("Anomalies").DataRange.Rows().First();

        // Every metric is scored day by day, so the planted day itself leads the list, read as bad news (lower is better).
        Assert.Equal(SampleKpis.SpikeDate.ToDateTime(TimeOnly.MinValue), first.Cell(1).GetDateTime());
        Assert.EndsWith(SampleKpis.HostileHandle, first.Cell(2).GetString());
        Assert.Equal("negative_mentions", first.Cell(3).GetString());
        Assert.Equal("bad news", first.Cell(7).GetString());
    }

    [Fact]
    public void SaysCagrNeedsAYearGivenSeventeenWeeks()
    {
        using var workbook = new XLWorkbook(Written(SampleKpis.Build()));

        var rows = workbook.Worksheet("Trend statistics").Table("TrendStatistics").DataRange.Rows().ToList();

        // 17 whole weeks: no annualised CAGR, and the last change is filled (the partial last week is left out, not blanked).
        Assert.All(rows, r => Assert.Equal("< 1 year of data", r.Cell(9).GetString()));
        Assert.All(rows.Where(r => r.Cell(2).GetString() == "impressions"), r => Assert.Equal(XLDataType.Number, r.Cell(8).DataType));
    }

    [Fact]
    public void ComputesCardsFromOwnedProfilesGivenPreviousPeriod()
    {
        var model = SampleKpis.Build();

        var page = KpiReportPage.Build(model);

        var impressions = page.Cards.Single(c => c.Name == "Impressions");
        var owned = model.Observations.Where(o => o.Metric == "impressions" && o.ProfileId != "p-cx").Sum(o => o.Value);
        var before = model.History.Where(o => o.Metric == "impressions" && o.ProfileId != "p-cx").Sum(o => o.Value);
        Assert.Equal(owned, impressions.Value);
        Assert.Equal((owned - before) / before * 100, impressions.VsPrevious!.ChangePct!.Value, 9);
        Assert.False(impressions.VsPrevious.WithinNoise); // ~1,300 a day against ~850: far beyond the noise
        Assert.Null(impressions.VsLastYear!.Previous); // no data a year earlier
        // Followers is a level: the last day of each owned profile, summed (what the benchmark calls latest).
        Assert.Equal(2 * (5000 + 3 * 119), page.Cards.Single(c => c.Name == "Followers").Value);
        Assert.True(page.Cards.Single(c => c.Name == "Negative mentions").LowerIsBetter);
        Assert.Equal(3.4, page.Derived.Single(d => d.Name.StartsWith("Engagement rate", StringComparison.Ordinal)).Value!.Value, 1);
    }

    [Fact]
    public void DrawsLineChartsAndSparklinesFromTrendSheetsGivenTwoMetrics()
    {
        using var stream = Written(SampleKpis.Build());
        using var document = SpreadsheetDocument.Open(stream, false);

        var parts = document.WorkbookPart!.WorksheetParts.ToList();
        var lineCharts = parts.Where(p => p.DrawingsPart is not null).SelectMany(p => p.DrawingsPart!.ChartParts)
            .Count(c => c.ChartSpace.Descendants<DocumentFormat.OpenXml.Drawing.Charts.LineChart>().Any());
        var sparklines = parts.SelectMany(p => p.Worksheet.Descendants<DocumentFormat.OpenXml.Office2010.Excel.Sparkline>()).ToList();

        Assert.Equal(2 + 2, lineCharts); // one per trend sheet, and the report page's two owned-total charts
        Assert.Equal(6, sparklines.Count); // 3 profiles × 2 metrics, on the Profiles sheet (Excel only: the report page has native charts)
        Assert.All(sparklines, s => Assert.StartsWith("'Trend ", s.Formula!.Text));
    }

    [Fact]
    public void WritesHostileHandleAsTextGivenFormulaLikeHandle()
    {
        using var workbook = new XLWorkbook(Written(SampleKpis.Build()));

        var cells = workbook.Worksheets.SelectMany(w => w.CellsUsed()).ToList();
        Assert.DoesNotContain(cells, c => c.HasFormula);
        Assert.Contains(cells, c => c.GetString() == SampleKpis.HostileHandle && c.DataType == XLDataType.Text);
    }

}
