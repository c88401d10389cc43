using CoeInsights.Analytics;
using CoeInsights.Analytics.Trends;
using CoeInsights.Kpis.QueryingSeries;
using CoeInsights.Kpis.RecordingKpis;
using Marten;

namespace CoeInsights.Kpis.QueryingDerivedKpis;

public enum DerivedKpi
{
    EngagementRateByImpressions,
    EngagementRateByReach,
    AudienceGrowthRate,
    NetSentiment,
    ResponseRate,
    CostPerEngagement,
    Roi,
    PostEngagementRateByImpressions,
    NegativeShare,
}

/// <summary>
/// A derived KPI: its catalogue components (all of one <see cref="MetricScope"/>), the formula, and what its numerator
/// and denominator are — a rate always says which denominator it uses. Definitions: docs/kpis.md.
/// </summary>
public sealed record DerivedKpiDefinition(
    DerivedKpi Kpi, string Name, string Unit, string Formula, string Numerator, string Denominator, IReadOnlyList<string> Metrics)
{
    /// <summary>The one scope of all components (the catalogue test checks they never mix).</summary>
    public MetricScope Scope => MetricCatalogue.Find(Metrics[0])!.Scope;

    public static IReadOnlyList<DerivedKpiDefinition> All { get; } =
    [
        new(DerivedKpi.EngagementRateByImpressions, "engagement_rate_by_impressions", "%", "engagements / impressions × 100",
            "engagements", "impressions", ["engagements", "impressions"]),
        new(DerivedKpi.EngagementRateByReach, "engagement_rate_by_reach", "%", "engagements / reach × 100",
            "engagements", "reach (mean daily reach of the days used)", ["engagements", "reach"]),
        new(DerivedKpi.AudienceGrowthRate, "audience_growth_rate", "%", "new_followers / followers at period start × 100",
            "new_followers (every day of the period)", "followers at the end of the day before the period", ["new_followers", "followers"]),
        new(DerivedKpi.NetSentiment, "net_sentiment", "%", "(positive_mentions − negative_mentions) / mentions × 100",
            "positive_mentions − negative_mentions", "mentions (including neutral)", ["positive_mentions", "negative_mentions", "mentions"]),
        new(DerivedKpi.ResponseRate, "response_rate", "%", "messages_answered / messages_received × 100",
            "messages_answered", "messages_received", ["messages_answered", "messages_received"]),
        new(DerivedKpi.CostPerEngagement, "cost_per_engagement", "currency", "spend / engagements",
            "spend", "engagements", ["spend", "engagements"]),
        new(DerivedKpi.Roi, "roi", "%", "(attributed_revenue − spend) / spend × 100",
            "attributed_revenue − spend", "spend", ["attributed_revenue", "spend"]),
        new(DerivedKpi.PostEngagementRateByImpressions, "post_engagement_rate_by_impressions", "%", "post_engagements / post_impressions × 100",
            "post_engagements", "post_impressions", ["post_engagements", "post_impressions"]),
        new(DerivedKpi.NegativeShare, "negative_share", "%", "negative_mentions / mentions × 100",
            "negative_mentions", "mentions (including neutral)", ["negative_mentions", "mentions"]),
    ];

    /// <summary>The definition named <paramref name="name"/> (e.g. "negative_share"), or null.</summary>
    public static DerivedKpiDefinition? Find(string name) => All.FirstOrDefault(d => d.Name == name);

    public static DerivedKpiDefinition Of(DerivedKpi kpi) => All.Single(d => d.Kpi == kpi);
}

public sealed record DerivedKpiQuery(
    IReadOnlyList<string> ProfileIds, IReadOnlyList<Network> Networks, IReadOnlyList<string> BusinessUnits, Ownership? Ownership,
    IReadOnlyList<DerivedKpi> Kpis, DateOnly? From, DateOnly? To, Granularity Granularity);

/// <param name="ObservedDays">Days of the period whose components went into numerator and denominator.</param>
/// <param name="DaysInPeriod">Days of the period inside the queried range.</param>
public sealed record DerivedKpiPoint(DateOnly PeriodStart, double? Value, double? Numerator, double? Denominator, int ObservedDays, int DaysInPeriod);

public sealed record DerivedKpiSeries(KpiProfile Profile, DerivedKpiDefinition Definition, Granularity Granularity, IReadOnlyList<DerivedKpiPoint> Points);

public static class QueryDerivedKpisHandler
{
    public const int MaxDays = 3_660;
    public const int MaxSeries = 1_000;

    public static async Task<IReadOnlyList<DerivedKpiSeries>> Handle(IQuerySession session, DerivedKpiQuery query, CancellationToken ct)
    {
        var v = new Validator();
        var ids = ProfileIds.Parse(query.ProfileIds, v);
        v.Require(query.Kpis.Count > 0, "kpis", "name at least one derived KPI");
        v.Require(query.From is not null, "start_date", "is required");
        v.Require(query.To is not null, "end_date", "is required");
        if (query is { From: { } f, To: { } t })
        {
            v.Require(f <= t, "end_date", "must not be before start_date");
            v.Require(t.DayNumber - f.DayNumber < MaxDays, "end_date", $"the range is at most {MaxDays} days");
        }
        v.ThrowIfInvalid();
        var from = query.From!.Value;
        var to = query.To!.Value;

        var profiles = await QuerySeriesHandler.SelectProfiles(session, ids, query.Networks, query.BusinessUnits, query.Ownership, ct);
        var kpis = query.Kpis.Distinct().Select(DerivedKpiDefinition.Of).ToList();
        if (profiles.Count * kpis.Count > MaxSeries)
            throw new InvalidInputException("kpis", $"the query selects {profiles.Count * kpis.Count} series; at most {MaxSeries}: narrow it");
        if (profiles.Count == 0) return [];

        // The day before the range too: audience growth divides by the followers at the end of the day before a period.
        var firstDay = from > RecordKpiBatchHandler.MinDate ? from.AddDays(-1) : from;
        var metrics = kpis.SelectMany(k => k.Metrics).Distinct().ToList();
        var rows = await ObservationTable.LatestAsync(session, profiles.Select(p => p.Id).ToList(), metrics, firstDay, to, ct);
        var values = rows.ToDictionary(r => (r.ProfileId, r.Metric, r.Date), r => r.Value);

        var periods = Periods(from, to, query.Granularity);
        var result = new List<DerivedKpiSeries>();
        foreach (var profile in profiles)
        foreach (var kpi in kpis)
        {
            double? Get(string metric, DateOnly day) => values.TryGetValue((profile.Id, metric, day), out var x) ? x : null;
            var points = periods.Select(p => Compute(kpi, p.Start, p.First, p.Last, Get)).ToList();
            result.Add(new DerivedKpiSeries(profile, kpi, query.Granularity, points));
        }
        return result;
    }

    /// <summary>The periods of the granularity that meet [from, to], each clipped to the range.</summary>
    private static List<(DateOnly Start, DateOnly First, DateOnly Last)> Periods(DateOnly from, DateOnly to, Granularity g)
    {
        var list = new List<(DateOnly, DateOnly, DateOnly)>();
        for (var start = SeriesAggregator.PeriodStart(from, g); start <= to; start = SeriesAggregator.NextPeriodStart(start, g))
        {
            var last = SeriesAggregator.NextPeriodStart(start, g).AddDays(-1);
            list.Add((start, start < from ? from : start, last > to ? to : last));
        }
        return list;
    }

    /// <summary>
    /// One period of one KPI. Ratio KPIs use only the days on which every component was observed (pairwise complete),
    /// each component rolled up with its catalogue roll-up over those days; a zero denominator gives no value.
    /// Audience growth needs new_followers on every day of the period and followers at the end of the day before it.
    /// </summary>
    public static DerivedKpiPoint Compute(DerivedKpiDefinition kpi, DateOnly periodStart, DateOnly first, DateOnly last, Func<string, DateOnly, double?> get)
    {
        var daysInPeriod = last.DayNumber - first.DayNumber + 1;
        if (kpi.Kpi == DerivedKpi.AudienceGrowthRate)
        {
            double sum = 0;
            var observed = 0;
            for (var d = first; d <= last; d = d.AddDays(1))
                if (get("new_followers", d) is { } x)
                {
                    sum += x;
                    observed++;
                }
            double? numerator = observed == daysInPeriod ? sum : null;
            var denominator = get("followers", first.AddDays(-1));
            return new DerivedKpiPoint(periodStart, Ratio(numerator, denominator, 100), numerator, denominator, observed, daysInPeriod);
        }

        var sums = new double[kpi.Metrics.Count];
        var days = 0;
        for (var d = first; d <= last; d = d.AddDays(1))
        {
            var row = new double[kpi.Metrics.Count];
            var complete = true;
            for (var m = 0; m < row.Length && complete; m++)
                if (get(kpi.Metrics[m], d) is { } x) row[m] = x;
                else complete = false;
            if (!complete) continue;
            for (var m = 0; m < row.Length; m++) sums[m] += row[m];
            days++;
        }
        if (days == 0) return new DerivedKpiPoint(periodStart, null, null, null, 0, daysInPeriod);
        // Component roll-ups over the days used: sums, except reach (not additive), whose mean is the denominator.
        var (num, den, scale) = kpi.Kpi switch
        {
            DerivedKpi.EngagementRateByImpressions or DerivedKpi.PostEngagementRateByImpressions or DerivedKpi.ResponseRate or DerivedKpi.NegativeShare => (sums[0], sums[1], 100.0),
            DerivedKpi.EngagementRateByReach => (sums[0], sums[1] / days, 100.0),
            DerivedKpi.NetSentiment => (sums[0] - sums[1], sums[2], 100.0),
            DerivedKpi.CostPerEngagement => (sums[0], sums[1], 1.0),
            DerivedKpi.Roi => (sums[0] - sums[1], sums[1], 100.0),
            _ => throw new ArgumentOutOfRangeException(nameof(kpi)),
        };
        return new DerivedKpiPoint(periodStart, Ratio(num, den, scale), num, den, days, daysInPeriod);
    }

    private static double? Ratio(double? numerator, double? denominator, double scale) =>
        numerator is { } n && denominator is { } d && d != 0 ? n / d * scale : null;
}
