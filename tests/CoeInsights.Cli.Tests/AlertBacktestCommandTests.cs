using CoeInsights.Testing;
using CoeInsights.V1;

namespace CoeInsights.Cli.Tests;

/// <summary>`coe alerts backtest` run as a process against a real server; its default table is the one docs/alerts.md quotes.</summary>
public sealed class AlertBacktestCommandTests(TestServer server) : IClassFixture<TestServer>
{
    private Task<(int Code, string Out, string Err)> Coe(params string[] args) => CoeProcess.RunAsync(server.GrpcAddress, server.AdminKey, args);

    private static string Docs => File.ReadAllText(Path.Combine(Repository.Root(), "docs", "alerts.md"));

    [Fact]
    public async Task PrintsTheTableDocsAlertsQuotes()
    {
        var (code, output, error) = await Coe("alerts", "backtest");

        Assert.True(code == ExitCodes.Ok, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToArray();
        Assert.StartsWith("test half: 37 profiles, 29 crises, 2025-11-01…2026-04-30", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("| negative_mentions | robust-z-seasonal", StringComparison.Ordinal));
        Assert.Equal(10, lines.Count(l => l.StartsWith("| negative_", StringComparison.Ordinal)));
        var docs = Docs;
        Assert.All(lines, l => Assert.True(docs.Contains(l, StringComparison.Ordinal), $"docs/alerts.md lacks this line of `coe alerts backtest`:\n{output}"));
    }

    [Fact]
    public async Task PrintsTheTuneHalfDocsAlertsQuotes()
    {
        var (code, output, error) = await Coe("alerts", "backtest", "--half", "tune");

        Assert.True(code == ExitCodes.Ok, error);
        var docs = Docs;
        Assert.All(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()),
            l => Assert.True(docs.Contains(l, StringComparison.Ordinal), $"docs/alerts.md lacks this line of `coe alerts backtest --half tune`:\n{output}"));
    }

    [Fact]
    public async Task RunsOneMethodAtAGivenThresholdAndListsItsCrises()
    {
        var (code, output, error) = await Coe("alerts", "backtest", "--metric", "negative_mentions", "--method", "robust-z", "--threshold", "10", "--crises",
            "--cooldown", "0", "-o", "json");

        Assert.True(code == ExitCodes.Ok, error);
        var response = RunBacktestResponse.Parser.ParseJson(output);
        var result = Assert.Single(response.Results);
        Assert.Equal((AlertMethod.RobustZScore, 10.0, 0), (result.Method, result.Threshold, result.CooldownDays));
        Assert.Equal(29, result.CrisisOutcomes.Count);

        var table = await Coe("alerts", "backtest", "--metric", "negative_mentions", "--method", "robust-z", "--threshold", "10", "--crises", "--cooldown", "0");
        Assert.Contains("negative_mentions robust-z 10:", table.Out);
        Assert.Contains("| sample:Instagram/northwind.home", table.Out);
    }

    [Fact]
    public async Task ExitsUsageGivenUnknownMethodOrThresholdWithoutMethod()
    {
        var unknown = await Coe("alerts", "backtest", "--method", "crystal-ball");
        var bare = await Coe("alerts", "backtest", "--threshold", "3");
        var invalid = await Coe("alerts", "backtest", "--cooldown", "99");

        Assert.Equal(ExitCodes.Usage, unknown.Code);
        Assert.Contains("'crystal-ball'", unknown.Err);
        Assert.Equal(ExitCodes.Usage, bare.Code);
        Assert.Contains("--method", bare.Err);
        Assert.NotEqual(ExitCodes.Ok, invalid.Code);
        Assert.Contains("cooldown_days", invalid.Err);
    }
}
