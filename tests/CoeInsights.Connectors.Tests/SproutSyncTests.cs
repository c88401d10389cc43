using CoeInsights.Connectors.Sync;
using CoeInsights.Connectors.Tests.Fakes;
using CoeInsights.Kpis;
using CoeInsights.Kpis.QueryingSeries;
using CoeInsights.Analytics.Trends;
using Marten;
using CoeInsights.Testing;

namespace CoeInsights.Connectors.Tests;

/// <summary>
/// Sync runs against the fake Sprout API into a real KPI store (PostgreSQL): idempotent re-syncs, a restart mid-sync,
/// a malformed payload. Each test uses its own tenant (one schema for the class).
/// </summary>
public sealed class SproutSyncTests(StoreFixture fixture) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    private readonly FakeSprout _sprout = new();
    private static readonly DateOnly Jan1 = new(2024, 1, 1);
    private static readonly FixedClock Feb1 = new(new DateTimeOffset(2024, 2, 1, 9, 30, 0, TimeSpan.Zero));
    private IDocumentStore Store => fixture.Store;

    public Task InitializeAsync() => _sprout.StartAsync();

    public async Task DisposeAsync() => await _sprout.DisposeAsync();

    private ConnectorsOptions Options(string tenant, int maxDays = 31, int restateDays = 3) => new()
    {
        Sprout =
        [
            new SproutConnectorOptions
            {
                Name = "sprout", Tenant = tenant, BaseAddress = _sprout.Address, AccessToken = _sprout.Token, StartDate = Jan1,
                MaxDaysPerRequest = maxDays, RestateDays = restateDays,
            },
        ],
        Resilience = Connectors.FastResilience(),
    };

    /// <summary>Every (profile handle, our metric, day) → value the KPI store returns for January.</summary>
    private async Task<Dictionary<(string Handle, string Metric, DateOnly Day), double>> Stored(string tenant)
    {
        await using var session = Store.QuerySession(tenant);
        var series = await QuerySeriesHandler.Handle(session, new SeriesQuery([], [], [], null,
            MetricCatalogue.Default.Select(m => m.Name).ToList(), Jan1, new DateOnly(2024, 1, 31), Granularity.Day), default);
        var result = new Dictionary<(string, string, DateOnly), double>();
        foreach (var s in series)
            for (var i = 0; i < s.Series.Values.Count; i++)
                if (s.Series.Values[i] is { } v) result[(s.Profile.Handle, s.Metric.Name, s.Series.PeriodStarts[i])] = v;
        return result;
    }

    /// <summary>What the fake serves for January, mapped onto our catalogue.</summary>
    private Dictionary<(string Handle, string Metric, DateOnly Day), double> Expected(DateOnly to) => SproutExpectations.Expected(_sprout, Jan1, to);

    private async Task<int> VersionCount(string tenant)
    {
        await using var session = Store.QuerySession(tenant);
        var profiles = await session.Query<KpiProfile>().ToListAsync();
        var count = 0;
        foreach (var p in profiles)
            for (var day = Jan1; day <= new DateOnly(2024, 1, 31); day = day.AddDays(1))
                count += (await ObservationTable.VersionsAsync(session, p.Id, "impressions", day, default)).Count;
        return count;
    }

    [Fact]
    public async Task StoresEveryProfileDayOnceGivenRepeatedSyncs()
    {
        await using var services = Connectors.Services(Options("sync-repeat"), Store, Feb1);

        var first = await services.Runs().RunAsync("sync-repeat", "sprout", "test", default);
        var second = await services.Runs().RunAsync("sync-repeat", "sprout", "test", default);

        Assert.Equal(SyncRunState.Succeeded, first.State);
        Assert.Empty(first.Errors);
        Assert.Equal(93, first.Batches); // 31 days × (LinkedIn's batch + Instagram's batch and its derived engagements batch)
        var expected = Expected(new DateOnly(2024, 1, 31));
        Assert.Equal(expected.Count, first.Rows);
        Assert.Equal(expected.OrderBy(e => e.Key.ToString()), (await Stored("sync-repeat")).OrderBy(e => e.Key.ToString()));
        // The checkpoint is at yesterday: only the restate window (3 days × 3 batches) is read again, and it is unchanged.
        Assert.Equal((0, 9, 0), (second.Batches, second.ReplayedBatches, second.Rows));
        Assert.Equal(SyncRunState.Succeeded, second.State);

        // Checkpoints lost (say, a crash after the batches committed but before the checkpoint did): the keys replay.
        await using (var session = Store.LightweightSession("sync-repeat"))
        {
            session.DeleteWhere<SyncCheckpoint>(c => c.Connector == "sprout");
            await session.SaveChangesAsync();
        }
        var third = await services.Runs().RunAsync("sync-repeat", "sprout", "test", default);
        Assert.Equal((0, 93, 0), (third.Batches, third.ReplayedBatches, third.Rows));
        Assert.Equal(62, await VersionCount("sync-repeat")); // one version per (profile, day): no duplicate
    }

    [Fact]
    public async Task ResumesWithoutGapOrDuplicateGivenARestartMidSync()
    {
        var tenant = "sync-restart";
        var services = Connectors.Services(Options(tenant, maxDays: 7), Store, Feb1);
        var stopped = new TaskCompletionSource();
        _sprout.OnAnalytics = async (n, context) =>
        {
            if (n != 3) return;
            // The third window is in flight when the host shuts down: its answer never arrives.
            _ = Task.Run(async () =>
            {
                await services.Runs().StopAsync(); // what the host's shutdown does (ConnectorSchedule.StopAsync)
                await services.DisposeAsync();
                stopped.SetResult();
            });
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { });
        };
        var started = await services.Runs().StartAsync(tenant, "sprout", "test", default);
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(60));

        SyncRun interrupted;
        IReadOnlyList<SyncCheckpoint> checkpoints;
        await using (var session = Store.QuerySession(tenant))
        {
            interrupted = (await session.LoadAsync<SyncRun>(started.Id))!;
            checkpoints = await session.Query<SyncCheckpoint>().Where(c => c.Connector == "sprout").ToListAsync();
        }
        Assert.Equal(SyncRunState.Failed, interrupted.State);
        Assert.Contains(interrupted.Errors, e => e.Contains("resumes from the checkpoint"));
        // Instagram goes first (networks in name order): two 7-day windows × (its batch + the derived engagements batch).
        Assert.Equal(28, interrupted.Batches);
        var checkpoint = Assert.Single(checkpoints);
        Assert.Equal(("1102", new DateOnly(2024, 1, 14)), (checkpoint.SourceProfileId, checkpoint.LastSyncedDate));

        // "Restart": a new composition over the same store; the interrupted third request logged first, so it is not
        // counted among the restarted run's requests.
        _sprout.OnAnalytics = null;
        await _sprout.AnalyticsLoggedAsync(3);
        var before = _sprout.AnalyticsRequests.Count();
        await using var restarted = Connectors.Services(Options(tenant, maxDays: 7), Store, Feb1);
        var resumed = await restarted.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal(SyncRunState.Succeeded, resumed.State);
        Assert.Equal(31 + 34, resumed.Batches); // LinkedIn's 31 days, Instagram's remaining 17 days × 2
        Assert.Equal(6, resumed.ReplayedBatches); // Instagram's restate window before the checkpoint: read again, unchanged
        var afterRestart = _sprout.AnalyticsRequests.Skip(before).ToList();
        Assert.Contains("reporting_period.in(2024-01-01...2024-01-08)", afterRestart[0].Body); // LinkedIn, no checkpoint: first
        Assert.Contains(afterRestart, r => r.Body.Contains("customer_profile_id.eq(1102)") && r.Body.Contains("reporting_period.in(2024-01-12...2024-01-19)"));
        Assert.Equal(Expected(new DateOnly(2024, 1, 31)).OrderBy(e => e.Key.ToString()), (await Stored(tenant)).OrderBy(e => e.Key.ToString()));
        Assert.Equal(62, await VersionCount(tenant));
    }

    [Fact]
    public async Task RecordsNothingGivenAMalformedPayload()
    {
        var tenant = "sync-malformed";
        _sprout.PageSize = 10;
        // Page 2 of the first window is broken: page 1 was fine, but nothing of the window may be stored.
        _sprout.FaultFilter = r => r.Path.Value!.EndsWith("/analytics/profiles") && _sprout.AnalyticsRequests.Count() == 1;
        _sprout.Faults.Enqueue(new Fault.Body("""{"data":[{"dimensions":{"customer_profile_id":1101,"reporting_period.by(day)":"2024-01-06"},"metrics":{"impressions":{"value":5}}}],"paging":{"current_page":2,"total_pages":7}}"""));
        await using var services = Connectors.Services(Options(tenant), Store, Feb1);

        var run = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal(SyncRunState.Failed, run.State);
        var error = Assert.Single(run.Errors);
        Assert.Equal("Sprout analytics/profiles page 2, data[0]: metric 'impressions' is {\"value\":5}, not a number.", error);
        Assert.Equal((0, 0), (run.Batches, run.Rows));
        Assert.Empty(await Stored(tenant));
        await using var session = Store.QuerySession(tenant);
        Assert.Empty(await session.Query<SyncCheckpoint>().ToListAsync());
        Assert.Empty(await session.Query<KpiBatchReceipt>().ToListAsync());
        Assert.NotNull(run.FinishedAt);
    }

    private async Task<KpiProfile> Profile(string tenant, string handle)
    {
        await using var session = Store.QuerySession(tenant);
        return await session.Query<KpiProfile>().Where(p => p.Handle == handle).SingleAsync();
    }

    private async Task<List<double>> Versions(string tenant, string handle, string metric, DateOnly day)
    {
        var profile = await Profile(tenant, handle);
        await using var session = Store.QuerySession(tenant);
        return (await ObservationTable.VersionsAsync(session, profile.Id, metric, day, default)).Select(v => v.Value).ToList();
    }

    [Fact]
    public async Task RecordsARestatedDayAsANewVersionKeepingTheOldGivenTheRestateWindow()
    {
        var tenant = "sync-restate";
        await using var services = Connectors.Services(Options(tenant, restateDays: 3), Store, Feb1);
        var first = await services.Runs().RunAsync(tenant, "sprout", "test", default);
        Assert.Equal((SyncRunState.Succeeded, 93), (first.State, first.Batches));
        var jan30 = new DateOnly(2024, 1, 30);
        var jan10 = new DateOnly(2024, 1, 10);
        var original = _sprout.Value(1101, "impressions", jan30)!.Value;
        var originalJan10 = _sprout.Value(1101, "impressions", jan10)!.Value;

        // Sprout restates a day inside the window (Jan 29-31) and one long before it.
        _sprout.Restated[(1101, "impressions", jan30)] = original + 1000;
        _sprout.Restated[(1101, "impressions", jan10)] = 1;
        var second = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal(SyncRunState.Succeeded, second.State);
        Assert.Equal((1, 1, 8), (second.Batches, second.Rows, second.ReplayedBatches)); // only the restated value is stored
        Assert.Contains("reporting_period.in(2024-01-29...2024-02-01)", _sprout.AnalyticsRequests.Last().Body); // the end bound is excluded
        var stored = await Stored(tenant);
        Assert.Equal(original + 1000, stored[("contoso", "impressions", jan30)]);
        Assert.Equal(originalJan10, stored[("contoso", "impressions", jan10)]); // outside the window: not read again
        Assert.Equal([original, original + 1000], await Versions(tenant, "contoso", "impressions", jan30));
        Assert.Single(await Versions(tenant, "contoso", "reactions", jan30)); // the day's unchanged metrics: no new version
        Assert.Equal(63, await VersionCount(tenant)); // impressions: one version per (profile, day), plus the restated one

        var third = await services.Runs().RunAsync(tenant, "sprout", "test", default);
        Assert.Equal((0, 0, 9), (third.Batches, third.Rows, third.ReplayedBatches)); // a restatement is stored once
        Assert.Equal(63, await VersionCount(tenant));

        // Restated back to the first figure: that is a new version too (the latest wins), not a replay of the first import.
        _sprout.Restated.TryRemove((1101, "impressions", jan30), out _);
        var fourth = await services.Runs().RunAsync(tenant, "sprout", "test", default);
        Assert.Equal((1, 1, 8), (fourth.Batches, fourth.Rows, fourth.ReplayedBatches));
        Assert.Equal(original, (await Stored(tenant))[("contoso", "impressions", jan30)]);
        Assert.Equal([original, original + 1000, original], await Versions(tenant, "contoso", "impressions", jan30));

        await using var session = Store.QuerySession(tenant);
        Assert.All(await session.Query<SyncCheckpoint>().ToListAsync(), c => Assert.Equal(new DateOnly(2024, 1, 31), c.LastSyncedDate));
    }

    [Fact]
    public async Task KeepsAPersonsCorrectionUntilTheSourceRestatesTheValue()
    {
        var tenant = "sync-correct";
        await using var services = Connectors.Services(Options(tenant, restateDays: 3), Store, Feb1);
        await services.Runs().RunAsync(tenant, "sprout", "test", default);
        var jan31 = new DateOnly(2024, 1, 31);
        var original = _sprout.Value(1102, "impressions", jan31)!.Value;
        var profile = await Profile(tenant, "contoso.ig");
        await using (var session = Store.LightweightSession(tenant))
            await Kpis.CorrectingKpi.CorrectKpiHandler.Handle(session,
                new Kpis.CorrectingKpi.CorrectKpi(profile.Id.ToString(), "impressions", 2024, 1, 31, 7, "double-counted boosted posts", "analyst", Feb1.GetUtcNow()),
                default);

        var unchanged = await services.Runs().RunAsync(tenant, "sprout", "test", default);
        Assert.Equal((0, 9), (unchanged.Batches, unchanged.ReplayedBatches)); // the source did not change: the correction stays
        Assert.Equal(7, (await Stored(tenant))[("contoso.ig", "impressions", jan31)]);

        _sprout.Restated[(1102, "impressions", jan31)] = original + 5;
        var restated = await services.Runs().RunAsync(tenant, "sprout", "test", default);
        Assert.Equal((1, 8), (restated.Batches, restated.ReplayedBatches));
        Assert.Equal(original + 5, (await Stored(tenant))[("contoso.ig", "impressions", jan31)]);
        Assert.Equal([original, 7, original + 5], await Versions(tenant, "contoso.ig", "impressions", jan31));
    }
}
