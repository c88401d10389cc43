using CoeInsights.Analytics.Trends;
using CoeInsights.Kpis.WatchingAlerts;
using JasperFx.Events.Projections;
using Marten;

namespace CoeInsights.Alerts;

/// <summary>How far the raiser has looked for a rule: every KPI event at or below <see cref="Floor"/> was evaluated. Id = rule id.</summary>
public sealed record AlertRulePosition(Guid Id, long Floor, DateTimeOffset UpdatedAt);

public static class AlertsModule
{
    /// <summary>Rule and alert streams, their inline snapshots (what lists read), and the raiser's positions.</summary>
    public static StoreOptions ConfigureAlerts(this StoreOptions options)
    {
        options.Events.AddEventType<AlertRuleCreated>();
        options.Events.AddEventType<AlertRuleUpdated>();
        options.Events.AddEventType<AlertRuleEnabled>();
        options.Events.AddEventType<AlertRuleDisabled>();
        options.Events.AddEventType<AlertRuleDeleted>();
        options.Events.AddEventType<AlertRaised>();
        options.Events.AddEventType<AlertEscalated>();
        options.Events.AddEventType<AlertAcknowledged>();
        options.Events.AddEventType<AlertResolved>();
        options.Projections.Snapshot<AlertRuleState>(SnapshotLifecycle.Inline);
        options.Projections.Snapshot<Alert>(SnapshotLifecycle.Inline);
        options.Schema.For<AlertRuleState>().Index(r => r.RequestId!);
        options.Schema.For<Alert>().Index(a => a.RuleId).Index(a => a.NextEscalationAt!);
        options.Schema.For<AlertRulePosition>();
        return options;
    }
}

/// <summary>
/// The raiser of one server process: evaluates every enabled rule of a tenant on the KPI events committed since its
/// last look (<see cref="WatchAlertsHandler"/>'s cursor and evaluation, with the rule's method, minimum volume, scope and
/// derived KPI), applies the cooldown (<see cref="AlertCooldown"/>) and raises one alert stream per (rule, profile,
/// metric, day). Raising is create-once (<see cref="AlertLifecycle.StreamId"/>), so replicas and restarts that look at
/// the same events raise nothing twice; the floor below which every event was looked at is stored per rule, so a
/// restart resumes there.
/// </summary>
public sealed class AlertRaising(IDocumentStore store, IAlertOutbox outbox)
{
    private readonly Dictionary<Guid, (long Version, AlertCursor Cursor)> _cursors = [];
    private readonly Lock _lock = new();

    /// <summary>Tenants with at least one enabled rule (the raiser's start and its fallback sweep).</summary>
    public async Task<IReadOnlyList<string>> TenantsWithRulesAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.Query<AlertRuleState>().Where(r => r.AnyTenant() && r.Enabled && !r.Deleted).Select(r => r.TenantId).Distinct().ToListAsync(ct);
    }

    /// <summary>One look for <paramref name="tenant"/>: returns the alerts raised (those already raised elsewhere are not counted).</summary>
    public async Task<int> PassAsync(string tenant, DateTimeOffset now, CancellationToken ct)
    {
        await using var query = store.QuerySession(tenant);
        var rules = await query.Query<AlertRuleState>().Where(r => r.Enabled && !r.Deleted).ToListAsync(ct);
        var raised = 0;
        foreach (var rule in rules)
        {
            var cursor = await CursorAsync(query, rule, ct);
            var floorBefore = cursor.Floor;
            var found = await WatchAlertsHandler.NextAsync(query, cursor, now, ct);
            foreach (var alert in found.OrderBy(a => a.Date).ThenBy(a => a.Sequence))
                if (await RaiseAsync(tenant, rule, alert, now, ct)) raised++;
            if (cursor.Floor != floorBefore)
            {
                await using var session = store.LightweightSession(tenant);
                session.Store(new AlertRulePosition(rule.Id, cursor.Floor, now));
                await session.SaveChangesAsync(ct);
            }
        }
        return raised;
    }

    private async Task<AlertCursor> CursorAsync(IQuerySession session, AlertRuleState rule, CancellationToken ct)
    {
        lock (_lock)
            if (_cursors.TryGetValue(rule.Id, out var known) && known.Version == rule.Version) return known.Cursor;
        long floor;
        lock (_lock) floor = _cursors.TryGetValue(rule.Id, out var old) ? old.Cursor.Floor : -1;
        if (floor < 0)
        {
            // Stored position, else from the rule's creation on: what was recorded before the rule existed is history.
            floor = (await session.LoadAsync<AlertRulePosition>(rule.Id, ct))?.Floor
                ?? await session.Events.QueryAllRawEvents().Where(e => e.StreamId == rule.Id).MinAsync(e => e.Sequence, ct);
        }
        var d = rule.Definition;
        var cursor = AlertCursor.ForRule(d.ToDecisionRule(), d.Metric, d.ProfileIds, d.Networks, d.BusinessUnits, d.Ownership,
            d.BaselineDays ?? WatchAlertsHandler.DefaultBaselineDays, floor);
        lock (_lock) _cursors[rule.Id] = (rule.Version, cursor);
        return cursor;
    }

    private async Task<bool> RaiseAsync(string tenant, AlertRuleState rule, KpiAlert alert, DateTimeOffset now, CancellationToken ct)
    {
        var d = rule.Definition;
        await using var session = store.LightweightSession(tenant);
        if (d.CooldownDays > 0)
        {
            var day = alert.Date.DayNumber;
            var last = await session.Query<Alert>()
                .Where(a => a.RuleId == rule.Id && a.ProfileId == alert.Profile.Id && a.Metric == alert.Metric && a.DayNumber < day)
                .OrderByDescending(a => a.DayNumber).Select(a => a.DayNumber).Take(1).ToListAsync(ct);
            if (AlertCooldown.Suppresses(last.Count > 0 ? last[0] : null, day, d.CooldownDays)) return false;
        }
        var v = alert.Verdict;
        var raised = new AlertRaised(
            AlertLifecycle.StreamId(tenant, rule.Id, alert.Profile.Id, alert.Metric, alert.Date, alert.Hour), tenant, rule.Id, d.Name, alert.Profile.Id,
            alert.Profile.DisplayName.Length > 0 ? alert.Profile.DisplayName : alert.Profile.Handle, alert.Metric, alert.Date,
            v.Value, v.Expected, v.Score, v.Direction, v.Severity, v.Method, alert.BatchId, d.Approvers, d.EscalateAfter, d.Protocol, d.ChannelIds, now, alert.Hour);
        return await AlertLifecycle.RaiseAsync(session, outbox, raised, ct);
    }
}

/// <summary>The escalator's look: every open alert whose escalation is due moves one step up its rule's ladder.</summary>
public static class AlertEscalation
{
    /// <summary>Escalates what is due at <paramref name="now"/> in every tenant; returns how many moved (a replica that lost the race does not count).</summary>
    public static async Task<int> PassAsync(IDocumentStore store, IAlertOutbox outbox, DateTimeOffset now, CancellationToken ct)
    {
        List<Alert> due;
        await using (var query = store.QuerySession())
            due = (await query.Query<Alert>().Where(a => a.AnyTenant() && a.State == AlertState.Open && a.NextEscalationAt != null && a.NextEscalationAt <= now)
                .Take(500).ToListAsync(ct)).ToList();
        var moved = 0;
        foreach (var alert in due)
        {
            try
            {
                var after = await AlertLifecycle.AppendAsync(() => store.LightweightSession(alert.TenantId), outbox, alert.Id, alert.Version,
                    a => AlertLifecycle.Escalation(a, now), ct);
                if (after.Step != alert.Step) moved++;
            }
            catch (Exception e) when (e is JasperFx.ConcurrencyException || e.InnerException is JasperFx.ConcurrencyException
                                      || e is JasperFx.Events.EventStreamUnexpectedMaxEventIdException || e.InnerException is JasperFx.Events.EventStreamUnexpectedMaxEventIdException)
            {
                // Acknowledged meanwhile, or another replica escalated it: the next look sees the new state.
            }
        }
        return moved;
    }
}
