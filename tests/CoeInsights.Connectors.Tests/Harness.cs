extern alias server;

using server::CoeInsights.Server.Connectors;
using CoeInsights.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoeInsights.Connectors.Tests;

/// <summary>A clock whose "now" is fixed (timers still run in real time).</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>A clock that moves only when told to (timers still run in real time).</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private long _ticks = now.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    /// <summary>Moves to <paramref name="at"/> unless the clock is past it already (concurrent waiters end at the latest of their times).</summary>
    public void AdvanceTo(DateTimeOffset at)
    {
        for (var now = Interlocked.Read(ref _ticks); at.UtcTicks > now; now = Interlocked.Read(ref _ticks))
            if (Interlocked.CompareExchange(ref _ticks, at.UtcTicks, now) == now) return;
    }
}

/// <summary>
/// Connector waits on a virtual clock: each wait is recorded and moves the clock instead of sleeping, so a test of pacing
/// and back-off runs in milliseconds and can assert the exact waits. Share the clock with a fake (<c>FakeApi.Clock</c>) and the
/// fake sees the requests at the times a real client would send them.
/// </summary>
public sealed class RecordingDelays(ManualClock clock) : CoeInsights.Connectors.Http.ConnectorDelays(clock)
{
    public RecordingDelays() : this(new ManualClock(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero))) { }

    public ManualClock VirtualClock { get; } = clock;
    public System.Collections.Concurrent.ConcurrentQueue<TimeSpan> Waits { get; } = new();

    public override Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (delay <= TimeSpan.Zero) return Task.CompletedTask;
        Waits.Enqueue(delay);
        VirtualClock.AdvanceTo(VirtualClock.GetUtcNow() + delay);
        return Task.CompletedTask;
    }
}

/// <summary>Every log line, with its state's properties and any exception, into a queue.</summary>
public sealed class CapturedLogs(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose() { }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{properties}] {exception}");
        }
    }
}

/// <summary>The connector services as the server composes them (AddConnectors), over a given store and clock.</summary>
public static class Connectors
{
    /// <summary>Short delays so tests stay fast; the breaker effectively off unless a test turns it on.</summary>
    public static ConnectorResilienceOptions FastResilience() => new()
    {
        TotalTimeout = TimeSpan.FromSeconds(60),
        AttemptTimeout = TimeSpan.FromSeconds(10),
        MaxRetryAttempts = 3,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        BreakerMinimumThroughput = 1_000,
    };

    /// <param name="logs">When given, every log line of every level goes there (to check no secret is ever logged).</param>
    /// <param name="delays">The waits of pacing and back-off; absent: a fresh virtual clock (no test ever sleeps for them).</param>
    public static ServiceProvider Services(ConnectorsOptions options, IDocumentStore? store = null, TimeProvider? clock = null,
        System.Collections.Concurrent.ConcurrentQueue<string>? logs = null, CoeInsights.Connectors.Http.ConnectorDelays? delays = null,
        CoeInsights.Connectors.Http.ISproutRateGate? gate = null, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(l =>
        {
            if (logs is null) l.SetMinimumLevel(LogLevel.Warning);
            else l.AddProvider(new CapturedLogs(logs)).SetMinimumLevel(LogLevel.Trace);
        });
        services.AddSingleton(clock ?? TimeProvider.System);
        if (store is not null) services.AddSingleton(store);
        services.AddSingleton(delays ?? new RecordingDelays());
        services.AddConnectors(options);
        if (gate is not null) services.AddSingleton(gate);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public static ConnectorRuns Runs(this ServiceProvider services) => services.GetRequiredService<ConnectorRuns>();
}

/// <summary>What a sync must store for what the fake serves: each documented value mapped, each derived metric summed.</summary>
public static class SproutExpectations
{
    public static Dictionary<(string Handle, string Metric, DateOnly Day), double> Expected(Fakes.FakeSprout sprout, DateOnly from, DateOnly to)
    {
        var expected = new Dictionary<(string, string, DateOnly), double>();
        foreach (var p in sprout.Profiles)
        {
            if (CoeInsights.Connectors.Sprout.SproutMetricMap.For(p.NetworkType) is not { } network) continue;
            for (var day = from; day <= to; day = day.AddDays(1))
            {
                if (sprout.Missing.ContainsKey((p.Id, day))) continue;
                foreach (var key in network.Requested)
                    if (CoeInsights.Connectors.Sprout.SproutMetricMap.Ours(network, key, day, CoeInsights.Connectors.Sprout.SproutMetricMap.FacebookViewsSince) is { } ours
                        && sprout.Value(p.Id, key, day) is { } v)
                        expected[(p.NativeName, ours, day)] = v;
                foreach (var d in network.Derived)
                    if (d.Terms.All(t => sprout.Value(p.Id, t, day) is not null))
                        expected[(p.NativeName, d.Metric, day)] = d.Terms.Sum(t => sprout.Value(p.Id, t, day)!.Value);
            }
        }
        return expected;
    }
}
