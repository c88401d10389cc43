using CoeInsights.Store;
using Npgsql;

namespace CoeInsights.Server.Hosting;

/// <summary>
/// One long-lived PostgreSQL connection per server process that LISTENs on the store's channel
/// (<see cref="ChangeKeys.Channel"/>) and wakes the in-process waiters of each key a commit names
/// (<see cref="ChangeNotifications"/> sends them). A watch subscribes before it reads, reads, then waits: a change
/// committed after the subscription wakes it, so nothing is missed. After an outage the connection is opened again with
/// backoff, and every waiter is woken once (what was committed meanwhile was not heard). Waits also end after
/// <see cref="FallbackInterval"/> without a notification: a safety net, not the mechanism.
/// </summary>
public sealed partial class ChangeNotifier : BackgroundService
{
    /// <summary>Backoff between attempts to listen again: doubling from the first, at most the last.</summary>
    public static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;
    private readonly ILogger<ChangeNotifier> _log;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<ChangeSubscription>> _waiters = new(StringComparer.Ordinal);
    private volatile bool _listening;
    private long _epoch;

    public ChangeNotifier(string connectionString, string schema, TimeSpan fallbackInterval, ILogger<ChangeNotifier> log)
    {
        Channel = ChangeKeys.Channel(schema);
        FallbackInterval = fallbackInterval;
        _log = log;
        // Its own, unpooled connection: it is held for the life of the process. TCP keepalive (probes after 30 s idle,
        // every 10 s; no query, so no transaction) finds a connection a network or proxy dropped without a word.
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false, TcpKeepAliveTime = 30, TcpKeepAliveInterval = 10, ApplicationName = ApplicationName,
        }.ConnectionString;
    }

    /// <summary>The LISTEN connection's application_name (pg_stat_activity).</summary>
    public const string ApplicationName = "coeinsights-listen";

    /// <summary>The PostgreSQL channel this process listens on.</summary>
    public string Channel { get; }

    /// <summary>The longest a wait lasts without a notification.</summary>
    public TimeSpan FallbackInterval { get; }

    /// <summary>Whether the LISTEN connection is up: only then do notifications arrive.</summary>
    public bool IsListening => _listening;

    /// <summary>
    /// Counts the connection's ups and downs: what was read while <see cref="IsListening"/> and in the same epoch as now
    /// has been followed by every notification since (a cache may trust it for longer).
    /// </summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>Every key heard, on the connection's thread (keep handlers short).</summary>
    public event Action<string>? Changed;

    /// <summary>The connection went down or came up: what was committed in between was not heard.</summary>
    public event Action? Interrupted;

    /// <summary>Starts hearing changes of <paramref name="key"/>; subscribe before reading what the key names.</summary>
    public ChangeSubscription Subscribe(string key)
    {
        var subscription = new ChangeSubscription(this, key);
        lock (_lock)
        {
            if (!_waiters.TryGetValue(key, out var set)) _waiters[key] = set = [];
            set.Add(subscription);
        }
        return subscription;
    }

    /// <summary>How many subscriptions are open (tests, diagnostics).</summary>
    public int Subscriptions
    {
        get
        {
            lock (_lock) return _waiters.Values.Sum(s => s.Count);
        }
    }

    internal void Unsubscribe(ChangeSubscription subscription)
    {
        lock (_lock)
            if (_waiters.TryGetValue(subscription.Key, out var set) && set.Remove(subscription) && set.Count == 0)
                _waiters.Remove(subscription.Key);
    }

    /// <summary>Wakes the waiters of every key in the payload (what a NOTIFY on <see cref="Channel"/> carries).</summary>
    public void Dispatch(string payload)
    {
        foreach (var key in ChangeKeys.Parse(payload))
        {
            ChangeSubscription[] woken;
            lock (_lock) woken = _waiters.TryGetValue(key, out var set) ? [.. set] : [];
            foreach (var s in woken) s.Signal();
            Changed?.Invoke(key);
        }
    }

    private void WakeAll()
    {
        ChangeSubscription[] all;
        lock (_lock) all = [.. _waiters.Values.SelectMany(s => s)];
        foreach (var s in all) s.Signal();
        Interrupted?.Invoke();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                connection.Notification += (_, e) =>
                {
                    if (e.Channel == Channel) Dispatch(e.Payload);
                };
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN \"{Channel}\"", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                _listening = true;
                Interlocked.Increment(ref _epoch);
                if (failures > 0) LogListeningAgain(Channel, failures);
                failures = 0;
                // Changes committed before LISTEN took effect (start-up, or the outage) were not heard: everyone reads again.
                WakeAll();
                while (true) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
            {
                var wasListening = _listening;
                _listening = false;
                Interlocked.Increment(ref _epoch);
                if (wasListening) Interrupted?.Invoke();
                failures++;
                var delay = TimeSpan.FromTicks(Math.Min(MaxRetry.Ticks, FirstRetry.Ticks << Math.Min(failures - 1, 16)));
                LogNotListening(Channel, delay, e.Message);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        _listening = false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not listening for changes on {Channel}; watches wait for their fallback until it is back. Trying again in {Delay}: {Error}")]
    private partial void LogNotListening(string channel, TimeSpan delay, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for changes on {Channel} again after {Failures} failed attempts; every watch reads once")]
    private partial void LogListeningAgain(string channel, int failures);
}

/// <summary>
/// Hears changes of one key from the moment it is taken. <see cref="WaitAsync"/> returns once a change was heard since
/// the previous wait returned (at once if one already was), or after the notifier's fallback interval.
/// </summary>
public sealed class ChangeSubscription : IDisposable
{
    private readonly ChangeNotifier _notifier;
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal ChangeSubscription(ChangeNotifier notifier, string key) => (_notifier, Key) = (notifier, key);

    public string Key { get; }

    internal void Signal() => Volatile.Read(ref _signal).TrySetResult();

    /// <summary>True when a change was heard, false when the fallback interval passed without one.</summary>
    /// <remarks>The fallback is spread over 80–100 % of the interval, so watches opened together do not read together.</remarks>
    public Task<bool> WaitAsync(CancellationToken ct) => WaitAsync(_notifier.FallbackInterval * (0.8 + 0.2 * Random.Shared.NextDouble()), ct);

    /// <inheritdoc cref="WaitAsync(CancellationToken)"/>
    public async Task<bool> WaitAsync(TimeSpan fallback, CancellationToken ct)
    {
        var signal = Volatile.Read(ref _signal);
        bool heard;
        try
        {
            await signal.Task.WaitAsync(fallback, ct);
            heard = true;
        }
        catch (TimeoutException)
        {
            heard = false;
        }
        // Re-armed before the caller reads again: a change committed after this point wakes the next wait.
        Interlocked.CompareExchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), signal);
        return heard;
    }

    public void Dispose() => _notifier.Unsubscribe(this);
}
