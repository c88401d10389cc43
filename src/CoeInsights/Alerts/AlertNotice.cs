using Marten;

namespace CoeInsights.Alerts;

/// <summary>What happened to an alert that people must hear about.</summary>
public enum AlertNoticeKind { Raised, Escalated, Acknowledged, Resolved }

/// <summary>
/// One message to deliver about an alert: the alert module writes it, delivery sends it. <see cref="EmailTo"/> are the
/// people to mail (the rule's approvers at the current escalation step); <see cref="ChannelIds"/> name the tenant's
/// delivery channels (webhook, Slack, Teams) the rule routes to. <see cref="Version"/> is the alert stream's version
/// after the event, so (AlertId, Version) identifies a notice and a receiver can drop a duplicate.
/// </summary>
public sealed record AlertNotice(
    Guid AlertId, long Version, AlertNoticeKind Kind, string RuleName, string Severity, string Title, string Body,
    string Protocol, IReadOnlyList<string> EmailTo, IReadOnlyList<Guid> ChannelIds, DateTimeOffset At)
{
    /// <summary>The metric or KPI watched (e.g. negative_share); empty when the alert module does not say.</summary>
    public string Metric { get; init; } = "";
    /// <summary>What was observed; null when not given.</summary>
    public double? Observed { get; init; }
    /// <summary>What the method expected (its baseline or threshold); null when not given.</summary>
    public double? Expected { get; init; }
    /// <summary>How to acknowledge (command, link); empty: the delivery formats say to acknowledge the alert by its id.</summary>
    public string AcknowledgeHint { get; init; } = "";
}

/// <summary>
/// The outbox: <see cref="Enqueue"/> stores the notice in the caller's session, so it commits (or not) with the alert
/// event that caused it and a delivery outage loses nothing; a background dispatcher sends it later.
/// </summary>
public interface IAlertOutbox
{
    void Enqueue(IDocumentSession session, AlertNotice notice);
}

/// <summary>Until a delivery module is registered, notices are not kept.</summary>
public sealed class NoAlertOutbox : IAlertOutbox
{
    public void Enqueue(IDocumentSession session, AlertNotice notice) { }
}
