using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Connectors.Http;
using CoeInsights.Connectors.PowerBi;
using CoeInsights.Connectors.Sprout;
using CoeInsights.Connectors.Sync;
using CoeInsights.Connectors;
using CoeInsights.Connectors.RunningSync;
using CoeInsights.Server.Hosting;
using CoeInsights.Store;
using Marten;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace CoeInsights.Server.Connectors;

/// <summary>
/// Starts connector runs (from TriggerSync or the schedule), at most one at a time per connector across the server processes
/// sharing the store (a run holds its connector's <see cref="ConnectorLock"/>), and records each as a <see cref="SyncRun"/>
/// document. Runs outlive the call that started them and stop with the host; a run whose process died is marked failed by
/// the next process that takes the lock.
/// </summary>
public sealed class ConnectorRuns(
    IDocumentStore store, IHttpClientFactory http, ConnectorsOptions options, SproutSync sprout, PowerBiPush powerBi,
    TimeProvider clock, ILogger<ConnectorRuns> log, ChangeNotifier? changes = null) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (Guid RunId, Task<SyncRun> Task)> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, Task<SyncRun>> _tasks = new();
    private readonly SemaphoreSlim _starting = new(1, 1);

    public ConnectorsOptions Options => options;

    /// <summary>The connector as the tenant may see it; another tenant's connector is NOT_FOUND like a missing one.</summary>
    public ConnectorOptions Find(string tenant, string name)
    {
        new Validator().Require(!string.IsNullOrWhiteSpace(name), "connector", "is required").ThrowIfInvalid();
        var connector = options.Find(name);
        return connector is not null && connector.Tenant == tenant ? connector : throw new NotFoundException("Connector", name);
    }

    /// <summary>
    /// Starts a run, or returns the one already running for this connector (in this process or, holding the connector's
    /// lock, in another server process on the same store). Runs left "running" by a process that died are marked failed
    /// first (<see cref="RecoverAsync(string, string, CancellationToken)"/>).
    /// </summary>
    public async Task<SyncRun> StartAsync(string tenant, string name, string trigger, CancellationToken ct)
    {
        var connector = Find(tenant, name);
        await _starting.WaitAsync(ct);
        try
        {
            Guid? current = null;
            lock (_lock)
                if (_running.TryGetValue(name, out var r) && !r.Task.IsCompleted) current = r.RunId;
            if (current is { } id) return await GetAsync(tenant, id, wait: false, ct);

            var held = await ConnectorLock.TryAcquireAsync(store, tenant, name, ct);
            // Another server process holds the lock: its run is the answer — the one stored as running, never a finished
            // earlier run. The holder may not have stored its run yet (or holds the lock only to recover orphans): ask
            // again for a moment, then say busy.
            for (var attempt = 1; held is null; attempt++)
            {
                await using (var query = store.QuerySession(tenant))
                    if (await query.Query<SyncRun>().Where(x => x.Connector == name && x.State == SyncRunState.Running)
                            .OrderByDescending(x => x.StartedAt).FirstOrDefaultAsync(ct) is { } running)
                        return running;
                if (attempt == 20)
                    throw new RuleViolationException(ErrorReasons.ConnectorBusy, $"connectors/{name}",
                        "Another server process is starting a run of this connector; ask again in a moment.");
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
                held = await ConnectorLock.TryAcquireAsync(store, tenant, name, ct);
            }
            try
            {
                await AbandonAsync(tenant, name, ct);
                var run = SyncRunDecider.Start(Guid.CreateVersion7(), name, trigger, clock.GetUtcNow());
                await SaveAsync(tenant, run, ct);
                var lease = held;
                lock (_lock)
                {
                    var task = Task.Run(async () =>
                    {
                        await using (lease) return await ExecuteAsync(connector, run, _stopping.Token);
                    });
                    _running[name] = (run.Id, task);
                    _tasks[run.Id] = task;
                }
                held = null; // the run releases it when it ends
                return run;
            }
            finally
            {
                if (held is not null) await held.DisposeAsync();
            }
        }
        finally
        {
            _starting.Release();
        }
    }

    /// <summary>
    /// Marks failed every run of every connector that is stored as running but that no live server process runs: its process
    /// was killed or crashed before it could record its end. The server calls it at start; <see cref="StartAsync"/> and
    /// <see cref="GetAsync"/> do it for their connector. Checkpoints only ever name durable days, so the next run resumes
    /// without gap or duplicate.
    /// </summary>
    public async Task RecoverAsync(CancellationToken ct)
    {
        foreach (var c in options.All) await RecoverAsync(c.Tenant, c.Name, ct);
    }

    /// <inheritdoc cref="RecoverAsync(CancellationToken)"/>
    public async Task RecoverAsync(string tenant, string name, CancellationToken ct)
    {
        await _starting.WaitAsync(ct);
        try
        {
            lock (_lock)
                if (_running.TryGetValue(name, out var r) && !r.Task.IsCompleted) return;
            await using var held = await ConnectorLock.TryAcquireAsync(store, tenant, name, ct);
            if (held is not null) await AbandonAsync(tenant, name, ct);
        }
        finally
        {
            _starting.Release();
        }
    }

    /// <summary>Holding the connector's lock and running nothing of it here: every run still stored as running is orphaned.</summary>
    private async Task AbandonAsync(string tenant, string name, CancellationToken ct)
    {
        await using var session = store.LightweightSession(tenant);
        var orphans = await session.Query<SyncRun>().Where(x => x.Connector == name && x.State == SyncRunState.Running).ToListAsync(ct);
        if (orphans.Count == 0) return;
        var now = clock.GetUtcNow();
        foreach (var orphan in orphans)
        {
            session.Store(SyncRunDecider.Abandon(orphan, now));
            log.LogWarning("Connector {Connector} run {RunId} started {StartedAt:O} was left running by a server process that stopped; marked failed",
                name, orphan.Id, orphan.StartedAt);
        }
        await session.SaveChangesAsync(ct);
    }

    /// <summary>
    /// A wait for a run of another server process reads the stored run when that process stores it (a change notification,
    /// <see cref="ChangeNotifier"/>) and at least this often otherwise: a process that dies stores nothing, and its
    /// released lock is found only by looking (<see cref="RecoverAsync(string, string, CancellationToken)"/>).
    /// </summary>
    public static readonly TimeSpan RemoteWaitFallback = TimeSpan.FromSeconds(2);

    /// <summary>Without a <see cref="ChangeNotifier"/> (a host that composes the connectors alone), the stored run is polled this often.</summary>
    public static readonly TimeSpan RemoteWaitPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>The run as stored; with <paramref name="wait"/>, once it has finished — here, or in another server process
    /// (then the stored run is read again whenever it is stored, or after <see cref="RemoteWaitFallback"/>, until it ends or
    /// its process is found dead).</summary>
    public async Task<SyncRun> GetAsync(string tenant, Guid runId, bool wait, CancellationToken ct)
    {
        Task<SyncRun>? task;
        lock (_lock) task = _tasks.GetValueOrDefault(runId);
        if (wait && task is not null) await task.WaitAsync(ct);
        // Subscribed before the reads: a store of the run after them wakes the wait.
        using var stored = wait && task is null ? changes?.Subscribe(ChangeKeys.SyncRun(runId)) : null;
        SyncRun? run;
        await using (var session = store.QuerySession(tenant))
            run = await session.LoadAsync<SyncRun>(runId, ct) ?? throw new NotFoundException("SyncRun", runId.ToString());
        while (true)
        {
            if (task is not null || run.State != SyncRunState.Running || options.Find(run.Connector) is not { } c || c.Tenant != tenant) return run;
            // Running, but not here: in another live process, or orphaned by a dead one.
            await RecoverAsync(tenant, run.Connector, ct);
            await using (var session = store.QuerySession(tenant))
                run = await session.LoadAsync<SyncRun>(runId, ct) ?? run;
            if (!wait || run.State != SyncRunState.Running) return run;
            if (stored is not null) await stored.WaitAsync(RemoteWaitFallback, ct);
            else await Task.Delay(RemoteWaitPoll, ct);
        }
    }

    /// <summary>Starts a run and waits for its end (the schedule and tests).</summary>
    public async Task<SyncRun> RunAsync(string tenant, string name, string trigger, CancellationToken ct)
    {
        var run = await StartAsync(tenant, name, trigger, ct);
        return await GetAsync(tenant, run.Id, wait: true, ct);
    }

    /// <summary>The tenant's connectors by name, each with its checkpoints and its newest run (none yet: null).</summary>
    public async Task<IReadOnlyList<(ConnectorOptions Connector, IReadOnlyList<SyncCheckpoint> Checkpoints, SyncRun? LastRun)>> ListAsync(
        string tenant, CancellationToken ct)
    {
        var result = new List<(ConnectorOptions, IReadOnlyList<SyncCheckpoint>, SyncRun?)>();
        foreach (var c in options.All.Where(c => c.Tenant == tenant).OrderBy(c => c.Name, StringComparer.Ordinal))
            result.Add((c, await CheckpointsAsync(tenant, c.Name, ct), (await RecentAsync(tenant, c.Name, 1, ct)) is [var last] ? last : null));
        return result;
    }

    /// <summary>The newest runs of a connector, newest first.</summary>
    public async Task<IReadOnlyList<SyncRun>> RecentAsync(string tenant, string name, int count, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenant);
        return await session.Query<SyncRun>().Where(r => r.Connector == name).OrderByDescending(r => r.StartedAt).Take(count).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<SyncCheckpoint>> CheckpointsAsync(string tenant, string name, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenant);
        return (await session.Query<SyncCheckpoint>().Where(c => c.Connector == name).ToListAsync(ct)).OrderBy(c => c.SourceProfileId, StringComparer.Ordinal).ToList();
    }

    private async Task<SyncRun> ExecuteAsync(ConnectorOptions connector, SyncRun run, CancellationToken ct)
    {
        Task Progress(SyncRun r) => SaveAsync(connector.Tenant, r, CancellationToken.None);
        var last = run;
        try
        {
            last = connector switch
            {
                SproutConnectorOptions s => await sprout.RunAsync(s, http.Sprout(s.Name), run, r => Progress(last = r), ct),
                PowerBiConnectorOptions p => await powerBi.RunAsync(p, http.PowerBi(p.Name), run, r => Progress(last = r), ct),
                _ => throw new InvalidOperationException($"Unknown connector kind {connector.GetType().Name}."),
            };
            last = SyncRunDecider.Finish(last, clock.GetUtcNow());
            log.LogInformation("Connector {Connector} run {RunId}: {Rows} rows in {Batches} batches ({Replayed} replayed)",
                connector.Name, run.Id, last.Rows, last.Batches, last.ReplayedBatches);
        }
        catch (Exception e)
        {
            var error = Describe(e, ct);
            last = SyncRunDecider.Fail(last, error, clock.GetUtcNow());
            log.LogWarning("Connector {Connector} run {RunId} failed after {Rows} rows: {Error}", connector.Name, run.Id, last.Rows, error);
        }
        await SaveAsync(connector.Tenant, last, CancellationToken.None);
        return last;
    }

    /// <summary>What went wrong, for people: status and path, never a header (the access token stays out of runs and logs).</summary>
    public static string Describe(Exception e, CancellationToken ct) => e switch
    {
        _ when ct.IsCancellationRequested => "stopped: the server is shutting down; the next run resumes from the checkpoint",
        SourcePayloadException p => p.Message,
        SourceApiException s => s.Message, // Sprout's error text and X-Sprout-Request-ID, for support
        EntraTokenException t => t.Message,
        ApiRequestException { InnerException: { } inner } => Describe(inner, ct), // Refit's wrapper of what the handlers threw
        ApiException a => $"{a.HttpMethod} {a.Uri?.AbsolutePath} answered {(int)a.StatusCode} {a.ReasonPhrase}",
        BrokenCircuitException => "circuit open: the remote API failed repeatedly; not called until the break ends",
        TimeoutRejectedException t => $"timed out: {t.Message}",
        HttpRequestException h => $"network error: {h.Message}",
        InvalidInputException i => $"rejected by the KPI store: {i.Message}",
        DomainException d => $"{d.Reason}: {d.Message}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private async Task SaveAsync(string tenant, SyncRun run, CancellationToken ct)
    {
        await using var session = store.LightweightSession(tenant);
        session.Store(run);
        await session.SaveChangesAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
        _starting.Dispose();
    }

    /// <summary>Host shutdown: cancels the running runs and waits (30 s at most) until each has recorded how far it got.</summary>
    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync();
        Task[] tasks;
        lock (_lock) tasks = _running.Values.Select(r => (Task)r.Task).ToArray();
        try
        {
            await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception)
        {
            // Each run has recorded its own failure.
        }
    }
}
