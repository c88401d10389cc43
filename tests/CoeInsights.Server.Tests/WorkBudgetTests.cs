using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Google.Rpc;
using Grpc.Core;

namespace CoeInsights.Server.Tests;

/// <summary>
/// The scoring work cap (RESOURCE_EXHAUSTED, WORK_BUDGET_EXCEEDED, QuotaFailure), cancellation of a running score when
/// the deadline passes, and the one message-size limit on both ports (docs/limits.md).
/// </summary>
public sealed class WorkBudgetTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<ScoringService.ScoringServiceClient> Client() =>
        new(server.Channel(await server.CreateKeyAsync("budget", Role.Viewer)));

    internal static ScoreMatrixRequest Matrix(int m, int n, int samples)
    {
        var random = new Random(3);
        return new ScoreMatrixRequest
        {
            AlternativeIds = { Enumerable.Range(0, m).Select(i => $"a{i}") },
            Criteria = { Enumerable.Range(0, n).Select(j => new CriterionSpec { CriterionId = $"c{j}", Direction = CriterionDirection.Benefit }) },
            Matrix = { Enumerable.Range(0, m).Select(_ => new Row { Values = { Enumerable.Range(0, n).Select(_ => 1 + 9 * random.NextDouble()) } }) },
            Weights = { Enumerable.Range(0, n).Select(_ => 0.5 + random.NextDouble()) },
            Robustness = new RobustnessOptions { MonteCarloSamples = samples },
        };
    }

    [Fact]
    public async Task ReturnsResourceExhaustedWithQuotaFailureGivenMatrixOverWorkBudget()
    {
        var client = await Client();

        var e = await Assert.ThrowsAsync<RpcException>(() => client.ScoreMatrixAsync(Matrix(200, 200, 1_000_000)).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal("WORK_BUDGET_EXCEEDED", e.Reason());
        var quota = Assert.Single(e.GetRpcStatus()!.GetDetail<QuotaFailure>()!.Violations);
        Assert.Equal("scoring.work_units", quota.Subject);
        Assert.Contains($"exceeds the limit {Analytics.Scoring.ScoringEngine.MaxWorkUnits}", quota.Description);
    }

    [Fact]
    public async Task ReturnsTooManyRequestsWithReasonGivenMatrixOverWorkBudgetAsJson()
    {
        using var http = server.Http(await server.CreateKeyAsync("budget", Role.Viewer));
        var body = Google.Protobuf.JsonFormatter.Default.Format(Matrix(200, 200, 1_000_000));

        using var response = await http.PostAsync("/v1/scoring:scoreMatrix", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode); // RESOURCE_EXHAUSTED
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var details = json.RootElement.GetProperty("details").EnumerateArray().ToList();
        Assert.Contains(details, d => d.TryGetProperty("reason", out var r) && r.GetString() == "WORK_BUDGET_EXCEEDED");
        Assert.Contains(details, d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.QuotaFailure");
    }

    [Fact]
    public async Task ReturnsResourceExhaustedGivenTwentyMegabyteMessageOnGrpcPort()
    {
        var request = Matrix(2, 2, 0);
        request.Matrix[0].Values.AddRange(Enumerable.Repeat(1.0, 2_600_000)); // ≈ 21 MB
        var client = await Client();

        var e = await Assert.ThrowsAsync<RpcException>(() => client.ScoreMatrixAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
    }

    [Fact]
    public async Task ReturnsPayloadTooLargeGivenTwentyMegabyteBodyOnJsonPort()
    {
        using var http = server.Http(await server.CreateKeyAsync("budget", Role.Viewer));
        var request = Matrix(2, 2, 0);
        request.Matrix[0].Values.AddRange(Enumerable.Repeat(1.5, 5_000_000));
        var body = Google.Protobuf.JsonFormatter.Default.Format(request); // ≈ 20 MB
        Assert.True(body.Length > 20_000_000);

        using var response = await http.PostAsync("/v1/scoring:scoreMatrix", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)StatusCode.ResourceExhausted, json.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("MESSAGE_TOO_LARGE", json.RootElement.GetProperty("details")[0].GetProperty("reason").GetString());
        Assert.Contains("4194304 bytes", json.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task RefusesChunkedTwentyMegabyteBodyOnJsonPort()
    {
        using var http = server.Http(await server.CreateKeyAsync("budget", Role.Viewer));
        var request = Matrix(2, 2, 0);
        request.Matrix[0].Values.AddRange(Enumerable.Repeat(1.5, 5_000_000));
        var bytes = Encoding.UTF8.GetBytes(Google.Protobuf.JsonFormatter.Default.Format(request));
        // No Content-Length: the limit must hold while the body is read.
        var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        // Refused either way: a 413 the client reads, or the server ending the upload at the limit (the client's write
        // then fails). A body that was read would answer 400 (the matrix does not fit its criteria) or 200.
        try
        {
            using var response = await http.PostAsync("/v1/scoring:scoreMatrix", content);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }
        catch (HttpRequestException e) when (e.InnerException is IOException)
        {
        }
    }

    /// <summary>A readable stream that does not tell its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

/// <summary>Runs alone (no other test class in parallel): it reads this process's CPU time, which every in-process server shares.</summary>
[CollectionDefinition(nameof(ScoringCancellationTests), DisableParallelization = true)]
public sealed class ScoringCancellationCollection;

/// <summary>A running ScoreMatrix stops when its deadline passes: the server's CPU goes quiet.</summary>
[Collection(nameof(ScoringCancellationTests))]
public sealed class ScoringCancellationTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task StopsScoringGivenDeadlineExceeded()
    {
        // About 8·10^9 work units: under the cap, seconds of CPU on this machine.
        var request = WorkBudgetTests.Matrix(100, 100, 400_000);
        var client = new ScoringService.ScoringServiceClient(server.Channel(await server.CreateKeyAsync("budget-cancel", Role.Viewer)));

        // Other servers of this test process (fixtures, daemons, GC) use some CPU too: take the quietest of a few idle
        // seconds as the baseline. Without cancellation the remaining seconds of Monte Carlo keep every core busy.
        var baseline = TimeSpan.MaxValue;
        for (var i = 0; i < 5 && baseline > TimeSpan.FromMilliseconds(200); i++)
        {
            var idle = await CpuOverOneSecond();
            if (idle < baseline) baseline = idle;
        }

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            client.ScoreMatrixAsync(request, deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync);
        Assert.Contains(e.StatusCode, new[] { StatusCode.DeadlineExceeded, StatusCode.Cancelled });

        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var used = await CpuOverOneSecond();
        Assert.True(used < baseline + TimeSpan.FromMilliseconds(500),
            $"the process used {used.TotalMilliseconds:0} ms of CPU in the second after the deadline (idle baseline {baseline.TotalMilliseconds:0} ms)");
    }

    private static async Task<TimeSpan> CpuOverOneSecond()
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        await Task.Delay(TimeSpan.FromSeconds(1));
        process.Refresh();
        return process.TotalProcessorTime - before;
    }
}
