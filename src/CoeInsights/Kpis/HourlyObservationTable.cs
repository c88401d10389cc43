using Marten;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace CoeInsights.Kpis;

/// <summary>
/// The hourly observation table (<c>kpi_hourly_observations</c>), beside <see cref="ObservationTable"/> and written the same
/// way: a batch's hourly rows by binary COPY on the session's connection in the batch's transaction, an hourly correction's
/// row by SQL queued on the session, and both again from the events in <see cref="ObservationTable.RebuildAsync"/>.
/// <c>hour</c> (0…23) is the hour of the reporting day <c>day</c> in <c>source_time_zone</c>. Every version is a row; <c>seq</c>
/// orders versions, and reads return the latest per (profile, metric, day, hour). Hourly values are a series of their own:
/// no daily read looks here, and nothing here is summed into a daily value.
/// </summary>
public static class HourlyObservationTable
{
    public const string Name = "kpi_hourly_observations";

    public static Table Define(string schema)
    {
        var table = new Table($"{schema}.{Name}");
        table.AddColumn("seq", "bigint").AsPrimaryKey().BigAutoIncrement();
        table.AddColumn("tenant_id", "text").NotNull();
        table.AddColumn("profile_id", "uuid").NotNull();
        table.AddColumn("metric", "text").NotNull();
        table.AddColumn("day", "date").NotNull();
        table.AddColumn("hour", "smallint").NotNull();
        table.AddColumn("value", "double precision").NotNull();
        table.AddColumn("batch_id", "uuid");
        table.AddColumn("source", "text").NotNull();
        table.AddColumn("source_time_zone", "text").NotNull();
        table.AddColumn("recorded_at", "timestamp with time zone").NotNull();
        table.AddColumn("correction_reason", "text");
        table.Indexes.Add(new IndexDefinition($"ix_{Name}_series") { Columns = ["tenant_id", "profile_id", "metric", "hour", "day", "seq"] });
        return table;
    }

    /// <summary>The hourly table in the schema of <paramref name="dailyTable"/> (<c>schema.kpi_observations</c>).</summary>
    public static string Beside(string dailyTable) => dailyTable[..(dailyTable.LastIndexOf('.') + 1)] + Name;

    private static string Qualified(IQuerySession session) => $"{session.DocumentStore.Options.DatabaseSchemaName}.{Name}";

    /// <summary>The batch's hourly observations (those with an hour) into <paramref name="table"/> by binary COPY on <paramref name="conn"/>.</summary>
    internal static async Task CopyRowsAsync(NpgsqlConnection conn, string table, string tenant, KpiBatchRecorded batch, CancellationToken ct)
    {
        await using var importer = await conn.BeginBinaryImportAsync(
            $"copy {table} (tenant_id, profile_id, metric, day, hour, value, batch_id, source, source_time_zone, recorded_at) from stdin (format binary)",
            ct);
        for (var i = 0; i < batch.Count; i++)
        {
            if (!batch.IsHourly(i)) continue;
            var o = batch.Observation(i);
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(tenant, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(o.ProfileId, NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(o.Metric, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(o.Date, NpgsqlDbType.Date, ct);
            await importer.WriteAsync((short)o.Hour!.Value, NpgsqlDbType.Smallint, ct);
            await importer.WriteAsync(o.Value, NpgsqlDbType.Double, ct);
            await importer.WriteAsync(batch.BatchId, NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(batch.Source, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(batch.SourceTimeZone, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(batch.RecordedAt, NpgsqlDbType.TimestampTz, ct);
        }
        await importer.CompleteAsync(ct);
    }

    internal const string CorrectionColumns =
        "(tenant_id, profile_id, metric, day, hour, value, source, source_time_zone, recorded_at, correction_reason)";

    internal static object[] CorrectionValues(string tenant, KpiCorrected c) =>
        [tenant, c.ProfileId, c.Metric, c.Date, (short)c.Hour!.Value, c.Value, $"correction by {c.CorrectedBy}", c.SourceTimeZone ?? "UTC", c.CorrectedAt, c.Reason];

    /// <summary>An hourly correction's row, queued on the session: it commits with the correction event.</summary>
    public static void QueueInsert(IDocumentSession session, KpiCorrected c) =>
        session.QueueSqlCommand($"insert into {Qualified(session)} {CorrectionColumns} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            CorrectionValues(session.TenantId, c));

    /// <summary>
    /// The latest version of each (profile, metric, day, hour) with the day in range (and the hour <paramref name="hour"/>
    /// when given), ordered by profile, metric, day, hour.
    /// </summary>
    public static async Task<List<(Guid ProfileId, string Metric, DateOnly Date, int Hour, double Value)>> LatestAsync(
        IQuerySession session, IReadOnlyCollection<Guid> profileIds, IReadOnlyCollection<string> metrics, DateOnly from, DateOnly to,
        CancellationToken ct, int? hour = null)
    {
        var sql = $"select distinct on (profile_id, metric, day, hour) profile_id, metric, day, hour, value from {Qualified(session)} " +
                  "where tenant_id = $1 and profile_id = any($2) and metric = any($3) and day between $4 and $5 " +
                  (hour is null ? "" : "and hour = $6 ") +
                  "order by profile_id, metric, day, hour, seq desc";
        var rows = new List<(Guid, string, DateOnly, int, double)>();
        await using var conn = await ObservationTable.OpenAsync(session, ct);
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
        if (hour is { } h) cmd.Parameters.Add(new NpgsqlParameter { Value = (short)h });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2), reader.GetInt16(3), reader.GetDouble(4)));
        return rows;
    }

    /// <summary>Every version of one (profile, metric, day, hour), oldest first.</summary>
    public static async Task<List<ObservationRow>> VersionsAsync(
        IQuerySession session, Guid profileId, string metric, DateOnly date, int hour, CancellationToken ct)
    {
        var sql = "select seq, profile_id, metric, day, value, batch_id, source, source_time_zone, recorded_at, correction_reason " +
                  $"from {Qualified(session)} where tenant_id = $1 and profile_id = $2 and metric = $3 and day = $4 and hour = $5 order by seq";
        var rows = new List<ObservationRow>();
        await using var conn = await ObservationTable.OpenAsync(session, ct);
        await using var cmd = new NpgsqlCommand(sql, conn)
        {
            Parameters =
            {
                new() { Value = session.TenantId }, new() { Value = profileId }, new() { Value = metric }, new() { Value = date },
                new() { Value = (short)hour },
            },
        };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new ObservationRow(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateOnly>(3),
                reader.GetDouble(4), reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetString(6), reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8), reader.IsDBNull(9) ? null : reader.GetString(9)));
        return rows;
    }
}
