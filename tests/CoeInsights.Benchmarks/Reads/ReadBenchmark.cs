using System.Diagnostics;
using System.Net;
using CoeInsights.Benchmarks.Reads.Echo;
using CoeInsights.Testing;
using CoeInsights.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoeInsights.Benchmarks.Reads;

/// <summary>
/// Reads under concurrency, beside a bare Kestrel gRPC echo server measured in the same run: for each workload and
/// caller count (1 and 16, all callers on one channel), the echo peer and CoeInsights alternate, round after
/// round, so both see the same machine load. Reports rps, p50 and p99 and the ratios to echo of the same round.
/// Workloads: GetEvaluation of a sample-sized evaluation (6 vendors × 24 criteria × 8 evaluators, closed, every score
/// with a comment), GetEvaluation of an unknown id (authentication and one lookup), ScoreEvaluation of 20 vendors ×
/// 5 criteria × 6 evaluators without robustness (the same options every call: served from the per-version cache),
/// and the same ScoreEvaluation with what-if weights that differ on every call (computed every time).
/// <c>dotnet run -c Release --project tests/CoeInsights.Benchmarks -- reads [seconds per cell] [rounds]</c>
/// </summary>
public static class ReadBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2;
        var windowKb = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 0;
        HttpMessageHandler? Handler() => windowKb > 0 ? new SocketsHttpHandler { InitialHttp2StreamWindowSize = windowKb * 1024 } : null;
        await using var echo = await EchoServer.StartAsync();
        var coe = new QuietServer();
        await coe.InitializeAsync();
        try
        {
            var setup = new EvaluationService.EvaluationServiceClient(coe.Channel());
            var sample = await CreateClosedAsync(setup, vendors: 6, criteria: 24, evaluators: 8, comments: true);
            var small = await CreateClosedAsync(setup, vendors: 20, criteria: 5, evaluators: 6, comments: false);
            var sampleBytes = (await setup.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = sample })).CalculateSize();
            Console.WriteLine($"sample evaluation: {sampleBytes:N0} bytes of protobuf per GetEvaluation; {seconds} s per cell, {rounds} rounds, " +
                $"client stream window {(windowKb > 0 ? windowKb + " KB" : "default")}, 1-min load {Load()}");

            var echoChannel = GrpcChannel.ForAddress(echo.Address, new GrpcChannelOptions { HttpHandler = Handler() });
            var echoClient = new EchoService.EchoServiceClient(echoChannel);
            var payload = new EchoMessage { Payload = ByteString.CopyFrom(new byte[64]) };
            var client = new EvaluationService.EvaluationServiceClient(
                CoeInsights.Client.CoeChannel.Create(new CoeInsights.Client.CoeClientOptions { Address = coe.GrpcAddress, ApiKey = coe.AdminKey }, Handler()));
            var unknown = Guid.CreateVersion7().ToString();
            long whatIf = 0;
            var workloads = new (string Name, Func<Task> Call)[]
            {
                ("GetEvaluation sample", () => client.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = sample }).ResponseAsync),
                ("GetEvaluation unknown id", async () =>
                {
                    try { await client.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = unknown }); }
                    catch (RpcException e) when (e.StatusCode == StatusCode.NotFound) { }
                }),
                ("ScoreEvaluation 20×5×6", () => client.ScoreEvaluationAsync(new ScoreEvaluationRequest { EvaluationId = small }).ResponseAsync),
                ("ScoreEvaluation 20×5×6 what-if", () =>
                {
                    var k = Interlocked.Increment(ref whatIf);
                    var request = new ScoreEvaluationRequest { EvaluationId = small };
                    for (var c = 0; c < 5; c++) request.WhatIfWeights.Add(new CriterionWeight { CriterionId = $"c{c}", Weight = 1 + (k + c) % 97 });
                    return client.ScoreEvaluationAsync(request).ResponseAsync;
                }),
            };
            Func<Task> echoCall = () => echoClient.EchoAsync(payload).ResponseAsync;

            Console.WriteLine("| Round | Workload | Callers | CoeInsights rps | p50 ms | p99 ms | Echo rps | p50 ms | p99 ms | rps ratio | p99 ratio | load |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var (name, call) in workloads)
                {
                    foreach (var callers in new[] { 1, 16 })
                    {
                        var e = await MeasureAsync(echoCall, callers, seconds);
                        var c = await MeasureAsync(call, callers, seconds);
                        Console.WriteLine($"| {round} | {name} | {callers} | {c.Rps:N0} | {c.P50:F2} | {c.P99:F2} | {e.Rps:N0} | {e.P50:F2} | {e.P99:F2} | {c.Rps / e.Rps:F3} | {c.P99 / e.P99:F1}× | {Load()} |");
                    }
                }
            }
            echoChannel.Dispose();
        }
        finally
        {
            await coe.DisposeAsync();
        }
    }

    private static string Load() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private readonly record struct Cell(double Rps, double P50, double P99);

    /// <summary><paramref name="callers"/> loops calling back to back for a warm-up second, then for <paramref name="seconds"/>.</summary>
    private static async Task<Cell> MeasureAsync(Func<Task> call, int callers, double seconds)
    {
        await RunAsync(call, callers, 0.5);
        var (latencies, elapsed) = await RunAsync(call, callers, seconds);
        latencies.Sort();
        return new Cell(latencies.Count / elapsed, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
    }

    private static async Task<(List<double> Latencies, double Seconds)> RunAsync(Func<Task> call, int callers, double seconds)
    {
        var stop = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var start = Stopwatch.GetTimestamp();
        var perCaller = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            var list = new List<double>(4096);
            while (Stopwatch.GetTimestamp() < stop)
            {
                var t0 = Stopwatch.GetTimestamp();
                await call();
                list.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            return list;
        })));
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (perCaller.SelectMany(x => x).ToList(), elapsed);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>An evaluation of the given shape, every evaluator scoring every (vendor, criterion), then closed.</summary>
    private static async Task<string> CreateClosedAsync(EvaluationService.EvaluationServiceClient admin, int vendors, int criteria, int evaluators, bool comments)
    {
        var rng = new Random(vendors * 1000 + criteria);
        var e = await admin.CreateEvaluationAsync(new CreateEvaluationRequest
        {
            Title = $"Bench {vendors}×{criteria}×{evaluators}", Purpose = "Read benchmark", Scale = new ScoreScale { Min = 1, Max = 5 },
            CommitteeMembers = { "bench-committee" },
        });
        var id = e.EvaluationId;
        await admin.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = id,
            Criteria = { Enumerable.Range(0, criteria).Select(c => new Criterion { CriterionId = $"c{c}", Description = $"Criterion {c}", Category = $"Category {c % 4}" }) },
        });
        await admin.AddVendorsAsync(new AddVendorsRequest
        {
            EvaluationId = id,
            Vendors = { Enumerable.Range(0, vendors).Select(v => new Vendor { VendorId = $"v{v}", DisplayName = $"Vendor {v}", Product = $"Suite {v}" }) },
        });
        await admin.InviteEvaluatorsAsync(new InviteEvaluatorsRequest
        {
            EvaluationId = id,
            Evaluators = { Enumerable.Range(0, evaluators).Select(x => new Evaluator { EvaluatorId = $"e{x}", DisplayName = $"Evaluator {x}", Department = $"Dept {x % 5}" }) },
        });
        await admin.SetWeightsAsync(new SetWeightsRequest
        {
            EvaluationId = id,
            Direct = new DirectWeights { Weights = { Enumerable.Range(0, criteria).Select(c => new CriterionWeight { CriterionId = $"c{c}", Weight = 1 + c % 3 }) } },
        });
        for (var x = 0; x < evaluators; x++)
        {
            var request = new SubmitScoresRequest { EvaluationId = id, EvaluatorId = $"e{x}", RequestId = Guid.NewGuid().ToString() };
            for (var v = 0; v < vendors; v++)
                for (var c = 0; c < criteria; c++)
                    request.Scores.Add(new ScoreEntry
                    {
                        VendorId = $"v{v}", CriterionId = $"c{c}", Value = rng.Next(1, 6),
                        Comment = comments ? $"Evaluator {x} on vendor {v}, criterion {c}: demo went well, some gaps in reporting exports." : "",
                    });
            await admin.SubmitScoresAsync(request);
        }
        await admin.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });
        return id;
    }

    /// <summary>
    /// The real server logging warnings only (not the tests' capture-everything logger, nor a console line per
    /// refused call, which would measure the terminal).
    /// </summary>
    private sealed class QuietServer : TestServer
    {
        protected override void Configure(WebApplicationBuilder builder)
        {
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        }
    }
}

/// <summary>The peer: Kestrel, HTTP/2 on 127.0.0.1, one gRPC method that returns its request.</summary>
public sealed class EchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<EchoServer> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<EchoImplementation>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EchoServer(app, new Uri(address.Replace("[::1]", "127.0.0.1")));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class EchoImplementation : EchoService.EchoServiceBase
    {
        public override Task<EchoMessage> Echo(EchoMessage request, ServerCallContext context) => Task.FromResult(request);
    }
}
