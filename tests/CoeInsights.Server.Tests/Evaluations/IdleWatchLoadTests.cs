using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Npgsql;
using Xunit.Abstractions;

namespace CoeInsights.Server.Tests.Evaluations;

/// <summary>
/// Issue 20: idle watches must not load the database. Many watches over two replicas on one store, the store's committed
/// transactions per second (pg_stat_database.xact_commit) with and without them, then one write that every watch must see.
/// COE_IDLE_WATCHES overrides the number of watches (docs/deploy.md has the measurements).
/// </summary>
public sealed class IdleWatchLoadTests(ReplicatedServers servers, ITestOutputHelper output) : IClassFixture<ReplicatedServers>
{
    private static readonly int Watches = int.TryParse(Environment.GetEnvironmentVariable("COE_IDLE_WATCHES"), out var n) ? n : 1000;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(15);

    // Skipped until the LISTEN/NOTIFY watch lands: today 300 idle watches cost ~2,350 commits/s (measured, docs/deploy.md).
    [Fact(Skip = "issue 20: watches still poll every 250 ms; un-skip with the change notifier")]
    public async Task CostsUnder50TransactionsPerSecondAndWakesEveryWatchGivenIdleWatchesOverTwoReplicas()
    {
        var kit = new EvaluationTestKit(servers.First, "idle");
        var id = (await kit.CreateAsync()).EvaluationId;
        var viewerKey = await servers.First.CreateKeyAsync("idle", Role.Viewer);
        var clients = new[] { servers.First, servers.Second }
            .Select(s => new EvaluationService.EvaluationServiceClient(s.Channel(viewerKey))).ToArray();

        var quiet = await CommitsPerSecondAsync();

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var calls = Enumerable.Range(0, Watches)
            .Select(i => clients[i % 2].WatchEvaluation(new WatchEvaluationRequest { EvaluationId = id }, cancellationToken: cts.Token)).ToList();
        try
        {
            await Task.WhenAll(calls.Select(c => c.ResponseHeadersAsync));
            await Task.Delay(TimeSpan.FromSeconds(3)); // past the opening reads
            var watched = await CommitsPerSecondAsync();
            var cost = watched - quiet;
            output.WriteLine($"{Watches} idle watches over 2 replicas: {watched:F1} commits/s, without them {quiet:F1}/s: the watches cost {cost:F1}/s");

            // Still live: one write reaches every watch, on both replicas, promptly.
            var started = DateTime.UtcNow;
            await (await kit.Chair).AddVendorsAsync(new AddVendorsRequest { EvaluationId = id, Vendors = { new Vendor { VendorId = "late", DisplayName = "LATE", Product = "late suite" } } });
            var arrivals = await Task.WhenAll(calls.Select(async c =>
            {
                Assert.True(await c.ResponseStream.MoveNext(cts.Token));
                Assert.Equal("VendorsAdded", c.ResponseStream.Current.EventType);
                return DateTime.UtcNow - started;
            }));
            var slowest = arrivals.Max();
            output.WriteLine($"one write reached all {Watches} watches within {slowest.TotalMilliseconds:F0} ms");

            Assert.True(cost < 50, $"{Watches} idle watches cost {cost:F1} commits/s (at most 50 allowed)");
            Assert.True(slowest < TimeSpan.FromSeconds(5), $"the write reached the last watch after {slowest}");
        }
        finally
        {
            await cts.CancelAsync();
            foreach (var c in calls) c.Dispose();
        }
    }

    /// <summary>The database's committed transactions per second over <see cref="Window"/>.</summary>
    private async Task<double> CommitsPerSecondAsync()
    {
        await using var db = new NpgsqlConnection(servers.First.ConnectionString);
        await db.OpenAsync();
        async Task<long> Commits()
        {
            // A fresh snapshot each time: statistics read in one transaction would not move.
            await using var clear = new NpgsqlCommand("select pg_stat_clear_snapshot()", db);
            await clear.ExecuteNonQueryAsync();
            await using var read = new NpgsqlCommand("select xact_commit from pg_stat_database where datname = current_database()", db);
            return (long)(await read.ExecuteScalarAsync())!;
        }
        var before = await Commits();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(Window);
        var after = await Commits();
        // Our own two reads commit too.
        return (after - before - 2) / clock.Elapsed.TotalSeconds;
    }
}
