using Marten;

namespace CoeInsights.ServerInfo;

public sealed record StoreStatistics(long EventCount, long StreamCount, string PostgresVersion);

/// <summary>Counts the caller's tenant's events and streams: the end-to-end proof that a call reaches the store.</summary>
public static class GetStoreStatistics
{
    public static async Task<StoreStatistics> Handle(IQuerySession session, CancellationToken ct)
    {
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        var version = (await session.AdvancedSql.QueryAsync<string>("select current_setting('server_version')", ct))[0];
        // Marten creates the event tables once a module registers an event type.
        var tables = await session.AdvancedSql.QueryAsync<bool>($"select to_regclass('{schema}.mt_events') is not null", ct);
        if (!tables[0]) return new StoreStatistics(0, 0, version);
        var events = await session.AdvancedSql.QueryAsync<long>(
            $"select count(*) from {schema}.mt_events where tenant_id = ?", ct, session.TenantId);
        var streams = await session.AdvancedSql.QueryAsync<long>(
            $"select count(*) from {schema}.mt_streams where tenant_id = ?", ct, session.TenantId);
        return new StoreStatistics(events[0], streams[0], version);
    }
}
