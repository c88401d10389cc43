using CoeInsights.Analytics.Kpis;
using CoeInsights.Analytics.Trends;
using CoeInsights.Kpis.QueryingSeries;
using Marten;

namespace CoeInsights.Kpis.ComparingNetworks;

/// <summary>
/// ROI of one network over the range, from its owned profiles' spend and attributed revenue (sums of the latest versions).
/// A figure with no observed day in the range is null (missing), not 0; ROI and cost per engagement then have no value.
/// </summary>
public sealed record NetworkRoi(Network Network, int Profiles, double? Spend, double? AttributedRevenue, double? Engagements,
    double? RoiPct, double? CostPerEngagement, int Rank);

public static class CompareNetworksHandler
{
    /// <summary>Networks ranked by ROI (highest first; a network without spend has no ROI and ranks last).</summary>
    public static async Task<IReadOnlyList<NetworkRoi>> Handle(IQuerySession session, DateOnly? from, DateOnly? to, IReadOnlyList<string> businessUnits,
        CancellationToken ct)
    {
        var series = await QuerySeriesHandler.Handle(session, new SeriesQuery([], [], businessUnits, Ownership.Owned,
            ["spend", "attributed_revenue", "engagements"], from, to, Granularity.Day), ct);
        var byNetwork = series.GroupBy(s => s.Profile.Network).Select(g =>
        {
            // Missing days add nothing; a metric with no observed day at all is missing, not 0.
            double? Sum(string metric)
            {
                var observed = g.Where(s => s.Metric.Name == metric).SelectMany(s => s.Series.Values).Where(x => x is not null).ToList();
                return observed.Count == 0 ? null : observed.Sum(x => x!.Value);
            }
            var spend = Sum("spend");
            var revenue = Sum("attributed_revenue");
            var engagements = Sum("engagements");
            return new NetworkRoi(g.Key, g.Select(s => s.Profile.Id).Distinct().Count(), spend, revenue, engagements,
                revenue is { } r && spend is { } sp ? SocialKpis.Roi(r, sp) : null,
                spend is { } s2 && engagements is { } e ? SocialKpis.CostPerEngagement(s2, e) : null, 0);
        }).OrderByDescending(n => n.RoiPct ?? double.NegativeInfinity).ThenBy(n => n.Network).ToList();
        return byNetwork.Select((n, i) => n with { Rank = i + 1 }).ToList();
    }
}
