using CoeInsights.Analytics.Trends;
using CoeInsights.Exports.Kpis;

namespace CoeInsights.Exports.Tests;

/// <summary>Two owned profiles and one competitor, 120 days of four metrics (and the 120 days before of impressions), a planted negative-mentions spike and a missing day.</summary>
internal static class SampleKpis
{
    public static readonly DateOnly From = new(2026, 6, 1);
    public const string HostileHandle = "=cmd|'/c calc'!A1";
    public const int SpikeDay = 90;
    public static DateOnly SpikeDate => From.AddDays(SpikeDay);

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
            new DeckMetric("engagements", "count", true, "Reactions, comments, shares and clicks."),
            new DeckMetric("negative_mentions", "count", true, "Mentions classified negative.", LowerIsBetter: true),
        };
        var observations = new List<DeckObservation>();
        var history = new List<DeckObservation>();
        var random = new Random(3);
        foreach (var p in profiles)
        {
            for (var d = 0; d < days; d++)
            {
                if (p.Id == "p-li" && d == 40) continue; // a missing day stays missing
                var impressions = 1000 + 5 * d + random.Next(0, 100);
                observations.Add(new DeckObservation(p.Id, "impressions", From.AddDays(d), impressions));
                observations.Add(new DeckObservation(p.Id, "followers", From.AddDays(d), 5000 + 3 * d));
                observations.Add(new DeckObservation(p.Id, "engagements", From.AddDays(d), Math.Round(impressions * 0.034)));
                // The planted crisis: nine times the usual negative mentions on one day of the Instagram profile.
                observations.Add(new DeckObservation(p.Id, "negative_mentions", From.AddDays(d), (10 + random.Next(0, 5)) * (p.Id == "p-ig" && d == SpikeDay ? 9 : 1)));
            }
            // The previous period of the same length: fewer impressions (the cards' change vs previous).
            for (var d = 1; d <= days; d++)
                history.Add(new DeckObservation(p.Id, "impressions", From.AddDays(-d), 800 + random.Next(0, 100)));
        }
        var series = new List<DeckSeries>();
        foreach (var p in profiles)
        foreach (var m in metrics.Take(2))
        {
            var points = observations.Where(o => o.ProfileId == p.Id && o.Metric == m.Name).Select(o => new DatedValue(o.Date, o.Value)).ToList();
            // As the server rolls them: whole weeks only, CAGR annualised (and so not defined for 17 weeks).
            var weekly = SeriesAggregator.WholePeriods(SeriesAggregator.Aggregate(points, new AggregationOptions(Granularity.Week, m.Additive ? AggregationMethod.Sum : AggregationMethod.Last)));
            series.Add(new DeckSeries(p.Id, m.Name, weekly.PeriodStarts, weekly.Values,
                TrendAnalysis.Analyze(weekly.Values, new TrendOptions(MovingAverageWindow: 4, PeriodsPerYear: SeriesAggregator.PeriodsPerYear(Granularity.Week)))));
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
            History = history,
            CardMetrics = ["impressions", "engagements", "followers", "negative_mentions"],
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
