using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using CoeInsights.Testing;
using CoeInsights.V1;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace CoeInsights.Benchmarks.Bi;

/// <summary>
/// The OData feed serving FactKpi in pages (default page size, following <c>@odata.nextLink</c> to the end, every page's body read
/// and its rows counted) against a plain <c>COPY (same query) TO STDOUT</c> of the same rows on the same database, in the same run.
/// Rows go straight into the observation table by binary COPY (the ingestion path has its own benchmark); profiles through gRPC.
/// <c>dotnet run -c Release --project tests/CoeInsights.Benchmarks -- odata-feed 1000000 3 [page size]</c>
/// </summary>
public static class ODataFeedBenchmark
{
    private const int Profiles = 20;
    private static readonly string[] Metrics = ["impressions", "reach", "engagements", "reactions", "comments", "shares", "clicks", "video_views", "followers", "new_followers"];

    public static async Task RunAsync(string[] args)
    {
        var rows = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        var runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var days = (int)Math.Ceiling(rows / (double)(Profiles * Metrics.Length));
        var pageSize = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 0;
        var server = pageSize > 0 ? new PagedServer(pageSize) : new TestServer();
        await server.InitializeAsync();
        try
        {
            var kpis = new KpiService.KpiServiceClient(server.Channel());
            var profiles = new List<Guid>();
            for (var p = 0; p < Profiles; p++)
                profiles.Add(Guid.Parse((await kpis.RegisterProfileAsync(new RegisterProfileRequest
                {
                    Network = (Network)(1 + p % 6), Handle = $"feed-bench-{p}", BusinessUnit = "Bench", Ownership = Ownership.Owned,
                })).ProfileId));
            await using var data = NpgsqlDataSource.Create(server.ConnectionString);
            var total = await SeedAsync(data, server.Schema, profiles, days, rows);
            Console.WriteLine($"{total:N0} FactKpi rows ({Profiles} profiles × {Metrics.Length} metrics × {days} days)");

            using var http = new HttpClient { BaseAddress = server.HttpAddress, Timeout = TimeSpan.FromMinutes(10) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.AdminKey);
            var feed = new List<double>();
            var copy = new List<double>();
            var copySame = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                var (feedRows, pages, feedSeconds) = await FeedAsync(http);
                var (copyRows, copySeconds) = await CopyAsync(data, FastestLatest(server.Schema));
                var (sameRows, sameSeconds) = await CopyAsync(data, FeedSql(server));
                if (sameRows != total) throw new InvalidOperationException($"COPY of the feed's SQL {sameRows}");
                copySame.Add(total / sameSeconds);
                if (feedRows != total || copyRows != total) throw new InvalidOperationException($"feed {feedRows}, COPY {copyRows}, expected {total}");
                feed.Add(total / feedSeconds);
                copy.Add(total / copySeconds);
                Console.WriteLine($"run {run + 1}: feed {total / feedSeconds,12:N0} rows/s ({feedSeconds:F2} s, {pages} pages)   COPY TO STDOUT {total / copySeconds,12:N0} rows/s ({copySeconds:F2} s)   COPY of the feed's SQL {total / sameSeconds,12:N0} rows/s ({sameSeconds:F2} s)");
            }
            var f = Median(feed);
            var c = Median(copy);
            Console.WriteLine($"median: feed {f:N0} rows/s, COPY TO STDOUT (DISTINCT ON) {c:N0} rows/s, ratio {f / c:P0} (target ≥ 50%); " +
                              $"COPY of the feed's own SQL {Median(copySame):N0} rows/s, ratio {f / Median(copySame):P0}");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<long> SeedAsync(NpgsqlDataSource data, string schema, List<Guid> profiles, int days, int rows)
    {
        var rng = new Random(7);
        var start = new DateOnly(2010, 1, 1);
        var now = DateTimeOffset.UtcNow;
        long written = 0;
        await using (var conn = await data.OpenConnectionAsync())
        await using (var importer = await conn.BeginBinaryImportAsync(
            $"copy {schema}.kpi_observations (tenant_id, profile_id, metric, day, value, source, source_time_zone, recorded_at) from stdin (format binary)"))
        {
            foreach (var p in profiles)
            foreach (var m in Metrics)
                for (var d = 0; d < days && written < rows; d++, written++)
                {
                    await importer.StartRowAsync();
                    await importer.WriteAsync("default", NpgsqlDbType.Text);
                    await importer.WriteAsync(p, NpgsqlDbType.Uuid);
                    await importer.WriteAsync(m, NpgsqlDbType.Text);
                    await importer.WriteAsync(start.AddDays(d), NpgsqlDbType.Date);
                    await importer.WriteAsync(Math.Round(rng.NextDouble() * 100_000, 2), NpgsqlDbType.Double);
                    await importer.WriteAsync("benchmark", NpgsqlDbType.Text);
                    await importer.WriteAsync("UTC", NpgsqlDbType.Text);
                    await importer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                }
            await importer.CompleteAsync();
        }
        await using var analyze = data.CreateCommand($"analyze {schema}.kpi_observations");
        await analyze.ExecuteNonQueryAsync();
        return written;
    }

    /// <summary>Every page, as Power BI reads them: the whole body, rows counted with a forward-only JSON reader, then the next link.</summary>
    private static async Task<(long Rows, int Pages, double Seconds)> FeedAsync(HttpClient http)
    {
        var sw = Stopwatch.StartNew();
        long rows = 0;
        var pages = 0;
        for (string? next = "odata/FactKpi"; next is not null; pages++)
        {
            var body = await http.GetByteArrayAsync(next);
            next = null;
            var reader = new Utf8JsonReader(body);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == 2) rows++;
                else if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("@odata.nextLink"))
                {
                    reader.Read();
                    next = reader.GetString();
                }
            }
        }
        return (rows, pages, sw.Elapsed.TotalSeconds);
    }

    /// <summary>The fastest plain SQL for the same rows and order (latest version per key, DISTINCT ON, what COPY alone would use).</summary>
    private static string FastestLatest(string schema) =>
        $"select distinct on (profile_id, metric, day) profile_id, metric, day, value from {schema}.kpi_observations " +
        "where tenant_id = 'default' order by profile_id, metric, day, seq desc";

    /// <summary>The feed's own source SQL for FactKpi (StarTables), whole, ordered by the key.</summary>
    private static string FeedSql(TestServer server)
    {
        var source = CoeInsights.StarSchema.StarTables.Find("FactKpi")!.Source(new CoeInsights.StarSchema.StarSql(
            server.Services.GetRequiredService<Marten.IDocumentStore>()));
        return $"select * from ({source.Sql.Replace("@tenant", "'default'")}) t order by 1, 2, 3";
    }

    /// <summary>The same rows as text from COPY … TO STDOUT, read to the end.</summary>
    private static async Task<(long Rows, double Seconds)> CopyAsync(NpgsqlDataSource data, string sql)
    {
        var sw = Stopwatch.StartNew();
        await using var conn = await data.OpenConnectionAsync();
        // As on the feed's connections: no JIT (it cost ~0.7 s per query here, which would flatter the feed).
        await using (var jit = new NpgsqlCommand("set jit = off", conn)) await jit.ExecuteNonQueryAsync();
        using var export = await conn.BeginTextExportAsync($"copy ({sql}) to stdout");
        long rows = 0;
        while (await export.ReadLineAsync() is not null) rows++;
        return (rows, sw.Elapsed.TotalSeconds);
    }

    /// <summary>The server with another <c>Coe:Bi:PageSize</c> (third argument).</summary>
    private sealed class PagedServer(int pageSize) : TestServer
    {
        protected override void Configure(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) =>
            Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(builder.Configuration,
                new Dictionary<string, string?> { ["Coe:Bi:PageSize"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
