using System.Globalization;
using System.Text.Json;
using CoeInsights.Access;
using CoeInsights.StarSchema;
using Marten;
using Microsoft.OData.Edm;
using Npgsql;

namespace CoeInsights.Server.Bi;

/// <summary>Feed settings (<c>Coe:Bi</c>).</summary>
public sealed class BiOptions
{
    public const string Section = "Coe:Bi";

    /// <summary>Rows per page before <c>@odata.nextLink</c> (server-driven paging); a client's <c>Prefer: odata.maxpagesize</c> may lower it.</summary>
    public int PageSize { get; set; } = 10_000;
}

/// <summary>
/// The read-only OData v4 feed of the star schema on the JSON port, under <c>/odata/</c>: service document, <c>$metadata</c>, one entity
/// set per <see cref="StarTables"/> table with <c>$select</c>, <c>$filter</c>, <c>$orderby</c>, <c>$top</c>, <c>$skip</c>, <c>$count</c> and
/// server-driven paging (<c>@odata.nextLink</c> with a key-set <c>$skiptoken</c>: each page is an index range scan, not an ever-growing
/// OFFSET). The tenant, roles and blind scoring come from the API key, as for every other read. Rows stream from PostgreSQL to the
/// response; a page is never held in memory. JSON per OData JSON Format 4.0 (odata.metadata=minimal, streaming: the next link follows
/// the value array, as https://docs.oasis-open.org/odata/odata-json-format/v4.01/odata-json-format-v4.01.html §4.5.5 allows).
/// </summary>
public static class ODataFeed
{
    public const string Prefix = "/odata";
    private const string JsonType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

    private static readonly Lazy<string> Metadata = new(() => StarEdm.Csdl(StarEdm.Model));

    public static void MapBi(this WebApplication app)
    {
        app.MapGet(Prefix, ServiceDocument);
        app.MapGet(Prefix + "/$metadata", async (HttpContext http, IDocumentStore store, CancellationToken ct) =>
        {
            if (await Authorize(http, store, null, ct) is null) return;
            http.Response.Headers["OData-Version"] = "4.0";
            http.Response.ContentType = "application/xml;charset=utf-8";
            await http.Response.WriteAsync(Metadata.Value, ct);
        });
        app.MapGet(Prefix + "/{set}", EntitySet);
        app.MapGet(Prefix + "/{set}/$count", Count);
        StarFiles.Map(app);
    }

    /// <summary>The caller if authenticated and allowed to read <paramref name="table"/>; otherwise the OData error is written and null returned.</summary>
    internal static async Task<Caller?> Authorize(HttpContext http, IDocumentStore store, StarTable? table, CancellationToken ct)
    {
        var (caller, problem) = await BiAuth.AuthenticateAsync(http, store, ct);
        if (caller is null)
        {
            BiAuth.Challenge(http.Response);
            await Error(http, 401, "Unauthorized", problem, ct);
            return null;
        }
        if (table is not null && !table.ReadableBy(caller))
        {
            await Error(http, 403, "Forbidden", $"{table.Name} needs one of the roles: {string.Join(", ", table.Roles!.Select(r => r.ToString().ToLowerInvariant()))}.", ct);
            return null;
        }
        return caller;
    }

    internal static async Task Error(HttpContext http, int status, string code, string message, CancellationToken ct)
    {
        http.Response.StatusCode = status;
        http.Response.Headers["OData-Version"] = "4.0";
        http.Response.ContentType = "application/json;charset=utf-8";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { code, message } }), ct);
    }

    /// <summary>The service root as clients reach it: <c>Coe:PublicBaseUrl</c> behind a proxy (next links must point there), else this request's host.</summary>
    private static string ServiceRoot(HttpRequest r)
    {
        var configured = r.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hosting.CoeServerOptions>>().Value.PublicBaseUrl;
        var root = string.IsNullOrWhiteSpace(configured) ? $"{r.Scheme}://{r.Host}{r.PathBase}" : configured.TrimEnd('/');
        return $"{root}{Prefix}/";
    }

    private static async Task ServiceDocument(HttpContext http, IDocumentStore store, CancellationToken ct)
    {
        var caller = await Authorize(http, store, null, ct);
        if (caller is null) return;
        http.Response.Headers["OData-Version"] = "4.0";
        http.Response.ContentType = JsonType;
        await using var json = new Utf8JsonWriter(http.Response.Body);
        json.WriteStartObject();
        json.WriteString("@odata.context", ServiceRoot(http.Request) + "$metadata");
        json.WriteStartArray("value");
        foreach (var t in StarTables.Tables.Where(t => t.ReadableBy(caller)))
        {
            json.WriteStartObject();
            json.WriteString("name", t.Name);
            json.WriteString("kind", "EntitySet");
            json.WriteString("url", t.Name);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(ct);
    }

    internal static Dictionary<string, string> Options(HttpRequest request) =>
        request.Query.Where(q => q.Key != BiAuth.ApiKeyParameter).ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);

    private static async Task<(StarTable, Caller, StarQuery)?> Prepare(HttpContext http, string set, IDocumentStore store, int pageSize, CancellationToken ct)
    {
        var table = StarTables.Find(set);
        // Authenticate before saying whether the set exists.
        var caller = await Authorize(http, store, table, ct);
        if (caller is null) return null;
        if (table is null)
        {
            await Error(http, 404, "NotFound", $"No entity set {set}. The service document at {ServiceRoot(http.Request)} lists them.", ct);
            return null;
        }
        try
        {
            var sql = await StarSql.ForAsync(store, table, caller, ct);
            var query = StarQueryCompiler.Compile(table, StarEdm.Model, StarReader.For(caller), sql, Options(http.Request), pageSize);
            return (table, caller, query);
        }
        catch (StarQueryException e)
        {
            await Error(http, e.Status, e.Code, e.Message, ct);
            return null;
        }
    }

    private static async Task Count(HttpContext http, string set, IDocumentStore store, CancellationToken ct)
    {
        if (await Prepare(http, set, store, 0, ct) is not var (_, _, query)) return;
        await using var conn = await OpenAsync(store, ct);
        var count = await CountAsync(conn, query, ct);
        http.Response.Headers["OData-Version"] = "4.0";
        http.Response.ContentType = "text/plain;charset=utf-8";
        await http.Response.WriteAsync(count.ToString(CultureInfo.InvariantCulture), ct);
    }

    private static async Task EntitySet(HttpContext http, string set, IDocumentStore store, Microsoft.Extensions.Options.IOptions<BiOptions> options,
        CancellationToken ct)
    {
        var pageSize = Math.Max(1, options.Value.PageSize);
        var prefer = http.Request.Headers["Prefer"].ToString();
        var maxPageSize = PreferredPageSize(prefer);
        if (maxPageSize is > 0 && maxPageSize < pageSize)
        {
            pageSize = maxPageSize.Value;
            http.Response.Headers["Preference-Applied"] = $"odata.maxpagesize={pageSize}";
        }
        if (await Prepare(http, set, store, pageSize, ct) is not var (table, _, query)) return;

        await using var conn = await OpenAsync(store, ct);
        long? count = query.WithCount ? await CountAsync(conn, query, ct) : null;
        await using var cmd = new NpgsqlCommand(query.Sql, conn);
        cmd.Parameters.AddRange(query.Parameters.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);

        http.Response.Headers["OData-Version"] = "4.0";
        http.Response.ContentType = JsonType;
        var root = ServiceRoot(http.Request);
        await using var json = new Utf8JsonWriter(http.Response.Body, new JsonWriterOptions { SkipValidation = true });
        json.WriteStartObject();
        json.WriteString("@odata.context", root + "$metadata#" + table.Name + (query.SelectedNames.Count > 0 ? $"({string.Join(',', query.SelectedNames)})" : ""));
        if (count is not null) json.WriteNumber("@odata.count", count.Value);
        json.WriteStartArray("value");
        var names = query.Output.Select(c => JsonEncodedText.Encode(c.Name)).ToArray();
        var types = query.Read.Select(c => c.Type).ToArray();
        var written = 0;
        object?[]? lastKey = null;
        var more = false;
        while (await reader.ReadAsync(ct))
        {
            if (written == query.Take)
            {
                more = true;
                break;
            }
            json.WriteStartObject();
            for (var i = 0; i < names.Length; i++) WriteValue(json, names[i], reader, i, types[i]);
            json.WriteEndObject();
            written++;
            if (written == query.Take && query.Keyset) lastKey = query.KeyIndexes.Select(k => StarRows.Read(reader, k, types[k])).ToArray();
            if (json.BytesPending > 32 * 1024) await json.FlushAsync(ct);
        }
        json.WriteEndArray();
        var remaining = query.Remaining - written;
        if (more && remaining is null or > 0)
            json.WriteString("@odata.nextLink", NextLink(http.Request, root + table.Name, query, written, lastKey, remaining));
        json.WriteEndObject();
        await json.FlushAsync(ct);
    }

    private static int? PreferredPageSize(string prefer)
    {
        foreach (var part in prefer.Split(',', StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq > 0 && part[..eq].Trim() is "odata.maxpagesize" or "maxpagesize" &&
                int.TryParse(part[(eq + 1)..].Trim().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        }
        return null;
    }

    /// <summary>The same query with the page consumed: <c>$skip</c> dropped, <c>$top</c> the rows still due, <c>$skiptoken</c> after the last row. The API key is not repeated: the client sends its credential again.</summary>
    private static string NextLink(HttpRequest request, string setUrl, StarQuery query, int written, object?[]? lastKey, long? remaining)
    {
        var parameters = ODataFeed.Options(request);
        parameters.Remove("$skip");
        parameters.Remove("$skiptoken");
        parameters.Remove("$top");
        if (remaining is not null) parameters["$top"] = remaining.Value.ToString(CultureInfo.InvariantCulture);
        parameters["$skiptoken"] = lastKey is not null ? StarQueryCompiler.KeyToken(lastKey) : StarQueryCompiler.OffsetToken(query.Offset + written);
        return setUrl + "?" + string.Join('&', parameters.Select(p => $"{OptionName(p.Key)}={Uri.EscapeDataString(p.Value)}"));
    }

    // System query options keep their '$' (OData URL conventions write them so; %24 is equivalent but unreadable).
    private static string OptionName(string key) => key.StartsWith('$') ? "$" + Uri.EscapeDataString(key[1..]) : Uri.EscapeDataString(key);

    private static void WriteValue(Utf8JsonWriter json, JsonEncodedText name, NpgsqlDataReader reader, int i, StarType type)
    {
        if (reader.IsDBNull(i))
        {
            json.WriteNull(name);
            return;
        }
        switch (type)
        {
            case StarType.String:
                json.WriteString(name, reader.GetString(i));
                break;
            case StarType.Guid:
                json.WriteString(name, reader.GetGuid(i));
                break;
            case StarType.Int32:
                json.WriteNumber(name, reader.GetInt32(i));
                break;
            case StarType.Int64:
                json.WriteNumber(name, reader.GetInt64(i));
                break;
            case StarType.Double:
                var d = reader.GetDouble(i);
                // OData JSON: the special values are strings.
                if (double.IsFinite(d)) json.WriteNumber(name, d);
                else json.WriteString(name, double.IsNaN(d) ? "NaN" : d > 0 ? "INF" : "-INF");
                break;
            case StarType.Boolean:
                json.WriteBoolean(name, reader.GetBoolean(i));
                break;
            case StarType.Date:
                Span<char> buffer = stackalloc char[10];
                reader.GetFieldValue<DateOnly>(i).TryFormat(buffer, out _, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                json.WriteString(name, buffer);
                break;
            case StarType.DateTimeOffset:
                json.WriteString(name, reader.GetFieldValue<DateTimeOffset>(i));
                break;
        }
    }

    internal static async Task<NpgsqlConnection> OpenAsync(IDocumentStore store, CancellationToken ct)
    {
        var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        // A page is a short index range scan; JIT compiling it (on the whole table's row estimate) cost more than running it.
        // Session setting: Npgsql resets it when the connection goes back to the pool.
        await using var jit = new NpgsqlCommand("set jit = off", conn);
        await jit.ExecuteNonQueryAsync(ct);
        return conn;
    }

    private static async Task<long> CountAsync(NpgsqlConnection conn, StarQuery query, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(query.CountSql, conn);
        cmd.Parameters.AddRange(query.CountParameters.ToArray());
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

/// <summary>Typed reads of star rows from PostgreSQL, shared by the outlets.</summary>
public static class StarRows
{
    public static object? Read(NpgsqlDataReader reader, int i, StarType type) =>
        reader.IsDBNull(i)
            ? null
            : type switch
            {
                StarType.String => reader.GetString(i),
                StarType.Guid => reader.GetGuid(i),
                StarType.Int32 => reader.GetInt32(i),
                StarType.Int64 => reader.GetInt64(i),
                StarType.Double => reader.GetDouble(i),
                StarType.Boolean => reader.GetBoolean(i),
                StarType.Date => reader.GetFieldValue<DateOnly>(i),
                StarType.DateTimeOffset => reader.GetFieldValue<DateTimeOffset>(i),
                _ => throw new ArgumentOutOfRangeException(nameof(type)),
            };
}
