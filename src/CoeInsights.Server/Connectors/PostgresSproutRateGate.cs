using CoeInsights.Connectors.Http;
using Marten;
using Npgsql;

namespace CoeInsights.Server.Connectors;

/// <summary>
/// Sprout's per-account rate (https://api.sproutsocial.com/docs/, "Rate Limits": 60 requests per minute) shared by every
/// server process on the store: one row per account holding the next free send slot, taken atomically by an upsert.
/// Why not the connector lock: it keeps one run per connector, but two connectors (two tenants, or listening beside
/// profiles) may read the same customer account, and their requests count against one budget.
/// The caller's clock sets "now" (so tests can use a virtual one); clocks of the processes are assumed in sync within a second.
/// </summary>
public sealed class PostgresSproutRateGate(IDocumentStore store) : ISproutRateGate
{
    public const string Table = "coe_sprout_rate_slots";
    private volatile bool _created;

    public async Task<DateTimeOffset> ReserveAsync(string account, DateTimeOffset now, TimeSpan spacing, CancellationToken ct)
    {
        var table = $"{store.Options.DatabaseSchemaName}.{Table}";
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        if (!_created)
        {
            await using var create = new NpgsqlCommand($"create schema if not exists {store.Options.DatabaseSchemaName}; " +
                                                       $"create table if not exists {table} (account text primary key, next_at timestamptz not null)", conn);
            try
            {
                await create.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
            {
                // Another process created it at the same moment.
            }
            _created = true;
        }
        // The slot is max(next free slot, now); the next free slot moves one spacing past it.
        await using var cmd = new NpgsqlCommand(
            $"insert into {table} as t (account, next_at) values ($1, $2 + $3) " +
            "on conflict (account) do update set next_at = greatest(t.next_at, $2) + $3 returning next_at - $3", conn)
        {
            Parameters = { new() { Value = account }, new() { Value = now.ToUniversalTime() }, new() { Value = spacing } },
        };
        var slot = (DateTime)(await cmd.ExecuteScalarAsync(ct))!;
        return new DateTimeOffset(DateTime.SpecifyKind(slot, DateTimeKind.Utc));
    }
}
