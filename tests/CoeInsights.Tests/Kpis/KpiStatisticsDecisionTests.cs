using CoeInsights.Analytics;
using CoeInsights.Analytics.Trends;
using CoeInsights.Kpis;
using CoeInsights.Kpis.CorrelatingMetrics;
using CoeInsights.Kpis.GettingTrend;
using CoeInsights.Kpis.QueryingSeries;

namespace CoeInsights.Tests.Kpis;

/// <summary>The statistics calls' own rules (defaults, scopes, alignment), without store or server.</summary>
public sealed class KpiStatisticsDecisionTests
{
    private static readonly DateOnly Jan1 = new(2026, 1, 1);
    private static readonly KpiProfile Profile = new() { Id = Guid.CreateVersion7() };

    private static RegularSeries Daily(DateOnly first, params double[] values) => SeriesAggregator.Aggregate(
        values.Select((v, i) => new DatedValue(first.AddDays(i), v)).ToList(), new AggregationOptions(Granularity.Day, AggregationMethod.Sum));

    private static SeriesSelection Selection(string field, string metric) => new(field, Profile.Id.ToString(), metric, null, null, Granularity.Day);

    [Fact]
    public void PutsBothSeriesOnEverySlotGivenPartlyOverlappingDays()
    {
        var (x, y) = CorrelateMetricsHandler.Align(Daily(Jan1, 1, 2), Daily(Jan1.AddDays(1), 20, 30));

        Assert.Equal([1, 2, null], x);
        Assert.Equal([null, 20, 30], y);
    }

    [Fact]
    public void RejectsOnYMetricGivenProfileAndPostLevelMetrics()
    {
        var command = new CorrelateMetrics(Selection("x", "impressions"), Selection("y", "post_impressions"), null);
        var x = new KpiSeries(Profile, MetricCatalogue.Find("impressions")!, Daily(Jan1, 1, 2, 3));
        var y = new KpiSeries(Profile, MetricCatalogue.Find("post_impressions")!, Daily(Jan1, 3, 2, 1));

        var e = Assert.Throws<InvalidInputException>(() => CorrelateMetricsHandler.Decide(x, y, command));

        Assert.Equal("y.metric", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void TakesLibraryDefaultsAndGranularityYearGivenNoOptions()
    {
        var resolved = new TrendSettings().Resolve(Granularity.Week);

        Assert.Equal(new TrendOptions() with { PeriodsPerYear = 52.1775 }, resolved);
        Assert.Equal(0.9, new TrendSettings(ConfidenceLevel: 0.9, PeriodsPerYear: 1).Resolve(Granularity.Week).ConfidenceLevel);
        Assert.Equal(1, new TrendSettings(PeriodsPerYear: 1).Resolve(Granularity.Week).PeriodsPerYear);
    }
}
