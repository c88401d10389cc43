using CoeInsights.Analytics;
using CoeInsights.Analytics.Kpis;
using CoeInsights.Analytics.Trends;
using CoeInsights.Kpis.QueryingSeries;
using Marten;

namespace CoeInsights.Kpis.BenchmarkingCompetitors;

/// <summary>
/// One profile's figure for the range: the metric's own roll-up over the whole range (sum for flows, last value
/// for levels, mean for reach), its share of the network's total across owned and competitor profiles (flows
/// only: share of voice for mentions) and its rank in the network (1 = highest; 0 = not ranked, no observed day in range).
/// </summary>
public sealed record ProfileBenchmark(KpiProfile Profile, string Metric, double? Value, int ObservedDays, double? SharePct, int Rank);

public static class BenchmarkCompetitorsHandler
{
    public static async Task<IReadOnlyList<ProfileBenchmark>> Handle(IQuerySession session, IReadOnlyList<string> metrics, IReadOnlyList<Network> networks,
        IReadOnlyList<string> businessUnits, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var series = await QuerySeriesHandler.Handle(session, new SeriesQuery([], networks, businessUnits, null, metrics, from, to, Granularity.Day), ct);
        var result = new List<ProfileBenchmark>();
        foreach (var group in series.GroupBy(s => (s.Profile.Network, s.Metric.Name)))
        {
            var rows = group.Select(s => (s.Profile, s.Metric, Value: Total(s.Series.Values, s.Metric.Rollup), Days: s.Series.Values.Count(v => v is not null))).ToList();
            var metric = group.First().Metric;
            double? networkTotal = metric.Additive ? rows.Sum(r => r.Value ?? 0) : null;
            // Only profiles with data are ranked: one without an observed day has rank 0 (not "last").
            var ranked = rows.Where(r => r.Value is not null).OrderByDescending(r => r.Value!.Value).ThenBy(r => r.Profile.Id)
                .Select((r, i) => (Row: r, Rank: i + 1))
                .Concat(rows.Where(r => r.Value is null).OrderBy(r => r.Profile.Id).Select(r => (Row: r, Rank: 0))).ToList();
            result.AddRange(ranked.Select(x => new ProfileBenchmark(x.Row.Profile, metric.Name, x.Row.Value, x.Row.Days,
                networkTotal is { } t && x.Row.Value is { } v ? SocialKpis.ShareOfVoice(v, [t - v]) : null, x.Rank)));
        }
        return result.OrderBy(r => r.Profile.Network).ThenBy(r => r.Metric, StringComparer.Ordinal).ThenBy(r => r.Rank == 0).ThenBy(r => r.Rank).ToList();
    }

    /// <summary>The range's value by the metric's roll-up; no observed day → no value.</summary>
    public static double? Total(IReadOnlyList<double?> days, AggregationMethod rollup)
    {
        var observed = days.Where(v => v is not null).Select(v => v!.Value).ToList();
        if (observed.Count == 0) return null;
        return rollup switch
        {
            AggregationMethod.Sum => observed.Sum(),
            AggregationMethod.Last => observed[^1],
            _ => observed.Average(),
        };
    }
}
