using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Npgsql;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Xunit.Abstractions;

namespace CoeInsights.Server.Tests.Evaluations;

/// <summary>
/// Two replicas over a database of their own on the test cluster: pg_stat_database counts per database, so the other
/// test classes running meanwhile (on the shared database) do not count.
/// </summary>
public sealed class OwnDatabaseReplicas : IAsyncLifetime
{
    private string _database = "";

    public TestServer First { get; private set; } = null!;
    public TestServer Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var shared = await TestPostgres.ConnectionStringAsync();
        _database = $"idle_{Guid.NewGuid():N}"[..20];
        await using (var db = new NpgsqlConnection(shared))
        {
            await db.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {_database}", db);
            await create.ExecuteNonQueryAsync();
        }
        var own = new NpgsqlConnectionStringBuilder(shared) { Database = _database }.ConnectionString;
        First = new Server(own);
        await First.InitializeAsync();
        Second = new Server(own, First);
        await Second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (Second is not null) await Second.DisposeAsync();
        if (First is not null) await First.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var db = new NpgsqlConnection(await TestPostgres.ConnectionStringAsync());
        await db.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists {_database} with (force)", db);
        await drop.ExecuteNonQueryAsync();
    }

    private sealed class Server : TestServer
    {
        private readonly string _connectionString;
        private readonly bool _replica;

        /// <summary>The first server: a fresh schema, the bootstrap admin key from its key file.</summary>
        public Server(string connectionString) => _connectionString = connectionString;

        /// <summary>A replica on the first one's schema, without the projection daemon.</summary>
        public Server(string connectionString, TestServer first) : base(first) => (_connectionString, _replica) = (connectionString, true);

        protected override Task<string> ConnectionStringAsync() => Task.FromResult(_connectionString);

        protected override void Configure(WebApplicationBuilder builder)
        {
            if (_replica) builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Coe:DaemonMode"] = "Disabled" });
        }
    }
}

/// <summary>
/// Issue 20: idle watches must not load the database. Many watches over two replicas on one store, the store's committed
/// transactions per second (pg_stat_database.xact_commit) with them open and idle, then one write that every watch must
/// see. COE_IDLE_WATCHES and COE_IDLE_WINDOW_SECONDS override the number of watches and the measuring window
/// (docs/deploy.md has the measurements).
/// </summary>
/// <remarks>
/// A backend reports its counts to the statistics when it has been idle for a while (PostgreSQL 15+ flushes an idle
/// backend's pending statistics after PGSTAT_IDLE_INTERVAL, 10 s, in src/backend/utils/activity/pgstat.c), so the
/// window starts <see cref="Settle"/> after the watches opened: otherwise their opening reads would be counted in it.
/// The window (seconds) is far shorter than the watches' fallback interval (minutes): what it sees is the cost of being
/// woken by notifications only; the fallback's share is arithmetic (docs/deploy.md).
/// </remarks>
public sealed class IdleWatchLoadTests(OwnDatabaseReplicas servers, ITestOutputHelper output) : IClassFixture<OwnDatabaseReplicas>
{
    private static readonly int Watches = int.TryParse(Environment.GetEnvironmentVariable("COE_IDLE_WATCHES"), out var n) ? n : 200;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(11);
    private static readonly TimeSpan Window =
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("COE_IDLE_WINDOW_SECONDS"), out var s) ? s : 5);

    [Fact]
    public async Task CostsUnder50TransactionsPerSecondInTotalAndWakesEveryWatchGivenIdleWatchesOverTwoReplicas()
    {
        var kit = new EvaluationTestKit(servers.First, "idle");
        var id = (await kit.CreateAsync()).EvaluationId;
        var viewerKey = await servers.First.CreateKeyAsync("idle", Role.Viewer);
        var clients = new[] { servers.First, servers.Second }
            .Select(s => new EvaluationService.EvaluationServiceClient(s.Channel(viewerKey))).ToArray();

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var calls = Enumerable.Range(0, Watches)
            .Select(i => clients[i % 2].WatchEvaluation(new WatchEvaluationRequest { EvaluationId = id }, cancellationToken: cts.Token)).ToList();
        try
        {
            await Task.WhenAll(calls.Select(c => c.ResponseHeadersAsync));
            await Task.Delay(Settle); // the opening reads reported
            var watched = await CommitsPerSecondAsync();
            output.WriteLine($"{Watches} idle watches over 2 replicas: {watched:F1} commits/s in total over {Window.TotalSeconds:F0} s");

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

            Assert.True(watched < 50, $"{Watches} idle watches: {watched:F1} commits/s in total (at most 50 allowed)");
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
