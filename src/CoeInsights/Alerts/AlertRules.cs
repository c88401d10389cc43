using System.Net.Mail;
using CoeInsights.Analytics;
using CoeInsights.Analytics.Trends;
using CoeInsights.Common;
using CoeInsights.Evaluations;
using CoeInsights.Kpis;
using CoeInsights.Kpis.QueryingDerivedKpis;
using CoeInsights.Kpis.WatchingAlerts;
using Marten;

namespace CoeInsights.Alerts;

// ---- The alert rule stream (one per rule). Every event says who (By: the caller's principal) and when (At). ----

/// <summary>What a rule watches and who answers: everything but its on/off switch.</summary>
public sealed record AlertRuleDefinition(
    string Name, string Metric, IReadOnlyList<Guid> ProfileIds, IReadOnlyList<Network> Networks, IReadOnlyList<string> BusinessUnits,
    Ownership? Ownership, AlertMethod Method, double? Threshold, bool Seasonal, AlertDirection Direction, double? MinimumVolume,
    int CooldownDays, int? BaselineDays, IReadOnlyList<string> Approvers, TimeSpan EscalateAfter, string Protocol, IReadOnlyList<Guid> ChannelIds)
{
    /// <summary>The pure decision's rule (ObservationAlerts.Decide).</summary>
    public AlertRule ToDecisionRule() => new(Threshold, Seasonal, Direction, Method: Method, MinimumVolume: MinimumVolume);
}

public sealed record AlertRuleCreated(Guid RuleId, string TenantId, AlertRuleDefinition Definition, bool Enabled, string? RequestId, string By, DateTimeOffset At);
public sealed record AlertRuleUpdated(AlertRuleDefinition Definition, string By, DateTimeOffset At);
public sealed record AlertRuleEnabled(string By, DateTimeOffset At);
public sealed record AlertRuleDisabled(string By, DateTimeOffset At);
public sealed record AlertRuleDeleted(string By, DateTimeOffset At);

/// <summary>The rule (write model, kept as an inline snapshot, so also what lists and the raiser read). <see cref="Version"/> is its etag.</summary>
public sealed record AlertRuleState
{
    public Guid Id { get; init; }
    public string TenantId { get; init; } = "";
    public required AlertRuleDefinition Definition { get; init; }
    public bool Enabled { get; init; }
    public bool Deleted { get; init; }
    public string? RequestId { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public long Version { get; set; }

    public string Subject => $"alertRules/{Id}";

    public static AlertRuleState Create(AlertRuleCreated e) => new()
    {
        Id = e.RuleId, TenantId = e.TenantId, Definition = e.Definition, Enabled = e.Enabled, RequestId = e.RequestId, CreatedBy = e.By,
        CreatedAt = e.At, UpdatedAt = e.At,
    };

    public AlertRuleState Apply(AlertRuleUpdated e) => this with { Definition = e.Definition, UpdatedAt = e.At };
    public AlertRuleState Apply(AlertRuleEnabled e) => this with { Enabled = true, UpdatedAt = e.At };
    public AlertRuleState Apply(AlertRuleDisabled e) => this with { Enabled = false, UpdatedAt = e.At };
    public AlertRuleState Apply(AlertRuleDeleted e) => this with { Deleted = true, Enabled = false, UpdatedAt = e.At };
}

public sealed record CreateAlertRule(Guid RuleId, string TenantId, AlertRuleDefinition Definition, bool Enabled, string? RequestId, string By, DateTimeOffset Now);
public sealed record UpdateAlertRule(Guid RuleId, long? ExpectedVersion, AlertRuleDefinition Definition, bool Enabled, string By, DateTimeOffset Now);
public sealed record DeleteAlertRule(Guid RuleId, long? ExpectedVersion, string By, DateTimeOffset Now);

/// <summary>Alert rule writes: pure deciders (INVALID_ARGUMENT with field paths under <c>rule.</c>) and their handlers.</summary>
public static class AlertRules
{
    public const int MaxApprovers = 20;
    public const int MaxCooldownDays = 30;
    public const int MaxProtocolChars = 20_000;
    public static readonly TimeSpan MaxEscalateAfter = TimeSpan.FromDays(30);
    public static readonly TimeSpan MinEscalateAfter = TimeSpan.FromMinutes(1);

    public static NotFoundException NotFound(Guid id) => new("AlertRule", id.ToString());

    public static Guid ParseId(string? text, string field = "rule_id") =>
        Guid.TryParse(text, out var id) ? id : throw new InvalidInputException(field, "must be an alert rule id as returned by CreateAlertRule");

    /// <summary>Whether the name is a catalogue metric or a derived KPI (e.g. negative_share).</summary>
    public static bool IsWatchable(string metric) => MetricCatalogue.Find(metric) is not null || DerivedKpiDefinition.Find(metric) is not null;

    /// <summary>Validates and normalises a definition (trimmed name, approvers lower-cased).</summary>
    public static AlertRuleDefinition Validate(AlertRuleDefinition d)
    {
        var v = new Validator();
        v.RequireName(d.Name, "rule.name");
        if (string.IsNullOrWhiteSpace(d.Metric)) v.Add("rule.metric", "is required: a catalogue metric or a derived KPI such as negative_share");
        else if (!IsWatchable(d.Metric))
            v.Add("rule.metric", $"'{d.Metric}' is neither a catalogue metric nor a derived KPI ({string.Join(", ", DerivedKpiDefinition.All.Select(k => k.Name))})");
        v.Require(d.CooldownDays is >= 0 and <= MaxCooldownDays, "rule.cooldown_days", $"must be 0 to {MaxCooldownDays} days");
        if (d.BaselineDays is { } b)
            v.Require(b is >= WatchAlertsHandler.MinBaselineDays and <= WatchAlertsHandler.MaxBaselineDays, "rule.baseline_days",
                $"must be between {WatchAlertsHandler.MinBaselineDays} and {WatchAlertsHandler.MaxBaselineDays} (default {WatchAlertsHandler.DefaultBaselineDays})");
        v.Require(d.Approvers.Count is > 0 and <= MaxApprovers, "rule.approvers", $"name 1 to {MaxApprovers} approvers (e-mail addresses, the escalation ladder in order)");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < d.Approvers.Count; i++)
        {
            var a = d.Approvers[i]?.Trim() ?? "";
            if (!IsEmail(a)) v.Add($"rule.approvers[{i}]", "must be an e-mail address");
            else if (!seen.Add(a)) v.Add($"rule.approvers[{i}]", $"'{a}' is listed twice");
        }
        v.Require(d.EscalateAfter == TimeSpan.Zero || (d.EscalateAfter >= MinEscalateAfter && d.EscalateAfter <= MaxEscalateAfter), "rule.escalate_after",
            "must be 0 (never escalate) or between 1 minute and 30 days");
        v.OptionalText(d.Protocol, "rule.protocol", MaxProtocolChars);
        for (var i = 0; i < d.BusinessUnits.Count; i++) v.RequireName(d.BusinessUnits[i], $"rule.business_units[{i}]");
        v.Require(d.ChannelIds.Count <= 50, "rule.channel_ids", "at most 50 channels");
        v.ThrowIfInvalid();
        try
        {
            ObservationAlerts.Validate(d.ToDecisionRule());
        }
        catch (InvalidInputException bad)
        {
            throw new InvalidInputException(bad.Violations.Select(x => x with { Field = $"rule.{x.Field}" }).ToList());
        }
        return d with
        {
            Name = d.Name.Trim(), Metric = d.Metric.Trim(), Approvers = d.Approvers.Select(a => a.Trim().ToLowerInvariant()).ToList(),
            BusinessUnits = d.BusinessUnits.Select(Inputs.Clean).ToList(), Protocol = d.Protocol ?? "",
        };
    }

    private static bool IsEmail(string s) =>
        s.Length is > 2 and <= 254 && s.Contains('@') && !s.Any(char.IsWhiteSpace) && MailAddress.TryCreate(s, out var m) && m.Address == s;

    public static AlertRuleCreated Decide(CreateAlertRule c) =>
        new(c.RuleId, c.TenantId, Validate(c.Definition), c.Enabled,
            c.RequestId is { Length: > 0 } r ? (r.Length <= 100 ? r : throw new InvalidInputException("request_id", "at most 100 characters")) : null, c.By, c.Now);

    public static IReadOnlyList<object> Decide(UpdateAlertRule c, AlertRuleState s)
    {
        if (s.Deleted) throw NotFound(s.Id);
        var definition = Validate(c.Definition);
        var events = new List<object>();
        if (definition != s.Definition && !Same(definition, s.Definition)) events.Add(new AlertRuleUpdated(definition, c.By, c.Now));
        if (c.Enabled != s.Enabled) events.Add(c.Enabled ? new AlertRuleEnabled(c.By, c.Now) : new AlertRuleDisabled(c.By, c.Now));
        return events;
    }

    public static IReadOnlyList<object> Decide(DeleteAlertRule c, AlertRuleState s) =>
        s.Deleted ? throw NotFound(s.Id) : [new AlertRuleDeleted(c.By, c.Now)];

    /// <summary>Records compare lists by reference: the same settings in new lists are no change.</summary>
    private static bool Same(AlertRuleDefinition a, AlertRuleDefinition b) =>
        a with { ProfileIds = [], Networks = [], BusinessUnits = [], Approvers = [], ChannelIds = [] }
            == b with { ProfileIds = [], Networks = [], BusinessUnits = [], Approvers = [], ChannelIds = [] }
        && a.ProfileIds.SequenceEqual(b.ProfileIds) && a.Networks.SequenceEqual(b.Networks) && a.BusinessUnits.SequenceEqual(b.BusinessUnits)
        && a.Approvers.SequenceEqual(b.Approvers) && a.ChannelIds.SequenceEqual(b.ChannelIds);

    /// <summary>Starts the rule's stream; a retried request_id returns the rule it created. Unknown profile ids are NOT_FOUND.</summary>
    public static async Task<AlertRuleState> CreateAsync(Func<IDocumentSession> openSession, CreateAlertRule command, CancellationToken ct)
    {
        var created = Decide(command);
        await using (var read = openSession())
        {
            if (await FindByRequestId(read, created.RequestId, ct) is { } existing) return existing;
            await RequireProfiles(read, created.Definition.ProfileIds, ct);
        }
        var id = await CreateOnce.InsertOrReturn(
            async () =>
            {
                await using var session = openSession();
                if (created.RequestId is { } requestId)
                    CreateOnce.Claim(session, CreateOnce.ClaimId("alert-rule", command.TenantId, requestId), created.RuleId.ToString(), requestId, command.Now);
                session.Events.StartStream<AlertRuleState>(created.RuleId, created);
                await session.SaveChangesAsync(ct);
                return created.RuleId;
            },
            async () =>
            {
                await using var session = openSession();
                return (await FindByRequestId(session, created.RequestId, ct))?.Id
                    ?? throw new InvalidOperationException($"request_id '{created.RequestId}' collided but is not stored.");
            });
        await using var after = openSession();
        return await LoadAsync(after, id, ct);
    }

    public static async Task<AlertRuleState> UpdateAsync(Func<IDocumentSession> openSession, UpdateAlertRule command, CancellationToken ct)
    {
        await using (var read = openSession()) await RequireProfiles(read, command.Definition.ProfileIds, ct);
        await EventStreamWriter.AppendAsync<AlertRuleState>(openSession, command.RuleId, command.ExpectedVersion, s => Decide(command, s), "alertRules", NotFound, ct);
        await using var after = openSession();
        return await LoadAsync(after, command.RuleId, ct);
    }

    public static async Task DeleteAsync(Func<IDocumentSession> openSession, DeleteAlertRule command, CancellationToken ct) =>
        await EventStreamWriter.AppendAsync<AlertRuleState>(openSession, command.RuleId, command.ExpectedVersion, s => Decide(command, s), "alertRules", NotFound, ct);

    /// <summary>The rule, or NOT_FOUND (also when deleted, or another tenant's).</summary>
    public static async Task<AlertRuleState> LoadAsync(IQuerySession session, Guid id, CancellationToken ct) =>
        await session.LoadAsync<AlertRuleState>(id, ct) is { Deleted: false } rule ? rule : throw NotFound(id);

    public static async Task<(IReadOnlyList<AlertRuleState> Rules, string NextPageToken)> ListAsync(IQuerySession session, Page page, CancellationToken ct)
    {
        var rows = await session.Query<AlertRuleState>().Where(r => !r.Deleted).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Skip(page.Offset).Take(page.Size + 1).ToListAsync(ct);
        return (rows.Take(page.Size).ToList(), page.NextToken(rows.Count));
    }

    private static async Task RequireProfiles(IQuerySession session, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        foreach (var id in ids.Distinct())
            _ = await session.LoadAsync<KpiProfile>(id, ct) ?? throw new NotFoundException("Profile", id.ToString());
    }

    private static async Task<AlertRuleState?> FindByRequestId(IQuerySession session, string? requestId, CancellationToken ct)
    {
        if (requestId is null) return null;
        var found = await session.Query<AlertRuleState>().Where(r => r.RequestId == requestId).ToListAsync(ct);
        return found.Count > 0 ? found[0] : null;
    }
}
