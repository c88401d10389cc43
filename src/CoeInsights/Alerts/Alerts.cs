using System.Security.Cryptography;
using System.Text;
using CoeInsights.Analytics;
using CoeInsights.Analytics.Trends;
using CoeInsights.Evaluations;
using JasperFx.Events;
using Marten;

namespace CoeInsights.Alerts;

// ---- The alert stream (one per raised alert): raised → escalated* → acknowledged → resolved. ----

/// <summary>
/// A rule found a (profile, metric, day) value alerting. The rule's approvers, escalation delay, protocol and channels are
/// copied in: the alert's path follows the rule as it was when it was raised (a later edit or delete does not rewrite it).
/// </summary>
public sealed record AlertRaised(
    Guid AlertId, string TenantId, Guid RuleId, string RuleName, Guid ProfileId, string ProfileName, string Metric, DateOnly Date,
    double Observed, double Expected, double Score, AlertDirection Direction, AlertSeverity Severity, AlertMethod Method,
    Guid? BatchId, IReadOnlyList<string> Approvers, TimeSpan EscalateAfter, string Protocol, IReadOnlyList<Guid> ChannelIds, DateTimeOffset At,
    int? Hour = null);

/// <summary>Nobody acknowledged in time: <see cref="To"/> (the approver at <see cref="Step"/>) is asked now.</summary>
public sealed record AlertEscalated(int Step, string To, DateTimeOffset At);

public sealed record AlertAcknowledged(string By, string Note, DateTimeOffset At);

public sealed record AlertResolved(string By, string Note, DateTimeOffset At);

public enum AlertState
{
    Open = 1,
    Acknowledged = 2,
    Resolved = 3,
}

/// <summary>The alert (write model, inline snapshot: what lists, the escalator and cooldowns read).</summary>
public sealed record Alert
{
    public Guid Id { get; init; }
    public string TenantId { get; init; } = "";
    public required AlertRaised Raised { get; init; }
    public Guid RuleId { get; init; }
    public Guid ProfileId { get; init; }
    public string Metric { get; init; } = "";
    public DateOnly Date { get; init; }
    /// <summary><see cref="Date"/> as a day number (what cooldown queries compare).</summary>
    public int DayNumber { get; init; }
    public AlertState State { get; init; }
    public int Step { get; init; }
    public DateTimeOffset RaisedAt { get; init; }
    public DateTimeOffset LastAskedAt { get; init; }
    /// <summary>When the escalator moves it to the next approver; null when acknowledged, resolved, never escalating, or at the ladder's end.</summary>
    public DateTimeOffset? NextEscalationAt { get; init; }
    public long Version { get; set; }

    public string Subject => $"alerts/{Id}";
    public string CurrentApprover => Raised.Approvers[Math.Min(Step, Raised.Approvers.Count - 1)];

    private static DateTimeOffset? Next(AlertRaised r, int step, DateTimeOffset asked) =>
        r.EscalateAfter > TimeSpan.Zero && step + 1 < r.Approvers.Count ? asked + r.EscalateAfter : null;

    public static Alert Create(AlertRaised e) => new()
    {
        Id = e.AlertId, TenantId = e.TenantId, Raised = e, RuleId = e.RuleId, ProfileId = e.ProfileId, Metric = e.Metric, Date = e.Date, DayNumber = e.Date.DayNumber,
        State = AlertState.Open, RaisedAt = e.At, LastAskedAt = e.At, NextEscalationAt = Next(e, 0, e.At),
    };

    public Alert Apply(AlertEscalated e) => this with { Step = e.Step, LastAskedAt = e.At, NextEscalationAt = Next(Raised, e.Step, e.At) };
    public Alert Apply(AlertAcknowledged e) => this with { State = AlertState.Acknowledged, NextEscalationAt = null };
    public Alert Apply(AlertResolved e) => this with { State = AlertState.Resolved, NextEscalationAt = null };
}

public sealed record AcknowledgeAlert(Guid AlertId, string By, string Note, DateTimeOffset Now);
public sealed record ResolveAlert(Guid AlertId, string By, string Note, DateTimeOffset Now);

/// <summary>The alert lifecycle's pure decisions, the notices they send, and the writes that commit both together.</summary>
public static class AlertLifecycle
{
    public const string System = "system";

    public static NotFoundException NotFound(Guid id) => new("Alert", id.ToString());

    public static Guid ParseId(string? text, string field = "alert_id") =>
        Guid.TryParse(text, out var id) ? id : throw new InvalidInputException(field, "must be an alert id as returned by ListAlerts");

    /// <summary>
    /// The alert's stream id: a name-based id of (tenant, rule, profile, metric, day), so every raiser — a restart, a
    /// replica — that finds the same alert starts the same stream, and only the first start commits.
    /// </summary>
    public static Guid StreamId(string tenant, Guid rule, Guid profile, string metric, DateOnly date, int? hour = null)
    {
        // An hourly value's alert is its own (one per hour of the day); a daily one keeps the id it always had.
        var name = $"alert\n{tenant}\n{rule:N}\n{profile:N}\n{metric}\n{date:yyyy-MM-dd}" + (hour is { } h ? $"\n{h:00}" : "");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8 (custom, RFC 9562 §5.8)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }

    private static void RequireApprover(Alert a, string who)
    {
        if (!a.Raised.Approvers.Contains(who.Trim(), StringComparer.OrdinalIgnoreCase))
            throw new PermissionDeniedException("alerts.acknowledge",
                $"'{who}' is not a designated approver of rule '{a.Raised.RuleName}' (approvers: {string.Join(", ", a.Raised.Approvers)}).",
                ErrorReasons.NotAnApprover);
    }

    public static AlertAcknowledged Decide(AcknowledgeAlert c, Alert a)
    {
        RequireApprover(a, c.By);
        new Validator().OptionalText(c.Note, "note").ThrowIfInvalid();
        return a.State switch
        {
            AlertState.Open => new AlertAcknowledged(c.By, c.Note, c.Now),
            AlertState.Acknowledged => throw new RuleViolationException(ErrorReasons.AlertAlreadyAcknowledged, a.Subject, "The alert is already acknowledged."),
            _ => throw new RuleViolationException(ErrorReasons.AlertResolved, a.Subject, "The alert is already resolved."),
        };
    }

    public static AlertResolved Decide(ResolveAlert c, Alert a)
    {
        RequireApprover(a, c.By);
        new Validator().OptionalText(c.Note, "note").ThrowIfInvalid();
        return a.State != AlertState.Resolved
            ? new AlertResolved(c.By, c.Note, c.Now)
            : throw new RuleViolationException(ErrorReasons.AlertResolved, a.Subject, "The alert is already resolved.");
    }

    /// <summary>The escalation due at <paramref name="now"/>: the next approver, one step at a time; null when none is due.</summary>
    public static AlertEscalated? Escalation(Alert a, DateTimeOffset now) =>
        a.State == AlertState.Open && a.NextEscalationAt is { } due && now >= due && a.Step + 1 < a.Raised.Approvers.Count
            ? new AlertEscalated(a.Step + 1, a.Raised.Approvers[a.Step + 1], now)
            : null;

    /// <summary>The notice about <paramref name="event"/>, the alert at <paramref name="version"/> after it.</summary>
    public static AlertNotice Notice(Alert after, object @event, long version)
    {
        var r = after.Raised;
        var asked = r.Approvers.Take(after.Step + 1).ToList();
        var what = $"{r.Metric} of {r.ProfileName} on {r.Date:yyyy-MM-dd}{(r.Hour is { } hour ? $" {hour:00}:00" : "")}: {Fmt(r.Observed)} (expected {Fmt(r.Expected)})";
        var (kind, emailTo, title) = @event switch
        {
            AlertRaised => (AlertNoticeKind.Raised, (IReadOnlyList<string>)[r.Approvers[0]], $"[{r.Severity}] {r.RuleName}: {what}"),
            AlertEscalated e => (AlertNoticeKind.Escalated, [e.To], $"[{r.Severity}] Escalated to you: {r.RuleName}: {what}"),
            AlertAcknowledged e => (AlertNoticeKind.Acknowledged, asked, $"Acknowledged by {e.By}: {r.RuleName}: {what}"),
            AlertResolved e => (AlertNoticeKind.Resolved, asked, $"Resolved by {e.By}: {r.RuleName}: {what}"),
            _ => throw new ArgumentOutOfRangeException(nameof(@event)),
        };
        var note = @event switch
        {
            AlertAcknowledged e when e.Note.Length > 0 => $"\nNote: {e.Note}",
            AlertResolved e when e.Note.Length > 0 => $"\nNote: {e.Note}",
            _ => "",
        };
        var body = $"{title}\nRule: {r.RuleName} ({r.Method}, score {Fmt(r.Score)}, {r.Direction})\nApprover now: {after.CurrentApprover}{note}";
        var at = @event switch
        {
            AlertRaised e => e.At, AlertEscalated e => e.At, AlertAcknowledged e => e.At, AlertResolved e => e.At, _ => r.At,
        };
        return new AlertNotice(after.Id, version, kind, r.RuleName, r.Severity.ToString(), title, body, r.Protocol, emailTo, r.ChannelIds, at);
    }

    private static string Fmt(double x) => x.ToString("0.##", global::System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Starts the alert's stream with its notice in one transaction; false when the alert was already raised (by an
    /// earlier pass, another replica) — then nothing is stored, no notice either.
    /// </summary>
    public static async Task<bool> RaiseAsync(IDocumentSession session, IAlertOutbox outbox, AlertRaised raised, CancellationToken ct)
    {
        session.Events.StartStream<Alert>(raised.AlertId, raised);
        outbox.Enqueue(session, Notice(Alert.Create(raised), raised, 1));
        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception e) when (Common.CreateOnce.IsUniqueViolation(e))
        {
            return false;
        }
    }

    /// <summary>Load → decide → append the event and its notice (one transaction, optimistic on the loaded version); the alert after it.</summary>
    public static async Task<Alert> AppendAsync(Func<IDocumentSession> openSession, IAlertOutbox outbox, Guid id, long? expectedVersion,
        Func<Alert, object?> decide, CancellationToken ct)
    {
        await using var session = openSession();
        var stream = expectedVersion is { } v
            ? await session.Events.FetchForWriting<Alert>(id, v, ct)
            : await session.Events.FetchForWriting<Alert>(id, ct);
        var alert = stream.Aggregate ?? throw NotFound(id);
        if (decide(alert) is not { } @event) return alert;
        stream.AppendOne(@event);
        var version = (stream.StartingVersion ?? 0) + 1;
        var after = Apply(alert, @event) with { Version = version };
        outbox.Enqueue(session, Notice(after, @event, version));
        await session.SaveChangesAsync(ct);
        return after;
    }

    private static Alert Apply(Alert a, object e) => e switch
    {
        AlertEscalated x => a.Apply(x),
        AlertAcknowledged x => a.Apply(x),
        AlertResolved x => a.Apply(x),
        _ => a,
    };

    public static async Task<Alert> LoadAsync(IQuerySession session, Guid id, CancellationToken ct) =>
        await session.LoadAsync<Alert>(id, ct) ?? throw NotFound(id);

    /// <summary>The alert's events, oldest first, each with the stream version after it (the audit trail).</summary>
    public static async Task<IReadOnlyList<IEvent>> TrailAsync(IQuerySession session, Guid id, CancellationToken ct) =>
        await session.Events.FetchStreamAsync(id, token: ct);

    public static async Task<(IReadOnlyList<Alert> Alerts, string NextPageToken)> ListAsync(IQuerySession session, Common.Page page, AlertState? state,
        Guid? ruleId, CancellationToken ct)
    {
        IQueryable<Alert> query = session.Query<Alert>();
        if (state is { } s) query = query.Where(a => a.State == s);
        if (ruleId is { } r) query = query.Where(a => a.RuleId == r);
        var rows = await query.OrderByDescending(a => a.RaisedAt).ThenBy(a => a.Id).Skip(page.Offset).Take(page.Size + 1).ToListAsync(ct);
        return (rows.Take(page.Size).ToList(), page.NextToken(rows.Count));
    }
}
