using CoeInsights.Analytics;
using CoeInsights.Analytics.Trends;
using CoeInsights.Common;
using Marten;

namespace CoeInsights.Kpis.QueryingSeries;

/// <summary>
/// Which series to read. Profiles: the listed ids, or every profile matching the filters. Dates inclusive; when given,
/// the series spans the whole range (days without a value are missing slots, never zero).
/// </summary>
public sealed record SeriesQuery(
    IReadOnlyList<string> ProfileIds, IReadOnlyList<Network> Networks, IReadOnlyList<string> BusinessUnits, Ownership? Ownership,
    IReadOnlyList<string> Metrics, DateOnly? From, DateOnly? To, Granularity Granularity, bool RequireCompletePeriods = false);

/// <summary>One (profile, metric) series rolled up with the metric's own roll-up method.</summary>
public sealed record KpiSeries(KpiProfile Profile, MetricDefinition Metric, RegularSeries Series);

/// <summary>One hour of an hourly series: the hour (0…23) of the reporting day; a null value is an hour not recorded.</summary>
public readonly record struct HourlyPoint(DateOnly Date, int Hour, double? Value);

/// <summary>One (profile, metric) hourly series: every hour of the range, in order, never rolled up.</summary>
public sealed record HourlyKpiSeries(KpiProfile Profile, MetricDefinition Metric, IReadOnlyList<HourlyPoint> Points);

public static class QuerySeriesHandler
{
    public const int MaxSeries = 10_000;
    public const int MaxHourlyDays = 92;
    public const int MaxHourlyPoints = 1_000_000;

    /// <summary>
    /// The hourly series of the query: the latest hourly value of each (profile, metric, day, hour), every hour from
    /// <see cref="SeriesQuery.From"/> 00:00 to <see cref="SeriesQuery.To"/> 23:00 (both required, at most
    /// <see cref="MaxHourlyDays"/> days) with missing hours null. Daily values are not read.
    /// </summary>
    public static async Task<IReadOnlyList<HourlyKpiSeries>> HourlyAsync(IQuerySession session, SeriesQuery query, CancellationToken ct)
    {
        var v = new Validator();
        var ids = ProfileIds.Parse(query.ProfileIds, v);
        MetricCatalogue.RequireKnown(query.Metrics, v);
        if (query.From is null) v.Add("start_date", "is required for an hourly series");
        if (query.To is null) v.Add("end_date", "is required for an hourly series");
        if (query is { From: { } f, To: { } t })
        {
            v.Require(f <= t, "end_date", "must not be before start_date");
            v.Require(t.DayNumber - f.DayNumber < MaxHourlyDays, "end_date", $"an hourly series spans at most {MaxHourlyDays} days");
        }
        v.ThrowIfInvalid();
        var (from, to) = (query.From!.Value, query.To!.Value);

        var profiles = await SelectProfiles(session, ids, query.Networks, query.BusinessUnits, query.Ownership, ct);
        var metrics = query.Metrics.Distinct().Select(m => MetricCatalogue.Find(m)!).ToList();
        var hours = (to.DayNumber - from.DayNumber + 1) * 24;
        if (profiles.Count * metrics.Count > MaxSeries || (long)profiles.Count * metrics.Count * hours > MaxHourlyPoints)
            throw new InvalidInputException("metrics",
                $"the query selects {profiles.Count * metrics.Count} hourly series of {hours} hours; at most {MaxSeries} series and {MaxHourlyPoints} points: narrow it");
        if (profiles.Count == 0) return [];

        var rows = await HourlyObservationTable.LatestAsync(session, profiles.Select(p => p.Id).ToList(), metrics.Select(m => m.Name).ToList(), from, to, ct);
        var byKey = rows.ToDictionary(r => (r.ProfileId, r.Metric, r.Date, r.Hour), r => r.Value);
        var result = new List<HourlyKpiSeries>();
        foreach (var profile in profiles)
        foreach (var metric in metrics)
        {
            var points = new HourlyPoint[hours];
            for (var i = 0; i < hours; i++)
            {
                var (date, hour) = (from.AddDays(i / 24), i % 24);
                points[i] = new HourlyPoint(date, hour, byKey.TryGetValue((profile.Id, metric.Name, date, hour), out var value) ? value : null);
            }
            result.Add(new HourlyKpiSeries(profile, metric, points));
        }
        return result;
    }

    public static async Task<IReadOnlyList<KpiSeries>> Handle(IQuerySession session, SeriesQuery query, CancellationToken ct)
    {
        var v = new Validator();
        var ids = ProfileIds.Parse(query.ProfileIds, v);
        MetricCatalogue.RequireKnown(query.Metrics, v);
        if (query is { From: { } f, To: { } t }) v.Require(f <= t, "end_date", "must not be before start_date");
        v.ThrowIfInvalid();

        var profiles = await SelectProfiles(session, ids, query.Networks, query.BusinessUnits, query.Ownership, ct);
        var metrics = query.Metrics.Distinct().Select(m => MetricCatalogue.Find(m)!).ToList();
        if (profiles.Count * metrics.Count > MaxSeries)
            throw new InvalidInputException("metrics", $"the query selects {profiles.Count * metrics.Count} series; at most {MaxSeries}: narrow it");
        if (profiles.Count == 0) return [];

        var from = query.From ?? RecordingKpis.RecordKpiBatchHandler.MinDate;
        var to = query.To ?? RecordingKpis.RecordKpiBatchHandler.MaxDate;
        var rows = await ObservationTable.LatestAsync(session, profiles.Select(p => p.Id).ToList(), metrics.Select(m => m.Name).ToList(), from, to, ct);
        var byKey = rows.GroupBy(r => (r.ProfileId, r.Metric)).ToDictionary(g => g.Key, g => g.Select(r => new DatedValue(r.Date, r.Value)).ToList());

        var result = new List<KpiSeries>();
        foreach (var profile in profiles)
        foreach (var metric in metrics)
        {
            var values = byKey.GetValueOrDefault((profile.Id, metric.Name)) ?? [];
            if (values.Count == 0 && (query.From is null || query.To is null)) continue;
            result.Add(new KpiSeries(profile, metric, Roll(values, metric, query)));
        }
        return result;
    }

    /// <summary>
    /// The listed profiles (or every profile) narrowed by the filters, ordered by id. A listed id that does not exist in
    /// the tenant is NOT_FOUND when no filter is given (with filters it may simply not match).
    /// </summary>
    public static async Task<List<KpiProfile>> SelectProfiles(IQuerySession session, IReadOnlyList<Guid> ids, IReadOnlyList<Network> networks,
        IReadOnlyList<string> businessUnits, Ownership? ownership, CancellationToken ct)
    {
        IQueryable<KpiProfile> q = session.Query<KpiProfile>();
        if (ids.Count > 0) q = q.Where(p => p.Id.IsOneOf(ids.ToArray()));
        if (networks.Count > 0) q = q.Where(p => p.Network.IsOneOf(networks.ToArray()));
        if (businessUnits.Count > 0) q = q.Where(p => p.BusinessUnit.IsOneOf(businessUnits.ToArray()));
        if (ownership is { } o) q = q.Where(p => p.Ownership == o);
        var profiles = (await q.ToListAsync(ct)).OrderBy(p => p.Id).ToList();
        if (ids.Count > 0 && profiles.Count < ids.Distinct().Count())
        {
            var missing = ids.First(id => profiles.All(p => p.Id != id));
            if (networks.Count == 0 && businessUnits.Count == 0 && ownership is null)
                throw new NotFoundException("Profile", missing.ToString());
        }
        return profiles;
    }

    /// <summary>Rolls one metric's days up; with a date range the series is padded with missing slots to span it.</summary>
    public static RegularSeries Roll(List<DatedValue> days, MetricDefinition metric, SeriesQuery query)
    {
        if (query.From is { } from && (days.Count == 0 || days[0].Date > from)) days.Insert(0, new DatedValue(from, null));
        if (query.To is { } to && days[^1].Date < to) days.Add(new DatedValue(to, null));
        return SeriesAggregator.Aggregate(days, new AggregationOptions(query.Granularity, metric.Rollup, query.RequireCompletePeriods));
    }

    /// <summary>Exactly one (profile, metric) series, for the statistics calls; violations are named under <see cref="SeriesSelection.Field"/>.</summary>
    public static async Task<KpiSeries> One(IQuerySession session, SeriesSelection selection, CancellationToken ct)
    {
        var (field, profileId, metric, from, to, granularity) = selection;
        var prefix = field.Length > 0 ? field + "." : "";
        if (from is { } f && to is { } t && f > t) throw new InvalidInputException($"{prefix}end_date", "must not be before start_date");
        var v = new Validator();
        v.Require(Guid.TryParse(profileId, out _), $"{prefix}profile_id", "must be a profile id as returned by RegisterProfile");
        v.Require(MetricCatalogue.Find(metric) is not null, $"{prefix}metric", $"unknown metric '{metric}' (see ListMetrics)");
        v.ThrowIfInvalid();
        var series = await Handle(session, new SeriesQuery([profileId], [], [], null, [metric], from, to, granularity), ct);
        if (series.Count == 0) throw new RuleViolationException(ErrorReasons.NoObservations, $"profiles/{profileId}/{metric}", $"Profile {profileId} has no '{metric}' observations in range.");
        return series[0];
    }
}

/// <summary>
/// One (profile, metric) series of a statistics call. <see cref="Field"/> is the request field that selected it
/// (<c>series</c>, <c>x</c>, <c>y</c>): its violations are named under it. Dates inclusive.
/// </summary>
public sealed record SeriesSelection(string Field, string ProfileId, string Metric, DateOnly? From, DateOnly? To, Granularity Granularity);
