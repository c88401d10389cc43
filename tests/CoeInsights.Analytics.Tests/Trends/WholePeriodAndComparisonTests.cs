using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

public class WholePeriodAndComparisonTests
{
    private static readonly DateOnly Mon = new(2025, 1, 6);

    [Fact]
    public void LeavesCagrUndefinedWithReasonGivenLessThanAYear()
    {
        double?[] fourDays = [100, 120, 150, 200];

        Assert.Null(Growth.Cagr(fourDays, periodsPerYear: 365.25));
        Assert.Contains("less than a year", Growth.CagrUndefinedReason(fourDays, 365.25));
        // Unannualised, the per-slot rate is still defined: (200/100)^(1/3) − 1.
        Assert.Equal(Math.Pow(2, 1.0 / 3) - 1, Growth.Cagr(fourDays)!.Value, 12);
        var report = TrendAnalysis.Analyze(fourDays, new TrendOptions(PeriodsPerYear: 365.25));
        Assert.Null(report.Cagr);
        Assert.Contains("less than a year", report.CagrUndefinedReason);
    }

    [Fact]
    public void AnnualisesGivenFourQuartersAndTwelveMonths()
    {
        // A year of quarters, first to last counted: 100 → 133.1 over 3 quarter steps is (1.331)^(4/3) − 1 a year.
        Assert.Equal(Math.Pow(1.331, 4.0 / 3) - 1, Growth.Cagr([100, 110, 121, 133.1], 4)!.Value, 12);
        Assert.Null(Growth.Cagr([100, 110, 121], 4));
        Assert.NotNull(Growth.Cagr(Enumerable.Range(0, 12).Select(i => (double?)(100 + i)).ToArray(), 12));
        Assert.Null(Growth.Cagr(Enumerable.Range(0, 11).Select(i => (double?)(100 + i)).ToArray(), 12));
    }

    [Fact]
    public void DropsPartialFirstAndLastWeekGivenRangeCuttingBoth()
    {
        // Thursday to the Tuesday two weeks on: 4 days, 7 days, 2 days.
        var days = Enumerable.Range(0, 13).Select(i => new DatedValue(Mon.AddDays(3 + i), 1)).ToList();
        var weekly = SeriesAggregator.Aggregate(days, new AggregationOptions(Granularity.Week, AggregationMethod.Sum));

        var whole = SeriesAggregator.WholePeriods(weekly);

        Assert.Equal([4.0, 7.0, 2.0], weekly.Values.Select(v => v!.Value));
        Assert.Equal([Mon.AddDays(7)], whole.PeriodStarts);
        Assert.Equal([7.0], whole.Values.Select(v => v!.Value));
        Assert.Equal([7], whole.ObservationCounts);
    }

    [Fact]
    public void KeepsInteriorGapGivenMissingDayInsideSeries()
    {
        var days = Enumerable.Range(0, 21).Where(i => i != 9).Select(i => new DatedValue(Mon.AddDays(i), 1)).ToList();

        var whole = SeriesAggregator.WholePeriods(SeriesAggregator.Aggregate(days, new AggregationOptions(Granularity.Week, AggregationMethod.Sum)));

        Assert.Equal([7.0, 6.0, 7.0], whole.Values.Select(v => v!.Value));
    }

    [Fact]
    public void ReturnsWelchPValueGivenHandComputedExample()
    {
        // x = 1..5, y = 2,4,…,10: means 3 and 6, variances 2.5 and 10, t = −3/√2.5 = −1.8974, df = 6.25/1.0625 = 5.8824;
        // R: t.test(1:5, seq(2, 10, 2)) gives p-value = 0.1075.
        var p = PeriodComparison.WelchPValue([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);

        Assert.Equal(0.1075, p!.Value, 4);
    }

    [Fact]
    public void MarksChangeWithinNoiseGivenOverlappingDays()
    {
        var change = PeriodComparison.Compare(15, 30, [1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);

        Assert.Equal(-50, change.ChangePct!.Value, 12);
        Assert.True(change.WithinNoise);
        Assert.Null(PeriodComparison.Compare(15, null, [1, 2], []).WithinNoise);
        Assert.Null(PeriodComparison.Compare(15, 0, [1, 2], [0, 0]).ChangePct);
    }
}
