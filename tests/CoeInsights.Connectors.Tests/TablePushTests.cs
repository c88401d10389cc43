using System.Net.Http.Headers;
using CoeInsights.Connectors.Http;
using CoeInsights.Connectors.PowerBi;
using CoeInsights.Connectors.Tests.Fakes;
using Refit;

namespace CoeInsights.Connectors.Tests;

/// <summary>
/// A push against the fake Power BI server on a virtual clock: a 429 whose Retry-After
/// (https://learn.microsoft.com/rest/api/power-bi/#throttling) ends past the run's budget defers the run, and the next run
/// continues where it stopped with no row posted twice or lost.
/// </summary>
public sealed class TablePushTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private readonly FakePowerBi _fake = new();
    private readonly RecordingDelays _delays = new(new ManualClock(T0));
    private string _datasetId = "";
    private IPowerBiPushApi _api = null!;

    public async Task InitializeAsync()
    {
        _fake.Clock = _delays.VirtualClock;
        await _fake.StartAsync();
        var http = new HttpClient { BaseAddress = _fake.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _fake.Token);
        _api = RestService.For<IPowerBiPushApi>(http, ConnectorHttp.Refit);
        _datasetId = (await _api.PostDataset("", new PowerBiDatasetDefinition("CoE", "Push",
            [new PowerBiTable("A", [new("N", "Int64")]), new PowerBiTable("B", [new("N", "Int64")])]), default)).Id;
    }

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private static PushTable Table(string name, int count, int from = 0) =>
        new(name, Enumerable.Range(from, count).Select(i => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["N"] = i }).ToList());

    private TablePush Push() => new(_api, "", _datasetId, new RequestPacer(new PushLimits(), _delays.VirtualClock), 10, _delays, _delays.VirtualClock);

    private List<int> Stored(string table) => _fake.Datasets[_datasetId].Rows[table].Select(r => r["N"]!.GetValue<int>()).ToList();

    /// <summary>The <paramref name="n"/>th POST rows request (1-based) is answered 429 with the given Retry-After.</summary>
    private void ThrottlePost(int n, int retryAfterSeconds)
    {
        var posts = 0;
        _fake.FaultFilter = r => r.Method == "POST" && r.Path.Value!.EndsWith("/rows", StringComparison.Ordinal) && Interlocked.Increment(ref posts) == n;
        _fake.Faults.Enqueue(new Fault.TooManyRequests(retryAfterSeconds));
    }

    [Fact]
    public async Task DefersPastTheBudgetAndTheNextRunContinuesWhereItStopped()
    {
        IReadOnlyList<PushTable> tables = [Table("A", 35), Table("B", 12)];
        ThrottlePost(3, 3600); // A's third chunk: rows 20…29

        var first = await Push().RunAsync(tables, null, T0 + TimeSpan.FromMinutes(30), _ => Task.CompletedTask, default);

        Assert.Equal(new PushResume(0, 20, TablePush.Fingerprint(tables[0]), T0 + TimeSpan.FromHours(1)), first.Deferred);
        Assert.Equal((20, 2), (first.Rows, first.Batches));
        Assert.Empty(_delays.Waits); // did not wait an hour inside the run
        Assert.Equal(Enumerable.Range(0, 20), Stored("A"));

        _delays.VirtualClock.Advance(TimeSpan.FromHours(1));
        var second = await Push().RunAsync(tables, first.Deferred, _delays.VirtualClock.GetUtcNow() + TimeSpan.FromMinutes(30), _ => Task.CompletedTask, default);

        Assert.Null(second.Deferred);
        Assert.Equal((15 + 12, 2 + 2), (second.Rows, second.Batches));
        Assert.Equal(Enumerable.Range(0, 35), Stored("A")); // not emptied again: each row exactly once
        Assert.Equal(Enumerable.Range(0, 12), Stored("B"));
    }

    [Fact]
    public async Task WaitsARetryAfterThatEndsWithinTheBudget()
    {
        ThrottlePost(2, 30);

        var outcome = await Push().RunAsync([Table("A", 25)], null, T0 + TimeSpan.FromMinutes(30), _ => Task.CompletedTask, default);

        Assert.Null(outcome.Deferred);
        Assert.Contains(TimeSpan.FromSeconds(30), _delays.Waits);
        Assert.Equal(Enumerable.Range(0, 25), Stored("A"));
    }

    [Fact]
    public async Task StartsOverWhenTheRowsChangedSinceTheDeferral()
    {
        ThrottlePost(2, 3600);
        var first = await Push().RunAsync([Table("A", 25)], null, T0 + TimeSpan.FromMinutes(30), _ => Task.CompletedTask, default);
        Assert.NotNull(first.Deferred);

        var changed = Table("A", 25, from: 100);
        var second = await Push().RunAsync([changed], first.Deferred, T0 + TimeSpan.FromHours(2), _ => Task.CompletedTask, default);

        Assert.Null(second.Deferred);
        Assert.Equal(Enumerable.Range(100, 25), Stored("A")); // emptied and filled again: no stale row next to the new ones
    }

    [Fact]
    public async Task SetsTheModelsColumnsByPutTableBeforePostingGivenADatasetWithOtherColumns()
    {
        // The dataset's table A has only N (created by an older model); the rows now carry M too.
        var rows = Enumerable.Range(0, 12).Select(i => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["N"] = i, ["M"] = "m" }).ToList();
        var refused = await Assert.ThrowsAsync<ApiException>(() => Push().RunAsync([new PushTable("A", rows)], null, T0 + TimeSpan.FromMinutes(30), _ => Task.CompletedTask, default));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode); // the fake refuses unknown columns as PostRows does

        var outcome = await Push().RunAsync([new PushTable("A", rows, [new("N", "Int64"), new("M", "String")])], null, T0 + TimeSpan.FromMinutes(30),
            _ => Task.CompletedTask, default);

        Assert.Null(outcome.Deferred);
        Assert.Equal(["A"], _fake.PutTables);
        Assert.Equal(["N", "M"], _fake.Datasets[_datasetId].Columns["A"]);
        Assert.Equal(Enumerable.Range(0, 12), Stored("A"));
    }

    [Fact]
    public async Task KeepsTheOldRowsAndDefersGivenTheHourlyRowsLimitWouldHoldTheTableHalfFilledPastTheBudget()
    {
        // Without the check, the pacer would wait on the virtual clock (which only the test advances) for the hour to pass: the
        // token makes that a failure within seconds, not a hung test.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var pacer = new RequestPacer(new PushLimits(RowsPerHour: 30), _delays.VirtualClock);
        var push = new TablePush(_api, "", _datasetId, pacer, 10, _delays, _delays.VirtualClock);
        await push.RunAsync([Table("A", 25)], null, T0 + TimeSpan.FromMinutes(30), _ => Task.CompletedTask, timeout.Token);

        // 25 of the hour's 30 rows are used: 20 new rows could only all be posted once the first 10 age out, at 10:00.
        var outcome = await push.RunAsync([Table("A", 20, from: 100)], null, T0 + TimeSpan.FromMinutes(30), _ => Task.CompletedTask, timeout.Token);

        Assert.Equal(T0 + TimeSpan.FromHours(1), outcome.Deferred?.ResumeAt);
        Assert.Equal((0, 0), (outcome.Deferred!.Table, outcome.Deferred.Posted));
        Assert.Equal(Enumerable.Range(0, 25), Stored("A")); // not emptied
        Assert.Single(_fake.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public async Task ReadersKeepTheWholeOldSlotGivenARunFailsHardHalfWayAndTheNextRunSwaps()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var id = (await _api.PostDataset("", new PowerBiDatasetDefinition("Swap", "Push",
            PushSlots.Tables([new PowerBiTable("A", [new("N", "Int64")]), new PowerBiTable("B", [new("N", "Int64")])])), default)).Id;
        var push = new TablePush(_api, "", id, new RequestPacer(new PushLimits(), _delays.VirtualClock), 10, _delays, _delays.VirtualClock);
        var deadline = T0 + TimeSpan.FromMinutes(30);
        var (first, live) = PushSlots.Plan([Table("A", 25), Table("B", 5)], new PushSlotState(null, 0));
        Assert.Null((await push.RunAsync(first, null, deadline, _ => Task.CompletedTask, timeout.Token)).Deferred);
        Assert.Equal(("A", 1L), (Live(id), live.Generation));

        // The next run's second POST rows fails hard (500, no Retry-After): the run fails half-way through table A of slot B.
        var (second, next) = PushSlots.Plan([Table("A", 25, from: 100), Table("B", 5, from: 100)], live);
        var posts = 0;
        _fake.FaultFilter = r => r.Method == "POST" && r.Path.Value!.EndsWith("/rows", StringComparison.Ordinal) && Interlocked.Increment(ref posts) == 2;
        _fake.Faults.Enqueue(new Fault.ServerError());
        await Assert.ThrowsAsync<ApiException>(() => push.RunAsync(second, null, deadline, _ => Task.CompletedTask, timeout.Token));

        // A reader uses the slot of the latest pointer row: still A, with every old row.
        Assert.Equal("A", Live(id));
        Assert.Equal(Enumerable.Range(0, 25), Stored(id, "A_A"));
        Assert.Equal(Enumerable.Range(0, 5), Stored(id, "B_A"));
        Assert.Equal(Enumerable.Range(100, 10), Stored(id, "A_B")); // the slot being filled is the only one touched

        _fake.FaultFilter = _ => true;
        Assert.Null((await push.RunAsync(second, null, deadline, _ => Task.CompletedTask, timeout.Token)).Deferred);
        Assert.Equal(("B", 2L), (Live(id), next.Generation));
        Assert.Equal(Enumerable.Range(100, 25), Stored(id, "A_B"));
        Assert.Equal(Enumerable.Range(100, 5), Stored(id, "B_B"));
    }

    private List<int> Stored(string dataset, string table) => _fake.Datasets[dataset].Rows[table].Select(r => r["N"]!.GetValue<int>()).ToList();

    /// <summary>What a report reads: the slot named by the pointer row with the highest generation.</summary>
    private string Live(string dataset) =>
        _fake.Datasets[dataset].Rows[PushSlots.Pointer].MaxBy(r => r["Generation"]!.GetValue<long>())!["Slot"]!.GetValue<string>();
}
