using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoeInsights.Benchmarks.Alerts;

/// <summary>
/// Issue 18's latency target: from the ack of the KPI batch that carries a spike to the signed webhook arriving at a
/// receiver. A real server (Kestrel on 127.0.0.1, embedded PostgreSQL), one alert rule on negative mentions routed to a
/// webhook channel, and a local HTTP receiver; each round records one spike on a fresh profile (so no cooldown applies)
/// and waits for its webhook before the next. Beside it, the same receiver's bare round trip (an HttpClient POST of a
/// notice-sized body), measured in the same run: the floor any delivery has.
/// <c>dotnet run -c Release --project tests/CoeInsights.Benchmarks -- alert-latency [alerts]</c>
/// </summary>
public static class AlertLatencyBenchmark
{
    private const string Metric = "negative_mentions";

    public static async Task RunAsync(string[] args)
    {
        var alerts = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var arrivals = new ConcurrentQueue<(string AlertId, long At)>();
        await using var receiver = await StartReceiverAsync(arrivals);
        var server = new QuietServer();
        await server.InitializeAsync();
        try
        {
            var channel = server.Channel();
            var kpis = new KpiService.KpiServiceClient(channel);
            var alertService = new AlertService.AlertServiceClient(channel);
            var delivery = new AlertDeliveryService.AlertDeliveryServiceClient(channel);

            var hook = await delivery.CreateDeliveryChannelAsync(new CreateDeliveryChannelRequest
            {
                Channel = new DeliveryChannel
                {
                    Name = "Latency receiver", Kind = DeliveryChannelKind.Webhook, Url = receiver.Url, Secret = "latency-benchmark-secret-0123",
                },
            });
            // History first: 28 quiet days per profile, recorded before the rule exists (so none of it alerts).
            var profiles = new List<string>();
            for (var p = 0; p < alerts; p++)
                profiles.Add((await kpis.RegisterProfileAsync(new RegisterProfileRequest
                {
                    Network = (Network)(1 + p % 6), Handle = $"latency-{p}", BusinessUnit = "Bench", Ownership = Ownership.Owned,
                })).ProfileId);
            var start = new DateOnly(2026, 1, 1);
            var random = new Random(7);
            var history = new List<KpiObservation>();
            foreach (var id in profiles)
                for (var d = 0; d < 28; d++)
                    history.Add(Observation(id, start.AddDays(d), 20 + random.Next(-3, 4)));
            foreach (var (chunk, i) in history.Chunk(10_000).Select((c, i) => (c, i)))
                await RecordAsync(kpis, $"history-{i}", chunk);
            await alertService.CreateAlertRuleAsync(new CreateAlertRuleRequest
            {
                Rule = new AlertRule
                {
                    Name = "Negative spike (latency)", Metric = Metric, Direction = AlertDirection.Up, Enabled = true,
                    Approvers = { "crisis.lead@coe.example" }, ChannelIds = { hook.ChannelId }, Protocol = "Hold statement A",
                },
            });
            await Task.Delay(TimeSpan.FromSeconds(1));

            var latencies = new List<double>(alerts);
            var day = start.AddDays(28);
            for (var i = 0; i < alerts; i++)
            {
                var before = arrivals.Count;
                await RecordAsync(kpis, $"spike-{i}", [Observation(profiles[i], day, 400)]);
                var acked = Stopwatch.GetTimestamp();
                var deadline = acked + Stopwatch.Frequency * 60;
                while (arrivals.Count == before && Stopwatch.GetTimestamp() < deadline) await Task.Delay(1);
                if (arrivals.Count == before) throw new InvalidOperationException($"spike {i}: no webhook within 60 s");
                var last = arrivals.ToArray()[^1];
                latencies.Add(Stopwatch.GetElapsedTime(acked, last.At).TotalMilliseconds);
            }

            var bare = await BareRoundTripsAsync(receiver.Url, alerts);
            Console.WriteLine($"{alerts} alerts, one at a time; 1-min load {Load()}");
            Console.WriteLine("| Path | n | p50 ms | p95 ms | p99 ms | max ms |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            Console.WriteLine(Row("batch ack → webhook received", latencies));
            Console.WriteLine(Row("bare POST to the receiver (peer)", bare));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static KpiObservation Observation(string profile, DateOnly day, double value) => new()
    {
        ProfileId = profile, Metric = Metric, Value = value, Date = new Google.Type.Date { Year = day.Year, Month = day.Month, Day = day.Day },
    };

    private static async Task RecordAsync(KpiService.KpiServiceClient kpis, string key, IEnumerable<KpiObservation> observations)
    {
        using var call = kpis.RecordKpis();
        await call.RequestStream.WriteAsync(new RecordKpisRequest { IdempotencyKey = key, Source = "benchmark", Observations = { observations } });
        await call.RequestStream.CompleteAsync();
        if (!await call.ResponseStream.MoveNext(CancellationToken.None)) throw new InvalidOperationException($"{key}: no ack");
    }

    private static async Task<List<double>> BareRoundTripsAsync(string url, int n)
    {
        using var http = new HttpClient();
        var body = new string('x', 1500);
        var times = new List<double>(n);
        for (var i = 0; i < n; i++)
        {
            var t = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync(url + "?peer=1", new StringContent(body));
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        return times;
    }

    private static string Row(string name, List<double> ms)
    {
        var sorted = ms.Order().ToArray();
        double Q(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return FormattableString.Invariant($"| {name} | {sorted.Length} | {Q(0.5):F1} | {Q(0.95):F1} | {Q(0.99):F1} | {sorted[^1]:F1} |");
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private sealed class Receiver(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;
        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }

    /// <summary>A webhook receiver: answers 204 and notes when each alert's first notice arrived (peer calls are not noted).</summary>
    private static async Task<Receiver> StartReceiverAsync(ConcurrentQueue<(string, long)> arrivals)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var seen = new ConcurrentDictionary<string, bool>();
        app.MapPost("/hook", async (HttpContext context) =>
        {
            var at = Stopwatch.GetTimestamp();
            if (context.Request.Query.ContainsKey("peer")) return Results.NoContent();
            using var json = await JsonDocument.ParseAsync(context.Request.Body);
            var id = json.RootElement.GetProperty("data").GetProperty("alertId").GetString()!;
            if (seen.TryAdd(id, true)) arrivals.Enqueue((id, at));
            return Results.NoContent();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Receiver(app, address + "/hook");
    }

    private sealed class QuietServer : TestServer
    {
        protected override void Configure(WebApplicationBuilder builder)
        {
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        }
    }
}
