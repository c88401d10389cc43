using CoeInsights.Store;
using CoeInsights.Testing;
using Marten;

namespace CoeInsights.Tests;

/// <summary>A Marten store over the test PostgreSQL in a schema of its own: one per test class.</summary>
public sealed class StoreFixture : IAsyncLifetime
{
    public IDocumentStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = CoeStore.Configure(new StoreOptions(), await TestPostgres.ConnectionStringAsync(), TestPostgres.NewSchema("d"));
        Store = new DocumentStore(options);
        await Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public Task DisposeAsync()
    {
        Store.Dispose();
        return Task.CompletedTask;
    }
}
