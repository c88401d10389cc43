using System.Net;
using System.Text;
using System.Text.Json;
using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;

namespace CoeInsights.Server.Tests;

/// <summary>AlertBacktestService.RunBacktest over real gRPC and its JSON route, on the shipped labelled set (issue 18).</summary>
public sealed class AlertBacktestServiceTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<(AlertBacktestService.AlertBacktestServiceClient Grpc, HttpClient Http)> Clients()
    {
        var key = await server.CreateKeyAsync("backtest", Role.Viewer);
        return (new AlertBacktestService.AlertBacktestServiceClient(server.Channel(key)), server.Http(key));
    }

    [Fact]
    public async Task RunsEveryMethodOnBothMetricsOfTheTestHalfByDefault()
    {
        var (grpc, _) = await Clients();
        var response = await grpc.RunBacktestAsync(new RunBacktestRequest());

        Assert.Equal(10, response.Results.Count);
        Assert.Equal(37, response.ProfileCount); // 5 of the sample's 11 profiles (the planted spike's among them) + 32 of the 64 synthetic
        Assert.Equal(29, response.CrisisCount);
        Assert.Equal((2025, 11, 1), (response.FirstDay.Year, response.FirstDay.Month, response.FirstDay.Day));
        Assert.Equal(28, response.WarmUpDays);
        Assert.All(response.Results, r => Assert.Equal(29, r.Crises));
        Assert.All(response.Results, r => Assert.Empty(r.CrisisOutcomes));
        var seasonal = Assert.Single(response.Results, r => r.Metric == "negative_mentions" && r.Method == AlertMethod.RobustZScore && r.Seasonal);
        Assert.True(seasonal.Recall >= 0.9 && seasonal.FalseAlertsPerProfileMonth <= 1, seasonal.ToString());
        Assert.Equal(seasonal.Alerts, seasonal.TrueAlerts + seasonal.FalseAlerts);
        Assert.Equal(3, seasonal.CooldownDays);
    }

    [Fact]
    public async Task UsesTheRequestedSensitivityAndListsCrises()
    {
        var (grpc, _) = await Clients();
        var request = new RunBacktestRequest
        {
            Metrics = { "negative_mentions" },
            Methods = { new BacktestMethod { Method = AlertMethod.RobustZScore, Threshold = 10 }, new BacktestMethod { Method = AlertMethod.RobustZScore, Threshold = 2.5 } },
            CooldownDays = 0,
            IncludeCrises = true,
        };
        var response = await grpc.RunBacktestAsync(request);

        Assert.Equal([10.0, 2.5], response.Results.Select(r => r.Threshold));
        var (strict, loose) = (response.Results[0], response.Results[1]);
        Assert.True(loose.Alerts > strict.Alerts && loose.Detected >= strict.Detected, $"{strict} / {loose}");
        var spike = Assert.Single(loose.CrisisOutcomes, c => c.Scenario == "sample-spike");
        Assert.Equal(("sample:Instagram/northwind.home", 17, 0), (spike.Profile, spike.FirstAlert.Day, spike.LeadDays));
        Assert.Equal(29, loose.CrisisOutcomes.Count);
        Assert.All(loose.CrisisOutcomes.Where(c => c.FirstAlert is null), c => Assert.False(c.HasLeadDays));
    }

    [Fact]
    public async Task AnswersOnTheJsonRoute()
    {
        var (_, http) = await Clients();
        using var response = await http.PostAsync("/v1/alerts:backtest",
            new StringContent("""{"metrics": ["negative_share"], "methods": [{"method": "ALERT_METHOD_FIXED_THRESHOLD", "threshold": 0.25}], "half": "BACKTEST_HALF_ALL"}""",
                Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(75, json.RootElement.GetProperty("profileCount").GetInt32());
        var result = Assert.Single(json.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal("ALERT_METHOD_FIXED_THRESHOLD", result.GetProperty("method").GetString());
        Assert.Equal(0.25, result.GetProperty("threshold").GetDouble());
        Assert.InRange(result.GetProperty("recall").GetDouble(), 0, 1);
    }

    [Fact]
    public async Task RejectsBadOptionsWithFieldPaths()
    {
        var (grpc, _) = await Clients();
        var e = await Assert.ThrowsAsync<RpcException>(() => grpc.RunBacktestAsync(new RunBacktestRequest
        {
            Metrics = { "reach" },
            Methods = { new BacktestMethod { Method = AlertMethod.FixedThreshold } },
            CooldownDays = -1,
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(["metrics[0]", "cooldown_days"], e.FieldViolations().Select(v => v.Field));

        var level = await Assert.ThrowsAsync<RpcException>(() => grpc.RunBacktestAsync(new RunBacktestRequest
        {
            Methods = { new BacktestMethod { Method = AlertMethod.FixedThreshold, MinimumVolume = double.NaN } },
        }).ResponseAsync);
        // the backtest watches rises (direction up) and a method without a threshold takes the tuned one: only the volume is wrong
        Assert.Equal("methods[0].minimum_volume", level.FieldViolations().Single().Field);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => grpc.RunBacktestAsync(new RunBacktestRequest { Half = (BacktestHalf)9 }).ResponseAsync);
        Assert.Equal("half", unknown.FieldViolations().Single().Field);
    }
}
