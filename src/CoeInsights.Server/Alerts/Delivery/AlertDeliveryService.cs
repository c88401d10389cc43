using CoeInsights.Alerts.Delivery;
using CoeInsights.Alerts.Delivery.ListingDeliveries;
using CoeInsights.Alerts.Delivery.ManagingChannels;
using CoeInsights.Common;
using CoeInsights.Server.Validation;
using CoeInsights.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;
using D = CoeInsights.Alerts.Delivery;
using Role = CoeInsights.Access.Role;

namespace CoeInsights.Server.Alerts.Delivery;

/// <summary>Adapter: the committee manages delivery channels and looks after the outbox (map → handler → map).</summary>
[Auth.RequireRole(Role.Committee)]
public sealed class AlertDeliveryService(ISessionFactory sessions, IQuerySession query, TimeProvider clock)
    : V1.AlertDeliveryService.AlertDeliveryServiceBase
{
    public override async Task<V1.DeliveryChannel> CreateDeliveryChannel(CreateDeliveryChannelRequest request, ServerCallContext context)
    {
        var input = ToInput(request.Channel, "channel.");
        await using var session = sessions.OpenSession();
        var channel = await DeliveryChannels.CreateAsync(session, input, request.RequestId, clock.GetUtcNow(), context.CancellationToken);
        return ToProto(channel);
    }

    public override async Task<V1.DeliveryChannel> GetDeliveryChannel(GetDeliveryChannelRequest request, ServerCallContext context) =>
        ToProto(await DeliveryChannels.GetAsync(query, ParseId(request.ChannelId, "channel_id"), context.CancellationToken));

    public override async Task<ListDeliveryChannelsResponse> ListDeliveryChannels(ListDeliveryChannelsRequest request, ServerCallContext context)
    {
        var page = PageRequest.From(request);
        var rows = await DeliveryChannels.ListAsync(query, page, context.CancellationToken);
        return new ListDeliveryChannelsResponse { Channels = { rows.Take(page.Size).Select(ToProto) }, NextPageToken = page.NextToken(rows.Count) };
    }

    public override async Task<V1.DeliveryChannel> UpdateDeliveryChannel(UpdateDeliveryChannelRequest request, ServerCallContext context)
    {
        var id = ParseId(request.ChannelId, "channel_id");
        var etag = Etag.Parse(request.Etag);
        var input = ToInput(request.Channel, "channel.");
        await using var session = sessions.OpenSession();
        return ToProto(await DeliveryChannels.UpdateAsync(session, id, input, etag, clock.GetUtcNow(), context.CancellationToken));
    }

    public override async Task<Empty> DeleteDeliveryChannel(DeleteDeliveryChannelRequest request, ServerCallContext context)
    {
        var id = ParseId(request.ChannelId, "channel_id");
        var etag = Etag.Parse(request.Etag);
        await using var session = sessions.OpenSession();
        await DeliveryChannels.DeleteAsync(session, id, etag, context.CancellationToken);
        return new Empty();
    }

    public override async Task<ListDeliveriesResponse> ListDeliveries(ListDeliveriesRequest request, ServerCallContext context)
    {
        var v = new Validator();
        v.Require(System.Enum.IsDefined(request.State), "state", "must be ALERT_DELIVERY_STATE_PENDING, _DELIVERED or _DEAD_LETTERED (or unspecified: any)");
        Guid? alert = null, channel = null;
        if (!string.IsNullOrEmpty(request.AlertId))
            if (Guid.TryParse(request.AlertId, out var a)) alert = a;
            else v.Add("alert_id", "must be an alert id (a UUID)");
        if (!string.IsNullOrEmpty(request.ChannelId))
            if (Guid.TryParse(request.ChannelId, out var c)) channel = c;
            else v.Add("channel_id", "must be a channel id (a UUID)");
        v.ThrowIfInvalid();
        var page = PageRequest.From(request);
        DeliveryState? state = request.State switch
        {
            AlertDeliveryState.Pending => DeliveryState.Pending,
            AlertDeliveryState.Delivered => DeliveryState.Delivered,
            AlertDeliveryState.DeadLettered => DeliveryState.DeadLettered,
            _ => null,
        };
        var rows = await Deliveries.ListAsync(query, new DeliveryFilter(state, alert, channel), page, context.CancellationToken);
        return new ListDeliveriesResponse { Deliveries = { rows.Take(page.Size).Select(ToProto) }, NextPageToken = page.NextToken(rows.Count) };
    }

    public override async Task<V1.AlertDelivery> RequeueDelivery(RequeueDeliveryRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.DeliveryId) || request.DeliveryId.Length != 32 || !request.DeliveryId.All(Uri.IsHexDigit))
            throw new InvalidInputException("delivery_id", "must be a delivery id (32 hex digits, as ListDeliveries gives)");
        await using var session = sessions.OpenSession();
        return ToProto(await Deliveries.RequeueAsync(session, request.DeliveryId, clock.GetUtcNow(), context.CancellationToken));
    }

    private static Guid ParseId(string id, string field) =>
        Guid.TryParse(id, out var g) ? g : throw new InvalidInputException(field, "must be a channel id (a UUID)");

    private static ChannelInput ToInput(V1.DeliveryChannel? channel, string prefix)
    {
        if (channel is null) throw new InvalidInputException(prefix.TrimEnd('.'), "is required");
        ChannelKind? kind = channel.Kind switch
        {
            DeliveryChannelKind.Webhook => ChannelKind.Webhook,
            DeliveryChannelKind.Slack => ChannelKind.Slack,
            DeliveryChannelKind.Teams => ChannelKind.Teams,
            DeliveryChannelKind.Email => ChannelKind.Email,
            _ => null,
        };
        return new ChannelInput(channel.Name, kind, channel.Url, channel.Secret, [.. channel.EmailTo], !channel.Disabled);
    }

    private static V1.DeliveryChannel ToProto(D.DeliveryChannel c) => new()
    {
        ChannelId = c.Id.ToString(),
        Name = c.Name,
        Kind = c.Kind switch
        {
            ChannelKind.Webhook => DeliveryChannelKind.Webhook,
            ChannelKind.Slack => DeliveryChannelKind.Slack,
            ChannelKind.Teams => DeliveryChannelKind.Teams,
            _ => DeliveryChannelKind.Email,
        },
        // Slack and Teams URLs are their credential: only scheme and host go out.
        Url = c.Kind switch { ChannelKind.Webhook => c.Url ?? "", ChannelKind.Email => "", _ => NoticeSenders.Host(c.Url) },
        EmailTo = { c.EmailTo },
        Disabled = !c.Enabled,
        Etag = Etag.Format(c.Version),
        CreateTime = Timestamp.FromDateTimeOffset(c.CreatedAt),
        UpdateTime = Timestamp.FromDateTimeOffset(c.UpdatedAt),
        HasSecret = !string.IsNullOrEmpty(c.Secret),
    };

    private static V1.AlertDelivery ToProto(D.AlertDelivery d)
    {
        var proto = new V1.AlertDelivery
        {
            DeliveryId = d.Id,
            AlertId = d.AlertId.ToString(),
            AlertVersion = d.AlertVersion,
            NoticeKind = d.Notice.Kind.ToString().ToLowerInvariant(),
            Target = d.Target,
            ChannelId = d.ChannelId?.ToString() ?? "",
            Email = d.Email ?? "",
            State = d.State switch
            {
                DeliveryState.Delivered => AlertDeliveryState.Delivered,
                DeliveryState.DeadLettered => AlertDeliveryState.DeadLettered,
                _ => AlertDeliveryState.Pending,
            },
            Attempts = d.Attempts,
            LastError = d.LastError ?? "",
            EnqueueTime = Timestamp.FromDateTimeOffset(d.EnqueuedAt),
            NextAttemptTime = Timestamp.FromDateTimeOffset(d.NextAttemptAt),
            RuleName = d.Notice.RuleName,
            Severity = d.Notice.Severity,
            Title = d.Notice.Title,
            History =
            {
                d.History.Select(a => new DeliveryAttemptRecord
                {
                    AttemptTime = Timestamp.FromDateTimeOffset(a.At), Succeeded = a.Succeeded, Error = a.Error ?? "",
                    DurationMs = double.IsFinite(a.DurationMs) ? a.DurationMs : 0, HttpStatus = a.HttpStatus ?? 0,
                }),
            },
        };
        if (d.DeliveredAt is { } delivered) proto.DeliverTime = Timestamp.FromDateTimeOffset(delivered);
        if (d.DeadLetteredAt is { } dead) proto.DeadLetterTime = Timestamp.FromDateTimeOffset(dead);
        return proto;
    }
}
