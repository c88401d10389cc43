extern alias server;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CoeInsights.Alerts;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CoeInsights.Server.Tests.Alerts;

/// <summary>A server whose dispatcher retries fast (0.2 s doubling to 1 s) and mails through a real local SMTP server.</summary>
public class DeliveryServer : TestServer
{
    private readonly DeliveryServer? _first;

    public DeliveryServer() { }

    private DeliveryServer(DeliveryServer first) : base(first) => _first = first;

    /// <summary>A second replica on <paramref name="first"/>'s schema and mail server.</summary>
    public static DeliveryServer ReplicaOf(DeliveryServer first) => new(first);

    public SmtpSink Smtp => _first?.Smtp ?? _smtp;
    private readonly SmtpSink _smtp = new();

    public override async Task InitializeAsync()
    {
        if (_first is null) await _smtp.StartAsync();
        await base.InitializeAsync();
    }

    protected override void Configure(WebApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coe:Smtp:Host"] = "127.0.0.1",
            ["Coe:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Coe:Smtp:Security"] = "None",
            ["Coe:Smtp:From"] = "CoE alerts <alerts@coe.example.org>",
            ["Coe:Delivery:FirstRetry"] = "00:00:00.2",
            ["Coe:Delivery:MaxRetry"] = "00:00:01",
            ["Coe:Delivery:MaxAttempts"] = "40",
            ["Coe:Delivery:PollInterval"] = "00:00:02",
            ["Coe:Delivery:AttemptTimeout"] = "00:00:05",
        });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_first is null) await _smtp.DisposeAsync();
    }

    /// <summary>What the alert module does: the notice enqueued in a session of the tenant, committed with it.</summary>
    public async Task EnqueueAsync(string tenant, AlertNotice notice)
    {
        var outbox = Services.GetRequiredService<IAlertOutbox>();
        await using var session = this.Store().LightweightSession(tenant);
        outbox.Enqueue(session, notice);
        await session.SaveChangesAsync();
    }
}

/// <summary>
/// Alert delivery end to end (issue 18): channels over gRPC and JSON, the outbox drained by the dispatcher to a local
/// HTTP receiver that answers like Slack, Teams and a Standard Webhooks consumer, and to a real SMTP server.
/// </summary>
public sealed class AlertDeliveryTests(DeliveryServer server) : IClassFixture<DeliveryServer>, IAsyncLifetime
{
    private readonly FakeReceiver _receiver = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static int _tenants;

    private async Task<(string Tenant, AlertDeliveryService.AlertDeliveryServiceClient Client)> Tenant()
    {
        var tenant = $"deliv{Interlocked.Increment(ref _tenants)}-{Guid.NewGuid():N}"[..20];
        var key = await server.CreateKeyAsync(tenant, Role.Committee);
        return (tenant, new AlertDeliveryService.AlertDeliveryServiceClient(server.Channel(key)));
    }

    private static AlertNotice Notice(string title, IReadOnlyList<Guid> channels, params string[] emailTo) =>
        new(Guid.NewGuid(), 1, AlertNoticeKind.Raised, "Negative mentions spike", "critical", title,
            "Negative mentions on Instagram/northwind.home are far above their baseline.",
            "1. Tell the duty approver. 2. Pause scheduled posts. 3. Draft a holding statement.", emailTo, channels, DateTimeOffset.UtcNow)
        {
            Metric = "negative_mentions", Observed = 42, Expected = 12.5,
        };

    private static async Task<V1.AlertDelivery[]> WaitFor(AlertDeliveryService.AlertDeliveryServiceClient client, string alertId,
        Func<V1.AlertDelivery[], bool> done, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var rows = (await client.ListDeliveriesAsync(new ListDeliveriesRequest { AlertId = alertId })).Deliveries.ToArray();
            if (done(rows)) return rows;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"{what}: {string.Join("; ", rows.Select(r => $"{r.Target} {r.State} x{r.Attempts} {r.LastError}"))}");
            await Task.Delay(100);
        }
    }

    private static bool AllDelivered(V1.AlertDelivery[] rows, int count) => rows.Length == count && rows.All(r => r.State == AlertDeliveryState.Delivered);

    private async Task<V1.DeliveryChannel> Create(AlertDeliveryService.AlertDeliveryServiceClient client, string name, DeliveryChannelKind kind,
        string url = "", string secret = "", params string[] emailTo) =>
        await client.CreateDeliveryChannelAsync(new CreateDeliveryChannelRequest
        {
            Channel = new V1.DeliveryChannel { Name = name, Kind = kind, Url = url, Secret = secret, EmailTo = { emailTo } },
        });

    [Fact]
    public async Task DeliversEveryKindInItsFormatOnceEvenWhenEnqueuedTwice()
    {
        await _receiver.StartAsync();
        var (tenant, client) = await Tenant();
        var hook = await Create(client, "ops webhook", DeliveryChannelKind.Webhook, _receiver.Url("/hook"), _receiver.WebhookSecret);
        var slack = await Create(client, "slack #crisis", DeliveryChannelKind.Slack, _receiver.Url("/slack/T0001/B0001/XXXX"));
        var teams = await Create(client, "teams crisis", DeliveryChannelKind.Teams, _receiver.Url("/teams"));
        var mail = await Create(client, "crisis list", DeliveryChannelKind.Email, emailTo: ["crisis-team@example.org"]);
        var channels = new[] { hook, slack, teams, mail }.Select(c => Guid.Parse(c.ChannelId)).ToList();
        var notice = Notice("Spike in negative mentions", channels, "approver@example.org");

        await server.EnqueueAsync(tenant, notice);
        await server.EnqueueAsync(tenant, notice); // a retried command: the same (alert, version, target) rows already exist
        await WaitFor(client, notice.AlertId.ToString(), r => AllDelivered(r, 5), "five deliveries");
        // A later notice, delivered after the first: had the duplicate been queued it would have been sent by now.
        var later = Notice("Later", [Guid.Parse(hook.ChannelId)]);
        await server.EnqueueAsync(tenant, later);
        await WaitFor(client, later.AlertId.ToString(), r => AllDelivered(r, 1), "the later notice");

        var received = _receiver.Received.ToArray();
        // Webhook, Slack and Teams each got the notice once (mail is counted below).
        Assert.Equal(3, received.Count(r => r.Body.Contains("Spike in negative mentions", StringComparison.Ordinal)));

        // Generic webhook: Standard Webhooks headers, and the signature verifies with the receiver's own HMAC (FakeReceiver answered 204, not 401).
        var webhook = Assert.Single(received, r => r.Path == "/hook" && r.Body.Contains(notice.AlertId.ToString(), StringComparison.Ordinal));
        Assert.Equal(204, webhook.Answered);
        var key = Convert.FromBase64String(_receiver.WebhookSecret["whsec_".Length..]);
        var signed = $"{webhook.Headers["webhook-id"]}.{webhook.Headers["webhook-timestamp"]}.{webhook.Body}";
        Assert.Equal("v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(signed))), webhook.Headers["webhook-signature"]);
        using (var json = JsonDocument.Parse(webhook.Body))
        {
            Assert.Equal("alert.raised", json.RootElement.GetProperty("type").GetString());
            var data = json.RootElement.GetProperty("data");
            Assert.Equal(("Negative mentions spike", "critical", 42.0, 12.5), (data.GetProperty("rule").GetString(), data.GetProperty("severity").GetString(),
                data.GetProperty("observed").GetDouble(), data.GetProperty("expected").GetDouble()));
            Assert.Equal(webhook.Headers["webhook-id"], data.GetProperty("deliveryId").GetString());
            Assert.StartsWith("1. Tell the duty approver", data.GetProperty("protocol").GetString(), StringComparison.Ordinal);
        }

        // Slack: 200 "ok" for text + blocks.
        var slackPost = Assert.Single(received, r => r.Path.StartsWith("/slack/", StringComparison.Ordinal));
        Assert.Equal(200, slackPost.Answered);
        using (var json = JsonDocument.Parse(slackPost.Body))
        {
            Assert.Contains("observed 42 vs expected 12.5", json.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
            var blocks = json.RootElement.GetProperty("blocks").EnumerateArray().ToList();
            Assert.Equal("header", blocks[0].GetProperty("type").GetString());
            Assert.Contains(blocks, b => b.GetRawText().Contains("Response protocol", StringComparison.Ordinal));
        }

        // Teams: 202 for an Adaptive Card message.
        var teamsPost = Assert.Single(received, r => r.Path == "/teams");
        Assert.Equal(202, teamsPost.Answered);
        Assert.Contains("\"FactSet\"", teamsPost.Body, StringComparison.Ordinal);

        // Mail: one message per target (the channel's list, the notice's approver), text and HTML naming everything.
        var messages = server.Smtp.Messages().Where(m => m.Headers["X-Coe-Alert-Id"] == notice.AlertId.ToString()).ToList();
        Assert.Equal(["approver@example.org", "crisis-team@example.org"], messages.Select(m => m.Headers["X-RcptTo"]).Order());
        foreach (var m in messages)
        {
            Assert.Equal("[CoE alert] critical: Spike in negative mentions", m.Subject);
            Assert.Equal("alerts@coe.example.org", m.From.Mailboxes.Single().Address);
            foreach (var text in new[] { m.TextBody, m.HtmlBody })
            {
                Assert.Contains("Negative mentions spike", text, StringComparison.Ordinal);
                Assert.Contains("critical", text, StringComparison.Ordinal);
                Assert.Contains("42", text, StringComparison.Ordinal);
                Assert.Contains("12.5", text, StringComparison.Ordinal);
                Assert.Contains("Pause scheduled posts", text, StringComparison.Ordinal);
                Assert.Contains($"acknowledges alert {notice.AlertId}", text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task RetriesWhileTheReceiverIsDownAndLosesNothing()
    {
        var (tenant, client) = await Tenant();
        var hook = await Create(client, "ops webhook", DeliveryChannelKind.Webhook, _receiver.Url("/hook"), _receiver.WebhookSecret);
        var notices = Enumerable.Range(1, 3).Select(i => Notice($"outage {i}", [Guid.Parse(hook.ChannelId)])).ToList();
        foreach (var n in notices) await server.EnqueueAsync(tenant, n);

        // Nothing listens on the port: each delivery fails (connection refused) and is tried again.
        foreach (var n in notices)
            await WaitFor(client, n.AlertId.ToString(), r => r.Length == 1 && r[0].Attempts >= 2 && r[0].State == AlertDeliveryState.Pending, "retrying");
        var failing = (await client.ListDeliveriesAsync(new ListDeliveriesRequest { AlertId = notices[0].AlertId.ToString() })).Deliveries.Single();
        Assert.Contains("could not reach http://127.0.0.1", failing.LastError, StringComparison.Ordinal);
        Assert.True(failing.NextAttemptTime.ToDateTimeOffset() > failing.History[^1].AttemptTime.ToDateTimeOffset());

        await _receiver.StartAsync();
        foreach (var n in notices)
        {
            var row = (await WaitFor(client, n.AlertId.ToString(), r => AllDelivered(r, 1), "delivered once the receiver is back"))[0];
            Assert.True(row.Attempts >= 3 && row.History[^1].Succeeded && row.History.SkipLast(1).All(a => !a.Succeeded), row.ToString());
            Assert.Equal("", row.LastError);
        }
        Assert.Equal(3, _receiver.Received.Count);
    }

    [Fact]
    public async Task APermanentRefusalIsDeadLetteredAndARequeueDeliversIt()
    {
        await _receiver.StartAsync();
        var (tenant, client) = await Tenant();
        _receiver.ArchivedSlackHooks["T0002"] = true;
        var slack = await Create(client, "slack #archived", DeliveryChannelKind.Slack, _receiver.Url("/slack/T0002/B0002/YYYY"));
        var notice = Notice("into an archived channel", [Guid.Parse(slack.ChannelId)]);
        await server.EnqueueAsync(tenant, notice);

        var dead = (await WaitFor(client, notice.AlertId.ToString(), r => r.Length == 1 && r[0].State == AlertDeliveryState.DeadLettered, "dead letter"))[0];
        Assert.Equal(1, dead.Attempts); // 410 is not worth another try
        Assert.Equal($"http://127.0.0.1:{_receiver.Port} answered 410 Gone: channel_is_archived", dead.LastError);
        Assert.DoesNotContain("YYYY", dead.LastError, StringComparison.Ordinal);
        var listed = await client.ListDeliveriesAsync(new ListDeliveriesRequest { State = AlertDeliveryState.DeadLettered });
        Assert.Contains(listed.Deliveries, d => d.DeliveryId == dead.DeliveryId);

        _receiver.ArchivedSlackHooks.Clear(); // the channel was unarchived
        var requeued = await client.RequeueDeliveryAsync(new RequeueDeliveryRequest { DeliveryId = dead.DeliveryId });
        Assert.Equal((AlertDeliveryState.Pending, 0), (requeued.State, requeued.Attempts));
        var delivered = (await WaitFor(client, notice.AlertId.ToString(), r => AllDelivered(r, 1), "delivered after requeue"))[0];
        Assert.Equal(2, delivered.History.Count); // the refusal is kept

        var again = await Assert.ThrowsAsync<RpcException>(async () => await client.RequeueDeliveryAsync(new RequeueDeliveryRequest { DeliveryId = dead.DeliveryId }));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        Assert.Equal("DELIVERY_NOT_DEAD_LETTERED", again.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>().Reason);
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await client.RequeueDeliveryAsync(new RequeueDeliveryRequest { DeliveryId = new string('a', 32) }));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task HonoursRetryAfterOnTooManyRequests()
    {
        await _receiver.StartAsync();
        var (tenant, client) = await Tenant();
        var teams = await Create(client, "teams", DeliveryChannelKind.Teams, _receiver.Url("/teams"));
        _receiver.Script.Enqueue((429, "2"));
        var notice = Notice("rate limited", [Guid.Parse(teams.ChannelId)]);
        await server.EnqueueAsync(tenant, notice);

        var row = (await WaitFor(client, notice.AlertId.ToString(), r => AllDelivered(r, 1), "delivered after Retry-After"))[0];
        var attempts = _receiver.Received.Where(r => r.Path == "/teams").ToArray();
        Assert.Equal([429, 202], attempts.Select(a => a.Answered));
        // Without Retry-After the second try would come after 0.1–0.2 s.
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromSeconds(1.9), $"{attempts[1].At - attempts[0].At}");
        Assert.Equal(429, row.History[0].HttpStatus);
    }

    [Fact]
    public async Task ValidatesChannelsWithFieldPathsAndKeepsSecretsWriteOnly()
    {
        var (_, client) = await Tenant();
        var bad = await Assert.ThrowsAsync<RpcException>(async () => await client.CreateDeliveryChannelAsync(new CreateDeliveryChannelRequest
        {
            Channel = new V1.DeliveryChannel { Name = "", Kind = DeliveryChannelKind.Webhook, Url = "http://example.org/hook", Secret = "short", EmailTo = { "a@example.org" } },
        }));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        var fields = bad.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(f => f.Field).Order().ToList();
        Assert.Equal(["channel.email_to", "channel.name", "channel.secret", "channel.url"], fields);

        var mailBad = await Assert.ThrowsAsync<RpcException>(async () => await client.CreateDeliveryChannelAsync(new CreateDeliveryChannelRequest
        {
            Channel = new V1.DeliveryChannel { Name = "list", Kind = DeliveryChannelKind.Email, EmailTo = { "ok@example.org", "not an address" } },
        }));
        Assert.Equal("channel.email_to[1]", mailBad.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Single().Field);

        var slack = await Create(client, "slack", DeliveryChannelKind.Slack, "https://hooks.slack.com/services/T1/B1/SECRETPATH");
        Assert.Equal("https://hooks.slack.com", slack.Url);
        var hook = await Create(client, "hook", DeliveryChannelKind.Webhook, "https://receiver.example.org/hook", "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=");
        Assert.Equal(("", true, "W/\"1\""), (hook.Secret, hook.HasSecret, hook.Etag));

        // An update without url keeps the stored one; a stale etag is ABORTED.
        var renamed = await client.UpdateDeliveryChannelAsync(new UpdateDeliveryChannelRequest
        {
            ChannelId = slack.ChannelId, Etag = slack.Etag, Channel = new V1.DeliveryChannel { Name = "slack #crisis", Kind = DeliveryChannelKind.Slack },
        });
        Assert.Equal(("slack #crisis", "W/\"2\"", "https://hooks.slack.com"), (renamed.Name, renamed.Etag, renamed.Url));
        var stale = await Assert.ThrowsAsync<RpcException>(async () => await client.UpdateDeliveryChannelAsync(new UpdateDeliveryChannelRequest
        {
            ChannelId = slack.ChannelId, Etag = slack.Etag, Channel = new V1.DeliveryChannel { Name = "x", Kind = DeliveryChannelKind.Slack },
        }));
        Assert.Equal(StatusCode.Aborted, stale.StatusCode);

        var list = await client.ListDeliveryChannelsAsync(new ListDeliveryChannelsRequest());
        Assert.Equal(["hook", "slack #crisis"], list.Channels.Select(c => c.Name));
        await client.DeleteDeliveryChannelAsync(new DeleteDeliveryChannelRequest { ChannelId = hook.ChannelId, Etag = hook.Etag });
        var gone = await Assert.ThrowsAsync<RpcException>(async () => await client.GetDeliveryChannelAsync(new GetDeliveryChannelRequest { ChannelId = hook.ChannelId }));
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Assert.DoesNotContain(server.LogLines, l => l.Contains("SECRETPATH", StringComparison.Ordinal) || l.Contains("c2VjcmV0LXNlY3JldC1zZWNyZXQ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServesChannelsAsJson()
    {
        var tenant = $"delivjson-{Guid.NewGuid():N}"[..20];
        var key = await server.CreateKeyAsync(tenant, Role.Committee);
        using var http = server.Http(key);
        var created = await http.PostAsync("/v1/deliveryChannels", new StringContent(
            """{"name":"crisis list","kind":"DELIVERY_CHANNEL_KIND_EMAIL","emailTo":["crisis@example.org"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, created.StatusCode);
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        Assert.Equal("W/\"1\"", json.RootElement.GetProperty("etag").GetString());
        using var listed = JsonDocument.Parse(await http.GetStringAsync("/v1/alertDeliveries?state=ALERT_DELIVERY_STATE_DEAD_LETTERED"));
        Assert.True(!listed.RootElement.TryGetProperty("deliveries", out var rows) || rows.GetArrayLength() == 0, listed.RootElement.GetRawText());
        var badState = await http.GetAsync("/v1/alertDeliveries?alertId=nope");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, badState.StatusCode);
    }
}
