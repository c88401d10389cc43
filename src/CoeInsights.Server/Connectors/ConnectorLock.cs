using System.Security.Cryptography;
using System.Text;
using Marten;
using Npgsql;

namespace CoeInsights.Server.Connectors;

/// <summary>
/// A PostgreSQL session advisory lock per (store schema, tenant, connector), held on a connection of its own for as long as
/// a run lasts. PostgreSQL releases it when the holder's connection ends — also when its process is killed — so "stored as
/// running, lock free" means the run's process is gone.
/// </summary>
public sealed class ConnectorLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private ConnectorLock(NpgsqlConnection connection, long key) => (_connection, _key) = (connection, key);

    /// <summary>The advisory lock key: the first 8 bytes of SHA-256 over schema, tenant and connector name.</summary>
    public static long Key(string schema, string tenant, string connector) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"coeinsights-connector\n{schema}\n{tenant}\n{connector}")), 0);

    public static long Key(IDocumentStore store, string tenant, string connector) => Key(store.Options.DatabaseSchemaName, tenant, connector);

    /// <summary>The lock, or null when another session (another server process) holds it.</summary>
    public static async Task<ConnectorLock?> TryAcquireAsync(IDocumentStore store, string tenant, string connector, CancellationToken ct)
    {
        var key = Key(store, tenant, connector);
        var connection = store.Storage.Database.CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("select pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = key } } };
            if (await cmd.ExecuteScalarAsync(ct) is true) return new ConnectorLock(connection, key);
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
            // A pooled connection keeps its session (and the lock) when closed: unlock explicitly.
            await using var cmd = new NpgsqlCommand("select pg_advisory_unlock($1)", _connection) { Parameters = { new() { Value = _key } } };
            await cmd.ExecuteScalarAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection broke: its session, and the lock with it, is gone already.
        }
        await _connection.DisposeAsync();
    }
}
