using CoeInsights.Testing;
using CoeInsights.V1;

namespace CoeInsights.Cli.Tests;

/// <summary>`coe evaluations watch` run as a process against a real server: past events by version, live events, bad ids.</summary>
public sealed class EvaluationWatchTests(TestServer server) : IClassFixture<TestServer>
{
    private Task<(int Code, string Out, string Err)> Coe(string key, params string[] args) => CoeProcess.RunAsync(server.GrpcAddress, key, args);

    private async Task<(string Key, string Id)> Watched(string tenant)
    {
        var chair = await server.CreateKeyAsync(tenant, "chair", Role.Committee);
        var created = await Coe(chair, "evaluations", "create", "--title", "Watched", "-o", "json");
        Assert.True(created.Code == ExitCodes.Ok, created.Err);
        var id = Evaluation.Parser.ParseJson(created.Out).EvaluationId;
        var criteria = await Coe(chair, "evaluations", "add-criteria", id, CoeProcess.TempFile("criterion,description\nanalytics,Analytics depth\n"));
        Assert.True(criteria.Code == ExitCodes.Ok, criteria.Err);
        return (chair, id);
    }

    [Fact]
    public async Task PrintsPastEventsGivenAfterVersionAndMax()
    {
        var (chair, id) = await Watched("cli-watch-past");

        var json = await Coe(chair, "evaluations", "watch", id, "--after-version", "0", "--max", "2", "-o", "json");
        var table = await Coe(chair, "evaluations", "watch", id, "--after-version", "1", "--max", "1");

        Assert.True(json.Code == ExitCodes.Ok, json.Err);
        var events = json.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(EvaluationEvent.Parser.ParseJson).ToList();
        Assert.Equal([1L, 2L], events.Select(e => e.Version));
        Assert.Equal("chair", events[0].Actor);
        Assert.True(table.Code == ExitCodes.Ok, table.Err);
        Assert.StartsWith("2 ", table.Out);
        Assert.Contains($"{events[1].EventType} by chair", table.Out);
    }

    [Fact]
    public async Task PrintsLiveEventGivenChangeWhileWatching()
    {
        var (chair, id) = await Watched("cli-watch-live");
        using var watch = CoeWatch.Start(server.GrpcAddress, chair, "evaluations", "watch", id, "--max", "1", "--timeout", "120", "-o", "json");
        await watch.Established;

        var added = await Coe(chair, "evaluations", "add-criteria", id, CoeProcess.TempFile("criterion,description\npublishing,Publishing\n"));
        var (code, output, error) = await watch.ExitAsync();

        Assert.True(added.Code == ExitCodes.Ok, added.Err);
        Assert.True(code == ExitCodes.Ok, error);
        var e = EvaluationEvent.Parser.ParseJson(Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(3L, e.Version); // only the new event: created and the first criteria came before the watch
        Assert.Contains("publishing", e.Details.ToString());
    }

    [Fact]
    public async Task ExitsRefusedGivenUnknownEvaluation()
    {
        var (chair, _) = await Watched("cli-watch-unknown");

        var (code, _, error) = await Coe(chair, "evaluations", "watch", Guid.CreateVersion7().ToString(), "--timeout", "30");

        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("error: NotFound:", error);
    }
}
