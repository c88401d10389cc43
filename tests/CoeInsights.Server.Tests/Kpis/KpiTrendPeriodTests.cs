using CoeInsights.Testing;
using CoeInsights.V1;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Kpis;

/// <summary>One series gives one CAGR and one last change in the API, the CLI and the deck: whole periods, annualised, unset when too short.</summary>
public sealed class KpiTrendPeriodTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly DateOnly Mon = new(2025, 1, 6); // a Monday

    private static Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    [Fact]
    public async Task LeavesCagrUnsetGivenFourDays()
    {
        var viewer = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync("trend-short", Role.Viewer)));
        // 100 → 200 in three days would compound to 2^(365.25/3) − 1 ≈ 10^36 a year.
        var points = new[] { 100.0, 120, 150, 200 }.Select((v, i) => new SeriesPoint { PeriodStart = D(Mon.AddDays(i)), Value = v });

        var report = await viewer.AnalyzeSeriesAsync(new AnalyzeSeriesRequest { Points = { points }, Granularity = Granularity.Day });

        Assert.False(report.HasCagr);
        Assert.Equal(4, report.Observed);
    }

    [Fact]
    public async Task AnnualisesCagrGivenAYearOfWeeks()
    {
        var viewer = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync("trend-year", Role.Viewer)));
        // 53 whole weeks of 7 days at 100 a day, then 200 a day: the weekly sums go 700 → 1,400 over 52 weeks.
        var points = Enumerable.Range(0, 53 * 7).Select(d => new SeriesPoint { PeriodStart = D(Mon.AddDays(d)), Value = d < 52 * 7 ? 100 : 200 });

        var report = await viewer.AnalyzeSeriesAsync(new AnalyzeSeriesRequest { Points = { points }, Granularity = Granularity.Week });

        Assert.Equal(Math.Pow(2, 52.1775 / 52) - 1, report.Cagr, 12);
    }

    [Fact]
    public async Task LeavesPartialFirstAndLastWeekOutGivenRangeCuttingBoth()
    {
        var viewer = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync("trend-edges", Role.Viewer)));
        // Thursday of one week to Tuesday eight weeks on: a 4-day first week and a 2-day last week around 7 whole ones.
        var from = Mon.AddDays(3);
        var points = Enumerable.Range(0, 7 * 7 + 6).Select(d => new SeriesPoint { PeriodStart = D(from.AddDays(d)), Value = 10 + d });

        var report = await viewer.AnalyzeSeriesAsync(new AnalyzeSeriesRequest { Points = { points }, Granularity = Granularity.Week });

        Assert.Equal(7, report.Slots);
        Assert.Equal(D(Mon.AddDays(7)), report.Points[0].PeriodStart);
        Assert.True(report.HasLastPeriodOverPeriodPct); // the last whole week against the one before, not a 2-day stub
        Assert.True(report.LastPeriodOverPeriodPct is > 0 and < 20);
    }
}
