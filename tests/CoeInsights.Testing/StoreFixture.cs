using CoeInsights.Store;
using Marten;
using Xunit;

namespace CoeInsights.Testing;

/// <summary>A Marten store over the test PostgreSQL in a schema of its own: one per test class (xunit class fixture).</summary>
public sealed class StoreFixture : IAsyncLifetime
{
    public IDocumentStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = CoeStore.Configure(new StoreOptions(), await TestPostgres.ConnectionStringAsync(), TestPostgres.NewSchema("s"));
        Store = new DocumentStore(options);
        await Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public Task DisposeAsync()
    {
        Store.Dispose();
        return Task.CompletedTask;
    }
}
