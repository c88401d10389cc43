using CoeInsights.Common;
using Marten;

namespace CoeInsights.Alerts.Delivery.ManagingChannels;

/// <summary>Handler: CRUD of a tenant's channels in its own session (conjoined tenancy filters every read and write).</summary>
public static class DeliveryChannels
{
    public const string Resource = "DeliveryChannel";

    public static async Task<DeliveryChannel> CreateAsync(IDocumentSession session, ChannelInput input, string? requestId, DateTimeOffset now, CancellationToken ct)
    {
        ChannelDecider.Validate(input, secretRequired: true);
        if (!string.IsNullOrEmpty(requestId))
        {
            var earlier = await session.Query<DeliveryChannel>().FirstOrDefaultAsync(c => c.RequestId == requestId, ct);
            if (earlier is not null) return earlier;
        }
        var channel = ChannelDecider.Create(Guid.CreateVersion7(now), input, requestId, now);
        if (!string.IsNullOrEmpty(requestId))
            CreateOnce.Claim(session, CreateOnce.ClaimId("delivery-channel", session.TenantId, requestId), channel.Id.ToString(), requestId, now);
        session.Insert(channel);
        return await CreateOnce.InsertOrReturn(
            async () => { await session.SaveChangesAsync(ct); return channel with { Version = 1 }; },
            async () => await session.DocumentStore.QuerySession(session.TenantId).Query<DeliveryChannel>()
                .FirstAsync(c => c.RequestId == requestId, ct));
    }

    public static async Task<DeliveryChannel> GetAsync(IQuerySession session, Guid id, CancellationToken ct) =>
        await session.LoadAsync<DeliveryChannel>(id, ct) ?? throw new NotFoundException(Resource, id.ToString());

    public static async Task<IReadOnlyList<DeliveryChannel>> ListAsync(IQuerySession session, Page page, CancellationToken ct) =>
        await session.Query<DeliveryChannel>().OrderBy(c => c.Name).ThenBy(c => c.Id).Skip(page.Offset).Take(page.Size + 1).ToListAsync(ct);

    public static async Task<DeliveryChannel> UpdateAsync(IDocumentSession session, Guid id, ChannelInput input, long? etag, DateTimeOffset now, CancellationToken ct)
    {
        var current = await GetAsync(session, id, ct);
        // The URL of Slack and Teams channels is write-only: an update that does not send one keeps the stored one.
        if (string.IsNullOrEmpty(input.Url) && input.Kind == current.Kind && current.Kind is not ChannelKind.Email)
            input = input with { Url = current.Url ?? "" };
        ChannelDecider.Validate(input, secretRequired: false);
        if (etag is { } expected && expected != current.Version) throw new StaleEtagException($"deliveryChannels/{id}", expected, current.Version);
        var next = ChannelDecider.Update(current, input, now);
        // Refused (ConcurrencyException → ABORTED) when another update committed since the read.
        session.UpdateRevision(next, current.Version + 1);
        await session.SaveChangesAsync(ct);
        return next with { Version = current.Version + 1 };
    }

    public static async Task DeleteAsync(IDocumentSession session, Guid id, long? etag, CancellationToken ct)
    {
        var current = await GetAsync(session, id, ct);
        if (etag is { } expected && expected != current.Version) throw new StaleEtagException($"deliveryChannels/{id}", expected, current.Version);
        session.Delete(current);
        await session.SaveChangesAsync(ct);
    }
}
