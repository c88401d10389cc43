using Marten;

namespace CoeInsights.ServerInfo;

public sealed record StoreStatistics(long EventCount, long StreamCount, string PostgresVersion);

/// <summary>Counts the caller's tenant's events and streams: the end-to-end proof that a call reaches the store.</summary>
public static class GetStoreStatistics
{
    public static async Task<StoreStatistics> Handle(IQuerySession session, CancellationToken ct)
    {
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        var events = await session.AdvancedSql.QueryAsync<long>(
            $"select count(*) from {schema}.mt_events where tenant_id = ?", ct, session.TenantId);
        var streams = await session.AdvancedSql.QueryAsync<long>(
            $"select count(*) from {schema}.mt_streams where tenant_id = ?", ct, session.TenantId);
        var version = await session.AdvancedSql.QueryAsync<string>("select current_setting('server_version')", ct);
        return new StoreStatistics(events[0], streams[0], version[0]);
    }
}
