using CoeInsights.Analytics;
using CoeInsights.Analytics.Kpis;
using CoeInsights.Analytics.Trends;
using CoeInsights.Kpis.QueryingSeries;
using Marten;

namespace CoeInsights.Kpis.BenchmarkingCompetitors;

/// <summary>
/// One profile's figure for the range: the metric's own roll-up over the whole range (sum for flows, last value
/// for levels, mean for reach), its share of the network's total across owned and competitor profiles (flows
/// only: share of voice for mentions) and its rank in the network (1 = highest).
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
            var ranked = rows.OrderByDescending(r => r.Value ?? double.NegativeInfinity).ThenBy(r => r.Profile.Id).ToList();
            result.AddRange(ranked.Select((r, i) => new ProfileBenchmark(r.Profile, metric.Name, r.Value, r.Days,
                networkTotal is { } t && r.Value is { } v ? SocialKpis.ShareOfVoice(v, [t - v]) : null, i + 1)));
        }
        return result.OrderBy(r => r.Profile.Network).ThenBy(r => r.Metric, StringComparer.Ordinal).ThenBy(r => r.Rank).ToList();
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
