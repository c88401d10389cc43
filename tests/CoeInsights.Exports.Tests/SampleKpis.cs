using CoeInsights.Analytics.Trends;
using CoeInsights.Exports.Kpis;

namespace CoeInsights.Exports.Tests;

/// <summary>Two owned profiles and one competitor, 120 days of two metrics, a planted spike and a missing day.</summary>
internal static class SampleKpis
{
    public static readonly DateOnly From = new(2026, 6, 1);
    public const string HostileHandle = "=cmd|'/c calc'!A1";

    public static KpiDeckModel Build(int days = 120)
    {
        var profiles = new[]
        {
            new DeckProfile("p-li", "LinkedIn", "acme", "Corporate", true),
            new DeckProfile("p-ig", "Instagram", HostileHandle, "Consumer", true),
            new DeckProfile("p-cx", "LinkedIn", "globex", "Competitor", false),
        };
        var metrics = new[]
        {
            new DeckMetric("impressions", "count", true, "Times content was shown."),
            new DeckMetric("followers", "accounts", false, "Followers at the end of the day."),
        };
        var observations = new List<DeckObservation>();
        var random = new Random(3);
        foreach (var p in profiles)
            for (var d = 0; d < days; d++)
            {
                if (p.Id == "p-li" && d == 40) continue; // a missing day stays missing
                var impressions = 1000 + 5 * d + random.Next(0, 100) + (p.Id == "p-ig" && d == 90 ? 9000 : 0);
                observations.Add(new DeckObservation(p.Id, "impressions", From.AddDays(d), impressions));
                observations.Add(new DeckObservation(p.Id, "followers", From.AddDays(d), 5000 + 3 * d));
            }
        var series = new List<DeckSeries>();
        foreach (var p in profiles)
        foreach (var m in metrics)
        {
            var points = observations.Where(o => o.ProfileId == p.Id && o.Metric == m.Name).Select(o => new DatedValue(o.Date, o.Value)).ToList();
            var weekly = SeriesAggregator.Aggregate(points, new AggregationOptions(Granularity.Week, m.Additive ? AggregationMethod.Sum : AggregationMethod.Last, RequireCompletePeriods: true));
            series.Add(new DeckSeries(p.Id, m.Name, weekly.PeriodStarts, weekly.Values, TrendAnalysis.Analyze(weekly.Values, new TrendOptions(MovingAverageWindow: 4))));
        }
        return new KpiDeckModel
        {
            Title = "Social performance, summer 2026",
            From = From,
            To = From.AddDays(days - 1),
            Granularity = Granularity.Week,
            GeneratedAt = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
            Profiles = profiles,
            Metrics = metrics,
            Observations = observations,
            Series = series,
            NetworkRoi =
            [
                new DeckNetworkRoi("LinkedIn", 1, 1000, 4000, 9000, 300, 0.11, 1),
                new DeckNetworkRoi("Instagram", 1, 2000, 3000, 12000, 50, 0.17, 2),
            ],
            Benchmarks =
            [
                new DeckBenchmark("p-li", "impressions", 150_000, 52, 1),
                new DeckBenchmark("p-cx", "impressions", 138_000, 48, 2),
            ],
        };
    }
}
