using System.CommandLine;
using System.Globalization;
using CoeInsights.V1;

namespace CoeInsights.Cli.Commands;

/// <summary>
/// coe alerts channels … (where alert notices go: webhook, Slack, Teams, email) and coe alerts deliveries … (the outbox:
/// state, attempts, last error; requeue a dead letter). AlertDeliveryService, committee keys (docs/alerts.md, "Delivery").
/// </summary>
internal static class AlertDeliveryCommands
{
    private static AlertDeliveryService.AlertDeliveryServiceClient Client(CliContext context) => new(context.Channel);

    private static readonly Argument<string> ChannelId = new("channel-id");
    private static readonly Option<string> Kind = new("--kind") { Description = "webhook, slack, teams or email." };
    private static readonly Option<string> Url = new("--url") { Description = "webhook, slack, teams: where to POST (https; http only to a loopback host)." };
    private static readonly Option<string> Secret = new("--secret")
    {
        Description = "webhook: the HMAC-SHA256 signing secret (16-256 characters; whsec_<base64> as Standard Webhooks); '-' reads it from standard input.",
    };
    private static readonly Option<string[]> EmailTo = new("--email-to") { Description = "email: an address to mail (repeat)." };
    private static readonly Option<bool> Disabled = new("--disabled") { Description = "Keep the channel but send nothing to it." };
    private static readonly Option<string> EtagOption = new("--etag") { Description = "The etag read last (stale: refused, nothing changes)." };

    public static Command BuildChannels(CommandRunner run)
    {
        var channels = new Command("channels", "Where alert notices go: signed webhooks, Slack and Teams incoming webhooks, mail (committee).");
        channels.Add(Create(run));
        channels.Add(List(run));
        channels.Add(Get(run));
        channels.Add(Update(run));
        channels.Add(Delete(run));
        return channels;
    }

    public static Command BuildDeliveries(CommandRunner run)
    {
        var deliveries = new Command("deliveries", "The alert outbox: each notice to each receiver with its state, attempts and last error; requeue dead letters (committee).");
        deliveries.Add(ListDeliveries(run));
        deliveries.Add(Requeue(run));
        return deliveries;
    }

    private static DeliveryChannelKind ParseKind(string? kind) => kind?.ToLowerInvariant() switch
    {
        "webhook" => DeliveryChannelKind.Webhook,
        "slack" => DeliveryChannelKind.Slack,
        "teams" => DeliveryChannelKind.Teams,
        "email" => DeliveryChannelKind.Email,
        _ => throw new UsageException($"--kind must be webhook, slack, teams or email, not '{kind}'"),
    };

    private static string Name(DeliveryChannelKind kind) => kind.ToString().ToLowerInvariant();

    private static string ReadSecret(string? secret) => secret == "-" ? (Console.In.ReadLine() ?? "").Trim() : secret ?? "";

    private static void Shown(CliContext context, DeliveryChannel c) => context.Write(c, _ => context.Output.WriteLine(Line(c)));

    private static string Line(DeliveryChannel c)
    {
        var where = c.Kind == DeliveryChannelKind.Email ? string.Join(", ", c.EmailTo) : c.Url;
        var flags = (c.Disabled ? ", disabled" : "") + (c.HasSecret ? ", signed" : "");
        return $"{c.ChannelId}  {c.Name}  {Name(c.Kind)}  {where}{flags}  etag {c.Etag}";
    }

    private static Command Create(CommandRunner run)
    {
        var name = new Argument<string>("name");
        var requestId = new Option<string>("--request-id") { Description = "Makes a retried create answer with the first one's channel." };
        var command = new Command("create", "A new delivery channel.") { name, Kind, Url, Secret, EmailTo, Disabled, requestId };
        command.SetAction((result, ct) => run(result, async context => Shown(context, await Client(context).CreateDeliveryChannelAsync(new CreateDeliveryChannelRequest
        {
            Channel = new DeliveryChannel
            {
                Name = result.GetValue(name)!, Kind = ParseKind(result.GetValue(Kind)), Url = result.GetValue(Url) ?? "",
                Secret = ReadSecret(result.GetValue(Secret)), EmailTo = { result.GetValue(EmailTo) ?? [] }, Disabled = result.GetValue(Disabled),
            },
            RequestId = result.GetValue(requestId) ?? "",
        }, cancellationToken: ct))));
        return command;
    }

    private static Command List(CommandRunner run)
    {
        var command = new Command("list", "The tenant's channels by name.");
        command.SetAction((result, ct) => run(result, async context =>
        {
            var all = new ListDeliveryChannelsResponse();
            var token = "";
            do
            {
                var page = await Client(context).ListDeliveryChannelsAsync(new ListDeliveryChannelsRequest { PageToken = token, PageSize = 1000 }, cancellationToken: ct);
                all.Channels.Add(page.Channels);
                token = page.NextPageToken;
            } while (token.Length > 0);
            // Whole lines (Spectre would wrap them at the console's width): ids and URLs must survive copy and paste.
            context.Write(all, _ =>
            {
                if (all.Channels.Count == 0) context.Output.WriteLine("no delivery channels");
                foreach (var c in all.Channels) context.Output.WriteLine(Line(c));
            });
        }));
        return command;
    }

    private static Command Get(CommandRunner run)
    {
        var command = new Command("get", "One channel (secrets are never shown).") { ChannelId };
        command.SetAction((result, ct) => run(result, async context =>
            Shown(context, await Client(context).GetDeliveryChannelAsync(new GetDeliveryChannelRequest { ChannelId = result.GetValue(ChannelId)! }, cancellationToken: ct))));
        return command;
    }

    private static Command Update(CommandRunner run)
    {
        var name = new Option<string>("--name");
        var enabled = new Option<bool>("--enabled") { Description = "Send to the channel again." };
        var command = new Command("update", "Change a channel; what is not given stays (url and secret too).") { ChannelId, name, Url, Secret, EmailTo, Disabled, enabled, EtagOption };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var client = Client(context);
            var current = await client.GetDeliveryChannelAsync(new GetDeliveryChannelRequest { ChannelId = result.GetValue(ChannelId)! }, cancellationToken: ct);
            var emails = result.GetValue(EmailTo);
            var channel = new DeliveryChannel
            {
                Name = result.GetValue(name) ?? current.Name, Kind = current.Kind,
                // Slack and Teams URLs are write-only (the read shows scheme and host): empty keeps the stored one.
                Url = result.GetValue(Url) ?? (current.Kind == DeliveryChannelKind.Webhook ? current.Url : ""),
                Secret = ReadSecret(result.GetValue(Secret)),
                EmailTo = { emails is { Length: > 0 } ? emails : current.EmailTo },
                Disabled = result.GetValue(Disabled) || (current.Disabled && !result.GetValue(enabled)),
            };
            Shown(context, await client.UpdateDeliveryChannelAsync(new UpdateDeliveryChannelRequest
            {
                ChannelId = current.ChannelId, Channel = channel, Etag = result.GetValue(EtagOption) ?? current.Etag,
            }, cancellationToken: ct));
        }));
        return command;
    }

    private static Command Delete(CommandRunner run)
    {
        var command = new Command("delete", "Remove a channel (its pending deliveries dead-letter).") { ChannelId, EtagOption };
        command.SetAction((result, ct) => run(result, async context =>
        {
            await Client(context).DeleteDeliveryChannelAsync(new DeleteDeliveryChannelRequest
            {
                ChannelId = result.GetValue(ChannelId)!, Etag = result.GetValue(EtagOption) ?? "",
            }, cancellationToken: ct);
            context.Output.WriteLine($"deleted {result.GetValue(ChannelId)}");
        }));
        return command;
    }

    private static Command ListDeliveries(CommandRunner run)
    {
        var state = new Option<string>("--state") { Description = "pending, delivered or dead-lettered (default: any)." };
        var alert = new Option<string>("--alert") { Description = "Only this alert's deliveries." };
        var channel = new Option<string>("--channel") { Description = "Only this channel's deliveries." };
        var limit = new Option<int>("--limit") { DefaultValueFactory = _ => 50, Description = "At most this many, newest first (default 50)." };
        var command = new Command("list", "Deliveries, newest first: state, attempts, next attempt, last error.") { state, alert, channel, limit };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var request = new ListDeliveriesRequest
            {
                State = result.GetValue(state)?.ToLowerInvariant() switch
                {
                    null => AlertDeliveryState.Unspecified,
                    "pending" => AlertDeliveryState.Pending,
                    "delivered" => AlertDeliveryState.Delivered,
                    "dead-lettered" or "dead" => AlertDeliveryState.DeadLettered,
                    var s => throw new UsageException($"--state must be pending, delivered or dead-lettered, not '{s}'"),
                },
                AlertId = result.GetValue(alert) ?? "", ChannelId = result.GetValue(channel) ?? "", PageSize = Math.Max(1, result.GetValue(limit)),
            };
            var r = await Client(context).ListDeliveriesAsync(request, cancellationToken: ct);
            context.Write(r, _ =>
            {
                if (r.Deliveries.Count == 0) context.Output.WriteLine("no deliveries");
                foreach (var d in r.Deliveries)
                {
                    var when = d.State switch
                    {
                        AlertDeliveryState.Delivered => $"delivered {Time(d.DeliverTime)}",
                        AlertDeliveryState.DeadLettered => $"dead-lettered {Time(d.DeadLetterTime)}",
                        _ => $"pending, next attempt {Time(d.NextAttemptTime)}",
                    };
                    context.Output.WriteLine($"{d.DeliveryId}  {d.NoticeKind} {d.Title}  → {d.Target}  {when}, {d.Attempts} attempt(s){(d.LastError.Length > 0 ? $": {d.LastError}" : "")}");
                }
            });
        }));
        return command;
    }

    private static Command Requeue(CommandRunner run)
    {
        var id = new Argument<string>("delivery-id");
        var command = new Command("requeue", "Send a dead letter again now (attempts reset, history kept).") { id };
        command.SetAction((result, ct) => run(result, async context =>
        {
            var d = await Client(context).RequeueDeliveryAsync(new RequeueDeliveryRequest { DeliveryId = result.GetValue(id)! }, cancellationToken: ct);
            context.Write(d, _ => context.Output.WriteLine($"{d.DeliveryId}  requeued → {d.Target}"));
        }));
        return command;
    }

    private static string Time(Google.Protobuf.WellKnownTypes.Timestamp? t) =>
        t is null ? "-" : t.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture);
}
