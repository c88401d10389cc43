using System.Runtime.CompilerServices;
using CoeInsights.Analytics;
using CoeInsights.Analytics.Trends;
using CoeInsights.Common;
using CoeInsights.Kpis.QueryingDerivedKpis;
using JasperFx.Events;
using Marten;
using Marten.Events;

namespace CoeInsights.Kpis.WatchingAlerts;

/// <summary>
/// What to watch: the metrics (at least one), optionally only some profiles (ids, networks, business units), which way
/// a value must move, and the rule's threshold, weekday seasonality and how many days before the value are its history.
/// </summary>
public sealed record WatchAlerts(
    IReadOnlyList<string> Metrics, IReadOnlyList<string> ProfileIds, IReadOnlyList<Network> Networks, IReadOnlyList<string> BusinessUnits,
    AlertDirection Direction, double? Threshold, bool Seasonal, int? BaselineDays, string ResumeToken = "");

/// <summary>
/// One alert: a newly recorded value of (profile, metric, day) anomalous against that series' stored history before the
/// day. <see cref="BatchId"/> and <see cref="IdempotencyKey"/> name the batch that recorded it; a correction has none
/// and a <see cref="CorrectionReason"/> instead. <see cref="Sequence"/> is the recording event's position in the store.
/// </summary>
public sealed record KpiAlert(
    KpiProfile Profile, string Metric, DateOnly Date, ObservationAlert Verdict, Guid? BatchId, string? IdempotencyKey, string? CorrectionReason,
    DateTimeOffset RecordedAt, long Sequence)
{
    /// <summary>Where the watch stands once this alert is delivered: a watch started with it sends every later alert once (<see cref="AlertResumeToken"/>).</summary>
    public string ResumeToken { get; init; } = "";

    /// <summary>Set for an hourly value: its hour (0…23), watched against that hour of the baseline days before.</summary>
    public int? Hour { get; init; }
}

/// <summary>
/// Where a watch is in the tenant's event log: every KPI event with a sequence above <see cref="Floor"/> not yet
/// <see cref="Seen"/> is still to be looked at. Sequences are taken before commit, so a transaction may commit a lower
/// sequence after a higher one is visible: the floor only passes a sequence once it has been seen for the grace period.
/// </summary>
public sealed class AlertCursor
{
    internal AlertCursor(AlertRule rule, HashSet<string> metrics, HashSet<Guid> profileIds, HashSet<Network> networks, HashSet<string> businessUnits,
        int baselineDays)
    {
        Rule = rule;
        Metrics = metrics;
        ProfileIds = profileIds;
        Networks = networks;
        BusinessUnits = businessUnits;
        BaselineDays = baselineDays;
    }

    public long Floor { get; internal set; }
    /// <summary>After a resume: the alerts of this sequence the client already has (the first <c>Count</c>).</summary>
    internal (long Sequence, int Count)? Skip { get; set; }
    internal byte[] WatchHash { get; set; } = [];
    internal Dictionary<long, DateTimeOffset> Seen { get; } = [];
    internal Dictionary<Guid, KpiProfile?> Profiles { get; } = [];
    internal AlertRule Rule { get; }
    internal HashSet<string> Metrics { get; }
    internal HashSet<Guid> ProfileIds { get; }
    internal HashSet<Network> Networks { get; }
    internal HashSet<string> BusinessUnits { get; }
    internal int BaselineDays { get; }
    /// <summary>A stored alert rule's extras: only profiles of this ownership; a derived KPI computed from its components.</summary>
    internal Ownership? Ownership { get; init; }
    internal DerivedKpiDefinition? Derived { get; init; }

    /// <summary>
    /// A cursor for a stored alert rule (the server's raiser): its method, minimum volume, ownership and, for a derived
    /// KPI (<paramref name="metric"/> names one, e.g. negative_share), the KPI computed per day from its components,
    /// with its denominator as the volume. Starts after <paramref name="floor"/> (the raiser keeps it across restarts).
    /// </summary>
    public static AlertCursor ForRule(AlertRule rule, string metric, IReadOnlyList<Guid> profileIds, IReadOnlyList<Network> networks,
        IReadOnlyList<string> businessUnits, Ownership? ownership, int baselineDays, long floor)
    {
        var derived = DerivedKpiDefinition.Find(metric);
        return new AlertCursor(rule, derived is null ? [metric] : derived.Metrics.ToHashSet(StringComparer.Ordinal), profileIds.ToHashSet(),
            networks.ToHashSet(), businessUnits.ToHashSet(StringComparer.Ordinal), baselineDays)
        {
            Ownership = ownership, Derived = derived, Floor = floor,
        };
    }
}

public static class WatchAlertsHandler
{
    public const double DefaultThreshold = 3.5;
    public const int DefaultBaselineDays = 90;
    public const int MinBaselineDays = 7;
    public const int MaxBaselineDays = 730;

    /// <summary>How long a seen sequence holds the floor back (a transaction's time between taking a sequence and committing).</summary>
    public static TimeSpan CommitGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Validates the watch (INVALID_ARGUMENT with field paths; an unknown profile id is NOT_FOUND) and returns a cursor
    /// at the tenant's current end of the event log: only what is recorded from now on is looked at.
    /// </summary>
    public static async Task<AlertCursor> StartAsync(IQuerySession session, WatchAlerts watch, CancellationToken ct, TimeProvider? clock = null)
    {
        var v = new Validator();
        MetricCatalogue.RequireKnown(watch.Metrics, v);
        var ids = ProfileIds.Parse(watch.ProfileIds, v);
        if (watch.Threshold is { } t) v.Require(double.IsFinite(t) && t > 0, "threshold", "must be a positive number (default 3.5)");
        if (watch.BaselineDays is { } b)
            v.Require(b is >= MinBaselineDays and <= MaxBaselineDays, "baseline_days", $"must be between {MinBaselineDays} and {MaxBaselineDays} (default {DefaultBaselineDays})");
        v.ThrowIfInvalid();

        var cursor = new AlertCursor(new AlertRule(watch.Threshold ?? DefaultThreshold, watch.Seasonal, watch.Direction),
            watch.Metrics.ToHashSet(StringComparer.Ordinal), ids.ToHashSet(), watch.Networks.ToHashSet(),
            watch.BusinessUnits.ToHashSet(StringComparer.Ordinal), watch.BaselineDays ?? DefaultBaselineDays);
        cursor.WatchHash = AlertResumeToken.HashOf(session.TenantId, watch);
        var resume = watch.ResumeToken.Length > 0 ? AlertResumeToken.Parse(watch.ResumeToken, cursor.WatchHash) : null;
        foreach (var id in ids.Distinct())
            cursor.Profiles[id] = await session.LoadAsync<KpiProfile>(id, ct) ?? throw new NotFoundException("Profile", id.ToString());
        if (resume is not null)
        {
            // From where the client's last alert left it: what it had is not sent again, everything after is.
            cursor.Floor = resume.Floor;
            var now = (clock ?? TimeProvider.System).GetUtcNow();
            foreach (var sequence in resume.Delivered) cursor.Seen[sequence] = now;
            cursor.Skip = (resume.Sequence, resume.Index + 1);
            return cursor;
        }
        cursor.Floor = await session.Events.QueryAllRawEvents().AnyAsync(ct)
            ? await session.Events.QueryAllRawEvents().MaxAsync(e => e.Sequence, ct)
            : 0;
        return cursor;
    }

    /// <summary>
    /// Looks at the KPI events committed since the last call (batches and corrections, the caller's tenant only) and
    /// returns the alerts among their observations, in recording order.
    /// </summary>
    public static async Task<IReadOnlyList<KpiAlert>> NextAsync(IQuerySession session, AlertCursor cursor, DateTimeOffset now, CancellationToken ct) =>
        (await NextBatchAsync(session, cursor, now, ct)).Select(a => a.Alert).ToList();

    /// <summary>
    /// <see cref="NextAsync"/>, each alert with the resume token of the cursor once it is delivered: the floor before this
    /// look, every sequence fully delivered above it (those seen before, and this look's sequences below the alert's), and
    /// the alert's own place among its sequence's alerts.
    /// </summary>
    private static async Task<List<(KpiAlert Alert, int Index)>> NextBatchAsync(IQuerySession session, AlertCursor cursor, DateTimeOffset now, CancellationToken ct)
    {
        var floor = cursor.Floor;
        var tenant = session.TenantId;
        var seen = cursor.Seen.Keys.ToArray();
        var fresh = await session.Events.QueryAllRawEvents()
            .Where(e => e.TenantId == tenant && e.Sequence > floor && e.EventTypesAre(typeof(KpiBatchRecorded), typeof(KpiCorrected)))
            .Where(e => !e.Sequence.IsOneOf(seen))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);
        var alerts = new List<KpiAlert>();
        foreach (var e in fresh)
        {
            cursor.Seen[e.Sequence] = now;
            switch (e.Data)
            {
                case KpiBatchRecorded batch:
                    var observations = new List<KpiObservation>(batch.Count);
                    for (var i = 0; i < batch.Count; i++) observations.Add(batch.Observation(i));
                    await Evaluate(session, cursor, observations, (p, o, verdict) =>
                        new KpiAlert(p, o.Metric, o.Date, verdict, batch.BatchId, batch.IdempotencyKey, null, batch.RecordedAt, e.Sequence), alerts, ct);
                    break;
                case KpiCorrected c:
                    await Evaluate(session, cursor, [new KpiObservation(c.ProfileId, c.Metric, c.Date, c.Value, c.Hour)], (p, o, verdict) =>
                        new KpiAlert(p, o.Metric, o.Date, verdict, null, null, c.Reason, c.CorrectedAt, e.Sequence), alerts, ct);
                    break;
            }
        }
        var settled = now - CommitGrace;
        foreach (var (sequence, at) in cursor.Seen)
            if (at <= settled && sequence > cursor.Floor) cursor.Floor = sequence;
        foreach (var sequence in cursor.Seen.Keys.Where(s => s <= cursor.Floor).ToList()) cursor.Seen.Remove(sequence);

        var skip = cursor.Skip;
        cursor.Skip = null;
        var delivered = new SortedSet<long>(seen);
        var result = new List<(KpiAlert, int)>(alerts.Count);
        var next = 0;
        for (var i = 0; i < alerts.Count; i++)
        {
            var sequence = alerts[i].Sequence;
            while (next < fresh.Count && fresh[next].Sequence < sequence) delivered.Add(fresh[next++].Sequence);
            var index = IndexIn(alerts, i);
            if (skip is { } k && k.Sequence == sequence && index < k.Count) continue;
            result.Add((alerts[i] with { ResumeToken = AlertResumeToken.Format(cursor.WatchHash, floor, delivered, sequence, index) }, index));
        }
        return result;
    }

    /// <summary>The alert's place among the alerts of its sequence (one batch can raise several).</summary>
    private static int IndexIn(List<KpiAlert> alerts, int i)
    {
        var n = 0;
        for (var j = i - 1; j >= 0 && alerts[j].Sequence == alerts[i].Sequence; j--) n++;
        return n;
    }

    /// <summary>
    /// The alerts from the cursor on, in recording order, until cancelled. Between looks it awaits <paramref name="wait"/>
    /// (the server's: a change notification for the tenant's KPI events, or its fallback interval).
    /// </summary>
    public static async IAsyncEnumerable<KpiAlert> FollowAsync(IQuerySession session, AlertCursor cursor, TimeProvider clock,
        Func<CancellationToken, Task> wait, [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            foreach (var (alert, _) in await NextBatchAsync(session, cursor, clock.GetUtcNow(), ct)) yield return alert;
            await wait(ct);
        }
    }

    private static async Task Evaluate(IQuerySession session, AlertCursor cursor, IReadOnlyList<KpiObservation> observations,
        Func<KpiProfile, KpiObservation, ObservationAlert, KpiAlert> alert, List<KpiAlert> alerts, CancellationToken ct)
    {
        // Watched observations, grouped by series: one history read per (profile, metric) of the batch.
        var watched = new List<(KpiProfile Profile, KpiObservation Observation)>();
        foreach (var o in observations)
        {
            if (!cursor.Metrics.Contains(o.Metric)) continue;
            if (await Profile(session, cursor, o.ProfileId, ct) is { } p && Matches(cursor, p)) watched.Add((p, o));
        }
        if (cursor.Derived is { } derived)
        {
            await EvaluateDerived(session, cursor, derived, watched, alert, alerts, ct);
            return;
        }
        // An hourly value is its own series: its history is the same hour on each of the baseline days before.
        foreach (var series in watched.GroupBy(w => (w.Profile.Id, w.Observation.Metric, w.Observation.Hour)))
        {
            var days = series.Select(w => w.Observation.Date).ToList();
            var from = days.Min().AddDays(-cursor.BaselineDays);
            var to = days.Max().AddDays(-1);
            var history = series.Key.Hour is { } hour
                ? (await HourlyObservationTable.LatestAsync(session, [series.Key.Id], [series.Key.Metric], from, to, ct, hour)).ToDictionary(r => r.Date, r => r.Value)
                : (await ObservationTable.LatestAsync(session, [series.Key.Id], [series.Key.Metric], from, to, ct)).ToDictionary(r => r.Date, r => r.Value);
            foreach (var (profile, o) in series)
            {
                var slots = new double?[cursor.BaselineDays];
                var start = o.Date.AddDays(-cursor.BaselineDays);
                for (var i = 0; i < slots.Length; i++)
                    slots[i] = history.TryGetValue(start.AddDays(i), out var value) ? value : null;
                if (ObservationAlerts.Decide(slots, o.Value, cursor.Rule) is { } verdict) alerts.Add(alert(profile, o, verdict) with { Hour = o.Hour });
            }
        }
    }

    /// <summary>
    /// A derived KPI: one verdict per (profile, day) the batch touched, the KPI of that day (<see cref="QueryDerivedKpisHandler.Compute"/>
    /// over the stored components, the batch's own values included) against the KPI of each day before; the denominator
    /// is the volume a minimum volume is checked against.
    /// </summary>
    private static async Task EvaluateDerived(IQuerySession session, AlertCursor cursor, DerivedKpiDefinition kpi,
        List<(KpiProfile Profile, KpiObservation Observation)> watched, Func<KpiProfile, KpiObservation, ObservationAlert, KpiAlert> alert,
        List<KpiAlert> alerts, CancellationToken ct)
    {
        // Derived KPIs are daily: their components' hourly values are not summed into days here, so they are not looked at.
        foreach (var series in watched.Where(w => w.Observation.Hour is null).GroupBy(w => w.Profile.Id))
        {
            var profile = series.First().Profile;
            var days = series.Select(w => w.Observation.Date).Distinct().Order().ToList();
            var rows = await ObservationTable.LatestAsync(session, [profile.Id], kpi.Metrics, days[0].AddDays(-cursor.BaselineDays - 1), days[^1], ct);
            var values = rows.ToDictionary(r => (r.Metric, r.Date), r => r.Value);
            double? Get(string metric, DateOnly day) => values.TryGetValue((metric, day), out var x) ? x : null;
            foreach (var day in days)
            {
                var slots = new double?[cursor.BaselineDays];
                var start = day.AddDays(-cursor.BaselineDays);
                for (var i = 0; i < slots.Length; i++)
                    slots[i] = QueryDerivedKpisHandler.Compute(kpi, start.AddDays(i), start.AddDays(i), start.AddDays(i), Get).Value;
                var today = QueryDerivedKpisHandler.Compute(kpi, day, day, day, Get);
                if (today.Value is not { } value) continue;
                if (ObservationAlerts.Decide(slots, value, cursor.Rule, today.Denominator) is { } verdict)
                    alerts.Add(alert(profile, new KpiObservation(profile.Id, kpi.Name, day, value), verdict));
            }
        }
    }

    private static bool Matches(AlertCursor cursor, KpiProfile p) =>
        (cursor.Ownership is not { } ownership || p.Ownership == ownership) &&
        (cursor.ProfileIds.Count == 0 || cursor.ProfileIds.Contains(p.Id)) &&
        (cursor.Networks.Count == 0 || cursor.Networks.Contains(p.Network)) &&
        (cursor.BusinessUnits.Count == 0 || cursor.BusinessUnits.Contains(p.BusinessUnit));

    private static async Task<KpiProfile?> Profile(IQuerySession session, AlertCursor cursor, Guid id, CancellationToken ct)
    {
        if (cursor.Profiles.TryGetValue(id, out var known)) return known;
        return cursor.Profiles[id] = await session.LoadAsync<KpiProfile>(id, ct);
    }
}
