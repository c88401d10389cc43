using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using static CoeInsights.Server.Tests.Evaluations.EvaluationTestKit;

namespace CoeInsights.Server.Tests.Evaluations;

/// <summary>Blind scoring on every read path, roles on every method, and tenant isolation.</summary>
public sealed class EvaluationAccessTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly EvaluationTestKit _kit = new(server, "access");

    [Fact]
    public async Task ShowsEvaluatorOnlyOwnScoresOnEveryReadPathUntilClose()
    {
        var chair = await _kit.Chair;
        var id = (await _kit.CreateConfiguredAsync()).EvaluationId;
        await _kit.ScoreAsync("e1", id, 5);
        await _kit.ScoreAsync("e2", id, 1);
        var e1 = await _kit.As("e1");
        var viewer = await _kit.As("viewer");

        // Get
        var seenByE1 = await e1.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id });
        Assert.Equal(6, seenByE1.Scores.Count);
        Assert.All(seenByE1.Scores, s => Assert.Equal("e1", s.EvaluatorId));
        Assert.Empty((await viewer.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).Scores);
        Assert.Equal(12, (await chair.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).Scores.Count);

        // History
        var history = await e1.GetEvaluationHistoryAsync(new GetEvaluationHistoryRequest { EvaluationId = id });
        var submissions = history.Events.Where(x => x.EventType == "ScoresSubmitted").ToList();
        Assert.Equal(2, submissions.Count);
        Assert.True(submissions[0].Details.Fields.ContainsKey("scores"));
        Assert.False(submissions[1].Details.Fields.ContainsKey("scores"));
        Assert.Contains("hidden", submissions[1].Summary);
        var chairHistory = await chair.GetEvaluationHistoryAsync(new GetEvaluationHistoryRequest { EvaluationId = id });
        Assert.All(chairHistory.Events.Where(x => x.EventType == "ScoresSubmitted"), x => Assert.True(x.Details.Fields.ContainsKey("scores")));

        // Watch (replayed from the start)
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            using var watch = e1.WatchEvaluation(new WatchEvaluationRequest { EvaluationId = id, AfterVersion = 0 }, cancellationToken: cts.Token);
            var seen = new List<EvaluationEvent>();
            while (seen.Count < history.Events.Count && await watch.ResponseStream.MoveNext(cts.Token)) seen.Add(watch.ResponseStream.Current);
            var watched = seen.Where(x => x.EventType == "ScoresSubmitted").ToList();
            Assert.True(watched[0].Details.Fields.ContainsKey("scores"));
            Assert.False(watched[1].Details.Fields.ContainsKey("scores"));
            cts.Cancel();
        }

        // Score: the evaluator's ranking uses only their own scores
        var scoredByE1 = await e1.ScoreEvaluationAsync(new ScoreEvaluationRequest { EvaluationId = id });
        var scoredByChair = await chair.ScoreEvaluationAsync(new ScoreEvaluationRequest { EvaluationId = id });
        Assert.Equal(6, scoredByE1.ScoresUsed);
        Assert.Equal(12, scoredByChair.ScoresUsed);
        Assert.Equal(5, scoredByE1.Result.Aggregation.Aggregated[0].Values[0]); // hoot × analytics: e1's 5, not the mean 3
        Assert.Equal(3, scoredByChair.Result.Aggregation.Aggregated[0].Values[0]);
        await Refused(StatusCode.FailedPrecondition, () => viewer.ScoreEvaluationAsync(new ScoreEvaluationRequest { EvaluationId = id }), "NO_VISIBLE_SCORES");

        // After close everyone sees every score.
        await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });
        Assert.Equal(12, (await e1.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).Scores.Count);
        Assert.Equal(12, (await viewer.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).Scores.Count);
        var after = await e1.GetEvaluationHistoryAsync(new GetEvaluationHistoryRequest { EvaluationId = id });
        Assert.All(after.Events.Where(x => x.EventType == "ScoresSubmitted"), x => Assert.True(x.Details.Fields.ContainsKey("scores")));
        Assert.Equal(12, (await e1.ScoreEvaluationAsync(new ScoreEvaluationRequest { EvaluationId = id })).ScoresUsed);
    }

    [Fact]
    public async Task ShowsEvaluatorProgressToCommitteeAndOnlyOwnRowToBlindEvaluator()
    {
        var chair = await _kit.Chair;
        var id = (await _kit.CreateConfiguredAsync()).EvaluationId;
        await _kit.ScoreAsync("e1", id, 5);
        await _kit.ScoreAsync("e1", id, 4); // every cell revised: still 6 cells, not 12
        var e2 = await _kit.As("e2");
        await e2.SubmitScoresAsync(new SubmitScoresRequest
        {
            EvaluationId = id, RequestId = "partial", Scores = { S("hoot", "analytics", 2), S("brand", "publishing", 3) },
        });

        // 3 vendors × 2 scored criteria: the annual-cost vendor fact is not scored by people.
        var all = (await chair.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).EvaluatorProgress;
        Assert.Equal(["e1", "e2", "e3", "e4", "e5", "e6"], all.Select(x => x.EvaluatorId));
        Assert.All(all, x => Assert.Equal(6, x.ExpectedCells));
        Assert.Equal((6, 1.0), (all[0].ScoredCells, all[0].CompleteFraction));
        Assert.Equal((2, 2.0 / 6), (all[1].ScoredCells, all[1].CompleteFraction));
        Assert.Equal("Social", all[1].Department);
        Assert.NotNull(all[1].LastScoreTime);
        Assert.All(all.Skip(2), x => Assert.Equal((0, 0.0, (Google.Protobuf.WellKnownTypes.Timestamp?)null), (x.ScoredCells, x.CompleteFraction, x.LastScoreTime)));

        // Blind: an evaluator sees their own row only (zeros for the others would be untrue); a viewer sees none.
        var own = Assert.Single((await e2.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).EvaluatorProgress);
        Assert.Equal(("e2", 2), (own.EvaluatorId, own.ScoredCells));
        Assert.Empty((await (await _kit.As("viewer")).GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).EvaluatorProgress);

        // After close every reader sees every row.
        await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });
        Assert.Equal(6, (await e2.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).EvaluatorProgress.Count);
    }

    [Fact]
    public async Task StreamsNewEventsToWatcherWithBlindScoringUntilCancelled()
    {
        var id = (await _kit.CreateConfiguredAsync()).EvaluationId;
        var chair = await _kit.Chair;
        var e1 = await _kit.As("e1");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var committeeWatch = chair.WatchEvaluation(new WatchEvaluationRequest { EvaluationId = id }, cancellationToken: cts.Token);
        using var evaluatorWatch = e1.WatchEvaluation(new WatchEvaluationRequest { EvaluationId = id }, cancellationToken: cts.Token);
        await committeeWatch.ResponseHeadersAsync;
        await evaluatorWatch.ResponseHeadersAsync;
        await Task.Delay(500); // both watches have read the current version

        await _kit.ScoreAsync("e2", id, 3);

        Assert.True(await committeeWatch.ResponseStream.MoveNext(cts.Token));
        Assert.True(await evaluatorWatch.ResponseStream.MoveNext(cts.Token));
        var toCommittee = committeeWatch.ResponseStream.Current;
        var toEvaluator = evaluatorWatch.ResponseStream.Current;
        Assert.Equal("ScoresSubmitted", toCommittee.EventType);
        Assert.Equal("e2", toCommittee.Actor);
        Assert.True(toCommittee.Details.Fields.ContainsKey("scores"));
        Assert.Equal(toCommittee.Version, toEvaluator.Version);
        Assert.False(toEvaluator.Details.Fields.ContainsKey("scores"));

        cts.Cancel();
        var ended = await Assert.ThrowsAsync<RpcException>(() => committeeWatch.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Cancelled, ended.StatusCode);
    }

    [Fact]
    public async Task RefusesEachMethodGivenRoleWithoutPermission()
    {
        var id = (await _kit.CreateConfiguredAsync()).EvaluationId;
        var viewer = await _kit.As("viewer");
        var e1 = await _kit.As("e1");
        var chair = await _kit.Chair;
        var ingest = await _kit.As("ingest");
        const StatusCode denied = StatusCode.PermissionDenied;

        await Refused(denied, () => viewer.CreateEvaluationAsync(new CreateEvaluationRequest { Title = "x" }));
        await Refused(denied, () => e1.CreateEvaluationAsync(new CreateEvaluationRequest { Title = "x" }));
        await Refused(denied, () => e1.AddCriteriaAsync(new AddCriteriaRequest { EvaluationId = id }));
        await Refused(denied, () => viewer.AddVendorsAsync(new AddVendorsRequest { EvaluationId = id }));
        await Refused(denied, () => e1.InviteEvaluatorsAsync(new InviteEvaluatorsRequest { EvaluationId = id }));
        await Refused(denied, () => e1.SetWeightsAsync(new SetWeightsRequest { EvaluationId = id }));
        await Refused(denied, () => chair.SubmitScoresAsync(new SubmitScoresRequest { EvaluationId = id }));
        await Refused(denied, () => viewer.SubmitScoresAsync(new SubmitScoresRequest { EvaluationId = id }));
        await Refused(denied, () => e1.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id }));
        await Refused(denied, () => e1.ProposeRecommendationAsync(new ProposeRecommendationRequest { EvaluationId = id }));
        await Refused(denied, () => e1.ApproveRecommendationAsync(new ApproveRecommendationRequest { EvaluationId = id }));
        await Refused(denied, () => viewer.RejectRecommendationAsync(new RejectRecommendationRequest { EvaluationId = id }));
        await Refused(denied, () => e1.ReopenEvaluationAsync(new ReopenEvaluationRequest { EvaluationId = id }));
        await Refused(denied, () => ingest.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id }));
        await Refused(denied, () => ingest.ListEvaluationsAsync(new ListEvaluationsRequest()));
        await Refused(denied, () => ingest.GetEvaluationHistoryAsync(new GetEvaluationHistoryRequest { EvaluationId = id }));
        await Refused(denied, () => ingest.ScoreEvaluationAsync(new ScoreEvaluationRequest { EvaluationId = id }));
        using var watch = ingest.WatchEvaluation(new WatchEvaluationRequest { EvaluationId = id });
        Assert.Equal(denied, (await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext())).StatusCode);
        // An evaluator submits only their own scores; an admin may submit for an invited evaluator.
        await Refused(denied, () => e1.SubmitScoresAsync(new SubmitScoresRequest { EvaluationId = id, EvaluatorId = "e2", RequestId = "r", Scores = { S("hoot", "analytics", 3) } }));
        var admin = await _kit.As("admin");
        var byAdmin = await admin.SubmitScoresAsync(new SubmitScoresRequest { EvaluationId = id, EvaluatorId = "e2", RequestId = "r", Scores = { S("hoot", "analytics", 3) } });
        Assert.Equal("e2", Assert.Single(byAdmin.Scores).EvaluatorId);

        // Readers read.
        Assert.Equal(id, (await viewer.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).EvaluationId);
        Assert.Contains((await e1.ListEvaluationsAsync(new ListEvaluationsRequest())).Evaluations, x => x.EvaluationId == id);
        Assert.NotEmpty((await viewer.GetEvaluationHistoryAsync(new GetEvaluationHistoryRequest { EvaluationId = id })).Events);
    }

    [Fact]
    public async Task ReturnsNotFoundGivenEvaluationOfAnotherTenant()
    {
        var id = (await _kit.CreateConfiguredAsync()).EvaluationId;
        var other = new EvaluationTestKit(server, "access-other");
        var otherChair = await other.Chair;
        var otherAdmin = new EvaluationService.EvaluationServiceClient(server.Channel()); // the operator tenant's admin
        var before = await _kit.VersionAsync(id);

        foreach (var client in new[] { otherChair, otherAdmin })
        {
            await Refused(StatusCode.NotFound, () => client.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id }), "EVALUATION_NOT_FOUND");
            await Refused(StatusCode.NotFound, () => client.GetEvaluationHistoryAsync(new GetEvaluationHistoryRequest { EvaluationId = id }));
            await Refused(StatusCode.NotFound, () => client.ScoreEvaluationAsync(new ScoreEvaluationRequest { EvaluationId = id }));
            await Refused(StatusCode.NotFound, () => client.AddCriteriaAsync(new AddCriteriaRequest
            {
                EvaluationId = id, Criteria = { new Criterion { CriterionId = "intrude", Description = "Intrusion" } },
            }));
            await Refused(StatusCode.NotFound, () => client.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id, Etag = before.ToString() }));
            using var watch = client.WatchEvaluation(new WatchEvaluationRequest { EvaluationId = id });
            Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext())).StatusCode);
            Assert.DoesNotContain((await client.ListEvaluationsAsync(new ListEvaluationsRequest { PageSize = 1000 })).Evaluations, x => x.EvaluationId == id);
        }
        Assert.Equal(before, await _kit.VersionAsync(id));
    }
}
