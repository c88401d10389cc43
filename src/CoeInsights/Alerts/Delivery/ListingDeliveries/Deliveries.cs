using CoeInsights.Common;
using Marten;

namespace CoeInsights.Alerts.Delivery.ListingDeliveries;

/// <summary>Filters of ListDeliveries; null = any.</summary>
public sealed record DeliveryFilter(DeliveryState? State, Guid? AlertId, Guid? ChannelId);

/// <summary>Reads of the outbox and the one write an operator makes on it: sending a dead letter again.</summary>
public static class Deliveries
{
    public const string Resource = "AlertDelivery";

    public static async Task<IReadOnlyList<AlertDelivery>> ListAsync(IQuerySession session, DeliveryFilter filter, Page page, CancellationToken ct)
    {
        var query = session.Query<AlertDelivery>().AsQueryable();
        if (filter.State is { } state) query = query.Where(d => d.State == state);
        if (filter.AlertId is { } alert) query = query.Where(d => d.AlertId == alert);
        if (filter.ChannelId is { } channel) query = query.Where(d => d.ChannelId == channel);
        return await query.OrderByDescending(d => d.EnqueuedAt).ThenBy(d => d.Id).Skip(page.Offset).Take(page.Size + 1).ToListAsync(ct);
    }

    /// <summary>A dead letter goes back to pending, due now, with its attempt count reset (its history kept).</summary>
    public static AlertDelivery Requeue(AlertDelivery delivery, DateTimeOffset now) =>
        delivery.State is DeliveryState.DeadLettered
            ? delivery with { State = DeliveryState.Pending, Attempts = 0, NextAttemptAt = now, DeadLetteredAt = null, LeaseUntil = null, LeaseOwner = null }
            : throw new RuleViolationException(ErrorReasons.DeliveryNotDeadLettered, $"alertDeliveries/{delivery.Id}",
                $"Only a dead-lettered delivery can be retried; this one is {delivery.State.ToString().ToLowerInvariant()}.");

    public static async Task<AlertDelivery> RequeueAsync(IDocumentSession session, string id, DateTimeOffset now, CancellationToken ct)
    {
        var delivery = await session.LoadAsync<AlertDelivery>(id, ct) ?? throw new NotFoundException(Resource, id);
        var requeued = Requeue(delivery, now);
        session.Store(requeued);
        AlertDeliveryModule.NotifyDispatchers(session);
        await session.SaveChangesAsync(ct);
        return requeued;
    }
}
