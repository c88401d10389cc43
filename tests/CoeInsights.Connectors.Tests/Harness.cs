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
    public static ServiceProvider Services(ConnectorsOptions options, IDocumentStore? store = null, TimeProvider? clock = null,
        System.Collections.Concurrent.ConcurrentQueue<string>? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(l =>
        {
            if (logs is null) l.SetMinimumLevel(LogLevel.Warning);
            else l.AddProvider(new CapturedLogs(logs)).SetMinimumLevel(LogLevel.Trace);
        });
        services.AddSingleton(clock ?? TimeProvider.System);
        if (store is not null) services.AddSingleton(store);
        services.AddConnectors(options);
        return services.BuildServiceProvider();
    }

    public static ConnectorRuns Runs(this ServiceProvider services) => services.GetRequiredService<ConnectorRuns>();
}
