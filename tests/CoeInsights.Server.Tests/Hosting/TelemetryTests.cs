extern alias server;
using System.Collections.Concurrent;
using System.Text;
using CoeInsights.Testing;
using CoeInsights.V1;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using D = CoeInsights.Evaluations;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Hosting;

/// <summary>
/// A server that exports to an OTLP receiver (a real HTTP endpoint on loopback taking what the OpenTelemetry exporter
/// posts, OTLP/HTTP protobuf) and serves the Prometheus scrape.
/// </summary>
public sealed class TelemetryServer : TestServer
{
    private WebApplication? _receiver;

    /// <summary>Every OTLP request body, by path (/v1/traces, /v1/metrics).</summary>
    public ConcurrentQueue<(string Path, byte[] Body)> Received { get; } = new();

    public override async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _receiver = builder.Build();
        // OTLP/HTTP as the specification gives it (https://opentelemetry.io/docs/specs/otlp/#otlphttp): binary protobuf POSTed
        // to /v1/traces and /v1/metrics; a collector answers 200 on success. No more is needed to take what the exporter sends.
        _receiver.MapPost("/v1/{signal}", async (HttpContext c, string signal) =>
        {
            using var body = new MemoryStream();
            await c.Request.Body.CopyToAsync(body);
            Received.Enqueue(($"/v1/{signal}", body.ToArray()));
            return Results.Ok();
        });
        await _receiver.StartAsync();
        await base.InitializeAsync();
    }

    protected override void Configure(WebApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Coe:Telemetry:OtlpEndpoint"] = _receiver!.Urls.First(), ["Logging:LogLevel:Marten"] = "Debug" });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_receiver is not null) await _receiver.DisposeAsync();
    }
}

public sealed class TelemetryTests(TelemetryServer server) : IClassFixture<TelemetryServer>
{
    private async Task RecordOneBatch(string tenant)
    {
        var committee = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Committee)));
        var ingest = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Ingest)));
        var profile = await committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = "brand", BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = "reg-brand",
        });
        await ingest.RecordBatchAsync("one", [.. Enumerable.Range(1, 3).Select(d => new KpiObservation
            { ProfileId = profile.ProfileId, Date = new Date { Year = 2026, Month = 1, Day = d }, Metric = "followers", Value = 100 + d })]);
    }

    [Fact]
    public async Task ScrapeShowsCallsAndOurCountersGivenKpiBatch()
    {
        await RecordOneBatch("telemetry-scrape");

        var text = await server.Http().GetStringAsync(new Uri("/metrics", UriKind.Relative));

        // ASP.NET Core's request metric, by gRPC method route; our KPI counters; Npgsql's connection pool.
        Assert.Contains("http_server_request_duration_seconds", text);
        Assert.Contains("coeinsights.v1.KpiService/RecordKpis", text);
        Assert.Matches(@"coe_kpi_batches(_batch)?_total\{[^}]*outcome=""stored""[^}]*\} [1-9]", text);
        // Our counters are process-wide and other test classes record too: at least this batch's 3 values.
        var observations = System.Text.RegularExpressions.Regex.Match(text, @"coe_kpi_observations(_observation)?_total(\{[^}]*\})? (?<n>[0-9.e+]+)");
        Assert.True(observations.Success, text);
        Assert.True(double.Parse(observations.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 3, observations.Value);
        Assert.Contains("db_client_connection", text);
    }

    [Fact]
    public async Task ExportsCallAndDatabaseSpansToOtlpReceiverGivenKpiBatch()
    {
        await RecordOneBatch("telemetry-otlp");

        Assert.True(server.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        // False even when the OTLP reader flushed: the Prometheus reader is pulled and cannot flush.
        server.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000);

        // OTLP/protobuf carries span names and attribute values as UTF-8: the call's span, PostgreSQL's spans, our meter.
        var traces = string.Join("\n", server.Received.Where(r => r.Path == "/v1/traces").Select(r => Encoding.UTF8.GetString(r.Body)));
        var metrics = string.Join("\n", server.Received.Where(r => r.Path == "/v1/metrics").Select(r => Encoding.UTF8.GetString(r.Body)));
        Assert.Contains("coeinsights.v1.KpiService/RecordKpis", traces);
        Assert.Contains("postgresql", traces);
        Assert.Contains("coeinsights", traces);
        Assert.Contains("coe.kpi.batches", metrics);
    }

    [Fact]
    public async Task LogsConflictAtDebugWithoutSqlGivenTwoWritersAtOneVersion()
    {
        var evaluations = new EvaluationService.EvaluationServiceClient(server.Channel(await server.CreateKeyAsync("telemetry-conflict", Role.Committee)));
        var created = await evaluations.CreateEvaluationAsync(new CreateEvaluationRequest { Title = "Conflict", Scale = new ScoreScale { Min = 1, Max = 5 } });
        var id = Guid.Parse(created.EvaluationId);
        var store = server.Services.GetRequiredService<IDocumentStore>();
        var before = server.LogLines.Count;

        // Two writers load the stream at one version and both append: the second commit is the conflict the stream
        // writer handles every day (it retries, or answers ABORTED to a caller with an etag).
        await using var first = store.LightweightSession("telemetry-conflict");
        await using var second = store.LightweightSession("telemetry-conflict");
        var a = await first.Events.FetchForWriting<D.Evaluation>(id);
        var b = await second.Events.FetchForWriting<D.Evaluation>(id);
        a.AppendOne(new D.EvaluationClosed("first", DateTimeOffset.UtcNow));
        b.AppendOne(new D.EvaluationClosed("second", DateTimeOffset.UtcNow));
        await first.SaveChangesAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => second.SaveChangesAsync());

        var lines = server.LogLines.Skip(before).ToList();
        Assert.Contains(lines, l => l.StartsWith("Debug", StringComparison.Ordinal) && l.Contains("Concurrent write conflict", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Warning", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("insert into", StringComparison.OrdinalIgnoreCase) || l.Contains("mt_events", StringComparison.OrdinalIgnoreCase));
    }
}
