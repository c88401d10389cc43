using System.Security.Cryptography;
using System.Text;
using Marten;
using Medallion.Threading.Postgres;
using Npgsql;

namespace CoeInsights.Server.Connectors;

/// <summary>
/// A PostgreSQL session advisory lock per (store schema, tenant, connector), held on a connection of its own for as long as
/// a run lasts (DistributedLock.Postgres's <see cref="PostgresDistributedLock"/> over that connection). PostgreSQL releases
/// it when the holder's connection ends — also when its process is killed — so "stored as running, lock free" means the
/// run's process is gone.
/// </summary>
public sealed class ConnectorLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly IAsyncDisposable _handle;

    private ConnectorLock(NpgsqlConnection connection, IAsyncDisposable handle) => (_connection, _handle) = (connection, handle);

    /// <summary>The advisory lock key: the first 8 bytes of SHA-256 over schema, tenant and connector name.</summary>
    public static long Key(string schema, string tenant, string connector) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"coeinsights-connector\n{schema}\n{tenant}\n{connector}")), 0);

    public static long Key(IDocumentStore store, string tenant, string connector) => Key(store.Options.DatabaseSchemaName, tenant, connector);

    /// <summary>The lock, or null when another session (another server process) holds it.</summary>
    public static async Task<ConnectorLock?> TryAcquireAsync(IDocumentStore store, string tenant, string connector, CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
            var handle = await new PostgresDistributedLock(new PostgresAdvisoryLockKey(Key(store, tenant, connector)), connection)
                .TryAcquireAsync(TimeSpan.Zero, ct);
            if (handle is not null) return new ConnectorLock(connection, handle);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // A pooled connection keeps its session (and the lock) when closed: the handle unlocks explicitly first.
            await _handle.DisposeAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection broke: its session, and the lock with it, is gone already.
        }
        await _connection.DisposeAsync();
    }
}
