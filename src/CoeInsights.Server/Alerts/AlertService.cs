using CoeInsights.Alerts;
using CoeInsights.Common;
using CoeInsights.Server.Auth;
using CoeInsights.Server.Kpis;
using CoeInsights.Server.Validation;
using CoeInsights.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;
using A = CoeInsights.Analytics.Trends;
using D = CoeInsights.Alerts;
using Role = CoeInsights.Access.Role;

namespace CoeInsights.Server.Alerts;

/// <summary>
/// Adapter: proto ⇄ alert rules and the alert lifecycle (<see cref="AlertRules"/>, <see cref="AlertLifecycle"/>). Committee
/// (and admin) write rules; every role of the tenant reads; acknowledging and resolving is for the rule's approvers (the
/// API key's principal), whatever the key's role.
/// </summary>
[RequireRole(Role.Committee)]
public sealed class AlertService(ISessionFactory sessions, IQuerySession query, CallerContext callerContext, TimeProvider clock, IAlertOutbox outbox)
    : V1.AlertService.AlertServiceBase
{
    private CoeInsights.Access.Caller Caller => callerContext.Caller;

    public override async Task<V1.AlertRule> CreateAlertRule(CreateAlertRuleRequest request, ServerCallContext context)
    {
        var rule = request.Rule ?? throw new InvalidInputException("rule", "is required");
        var definition = AlertMapping.ToDomain(rule);
        var now = clock.GetUtcNow();
        var created = await AlertRules.CreateAsync(sessions.OpenSession,
            new CreateAlertRule(Guid.CreateVersion7(now), Caller.TenantId, definition, rule.Enabled, request.RequestId, Caller.Principal, now),
            context.CancellationToken);
        return AlertMapping.ToProto(created);
    }

    [RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
    public override async Task<V1.AlertRule> GetAlertRule(GetAlertRuleRequest request, ServerCallContext context) =>
        AlertMapping.ToProto(await AlertRules.LoadAsync(query, AlertRules.ParseId(request.RuleId), context.CancellationToken));

    [RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
    public override async Task<ListAlertRulesResponse> ListAlertRules(ListAlertRulesRequest request, ServerCallContext context)
    {
        var (rows, next) = await AlertRules.ListAsync(query, PageRequest.From(request), context.CancellationToken);
        return new ListAlertRulesResponse { Rules = { rows.Select(AlertMapping.ToProto) }, NextPageToken = next };
    }

    public override async Task<V1.AlertRule> UpdateAlertRule(UpdateAlertRuleRequest request, ServerCallContext context)
    {
        var patch = request.Rule ?? throw new InvalidInputException("rule", "is required");
        var id = AlertRules.ParseId(patch.RuleId, "rule.rule_id");
        var expected = Etag.Parse(patch.Etag.Length > 0 ? patch.Etag : request.Etag, patch.Etag.Length > 0 ? "rule.etag" : "etag");
        var stored = await AlertRules.LoadAsync(query, id, context.CancellationToken);
        var merged = AlertMapping.Merge(AlertMapping.ToProto(stored), patch, request.UpdateMask);
        var now = clock.GetUtcNow();
        var updated = await AlertRules.UpdateAsync(sessions.OpenSession,
            new UpdateAlertRule(id, expected, AlertMapping.ToDomain(merged), merged.Enabled, Caller.Principal, now), context.CancellationToken);
        return AlertMapping.ToProto(updated);
    }

    public override async Task<DeleteAlertRuleResponse> DeleteAlertRule(DeleteAlertRuleRequest request, ServerCallContext context)
    {
        var id = AlertRules.ParseId(request.RuleId);
        await AlertRules.DeleteAsync(sessions.OpenSession, new DeleteAlertRule(id, Etag.Parse(request.Etag), Caller.Principal, clock.GetUtcNow()),
            context.CancellationToken);
        return new DeleteAlertRuleResponse { RuleId = id.ToString() };
    }

    [RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
    public override async Task<ListAlertsResponse> ListAlerts(ListAlertsRequest request, ServerCallContext context)
    {
        var v = new Validator();
        KpiMapping.RequireKnown(request.State, "state", v);
        Guid? rule = null;
        if (request.RuleId.Length > 0)
        {
            if (Guid.TryParse(request.RuleId, out var r)) rule = r;
            else v.Add("rule_id", "must be an alert rule id as returned by CreateAlertRule");
        }
        v.ThrowIfInvalid();
        var (rows, next) = await AlertLifecycle.ListAsync(query, PageRequest.From(request), AlertMapping.FromProto(request.State), rule, context.CancellationToken);
        return new ListAlertsResponse { Alerts = { rows.Select(a => AlertMapping.ToProto(a, null)) }, NextPageToken = next };
    }

    [RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
    public override async Task<V1.Alert> GetAlert(GetAlertRequest request, ServerCallContext context)
    {
        var id = AlertLifecycle.ParseId(request.AlertId);
        var alert = await AlertLifecycle.LoadAsync(query, id, context.CancellationToken);
        return AlertMapping.ToProto(alert, await AlertLifecycle.TrailAsync(query, id, context.CancellationToken));
    }

    [RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
    public override async Task<V1.Alert> AcknowledgeAlert(AcknowledgeAlertRequest request, ServerCallContext context)
    {
        var id = AlertLifecycle.ParseId(request.AlertId);
        var command = new AcknowledgeAlert(id, Caller.Principal, request.Note, clock.GetUtcNow());
        await AlertLifecycle.AppendAsync(sessions.OpenSession, outbox, id, null, a => AlertLifecycle.Decide(command, a), context.CancellationToken);
        return await GetAlert(new GetAlertRequest { AlertId = request.AlertId }, context);
    }

    [RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
    public override async Task<V1.Alert> ResolveAlert(ResolveAlertRequest request, ServerCallContext context)
    {
        var id = AlertLifecycle.ParseId(request.AlertId);
        var command = new ResolveAlert(id, Caller.Principal, request.Note, clock.GetUtcNow());
        await AlertLifecycle.AppendAsync(sessions.OpenSession, outbox, id, null, a => AlertLifecycle.Decide(command, a), context.CancellationToken);
        return await GetAlert(new GetAlertRequest { AlertId = request.AlertId }, context);
    }
}

/// <summary>proto ⇄ alert domain. Field paths follow the request (<c>rule.…</c>).</summary>
public static class AlertMapping
{
    /// <summary>The request's rule as a definition; unknown enum values and ids that are not ids are violations on their fields.</summary>
    public static AlertRuleDefinition ToDomain(V1.AlertRule r)
    {
        var v = new Validator();
        var profiles = new List<Guid>();
        for (var i = 0; i < r.ProfileIds.Count; i++)
            if (Guid.TryParse(r.ProfileIds[i], out var p)) profiles.Add(p);
            else v.Add($"rule.profile_ids[{i}]", "must be a profile id as returned by RegisterProfile");
        var networks = new List<CoeInsights.Kpis.Network>();
        for (var i = 0; i < r.Networks.Count; i++)
            if (KpiMapping.FromProto(r.Networks[i]) is { } n) networks.Add(n);
            else v.Add($"rule.networks[{i}]", "must be a known network");
        KpiMapping.RequireKnown(r.Ownership, "rule.ownership", v);
        KpiMapping.RequireKnown(r.Method, "rule.method", v);
        var direction = KpiMapping.FromProto(r.Direction);
        if (direction is null) v.Add("rule.direction", "must be ALERT_DIRECTION_UP, ALERT_DIRECTION_DOWN or ALERT_DIRECTION_BOTH");
        var channels = new List<Guid>();
        for (var i = 0; i < r.ChannelIds.Count; i++)
            if (Guid.TryParse(r.ChannelIds[i], out var c)) channels.Add(c);
            else v.Add($"rule.channel_ids[{i}]", "must be a delivery channel id");
        var escalate = TimeSpan.Zero;
        if (r.EscalateAfter is { } d)
        {
            if (d.Seconds < 0 || d.Nanos < 0 || d.Seconds > (long)AlertRules.MaxEscalateAfter.TotalSeconds) v.Add("rule.escalate_after", "must be 0 (never escalate) or between 1 minute and 30 days");
            else escalate = d.ToTimeSpan();
        }
        v.ThrowIfInvalid();
        return new AlertRuleDefinition(r.Name, r.Metric, profiles, networks, [.. r.BusinessUnits], KpiMapping.FromProto(r.Ownership),
            AlertBacktestService.FromProto(r.Method), r.HasThreshold ? r.Threshold : null, r.Seasonal, direction!.Value,
            r.HasMinimumVolume ? r.MinimumVolume : null, r.CooldownDays, r.HasBaselineDays ? r.BaselineDays : null, [.. r.Approvers], escalate,
            r.Protocol, channels);
    }

    /// <summary>The stored rule with the fields of <paramref name="mask"/> (empty: all of them) taken from <paramref name="patch"/>.</summary>
    public static V1.AlertRule Merge(V1.AlertRule stored, V1.AlertRule patch, FieldMask? mask)
    {
        if (mask is null || mask.Paths.Count == 0)
            return patch.Clone();
        var v = new Validator();
        for (var i = 0; i < mask.Paths.Count; i++)
        {
            var field = V1.AlertRule.Descriptor.FindFieldByName(mask.Paths[i]);
            if (field is null) v.Add($"update_mask.paths[{i}]", $"'{mask.Paths[i]}' is not a field of AlertRule");
            else if (mask.Paths[i] is "rule_id" or "etag" or "create_time" or "update_time" or "created_by")
                v.Add($"update_mask.paths[{i}]", $"'{mask.Paths[i]}' is output only");
        }
        v.ThrowIfInvalid();
        var merged = stored.Clone();
        mask.Merge(patch, merged, new FieldMask.MergeOptions { ReplaceRepeatedFields = true, ReplaceMessageFields = true, ReplacePrimitiveFields = true });
        return merged;
    }

    public static V1.AlertRule ToProto(AlertRuleState s)
    {
        var d = s.Definition;
        var r = new V1.AlertRule
        {
            RuleId = s.Id.ToString(), Name = d.Name, Metric = d.Metric, ProfileIds = { d.ProfileIds.Select(p => p.ToString()) },
            Networks = { d.Networks.Select(KpiMapping.ToProto) }, BusinessUnits = { d.BusinessUnits },
            Ownership = d.Ownership is { } o ? KpiMapping.ToProto(o) : V1.Ownership.Unspecified, Method = ToProto(d.Method), Seasonal = d.Seasonal,
            Direction = ToProto(d.Direction), CooldownDays = d.CooldownDays, Enabled = s.Enabled, Approvers = { d.Approvers },
            Protocol = d.Protocol, ChannelIds = { d.ChannelIds.Select(c => c.ToString()) }, Etag = Etag.Format(s.Version),
            CreateTime = Timestamp.FromDateTimeOffset(s.CreatedAt), UpdateTime = Timestamp.FromDateTimeOffset(s.UpdatedAt), CreatedBy = s.CreatedBy,
        };
        if (d.Threshold is { } t) r.Threshold = t;
        if (d.MinimumVolume is { } m) r.MinimumVolume = m;
        if (d.BaselineDays is { } b) r.BaselineDays = b;
        if (d.EscalateAfter > TimeSpan.Zero) r.EscalateAfter = Duration.FromTimeSpan(d.EscalateAfter);
        return r;
    }

    public static V1.AlertMethod ToProto(A.AlertMethod m) => m switch
    {
        A.AlertMethod.FixedThreshold => V1.AlertMethod.FixedThreshold,
        A.AlertMethod.ChangeVsPreviousPeriod => V1.AlertMethod.ChangeVsPreviousPeriod,
        A.AlertMethod.ChangeVsSameWeekdayLastWeek => V1.AlertMethod.ChangeVsSameWeekdayLastWeek,
        _ => V1.AlertMethod.RobustZScore,
    };

    public static V1.AlertDirection ToProto(A.AlertDirection d) => d switch
    {
        A.AlertDirection.Up => V1.AlertDirection.Up,
        A.AlertDirection.Down => V1.AlertDirection.Down,
        _ => V1.AlertDirection.Both,
    };

    public static D.AlertState? FromProto(V1.AlertState s) => s switch
    {
        V1.AlertState.Open => D.AlertState.Open,
        V1.AlertState.Acknowledged => D.AlertState.Acknowledged,
        V1.AlertState.Resolved => D.AlertState.Resolved,
        _ => null,
    };

    public static V1.AlertState ToProto(D.AlertState s) => s switch
    {
        D.AlertState.Open => V1.AlertState.Open,
        D.AlertState.Acknowledged => V1.AlertState.Acknowledged,
        _ => V1.AlertState.Resolved,
    };

    /// <summary>The alert; with <paramref name="trail"/> (GetAlert) every event of its stream, oldest first.</summary>
    public static V1.Alert ToProto(D.Alert a, IReadOnlyList<JasperFx.Events.IEvent>? trail)
    {
        var r = a.Raised;
        var p = new V1.Alert
        {
            AlertId = a.Id.ToString(), RuleId = r.RuleId.ToString(), RuleName = r.RuleName, ProfileId = r.ProfileId.ToString(), ProfileName = r.ProfileName,
            Metric = r.Metric, Date = KpiMapping.ToProto(r.Date), Observed = r.Observed, Expected = r.Expected, Score = r.Score,
            Direction = ToProto(r.Direction), Severity = r.Severity == A.AlertSeverity.Critical ? V1.AlertSeverity.Critical : V1.AlertSeverity.Warning,
            Method = ToProto(r.Method), BatchId = r.BatchId?.ToString() ?? "", State = ToProto(a.State), CurrentApprover = a.CurrentApprover,
            EscalationStep = a.Step, RaiseTime = Timestamp.FromDateTimeOffset(a.RaisedAt), Etag = Etag.Format(a.Version),
        };
        if (r.Hour is { } hour) p.Hour = hour;
        foreach (var e in trail ?? [])
            p.AuditTrail.Add(e.Data switch
            {
                AlertRaised x => Step(AlertEventKind.Raised, x.At, AlertLifecycle.System, x.Approvers[0], "", e.Version),
                AlertEscalated x => Step(AlertEventKind.Escalated, x.At, AlertLifecycle.System, x.To, "", e.Version),
                AlertAcknowledged x => Step(AlertEventKind.Acknowledged, x.At, x.By, "", x.Note, e.Version),
                AlertResolved x => Step(AlertEventKind.Resolved, x.At, x.By, "", x.Note, e.Version),
                _ => Step(AlertEventKind.Unspecified, e.Timestamp, "", "", "", e.Version),
            });
        return p;
    }

    private static AlertEvent Step(AlertEventKind kind, DateTimeOffset at, string actor, string approver, string note, long version) =>
        new() { Kind = kind, Time = Timestamp.FromDateTimeOffset(at), Actor = actor, Approver = approver, Note = note, Version = version };
}
