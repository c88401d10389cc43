using CoeInsights.V1;

namespace CoeInsights.Server.Tests.Evaluations;

/// <summary>
/// Reads are served from a per-version cache on each replica: a write on one replica is seen by the next read on
/// the other, and cached scores never cross versions or callers who see different scores.
/// </summary>
public sealed class EvaluationReadCacheTests(ReplicatedServers servers) : IClassFixture<ReplicatedServers>
{
    [Fact]
    public async Task ReturnsNewVersionOnOtherReplicaGivenWriteAfterCachedRead()
    {
        var here = new EvaluationTestKit(servers.First, "cache-a");
        var there = new EvaluationTestKit(servers.Second, "cache-a");
        var e = await here.CreateConfiguredAsync();
        var before = await (await there.Chair).GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = e.EvaluationId });

        await here.ScoreAsync("e1", e.EvaluationId, 5);
        var after = await (await there.Chair).GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = e.EvaluationId });

        Assert.Equal(e.Etag, before.Etag);
        Assert.NotEqual(before.Etag, after.Etag);
        Assert.Equal((0, 6), (before.Scores.Count, after.Scores.Count));
    }

    [Fact]
    public async Task ReturnsScoresOfNewVersionAndOwnScoresOnlyGivenCachedCommitteeScore()
    {
        var here = new EvaluationTestKit(servers.First, "cache-b");
        var there = new EvaluationTestKit(servers.Second, "cache-b");
        var e = await here.CreateConfiguredAsync();
        await here.ScoreAsync("e1", e.EvaluationId, 5);
        await here.ScoreAsync("e2", e.EvaluationId, 1);
        var request = new ScoreEvaluationRequest { EvaluationId = e.EvaluationId };

        var committee = await (await there.Chair).ScoreEvaluationAsync(request);
        var again = await (await there.Chair).ScoreEvaluationAsync(request);
        var blind = await (await there.As("e1")).ScoreEvaluationAsync(request);
        await here.ScoreAsync("e3", e.EvaluationId, 1);
        var later = await (await there.Chair).ScoreEvaluationAsync(request);

        Assert.Equal(committee, again);
        Assert.Equal((12, 6, 18), (committee.ScoresUsed, blind.ScoresUsed, later.ScoresUsed));
        Assert.NotEqual(committee.Etag, later.Etag);
        Assert.NotEqual(committee.Result, blind.Result);
    }
}
