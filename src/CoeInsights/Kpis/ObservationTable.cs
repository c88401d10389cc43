using Marten;
using Marten.Events;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace CoeInsights.Kpis;

/// <summary>One row of the flat observation table: one version of (profile, metric, day).</summary>
public sealed record ObservationRow(
    long Sequence, Guid ProfileId, string Metric, DateOnly Date, double Value, Guid? BatchId, string Source, string SourceTimeZone,
    DateTimeOffset RecordedAt, string? CorrectionReason);

/// <summary>
/// The flat, indexed observation table (<c>kpi_observations</c>), a Marten-managed schema object (Weasel, created and
/// migrated with the store). Batch rows go in by binary COPY on the session's connection inside its transaction, a
/// correction's row by SQL queued on the session: rows and events always commit (or roll back) together. The rows are a
/// function of the KPI events alone, so <see cref="RebuildAsync"/> can write them again from the events.
/// Every version is a row; <c>seq</c> orders versions, and queries return the latest per (profile, metric, day).
/// Daily values only: hourly ones are in <see cref="HourlyObservationTable"/>, so no daily read ever meets an hour.
/// </summary>
public static class ObservationTable
{
    public const string Name = "kpi_observations";

    public static Table Define(string schema)
    {
        var table = new Table($"{schema}.{Name}");
        table.AddColumn("seq", "bigint").AsPrimaryKey().BigAutoIncrement();
        table.AddColumn("tenant_id", "text").NotNull();
        table.AddColumn("profile_id", "uuid").NotNull();
        table.AddColumn("metric", "text").NotNull();
        table.AddColumn("day", "date").NotNull();
        table.AddColumn("value", "double precision").NotNull();
        table.AddColumn("batch_id", "uuid");
        table.AddColumn("source", "text").NotNull();
        table.AddColumn("source_time_zone", "text").NotNull();
        table.AddColumn("recorded_at", "timestamp with time zone").NotNull();
        table.AddColumn("correction_reason", "text");
        table.Indexes.Add(new IndexDefinition($"ix_{Name}_series") { Columns = ["tenant_id", "profile_id", "metric", "day", "seq"] });
        return table;
    }

    private static string Qualified(IQuerySession session) => $"{session.DocumentStore.Options.DatabaseSchemaName}.{Name}";

    /// <summary>
    /// Writes the rows of a batch with binary COPY on the session's own connection, inside the session's transaction
    /// (begun here): they commit with the batch event in SaveChangesAsync, or roll back with it.
    /// </summary>
    public static async Task CopyInAsync(IDocumentSession session, KpiBatchRecorded batch, CancellationToken ct)
    {
        await session.BeginTransactionAsync(ct);
        var conn = session.Connection ?? throw new InvalidOperationException("The session has no open connection after BeginTransactionAsync.");
        await CopyRowsAsync(conn, Qualified(session), session.TenantId, batch, ct);
    }

    /// <summary>The batch's daily rows into <paramref name="table"/>, its hourly rows (if any) into <see cref="HourlyObservationTable"/> beside it.</summary>
    private static async Task CopyRowsAsync(NpgsqlConnection conn, string table, string tenant, KpiBatchRecorded batch, CancellationToken ct)
    {
        var hourly = 0;
        for (var i = 0; i < batch.Count; i++) if (batch.IsHourly(i)) hourly++;
        if (hourly > 0) await HourlyObservationTable.CopyRowsAsync(conn, HourlyObservationTable.Beside(table), tenant, batch, ct);
        if (hourly == batch.Count) return;
        await using var importer = await conn.BeginBinaryImportAsync(
            $"copy {table} (tenant_id, profile_id, metric, day, value, batch_id, source, source_time_zone, recorded_at) from stdin (format binary)",
            ct);
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch.IsHourly(i)) continue;
            var o = batch.Observation(i);
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(tenant, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(o.ProfileId, NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(o.Metric, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(o.Date, NpgsqlDbType.Date, ct);
            await importer.WriteAsync(o.Value, NpgsqlDbType.Double, ct);
            await importer.WriteAsync(batch.BatchId, NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(batch.Source, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(batch.SourceTimeZone, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(batch.RecordedAt, NpgsqlDbType.TimestampTz, ct);
        }
        await importer.CompleteAsync(ct);
    }

    public static void QueueInsert(IDocumentSession session, KpiCorrected c) =>
        session.QueueSqlCommand($"insert into {Qualified(session)} {CorrectionColumns} values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            CorrectionValues(session.TenantId, c));

    private const string CorrectionColumns =
        "(tenant_id, profile_id, metric, day, value, source, source_time_zone, recorded_at, correction_reason)";

    private static object[] CorrectionValues(string tenant, KpiCorrected c) =>
        [tenant, c.ProfileId, c.Metric, c.Date, c.Value, $"correction by {c.CorrectedBy}", c.SourceTimeZone ?? "UTC", c.CorrectedAt, c.Reason];

    /// <summary>
    /// Rebuilds <paramref name="tenant"/>'s rows from its events: every <see cref="KpiBatchRecorded"/> and
    /// <see cref="KpiCorrected"/> in the order they were appended, written the way the handlers write them, in one
    /// transaction (the old rows go, the new ones come, or nothing changes). The table is a projection of the events that
    /// the handlers keep inline for COPY speed; this is its rebuild. Returns the number of rows written.
    /// </summary>
    public static async Task<long> RebuildAsync(IDocumentStore store, string tenant, CancellationToken ct)
    {
        var table = $"{store.Options.DatabaseSchemaName}.{Name}";
        await using var query = store.QuerySession(tenant);
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        foreach (var rebuilt in new[] { table, HourlyObservationTable.Beside(table) })
            await using (var delete = new NpgsqlCommand($"delete from {rebuilt} where tenant_id = $1", conn, tx) { Parameters = { new() { Value = tenant } } })
                await delete.ExecuteNonQueryAsync(ct);
        long rows = 0;
        var events = query.Events.QueryAllRawEvents()
            .Where(e => e.EventTypesAre(typeof(KpiBatchRecorded), typeof(KpiCorrected)))
            .OrderBy(e => e.Sequence)
            .ToAsyncEnumerable(ct);
        await foreach (var e in events)
        {
            switch (e.Data)
            {
                case KpiBatchRecorded batch:
                    await CopyRowsAsync(conn, table, tenant, batch, ct);
                    rows += batch.Count;
                    break;
                case KpiCorrected corrected:
                    var (into, columns, values) = corrected.Hour is null
                        ? (table, CorrectionColumns, CorrectionValues(tenant, corrected))
                        : (HourlyObservationTable.Beside(table), HourlyObservationTable.CorrectionColumns, HourlyObservationTable.CorrectionValues(tenant, corrected));
                    var placeholders = string.Join(", ", Enumerable.Range(1, values.Length).Select(n => $"${n}"));
                    await using (var insert = new NpgsqlCommand($"insert into {into} {columns} values ({placeholders})", conn, tx))
                    {
                        foreach (var value in values) insert.Parameters.Add(new NpgsqlParameter { Value = value });
                        await insert.ExecuteNonQueryAsync(ct);
                    }
                    rows++;
                    break;
            }
        }
        await tx.CommitAsync(ct);
        return rows;
    }

    /// <summary>The latest version of each (profile, metric, day) in range, ordered by profile, metric, day.</summary>
    public static async Task<List<(Guid ProfileId, string Metric, DateOnly Date, double Value)>> LatestAsync(
        IQuerySession session, IReadOnlyCollection<Guid> profileIds, IReadOnlyCollection<string> metrics, DateOnly from, DateOnly to,
        CancellationToken ct)
    {
        var sql = $"select distinct on (profile_id, metric, day) profile_id, metric, day, value from {Qualified(session)} " +
                  "where tenant_id = $1 and profile_id = any($2) and metric = any($3) and day between $4 and $5 " +
                  "order by profile_id, metric, day, seq desc";
        var rows = new List<(Guid, string, DateOnly, double)>();
        await using var conn = await OpenAsync(session, ct);
        await using var cmd = new NpgsqlCommand(sql, conn)
        {
            Parameters =
            {
                new() { Value = session.TenantId },
                new() { Value = profileIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
                new() { Value = metrics.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = from },
                new() { Value = to },
            },
        };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2), reader.GetDouble(3)));
        return rows;
    }

    /// <summary>Every version of one (profile, metric, day), oldest first; with <paramref name="hour"/>, of that hour's hourly value.</summary>
    public static async Task<List<ObservationRow>> VersionsAsync(
        IQuerySession session, Guid profileId, string metric, DateOnly date, CancellationToken ct, int? hour = null)
    {
        if (hour is { } h) return await HourlyObservationTable.VersionsAsync(session, profileId, metric, date, h, ct);
        var sql = "select seq, profile_id, metric, day, value, batch_id, source, source_time_zone, recorded_at, correction_reason " +
                  $"from {Qualified(session)} where tenant_id = $1 and profile_id = $2 and metric = $3 and day = $4 order by seq";
        var rows = new List<ObservationRow>();
        await using var conn = await OpenAsync(session, ct);
        await using var cmd = new NpgsqlCommand(sql, conn)
        {
            Parameters = { new() { Value = session.TenantId }, new() { Value = profileId }, new() { Value = metric }, new() { Value = date } },
        };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new ObservationRow(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateOnly>(3),
                reader.GetDouble(4), reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetString(6), reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8), reader.IsDBNull(9) ? null : reader.GetString(9)));
        return rows;
    }

    internal static async Task<NpgsqlConnection> OpenAsync(IQuerySession session, CancellationToken ct)
    {
        var conn = session.DocumentStore.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        return conn;
    }
}
