extern alias server;

using System.Diagnostics;
using System.Globalization;
using CoeInsights.Analytics.Trends;
using server::CoeInsights.Server.Connectors;
using CoeInsights.Connectors.Tests.Fakes;
using CoeInsights.Kpis;
using CoeInsights.Kpis.QueryingSeries;
using CoeInsights.Store;
using CoeInsights.Testing;
using Marten;

namespace CoeInsights.Connectors.Tests;

/// <summary>
/// A sync run whose server process dies — killed, not stopped — is stored as "running" by nobody. The next process that
/// takes the connector's lock (at start, on TriggerSync or GetSyncRun) marks it failed and the new run resumes from the
/// checkpoint: no gap, no duplicate. While a live process holds the lock, its run is left alone.
/// </summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    // Two LinkedIn pages: one network, one zone (UTC), one group of profiles — the windows are the crash test's subject.
    private readonly FakeSprout _sprout = Fakes.FakeSproutProfiles.TwoLinkedInPages(new FakeSprout());
    private IDocumentStore _store = null!;
    private string _schema = "";
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        await _sprout.StartAsync();
        _connectionString = await TestPostgres.ConnectionStringAsync();
        _schema = TestPostgres.NewSchema("k");
        _store = new DocumentStore(CoeStore.Configure(new StoreOptions(), _connectionString, _schema));
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _sprout.DisposeAsync();
    }

    private ConnectorsOptions Options(string tenant, DateOnly start) => new()
    {
        Sprout =
        [
            new SproutConnectorOptions
            {
                Name = "sprout", Tenant = tenant, BaseAddress = _sprout.Address, AccessToken = _sprout.Token, StartDate = start,
                MaxDaysPerRequest = 7, RestateDays = 0,
            },
        ],
        Resilience = Connectors.FastResilience(),
    };

    private async Task<List<SyncRun>> Runs(string tenant)
    {
        await using var session = _store.QuerySession(tenant);
        return (await session.Query<SyncRun>().ToListAsync()).OrderBy(r => r.StartedAt).ToList();
    }

    private async Task<List<SyncCheckpoint>> Checkpoints(string tenant)
    {
        await using var session = _store.QuerySession(tenant);
        return (await session.Query<SyncCheckpoint>().ToListAsync()).ToList();
    }

    /// <summary>(handle, metric, day) → value as the KPI queries return it, and how many versions impressions has per (profile, day).</summary>
    private async Task<(Dictionary<(string, string, DateOnly), double> Values, int ImpressionVersions)> Stored(string tenant, DateOnly from, DateOnly to)
    {
        await using var session = _store.QuerySession(tenant);
        var series = await QuerySeriesHandler.Handle(session, new SeriesQuery([], [], [], null,
            MetricCatalogue.Default.Select(m => m.Name).ToList(), from, to, Granularity.Day), default);
        var values = new Dictionary<(string, string, DateOnly), double>();
        foreach (var s in series)
            for (var i = 0; i < s.Series.Values.Count; i++)
                if (s.Series.Values[i] is { } v) values[(s.Profile.Handle, s.Metric.Name, s.Series.PeriodStarts[i])] = v;
        var versions = 0;
        foreach (var p in await session.Query<KpiProfile>().ToListAsync())
            for (var day = from; day <= to; day = day.AddDays(1))
                versions += (await ObservationTable.VersionsAsync(session, p.Id, "impressions", day, default)).Count;
        return (values, versions);
    }

    private Dictionary<(string, string, DateOnly), double> Expected(DateOnly from, DateOnly to) => SproutExpectations.Expected(_sprout, from, to);

    /// <summary>PostgreSQL ends a dead client's session (and frees its locks) once it sees the socket closed: wait for that, not for a time.</summary>
    private async Task WaitUntilConnectorLockIsFree(string tenant)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using (var probe = await ConnectorLock.TryAcquireAsync(_store, tenant, "sprout", default))
                if (probe is not null) return;
            Assert.True(DateTime.UtcNow < deadline, "The killed server's connector lock was still held after 60 s.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task MarksTheRunOfAKilledServerFailedAndResumesFromItsCheckpoint()
    {
        const string tenant = "crash";
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var start = today.AddDays(-20); // windows of 7, 7 and 6 days up to yesterday
        var inFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _sprout.OnAnalytics = async (n, context) =>
        {
            if (n != 3) return;
            // The third window is in flight when the process is killed: its answer never arrives.
            inFlight.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ContinueWith(_ => { });
        };

        // A real server process (the one the tests built), its Sprout connector on a schedule: it syncs on its own at start.
        var serverDll = Path.Combine(Repository.Root(), "src", "CoeInsights.Server", "bin", Repository.Configuration, "net10.0", "CoeInsights.Server.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, ArgumentList = { serverDll } };
        foreach (var (name, value) in new Dictionary<string, string>
                 {
                     ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1",
                     ["COE_POSTGRES"] = _connectionString, ["COE_DATA_DIR"] = TestPostgres.NewFolder("crash"),
                     ["COE_GRPC_PORT"] = "0", ["COE_HTTP_PORT"] = "-1", ["COE_ADDRESS"] = "127.0.0.1",
                     ["Coe__Schema"] = _schema, ["Coe__DaemonMode"] = "Disabled",
                     ["Coe__Connectors__Sprout__0__Name"] = "sprout", ["Coe__Connectors__Sprout__0__Tenant"] = tenant,
                     ["Coe__Connectors__Sprout__0__BaseAddress"] = _sprout.Address.ToString(), ["COE_SPROUT_TOKEN"] = _sprout.Token,
                     ["Coe__Connectors__Sprout__0__StartDate"] = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                     ["Coe__Connectors__Sprout__0__MaxDaysPerRequest"] = "7", ["Coe__Connectors__Sprout__0__RestateDays"] = "0",
                     ["Coe__Connectors__Sprout__0__SyncInterval"] = "1.00:00:00",
                 })
            psi.Environment[name] = value;
        using var server = Process.Start(psi)!;
        var output = server.StandardOutput.ReadToEndAsync();
        var errors = server.StandardError.ReadToEndAsync();
        try
        {
            var exited = server.WaitForExitAsync();
            if (await Task.WhenAny(inFlight.Task, exited, Task.Delay(TimeSpan.FromMinutes(3))) != inFlight.Task)
                Assert.Fail($"The server never asked for the third window (exited: {server.HasExited}).\n{(server.HasExited ? await output + await errors : "")}");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }

        // What the dead process left: a run stored as running, checkpoints after the two committed windows.
        var orphan = Assert.Single(await Runs(tenant));
        Assert.Equal((SyncRunState.Running, "schedule", 28), (orphan.State, orphan.Trigger, orphan.Batches));
        Assert.All(await Checkpoints(tenant), c => Assert.Equal(start.AddDays(13), c.LastSyncedDate));

        await WaitUntilConnectorLockIsFree(tenant);
        _sprout.OnAnalytics = null;
        await _sprout.AnalyticsLoggedAsync(3); // the dead process's request in flight, logged once the fake sees it abandoned
        var before = _sprout.AnalyticsRequests.Count();
        await using var restarted = Connectors.Services(Options(tenant, start), _store);
        await restarted.Runs().RecoverAsync(default); // what the schedule does at start

        var abandoned = Assert.Single(await Runs(tenant));
        Assert.Equal(SyncRunState.Failed, abandoned.State);
        Assert.Equal([CoeInsights.Connectors.RunningSync.SyncRunDecider.AbandonedError], abandoned.Errors);
        Assert.NotNull(abandoned.FinishedAt);
        Assert.Equal(28, abandoned.Batches); // what it had stored stays counted

        var resumed = await restarted.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal(SyncRunState.Succeeded, resumed.State);
        Assert.Empty(resumed.Errors);
        Assert.Contains($"reporting_period.in({start.AddDays(14):yyyy-MM-dd}...", _sprout.AnalyticsRequests.Skip(before).First().Body);
        var checkpoints = await Checkpoints(tenant);
        Assert.Equal(2, checkpoints.Count);
        var yesterday = checkpoints[0].LastSyncedDate; // read back rather than assumed: the day may have turned meanwhile
        Assert.All(checkpoints, c => Assert.Equal(yesterday, c.LastSyncedDate));
        Assert.Equal((2 * (yesterday.DayNumber - start.AddDays(13).DayNumber), 0), (resumed.Batches, resumed.ReplayedBatches));
        var (values, versions) = await Stored(tenant, start, yesterday);
        Assert.Equal(Expected(start, yesterday).OrderBy(e => e.Key.ToString()), values.OrderBy(e => e.Key.ToString()));
        Assert.Equal(2 * (yesterday.DayNumber - start.DayNumber + 1), versions); // one version per (profile, day): no gap, no duplicate
    }

    [Fact]
    public async Task LeavesALiveProcesssRunAloneAndTakesOverOnceThatProcessIsGone()
    {
        const string tenant = "other-process";
        var start = new DateOnly(2024, 1, 1);
        var clock = new FixedClock(new DateTimeOffset(2024, 1, 15, 8, 0, 0, TimeSpan.Zero));
        await using var services = Connectors.Services(Options(tenant, start), _store, clock);
        // Another server process on the same store is running the connector: it holds the lock and its run is stored.
        var other = new SyncRun
        {
            Id = Guid.CreateVersion7(), Connector = "sprout", Trigger = "schedule", State = SyncRunState.Running,
            StartedAt = clock.GetUtcNow().AddMinutes(-1),
        };
        await using (var session = _store.LightweightSession(tenant))
        {
            session.Store(other);
            await session.SaveChangesAsync();
        }
        var otherProcess = await ConnectorLock.TryAcquireAsync(_store, tenant, "sprout", default);
        Assert.NotNull(otherProcess);

        var answer = await services.Runs().StartAsync(tenant, "sprout", "api", default);
        await services.Runs().RecoverAsync(default);

        Assert.Equal((other.Id, SyncRunState.Running), (answer.Id, answer.State)); // its run, not a second one
        Assert.Equal(SyncRunState.Running, (await services.Runs().GetAsync(tenant, other.Id, wait: false, default)).State);
        Assert.Single(await Runs(tenant));
        Assert.Empty(_sprout.AnalyticsRequests);

        // That process dies: its session ends, the lock with it.
        await otherProcess.DisposeAsync();
        var seen = await services.Runs().GetAsync(tenant, other.Id, wait: false, default);
        Assert.Equal(SyncRunState.Failed, seen.State);
        Assert.Equal([CoeInsights.Connectors.RunningSync.SyncRunDecider.AbandonedError], seen.Errors);

        var next = await services.Runs().RunAsync(tenant, "sprout", "api", default);
        Assert.Equal((SyncRunState.Succeeded, 28), (next.State, next.Batches)); // Jan 1-14 × 2 profiles
        Assert.Equal(2, (await Runs(tenant)).Count);
    }
}
