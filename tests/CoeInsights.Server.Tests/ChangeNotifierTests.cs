extern alias server;
using System.Diagnostics;
using CoeInsights.Server.Tests.Evaluations;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ChangeNotifier = server::CoeInsights.Server.Hosting.ChangeNotifier;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests;

/// <summary>
/// Issue 20: watches are woken by PostgreSQL LISTEN/NOTIFY. Two servers on one store: a watch on the second wakes within
/// a second of a write acknowledged by the first, far below the fallback interval (2 min), so only a notification can
/// have woken it;
/// and a killed LISTEN connection is opened again and every watch reads once, so a write made meanwhile is not lost.
/// </summary>
public sealed class ChangeNotifierTests(ReplicatedServers servers) : IClassFixture<ReplicatedServers>
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(1);

    private static Vendor Vendor(string id) => new() { VendorId = id, DisplayName = id.ToUpperInvariant(), Product = $"{id} suite" };

    [Fact]
    public async Task WakesWatchOnSecondReplicaWithinOneSecondGivenWriteOnFirst()
    {
        var kit = new EvaluationTestKit(servers.First, "notify-eval");
        var id = (await kit.CreateAsync()).EvaluationId;
        var viewer = new EvaluationService.EvaluationServiceClient(servers.Second.Channel(await servers.First.CreateKeyAsync("notify-eval", Role.Viewer)));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = viewer.WatchEvaluation(new WatchEvaluationRequest { EvaluationId = id }, cancellationToken: cts.Token);
        await watch.ResponseHeadersAsync;
        var chair = await kit.Chair;

        // Three writes, one after the other: each reaches the watch on the other replica promptly.
        foreach (var vendor in new[] { "a", "b", "c" })
        {
            await chair.AddVendorsAsync(new AddVendorsRequest { EvaluationId = id, Vendors = { Vendor(vendor) } });
            var clock = Stopwatch.StartNew(); // from the acknowledged (committed) write
            Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
            Assert.Equal("VendorsAdded", watch.ResponseStream.Current.EventType);
            Assert.True(clock.Elapsed < Prompt, $"vendor {vendor} reached the other replica's watch after {clock.Elapsed}");
        }
    }

    [Fact]
    public async Task DeliversWriteMadeWhileListenConnectionWasDownGivenItIsKilled()
    {
        var kit = new EvaluationTestKit(servers.First, "notify-outage");
        var id = (await kit.CreateAsync()).EvaluationId;
        var viewer = new EvaluationService.EvaluationServiceClient(servers.Second.Channel(await servers.First.CreateKeyAsync("notify-outage", Role.Viewer)));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = viewer.WatchEvaluation(new WatchEvaluationRequest { EvaluationId = id }, cancellationToken: cts.Token);
        await watch.ResponseHeadersAsync;
        var chair = await kit.Chair;
        var notifier = servers.Second.Services.GetRequiredService<ChangeNotifier>();
        var epoch = notifier.Epoch;

        // Both replicas' LISTEN connections on this schema's channel end, as in a database restart or a proxy cutting them.
        await using (var db = new NpgsqlConnection(servers.First.ConnectionString))
        {
            await db.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = 'coeinsights-listen' and query like @listen", db);
            kill.Parameters.AddWithValue("listen", $"%{notifier.Channel}%");
            Assert.Equal(2L, await kill.ExecuteScalarAsync());
        }
        // Written at once, most likely before the second replica listens again: its notification is then never heard.
        await chair.AddVendorsAsync(new AddVendorsRequest { EvaluationId = id, Vendors = { Vendor("during") } });

        var clock = Stopwatch.StartNew();
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        Assert.Equal("VendorsAdded", watch.ResponseStream.Current.EventType);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the write reached the watch after {clock.Elapsed} (fallback is 2 min)");
        await WaitUntil(() => notifier.IsListening && notifier.Epoch >= epoch + 2, "the second replica listens again");
        Assert.Contains(servers.Second.LogLines, l => l.Contains("Not listening for changes", StringComparison.Ordinal));

        // Listening again: the next write is heard as before.
        await chair.AddVendorsAsync(new AddVendorsRequest { EvaluationId = id, Vendors = { Vendor("after") } });
        clock.Restart();
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        Assert.True(clock.Elapsed < Prompt, $"the write after reconnecting reached the watch after {clock.Elapsed}");
    }

    [Fact]
    public async Task WakesAlertWatchOnSecondReplicaWithinOneSecondGivenBatchOnFirst()
    {
        const string tenant = "notify-kpi";
        var committee = new KpiService.KpiServiceClient(servers.First.Channel(await servers.First.CreateKeyAsync(tenant, Role.Committee)));
        var ingest = new KpiService.KpiServiceClient(servers.First.Channel(await servers.First.CreateKeyAsync(tenant, Role.Ingest)));
        var viewer = new KpiService.KpiServiceClient(servers.Second.Channel(await servers.First.CreateKeyAsync(tenant, Role.Viewer)));
        var profile = await committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = "brand", BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = "reg-brand",
        });
        var day0 = new DateOnly(2026, 3, 1);
        KpiObservation Obs(int day, double value) => new()
        {
            ProfileId = profile.ProfileId, Metric = "negative_mentions", Value = value,
            Date = new Date { Year = day0.AddDays(day).Year, Month = day0.AddDays(day).Month, Day = day0.AddDays(day).Day },
        };
        await Record(ingest, "history", Enumerable.Range(0, 60).Select(d => Obs(d, 20 + d * 3 % 7 - 3)).ToArray());

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = viewer.WatchAlerts(new WatchAlertsRequest { Metrics = { "negative_mentions" } }, cancellationToken: cts.Token);
        await watch.ResponseHeadersAsync;
        await Record(ingest, "spike", Obs(60, 400));
        var clock = Stopwatch.StartNew(); // from the acknowledged (committed) batch
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(("spike", 400.0), (watch.ResponseStream.Current.IdempotencyKey, watch.ResponseStream.Current.Value));
        Assert.True(clock.Elapsed < Prompt, $"the spike reached the other replica's alert watch after {clock.Elapsed}");
    }

    [Fact]
    public void PingsQuietHttp2ConnectionsGivenDefaultKeepAliveSettings()
    {
        // Kestrel's own default never pings (KeepAlivePingDelay = TimeSpan.MaxValue): the server sets the documented ones.
        var kestrel = servers.First.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>>().Value;
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(20)),
            (kestrel.Limits.Http2.KeepAlivePingDelay, kestrel.Limits.Http2.KeepAlivePingTimeout));
    }

    private static Task Record(KpiService.KpiServiceClient ingest, string key, params KpiObservation[] observations) => ingest.RecordBatchAsync(key, observations);

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }
}
