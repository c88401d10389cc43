using System.Diagnostics;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Npgsql;
using NpgsqlTypes;

namespace CoeInsights.Benchmarks.Kpis;

/// <summary>
/// KPI ingestion end to end: the client streams batches of 10,000 observations over RecordKpis; the server validates
/// each batch, stores it as one event plus its rows in the flat observation table in one transaction and acks it once
/// committed; the time ends when the last ack is in and a query returns the last series (durable and queryable).
/// Next to it, in the same run and database: a raw binary COPY of the same rows into a table of the same shape and
/// index. Runs alternate, and each figure is the median of the runs.
/// </summary>
public static class KpiIngestionBenchmark
{
    private const int Profiles = 8;
    private static readonly string[] Metrics = ["impressions", "reach", "engagements", "reactions", "comments", "shares", "clicks", "video_views", "followers", "new_followers"];

    public static async Task RunAsync(string[] args)
    {
        var days = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2500;
        var runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var batchSize = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
        var server = new TestServer();
        await server.InitializeAsync();
        try
        {
            var client = new KpiService.KpiServiceClient(server.Channel());
            var e2e = new List<double>();
            var copy = new List<double>();
            var total = Profiles * Metrics.Length * days;
            Console.WriteLine($"{total:N0} observations per run ({Profiles} profiles × {Metrics.Length} metrics × {days} days), batches of {batchSize:N0}, {runs} runs");
            await using var data = NpgsqlDataSource.Create(server.ConnectionString);
            await CreateCopyTableAsync(data, server.Schema);
            for (var run = 0; run < runs; run++)
            {
                // Fresh profiles per run, so every run inserts new rows (not new versions of the same ones).
                var profiles = new List<Profile>();
                for (var p = 0; p < Profiles; p++)
                    profiles.Add(await client.RegisterProfileAsync(new RegisterProfileRequest
                    {
                        Network = (Network)(1 + p % 6), Handle = $"bench-{run}-{p}", BusinessUnit = "Bench", Ownership = Ownership.Owned,
                    }));
                var rows = Generate(profiles, days, seed: run);
                var batches = rows.Chunk(batchSize).Select((chunk, i) => new RecordKpisRequest
                {
                    IdempotencyKey = $"bench-{run}-{i}", Source = "benchmark", SourceTimeZone = "Europe/Berlin",
                    Observations =
                    {
                        chunk.Select(r => new KpiObservation
                        {
                            ProfileId = r.ProfileId, Metric = r.Metric, Value = r.Value,
                            Date = new Google.Type.Date { Year = r.Day.Year, Month = r.Day.Month, Day = r.Day.Day },
                        }),
                    },
                }).ToList();

                var e2eSeconds = await EndToEndAsync(client, batches, profiles[^1].ProfileId, days);
                var copySeconds = await CopyAsync(data, server.Schema, rows);
                e2e.Add(total / e2eSeconds);
                copy.Add(total / copySeconds);
                Console.WriteLine($"run {run + 1}: end to end {total / e2eSeconds,12:N0} obs/s ({e2eSeconds:F2} s)   raw COPY {total / copySeconds,12:N0} rows/s ({copySeconds:F2} s)");
            }
            var e2eMedian = Median(e2e);
            var copyMedian = Median(copy);
            Console.WriteLine($"median: end to end {e2eMedian:N0} obs/s, raw binary COPY {copyMedian:N0} rows/s, ratio {e2eMedian / copyMedian:P0} (target ≥ 40%)");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private sealed record Row(string ProfileId, Guid ProfileGuid, string Metric, DateOnly Day, double Value);

    private static List<Row> Generate(List<Profile> profiles, int days, int seed)
    {
        var rng = new Random(seed);
        var start = new DateOnly(2010, 1, 1);
        var rows = new List<Row>(profiles.Count * Metrics.Length * days);
        foreach (var p in profiles)
        {
            var id = Guid.Parse(p.ProfileId);
            foreach (var m in Metrics)
                for (var d = 0; d < days; d++)
                    rows.Add(new Row(p.ProfileId, id, m, start.AddDays(d), Math.Round(rng.NextDouble() * 100_000, 2)));
        }
        return rows;
    }

    private static async Task<double> EndToEndAsync(KpiService.KpiServiceClient client, List<RecordKpisRequest> batches, string lastProfile, int days)
    {
        var sw = Stopwatch.StartNew();
        using (var call = client.RecordKpis())
        {
            var reader = Task.Run(async () =>
            {
                var acks = 0;
                while (await call.ResponseStream.MoveNext(CancellationToken.None)) acks++;
                return acks;
            });
            foreach (var b in batches) await call.RequestStream.WriteAsync(b);
            await call.RequestStream.CompleteAsync();
            var acked = await reader;
            if (acked != batches.Count) throw new InvalidOperationException($"{acked} acks for {batches.Count} batches");
        }
        // Queryable: the last profile's last metric reads back in full.
        using var query = client.QuerySeries(new QuerySeriesRequest { ProfileIds = { lastProfile }, Metrics = { Metrics[^1] } });
        if (!await query.ResponseStream.MoveNext(CancellationToken.None) || query.ResponseStream.Current.Points.Count(p => p.HasValue) != days)
            throw new InvalidOperationException("the last series is not queryable in full");
        return sw.Elapsed.TotalSeconds;
    }

    private static async Task CreateCopyTableAsync(NpgsqlDataSource data, string schema)
    {
        await using var cmd = data.CreateCommand(
            $"create table {schema}.kpi_copy_bench (seq bigint generated by default as identity primary key, tenant_id text not null, " +
            "profile_id uuid not null, metric text not null, day date not null, value double precision not null, batch_id uuid, " +
            "source text not null, source_time_zone text not null, recorded_at timestamptz not null, correction_reason text); " +
            $"create index ix_kpi_copy_bench_series on {schema}.kpi_copy_bench (tenant_id, profile_id, metric, day, seq)");
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The same rows, same columns, same index, one binary COPY in one transaction.</summary>
    private static async Task<double> CopyAsync(NpgsqlDataSource data, string schema, List<Row> rows)
    {
        var sw = Stopwatch.StartNew();
        await using var conn = await data.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var batch = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await using (var importer = await conn.BeginBinaryImportAsync(
            $"copy {schema}.kpi_copy_bench (tenant_id, profile_id, metric, day, value, batch_id, source, source_time_zone, recorded_at) from stdin (format binary)"))
        {
            foreach (var r in rows)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync("default", NpgsqlDbType.Text);
                await importer.WriteAsync(r.ProfileGuid, NpgsqlDbType.Uuid);
                await importer.WriteAsync(r.Metric, NpgsqlDbType.Text);
                await importer.WriteAsync(r.Day, NpgsqlDbType.Date);
                await importer.WriteAsync(r.Value, NpgsqlDbType.Double);
                await importer.WriteAsync(batch, NpgsqlDbType.Uuid);
                await importer.WriteAsync("benchmark", NpgsqlDbType.Text);
                await importer.WriteAsync("Europe/Berlin", NpgsqlDbType.Text);
                await importer.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }
            await importer.CompleteAsync();
        }
        await tx.CommitAsync();
        return sw.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
