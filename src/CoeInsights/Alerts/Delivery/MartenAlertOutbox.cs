using Marten;

namespace CoeInsights.Alerts.Delivery;

/// <summary>
/// The outbox as Marten documents: one <see cref="AlertDelivery"/> per notice and receiver (each listed channel, each
/// address in <see cref="AlertNotice.EmailTo"/>), inserted in the caller's session so it commits with the alert event.
/// The insert is <c>ON CONFLICT DO NOTHING</c> on the (tenant, id) key, so a command retried after a commit it did not
/// see adds nothing and a notice already delivered is never reset to pending. A <c>pg_notify</c> in the same
/// transaction wakes the dispatchers the moment it commits (PostgreSQL delivers notifications on commit only).
/// </summary>
public sealed class MartenAlertOutbox(TimeProvider clock) : IAlertOutbox
{
    public void Enqueue(IDocumentSession session, AlertNotice notice)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(notice);
        var now = clock.GetUtcNow();
        var table = session.DocumentStore.Options.Schema.For<AlertDelivery>();
        var serializer = session.DocumentStore.Options.Serializer();
        var targets = new Dictionary<string, (Guid? Channel, string? Email)>(StringComparer.Ordinal);
        foreach (var channel in notice.ChannelIds) targets.TryAdd(AlertDelivery.ChannelTarget(channel), (channel, null));
        foreach (var email in notice.EmailTo.Where(e => !string.IsNullOrWhiteSpace(e)))
            targets.TryAdd(AlertDelivery.EmailTarget(email), (null, email.Trim()));
        if (targets.Count == 0) return;

        foreach (var (target, (channel, email)) in targets)
        {
            var delivery = new AlertDelivery
            {
                Id = AlertDelivery.Key(notice.AlertId, notice.Version, target),
                Tenant = session.TenantId,
                AlertId = notice.AlertId,
                AlertVersion = notice.Version,
                Target = target,
                ChannelId = channel,
                Email = email,
                Notice = notice,
                State = DeliveryState.Pending,
                EnqueuedAt = now,
                NextAttemptAt = now,
            };
            session.QueueSqlCommand(
                $"insert into {table} (tenant_id, id, data, mt_dotnet_type, mt_last_modified) values (?, ?, ?::jsonb, ?, now()) on conflict do nothing",
                session.TenantId, delivery.Id, serializer.ToJson(delivery), typeof(AlertDelivery).FullName!);
        }
        AlertDeliveryModule.NotifyDispatchers(session);
    }
}
