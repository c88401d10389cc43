extern alias server;
using CoeInsights.Alerts;
using CoeInsights.Alerts.Delivery.Dispatching;
using CoeInsights.V1;

namespace CoeInsights.Server.Tests.Alerts;

/// <summary>
/// Two replicas drain one outbox: every notice reaches the receiver exactly once, and a replica stopped in the middle
/// of a receiver outage loses nothing (the other, or the next to start, sends what it had pending).
/// </summary>
public sealed class AlertDeliveryReplicaTests : IAsyncLifetime
{
    private readonly DeliveryServer _first = new();
    private DeliveryServer? _second;
    private readonly FakeReceiver _receiver = new();
    private bool _firstStopped;

    public async Task InitializeAsync()
    {
        await _first.InitializeAsync();
        _second = DeliveryServer.ReplicaOf(_first);
        await _second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        if (_second is not null) await _second.DisposeAsync();
        if (!_firstStopped) await _first.DisposeAsync();
    }

    [Fact]
    public async Task TwoReplicasSendEachNoticeOnceAndAStoppedOneLosesNothing()
    {
        var tenant = $"replicas-{Guid.NewGuid():N}"[..20];
        var client = new AlertDeliveryService.AlertDeliveryServiceClient(_first.Channel(await _first.CreateKeyAsync(tenant, Role.Committee)));
        var hook = await client.CreateDeliveryChannelAsync(new CreateDeliveryChannelRequest
        {
            Channel = new V1.DeliveryChannel { Name = "hook", Kind = DeliveryChannelKind.Webhook, Url = _receiver.Url("/hook"), Secret = _receiver.WebhookSecret },
        });
        var channel = Guid.Parse(hook.ChannelId);
        AlertNotice Notice(int i) => new(Guid.NewGuid(), 1, AlertNoticeKind.Raised, "rule", "high", $"notice {i}", "", "", [], [channel], DateTimeOffset.UtcNow);

        // Receiver down: both replicas claim and fail; stop the first while its rows are pending (some leased by it).
        var notices = Enumerable.Range(0, 12).Select(Notice).ToList();
        for (var i = 0; i < notices.Count; i++) await (i % 2 == 0 ? _first : _second!).EnqueueAsync(tenant, notices[i]);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await client.ListDeliveriesAsync(new ListDeliveriesRequest { ChannelId = hook.ChannelId })).Deliveries.Any(d => d.Attempts < 1))
        {
            Assert.True(DateTime.UtcNow < deadline, "every delivery tried once");
            await Task.Delay(100);
        }
        await _first.DisposeAsync();
        _firstStopped = true;

        await _receiver.StartAsync();
        var second = new AlertDeliveryService.AlertDeliveryServiceClient(_second!.Channel(await _second.CreateKeyAsync(tenant, Role.Committee)));
        deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var rows = (await second.ListDeliveriesAsync(new ListDeliveriesRequest { ChannelId = hook.ChannelId })).Deliveries;
            if (rows.Count == 12 && rows.All(r => r.State == AlertDeliveryState.Delivered)) break;
            Assert.True(DateTime.UtcNow < deadline, string.Join("; ", rows.Select(r => $"{r.State} x{r.Attempts} {r.LastError}")));
            await Task.Delay(100);
        }

        // Each notice once, by webhook-id (a replica never sent what the other had claimed).
        var received = _receiver.Received.Where(r => r.Answered == 204).ToList();
        Assert.Equal(12, received.Count);
        Assert.Equal(12, received.Select(r => r.Headers["webhook-id"]).Distinct().Count());
    }
}

/// <summary>The pure retry rules of the outbox.</summary>
public sealed class DeliveryPolicyTests
{
    private static readonly DeliveryPolicy Policy = new(4, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static CoeInsights.Alerts.Delivery.AlertDelivery Pending() => new()
    {
        Id = "x", State = CoeInsights.Alerts.Delivery.DeliveryState.Pending, NextAttemptAt = Now, LeaseOwner = "me", LeaseUntil = Now.AddMinutes(2),
        Notice = new AlertNotice(Guid.NewGuid(), 1, AlertNoticeKind.Raised, "r", "high", "t", "", "", [], [], Now),
    };

    [Theory]
    [InlineData(1, 0.0, 15)]
    [InlineData(1, 0.5, 22.5)]
    [InlineData(2, 0.0, 30)]
    [InlineData(3, 0.5, 90)]
    [InlineData(10, 0.0, 150)] // capped at MaxRetry (300 s), half of it fixed
    [InlineData(10, 1.0, 300)]
    public void BacksOffExponentiallyWithEqualJitter(int failures, double random, double seconds) =>
        Assert.Equal(seconds, Policy.Backoff(failures, random).TotalSeconds, 3);

    [Theory]
    [InlineData(408, false)]
    [InlineData(429, false)]
    [InlineData(500, false)]
    [InlineData(503, false)]
    [InlineData(301, true)]
    [InlineData(400, true)]
    [InlineData(401, true)]
    [InlineData(403, true)]
    [InlineData(404, true)]
    [InlineData(410, true)]
    public void RefusesForGoodOnA4xxOtherThan408And429(int status, bool permanent) =>
        Assert.Equal(permanent, server::CoeInsights.Server.Alerts.Delivery.NoticeSenders.Classify(status, "e", null).Permanent);

    [Fact]
    public void RetriesThenDeadLettersAfterMaxAttempts()
    {
        var d = Pending();
        for (var i = 1; i < 4; i++)
        {
            d = Policy.Apply(d, SendResult.Transient("503"), Now, Now, 0);
            Assert.Equal((CoeInsights.Alerts.Delivery.DeliveryState.Pending, i, null), (d.State, d.Attempts, d.LeaseOwner));
            Assert.Equal(Now + Policy.Backoff(i, 0), d.NextAttemptAt);
        }
        d = Policy.Apply(d, SendResult.Transient("503"), Now, Now, 0);
        Assert.Equal(CoeInsights.Alerts.Delivery.DeliveryState.DeadLettered, d.State);
        Assert.Equal("503 (gave up after 4 attempts)", d.LastError);
        Assert.Equal(4, d.History.Count);
    }

    [Fact]
    public void APermanentRefusalDeadLettersAtOnceAndRetryAfterIsHonouredUpToItsCap()
    {
        Assert.Equal(CoeInsights.Alerts.Delivery.DeliveryState.DeadLettered, Policy.Apply(Pending(), SendResult.Refused("400 invalid_payload", 400), Now, Now, 0).State);
        Assert.Equal(Now.AddSeconds(7), Policy.Apply(Pending(), SendResult.Transient("429", 429, TimeSpan.FromSeconds(7)), Now, Now, 0.9).NextAttemptAt);
        Assert.Equal(Now.AddMinutes(10), Policy.Apply(Pending(), SendResult.Transient("429", 429, TimeSpan.FromHours(5)), Now, Now, 0.9).NextAttemptAt);
        Assert.Equal(Now, Policy.Apply(Pending(), SendResult.Ok(200), Now, Now, 0).DeliveredAt);
    }
}
