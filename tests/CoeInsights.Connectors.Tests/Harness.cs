using CoeInsights.Connectors.Sync;
using CoeInsights.Store;
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

/// <summary>A Marten store over the test PostgreSQL in a schema of its own: one per test class.</summary>
public sealed class StoreFixture : IAsyncLifetime
{
    public IDocumentStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = CoeStore.Configure(new StoreOptions(), await TestPostgres.ConnectionStringAsync(), TestPostgres.NewSchema("c"));
        Store = new DocumentStore(options);
        await Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public Task DisposeAsync()
    {
        Store.Dispose();
        return Task.CompletedTask;
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

    public static ServiceProvider Services(ConnectorsOptions options, IDocumentStore? store = null, TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(clock ?? TimeProvider.System);
        if (store is not null) services.AddSingleton(store);
        services.AddConnectors(options);
        return services.BuildServiceProvider();
    }

    public static ConnectorRuns Runs(this ServiceProvider services) => services.GetRequiredService<ConnectorRuns>();
}
