using System.Globalization;
using CoeInsights.StarSchema;
using CsvHelper;
using CsvHelper.Configuration;
using Marten;
using Npgsql;
using Parquet;
using Parquet.Schema;

namespace CoeInsights.Server.Bi;

/// <summary>
/// The star schema as files over plain GET, for tools that take files: <c>/bi/csv/{Table}.csv</c> (Tableau's Web Data / text connectors,
/// Excel "From Web": RFC 4180 via CsvHelper, UTF-8, header row, invariant culture, ISO dates) and <c>/bi/parquet/{Table}.parquet</c>
/// (Fabric / lakehouse: Parquet.Net, row groups of <see cref="RowGroupRows"/>, no Excel row limit). Same keys, roles and tenant rules
/// as the OData feed, and the same <c>$filter</c>/<c>$select</c>/<c>$orderby</c> options; never paged. CSV streams row by row; Parquet
/// needs a seekable stream, so it is written to a temporary file one row group at a time and then sent.
/// </summary>
public static class StarFiles
{
    public const int RowGroupRows = 100_000;

    public static void Map(WebApplication app)
    {
        app.MapGet("/bi/csv/{file}", (HttpContext http, string file, IDocumentStore store, CancellationToken ct) =>
            Serve(http, file, ".csv", store, WriteCsvAsync, ct));
        app.MapGet("/bi/parquet/{file}", (HttpContext http, string file, IDocumentStore store, CancellationToken ct) =>
            Serve(http, file, ".parquet", store, WriteParquetAsync, ct));
    }

    private static async Task Serve(HttpContext http, string file, string extension, IDocumentStore store,
        Func<HttpContext, StarQuery, NpgsqlDataReader, CancellationToken, Task> write, CancellationToken ct)
    {
        var name = file.EndsWith(extension, StringComparison.OrdinalIgnoreCase) ? file[..^extension.Length] : file;
        var table = StarTables.Find(name);
        var caller = await ODataFeed.Authorize(http, store, table, ct);
        if (caller is null) return;
        if (table is null)
        {
            await ODataFeed.Error(http, 404, "NotFound", $"No table {name}. Tables: {string.Join(", ", StarTables.Tables.Select(t => t.Name))}.", ct);
            return;
        }
        StarQuery query;
        try
        {
            query = StarQueryCompiler.Compile(table, StarEdm.Model, StarReader.For(caller), await StarSql.ForAsync(store, table, caller, ct),
                ODataFeed.Options(http.Request), 0);
        }
        catch (StarQueryException e)
        {
            await ODataFeed.Error(http, e.Status, e.Code, e.Message, ct);
            return;
        }
        await using var conn = await ODataFeed.OpenAsync(store, ct);
        await using var cmd = new NpgsqlCommand(query.Sql, conn);
        cmd.Parameters.AddRange(query.Parameters.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{table.Name}{extension}\"";
        await write(http, query, reader, ct);
    }

    private static async Task WriteCsvAsync(HttpContext http, StarQuery query, NpgsqlDataReader reader, CancellationToken ct)
    {
        http.Response.ContentType = "text/csv;charset=utf-8;header=present";
        await using var text = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(false), 64 * 1024);
        await using var csv = new CsvWriter(text, new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape });
        foreach (var c in query.Output) csv.WriteField(c.Name);
        await csv.NextRecordAsync();
        var rows = 0;
        while (await reader.ReadAsync(ct))
        {
            for (var i = 0; i < query.Output.Count; i++) csv.WriteField(Text(StarRows.Read(reader, i, query.Output[i].Type)));
            await csv.NextRecordAsync();
            if (++rows % 10_000 == 0) await csv.FlushAsync();
        }
        await csv.FlushAsync();
    }

    /// <summary>A CSV field: numbers round-trip ("R"), dates ISO 8601, booleans true/false, null empty.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static DataField Field(StarColumn c) => (c.Type, c.Nullable) switch
    {
        (StarType.String or StarType.Guid, _) => new DataField<string>(c.Name, c.Nullable),
        (StarType.Int32, false) => new DataField<int>(c.Name),
        (StarType.Int32, true) => new DataField<int?>(c.Name),
        (StarType.Int64, false) => new DataField<long>(c.Name),
        (StarType.Int64, true) => new DataField<long?>(c.Name),
        (StarType.Double, false) => new DataField<double>(c.Name),
        (StarType.Double, true) => new DataField<double?>(c.Name),
        (StarType.Boolean, false) => new DataField<bool>(c.Name),
        (StarType.Boolean, true) => new DataField<bool?>(c.Name),
        (StarType.Date, false) => new DataField<DateOnly>(c.Name),
        (StarType.Date, true) => new DataField<DateOnly?>(c.Name),
        // Parquet timestamps carry no offset: UTC instants.
        (StarType.DateTimeOffset, false) => new DataField<DateTime>(c.Name),
        (StarType.DateTimeOffset, true) => new DataField<DateTime?>(c.Name),
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    private static async Task WriteParquetAsync(HttpContext http, StarQuery query, NpgsqlDataReader reader, CancellationToken ct)
    {
        var fields = query.Output.Select(Field).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"coe-star-{Guid.NewGuid():N}.parquet");
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), file, cancellationToken: ct))
        {
            var buffers = query.Output.Select(_ => new List<object?>(RowGroupRows)).ToArray();
            var any = false;
            async Task FlushGroup()
            {
                using var group = writer.CreateRowGroup();
                for (var i = 0; i < fields.Length; i++) await WriteColumn(group, fields[i], query.Output[i], buffers[i], ct);
                foreach (var b in buffers) b.Clear();
                any = true;
            }
            while (await reader.ReadAsync(ct))
            {
                for (var i = 0; i < buffers.Length; i++) buffers[i].Add(StarRows.Read(reader, i, query.Output[i].Type));
                if (buffers[0].Count == RowGroupRows) await FlushGroup();
            }
            // An empty table is still a file with its schema (one empty row group).
            if (buffers.Length > 0 && (buffers[0].Count > 0 || !any)) await FlushGroup();
        }
        http.Response.ContentType = "application/vnd.apache.parquet";
        http.Response.ContentLength = file.Length;
        file.Position = 0;
        await file.CopyToAsync(http.Response.Body, ct);
    }

    private static Task WriteColumn(ParquetRowGroupWriter group, DataField field, StarColumn c, List<object?> v, CancellationToken ct) =>
        (c.Type, c.Nullable) switch
        {
            (StarType.String, _) => group.WriteAsync(field, v.Select(x => (string?)x).ToArray()!, null),
            (StarType.Guid, _) => group.WriteAsync(field, v.Select(x => x?.ToString()).ToArray()!, null),
            (StarType.Int32, false) => group.WriteAsync<int>(field, new ReadOnlyMemory<int>(v.Select(x => (int)x!).ToArray()), null, null, ct),
            (StarType.Int32, true) => group.WriteAsync<int>(field, new ReadOnlyMemory<int?>(v.Select(x => (int?)x).ToArray()), null, null, ct),
            (StarType.Int64, false) => group.WriteAsync<long>(field, new ReadOnlyMemory<long>(v.Select(x => (long)x!).ToArray()), null, null, ct),
            (StarType.Int64, true) => group.WriteAsync<long>(field, new ReadOnlyMemory<long?>(v.Select(x => (long?)x).ToArray()), null, null, ct),
            (StarType.Double, false) => group.WriteAsync<double>(field, new ReadOnlyMemory<double>(v.Select(x => (double)x!).ToArray()), null, null, ct),
            (StarType.Double, true) => group.WriteAsync<double>(field, new ReadOnlyMemory<double?>(v.Select(x => (double?)x).ToArray()), null, null, ct),
            (StarType.Boolean, false) => group.WriteAsync<bool>(field, new ReadOnlyMemory<bool>(v.Select(x => (bool)x!).ToArray()), null, null, ct),
            (StarType.Boolean, true) => group.WriteAsync<bool>(field, new ReadOnlyMemory<bool?>(v.Select(x => (bool?)x).ToArray()), null, null, ct),
            (StarType.Date, false) => group.WriteAsync<DateOnly>(field, new ReadOnlyMemory<DateOnly>(v.Select(x => (DateOnly)x!).ToArray()), null, null, ct),
            (StarType.Date, true) => group.WriteAsync<DateOnly>(field, new ReadOnlyMemory<DateOnly?>(v.Select(x => (DateOnly?)x).ToArray()), null, null, ct),
            (StarType.DateTimeOffset, false) => group.WriteAsync<DateTime>(field, new ReadOnlyMemory<DateTime>(v.Select(x => ((DateTimeOffset)x!).UtcDateTime).ToArray()), null, null, ct),
            (StarType.DateTimeOffset, true) => group.WriteAsync<DateTime>(field, new ReadOnlyMemory<DateTime?>(v.Select(x => ((DateTimeOffset?)x)?.UtcDateTime).ToArray()), null, null, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(c)),
        };
}
