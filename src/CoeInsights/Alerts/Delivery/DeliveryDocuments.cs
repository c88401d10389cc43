using System.Security.Cryptography;
using System.Text;
using Marten;

namespace CoeInsights.Alerts.Delivery;

/// <summary>Where a notice goes: a signed JSON webhook, a Slack or Teams incoming webhook, or a list of mail addresses.</summary>
public enum ChannelKind { Webhook, Slack, Teams, Email }

/// <summary>
/// A tenant's delivery channel (document, tenant-tagged). <see cref="Version"/> is Marten's numeric revision: the etag
/// is <c>W/"Version"</c> and an update with a stale etag is refused. <see cref="Secret"/> (webhook HMAC key) is
/// write-only: never returned by the API, never logged; so is the <see cref="Url"/> of Slack and Teams channels (the URL
/// is their credential).
/// </summary>
public sealed record DeliveryChannel : JasperFx.IRevisioned
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public ChannelKind Kind { get; init; }
    /// <summary>Webhook, Slack, Teams: where to POST.</summary>
    public string? Url { get; init; }
    /// <summary>Webhook only: the HMAC-SHA256 key of the signature header.</summary>
    public string? Secret { get; init; }
    /// <summary>Email only: the addresses every notice routed to this channel is mailed to.</summary>
    public List<string> EmailTo { get; init; } = [];
    public bool Enabled { get; init; } = true;
    public int Version { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>The request_id of the create, so a retried create answers with the same channel.</summary>
    public string? RequestId { get; init; }
}

public enum DeliveryState { Pending, Delivered, DeadLettered }

/// <summary>One try to hand a notice to its receiver.</summary>
public sealed record DeliveryAttempt(DateTimeOffset At, bool Succeeded, string? Error, double DurationMs, int? HttpStatus);

/// <summary>
/// One notice to one receiver: the outbox row. <see cref="Id"/> is derived from (alert, alert version, target), so
/// enqueueing the same notice again (a retried command) finds the row already there and never sends twice.
/// <see cref="Tenant"/> repeats the row's tenant so the dispatcher, which serves every tenant, knows whose channel to
/// load. <see cref="LeaseUntil"/> / <see cref="LeaseOwner"/>: a dispatcher that claimed the row (see AlertDispatcher);
/// another replica skips it until the lease has passed.
/// </summary>
public sealed record AlertDelivery
{
    public string Id { get; init; } = "";
    public string Tenant { get; init; } = "";
    public Guid AlertId { get; init; }
    public long AlertVersion { get; init; }
    /// <summary><c>channel:{id}</c> or <c>email:{address}</c>.</summary>
    public string Target { get; init; } = "";
    public Guid? ChannelId { get; init; }
    public string? Email { get; init; }
    public AlertNotice Notice { get; init; } = null!;
    public DeliveryState State { get; init; }
    public int Attempts { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset EnqueuedAt { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? DeadLetteredAt { get; init; }
    public DateTimeOffset? LeaseUntil { get; init; }
    public string? LeaseOwner { get; init; }
    public List<DeliveryAttempt> History { get; init; } = [];

    /// <summary>32 hex digits of SHA-256 over (alert, version, target): URL-safe, and the same for the same notice and receiver.</summary>
    public static string Key(Guid alertId, long version, string target) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{alertId:N}/{version}/{target}")))[..32];

    public static string ChannelTarget(Guid channelId) => $"channel:{channelId:N}";

    public static string EmailTarget(string address) => $"email:{address.Trim().ToLowerInvariant()}";
}

public static class AlertDeliveryModule
{
    public static StoreOptions ConfigureAlertDelivery(this StoreOptions options)
    {
        options.Schema.For<DeliveryChannel>().Index(c => c.Name);
        options.Schema.For<AlertDelivery>()
            .Index(d => d.NextAttemptAt)
            .Index(d => d.AlertId);
        return options;
    }

    /// <summary>Wakes every dispatcher once the caller's transaction commits (NOTIFY is delivered on commit only).</summary>
    public static void NotifyDispatchers(IDocumentSession session) => Store.ChangeKeys.SendOnCommit(session, Store.ChangeKeys.AlertDeliveries);
}
