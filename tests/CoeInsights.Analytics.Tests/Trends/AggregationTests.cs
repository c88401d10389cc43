using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

public class AggregationTests
{
    private static DatedValue D(string date, double? value) => new(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), value);

    [Fact]
    public void ReturnsIsoWeekSumsAndGapGivenAdditiveDailyMetric()
    {
        // 2024-01-01 is a Monday; the week of 2024-01-08 has no observed day and stays a gap (not 0)
        DatedValue[] obs = [D("2024-01-01", 1), D("2024-01-03", 2), D("2024-01-07", 4), D("2024-01-10", null), D("2024-01-15", 8)];
        var s = SeriesAggregator.Aggregate(obs, new AggregationOptions(Granularity.Week, AggregationMethod.Sum));
        Assert.Equal([new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 8), new DateOnly(2024, 1, 15)], s.PeriodStarts);
        Assert.Equal([7.0, null, 8.0], s.Values);
        Assert.Equal([3, 0, 1], s.ObservationCounts);
    }

    [Fact]
    public void ReturnsLastAndMeanGivenLevelMetricByMonthAndQuarter()
    {
        DatedValue[] obs = [D("2024-01-05", 100), D("2024-01-20", 110), D("2024-03-31", 130), D("2024-04-02", 140)];
        var last = SeriesAggregator.Aggregate(obs, new AggregationOptions(Granularity.Month, AggregationMethod.Last));
        Assert.Equal([110.0, null, 130.0, 140.0], last.Values);
        var mean = SeriesAggregator.Aggregate(obs, new AggregationOptions(Granularity.Quarter, AggregationMethod.Mean));
        Assert.Equal([new DateOnly(2024, 1, 1), new DateOnly(2024, 4, 1)], mean.PeriodStarts);
        Assert.Equal([340.0 / 3, 140.0], mean.Values);
    }

    [Fact]
    public void ReturnsGapGivenIncompletePeriodWhenCompleteRequired()
    {
        var obs = Enumerable.Range(0, 14).Select(i => new DatedValue(new DateOnly(2024, 1, 1).AddDays(i), i == 9 ? null : 1.0)).ToArray();
        var s = SeriesAggregator.Aggregate(obs, new AggregationOptions(Granularity.Week, AggregationMethod.Sum, RequireCompletePeriods: true));
        Assert.Equal([7.0, null], s.Values);
    }
}
