using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using A = CoeInsights.Analytics.Scoring;
using static CoeInsights.Server.Tests.Evaluations.EvaluationTestKit;

namespace CoeInsights.Server.Tests.Evaluations;

/// <summary>A whole evaluation over a real channel and real PostgreSQL, from opening to an approved recommendation.</summary>
public sealed class EvaluationWorkflowTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly EvaluationTestKit _kit = new(server, "walk");

    private static readonly string[] VendorIds = ["hoot", "sprout", "brand", "later", "agora"];
    private static readonly double[] AnnualCost = [12000, 18000, 9000, 7000, 15000];
    private static readonly string[] ScoredCriteria = Enumerable.Range(1, 19).Select(i => $"c{i:00}").ToArray();

    /// <summary>Deterministic scores with a vendor bias, so the ranking is clear but not trivial.</summary>
    private static double ScoreOf(int evaluator, int vendor, int criterion) =>
        Math.Clamp(1 + (vendor * 7 + criterion * 3 + evaluator * 5) % 4 + (vendor == 1 ? 1 : 0), 1, 5);

    [Fact]
    public async Task ApprovesRecommendationGivenFullEvaluationWithFiveVendorsTwentyCriteriaSixEvaluators()
    {
        var chair = await _kit.Chair;
        var created = await _kit.CreateAsync(title: "Social suite 2027 (full)");
        var id = created.EvaluationId;
        Assert.Equal(EvaluationState.Open, created.State);
        Assert.Equal(["chair", "m2", "m3"], created.CommitteeMembers.Order());
        Assert.Equal(2, created.ApprovalQuorum);

        await chair.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = id,
            Criteria =
            {
                ScoredCriteria.Select((c, i) => new Criterion { CriterionId = c, Description = $"Criterion {c}", Category = i < 10 ? "Analytics" : "Publishing" }),
                new Criterion { CriterionId = "annual-cost", Description = "Annual cost", Direction = CriterionDirection.Cost, Source = CriterionSource.VendorFact },
            },
        });
        await chair.AddVendorsAsync(new AddVendorsRequest { EvaluationId = id, Vendors = { VendorIds.Select((v, i) => Vendor(v, AnnualCost[i])) } });
        await chair.InviteEvaluatorsAsync(new InviteEvaluatorsRequest
        {
            EvaluationId = id,
            Evaluators = { EvaluatorsAndDepartments.Select(x => new Evaluator { EvaluatorId = x.Id, Department = x.Department }) },
        });
        var allCriteria = ScoredCriteria.Append("annual-cost").ToArray();
        var weights = allCriteria.Select((c, i) => i + 1.0).ToArray();
        var configured = await chair.SetWeightsAsync(new SetWeightsRequest
        {
            EvaluationId = id,
            Direct = new DirectWeights { Weights = { allCriteria.Select((c, i) => W(c, weights[i])) } },
        });
        Assert.Equal(1.0, configured.Weights.CriterionWeights.Sum(w => w.Weight), 12);
        Assert.Equal(4, configured.Evaluators.Select(x => x.Department).Distinct().Count());

        for (var e = 0; e < EvaluatorsAndDepartments.Length; e++)
        {
            var evaluator = await _kit.As(EvaluatorsAndDepartments[e].Id);
            await evaluator.SubmitScoresAsync(new SubmitScoresRequest
            {
                EvaluationId = id,
                RequestId = $"walk-{e}",
                Scores =
                {
                    from v in Enumerable.Range(0, VendorIds.Length)
                    from c in Enumerable.Range(0, ScoredCriteria.Length)
                    select S(VendorIds[v], ScoredCriteria[c], ScoreOf(e, v, c)),
                },
            });
        }
        var closed = await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });
        Assert.Equal(EvaluationState.Closed, closed.State);
        Assert.Equal(6 * 5 * 19, closed.Scores.Count);

        var scored = await chair.ScoreEvaluationAsync(new ScoreEvaluationRequest
        {
            EvaluationId = id,
            Options = new ScoringOptions { PrimaryMethod = ScoringMethod.Topsis, Methods = { ScoringMethod.Wsm } },
            Robustness = new RobustnessOptions { Sensitivity = true, MonteCarloSamples = 2000, BootstrapResamples = 200, RankReversal = true, Seed = 7 },
        });

        // The same inputs straight into the scoring engine must give the same ranking and scores.
        var expected = A.ScoringEngine.ScoreEvaluation(new A.EvaluationScoringRequest
        {
            Vendors = VendorIds.Select(v => new A.Vendor(v)).ToList(),
            Criteria = ScoredCriteria.Select(c => new A.Criterion(c))
                .Append(new A.Criterion("annual-cost", A.CriterionDirection.Cost, Source: A.CriterionSource.VendorFact)).ToList(),
            EvaluatorIds = EvaluatorsAndDepartments.Select(x => x.Id).ToList(),
            Scale = new A.ScoreScale(1, 5),
            Scores = (from e in Enumerable.Range(0, 6)
                      from v in Enumerable.Range(0, VendorIds.Length)
                      from c in Enumerable.Range(0, ScoredCriteria.Length)
                      select new A.EvaluatorScore(EvaluatorsAndDepartments[e].Id, VendorIds[v], ScoredCriteria[c], ScoreOf(e, v, c))).ToList(),
            Facts = VendorIds.Select((v, i) => new A.VendorFact(v, "annual-cost", AnnualCost[i])).ToList(),
            Weights = weights,
            Options = new A.ScoringOptions { PrimaryMethod = A.ScoringMethod.Topsis, Methods = [A.ScoringMethod.Topsis, A.ScoringMethod.Wsm] },
            Robustness = new A.RobustnessOptions { Sensitivity = true, MonteCarloSamples = 2000, BootstrapResamples = 200, RankReversal = true, Seed = 7 },
        });
        var topsis = scored.Result.Methods.Single(m => m.Method == ScoringMethod.Topsis);
        var expectedTopsis = expected.Methods.Single(m => m.Method == A.ScoringMethod.Topsis);
        Assert.Equal(expectedTopsis.Ranks, topsis.Ranks);
        for (var i = 0; i < VendorIds.Length; i++) Assert.Equal(expectedTopsis.Scores[i], topsis.Scores[i], 12);
        Assert.Equal(expected.Recommendation.WinnerId, scored.Result.Recommendation.WinnerId);
        Assert.Equal("sprout", scored.Result.Recommendation.WinnerId); // the vendor the scores favour
        Assert.Equal(20, scored.Result.Robustness.Sensitivity.Count);
        Assert.Equal(2000, scored.Result.Robustness.MonteCarlo.Samples);
        Assert.Equal(expected.Robustness!.MonteCarlo!.WinnerProbabilityFirst, scored.Result.Robustness.MonteCarlo.WinnerProbabilityFirst, 12);
        Assert.Equal(200, scored.Result.Robustness.Bootstrap.Resamples);
        Assert.Equal(4, scored.Result.Robustness.RankReversal.Count);
        Assert.Equal(6 * 5 * 19, scored.ScoresUsed);
        Assert.Equal(closed.Etag, scored.Etag);

        var proposed = await chair.ProposeRecommendationAsync(new ProposeRecommendationRequest
        {
            EvaluationId = id, VendorId = scored.Result.Recommendation.WinnerId, Rationale = "Best TOPSIS closeness; robust under Monte Carlo.", Etag = closed.Etag,
        });
        Assert.Equal(EvaluationState.RecommendationProposed, proposed.State);

        var afterFirst = await (await _kit.As("m2")).ApproveRecommendationAsync(new ApproveRecommendationRequest { EvaluationId = id, Comment = "Agreed" });
        Assert.Equal(EvaluationState.RecommendationProposed, afterFirst.State);
        var approved = await chair.ApproveRecommendationAsync(new ApproveRecommendationRequest { EvaluationId = id });
        Assert.Equal(EvaluationState.Approved, approved.State);
        Assert.Equal("sprout", approved.ApprovedVendorId);
        Assert.Equal(2, approved.Recommendation.Votes.Count(v => v.Approve));

        var list = await chair.ListEvaluationsAsync(new ListEvaluationsRequest { State = EvaluationState.Approved });
        var row = Assert.Single(list.Evaluations, x => x.EvaluationId == id);
        Assert.Equal("sprout", row.ApprovedVendorId);
        Assert.Equal(20, row.CriterionCount);
        Assert.Equal(5, row.VendorCount);
        Assert.Equal(6, row.EvaluatorCount);
        Assert.Equal(approved.Etag, row.Etag);

        var history = await chair.GetEvaluationHistoryAsync(new GetEvaluationHistoryRequest { EvaluationId = id, PageSize = 100 });
        Assert.Equal(
            ["EvaluationOpened", "CriteriaAdded", "VendorsAdded", "EvaluatorsInvited", "WeightsSet",
             "ScoresSubmitted", "ScoresSubmitted", "ScoresSubmitted", "ScoresSubmitted", "ScoresSubmitted", "ScoresSubmitted",
             "EvaluationClosed", "RecommendationProposed", "RecommendationVoteCast", "RecommendationVoteCast", "RecommendationApproved"],
            history.Events.Select(x => x.EventType));
        Assert.Equal(["chair", "chair", "chair", "chair", "chair", "e1", "e2", "e3", "e4", "e5", "e6", "chair", "chair", "m2", "chair", "chair"],
            history.Events.Select(x => x.Actor));
        Assert.All(history.Events, x => Assert.True(x.EventTime.ToDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-10)));
        Assert.Equal(approved.Etag, history.Etag);
        Assert.Equal(EvaluationState.Approved, history.Events[^1].State);
        Assert.Equal("sprout", history.Events[^1].Details.Fields["vendorId"].StringValue);
    }

    [Fact]
    public async Task RejectsRecommendationWhenQuorumBecomesUnreachableThenReopensWithReason()
    {
        var chair = await _kit.Chair;
        var id = (await _kit.CreateConfiguredAsync()).EvaluationId;
        await _kit.ScoreAsync("e1", id, 5);
        await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });
        await chair.ProposeRecommendationAsync(new ProposeRecommendationRequest { EvaluationId = id, VendorId = "hoot" });

        await (await _kit.As("m2")).RejectRecommendationAsync(new RejectRecommendationRequest { EvaluationId = id, Comment = "Too expensive" });
        var rejected = await (await _kit.As("m3")).RejectRecommendationAsync(new RejectRecommendationRequest { EvaluationId = id });
        Assert.Equal(EvaluationState.Rejected, rejected.State);

        await Refused(StatusCode.InvalidArgument, () => chair.ReopenEvaluationAsync(new ReopenEvaluationRequest { EvaluationId = id, Reason = " " }));
        var reopened = await chair.ReopenEvaluationAsync(new ReopenEvaluationRequest { EvaluationId = id, Reason = "Add a listening criterion", Etag = rejected.Etag });
        Assert.Equal(EvaluationState.Open, reopened.State);
        Assert.False(reopened.CriteriaLocked);
        Assert.Equal("Add a listening criterion", reopened.LastReopenReason);
        Assert.Null(reopened.Recommendation);

        // Reopened: criteria can change again, and scores can be revised.
        var added = await chair.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = id, Criteria = { new Criterion { CriterionId = "listening", Description = "Social listening" } },
        });
        Assert.Equal(4, added.Criteria.Count);
        var revised = await _kit.ScoreAsync("e1", id, 2);
        Assert.Equal(2, revised.Scores.Single(s => s.EvaluatorId == "e1" && s.VendorId == "hoot" && s.CriterionId == "analytics").Value);
        Assert.Equal(6, revised.Scores.Count(s => s.EvaluatorId == "e1"));
    }

    [Fact]
    public async Task RefusesReopenGivenApprovedEvaluation()
    {
        var chair = await _kit.Chair;
        var id = (await _kit.CreateConfiguredAsync()).EvaluationId;
        await _kit.ScoreAsync("e1", id, 5);
        await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });
        await chair.ProposeRecommendationAsync(new ProposeRecommendationRequest { EvaluationId = id, VendorId = "hoot" });
        await chair.ApproveRecommendationAsync(new ApproveRecommendationRequest { EvaluationId = id });
        var approved = await (await _kit.As("m3")).ApproveRecommendationAsync(new ApproveRecommendationRequest { EvaluationId = id });
        Assert.Equal(EvaluationState.Approved, approved.State);

        await Refused(StatusCode.FailedPrecondition, () => chair.ReopenEvaluationAsync(new ReopenEvaluationRequest { EvaluationId = id, Reason = "Second thoughts" }), "EVALUATION_APPROVED");
        // A retried approval is a no-op, not an error.
        var retried = await (await _kit.As("m3")).ApproveRecommendationAsync(new ApproveRecommendationRequest { EvaluationId = id });
        Assert.Equal(approved.Etag, retried.Etag);
    }

    [Fact]
    public async Task SetsAhpWeightsWithConsistencyRatioAndRefusesInconsistentJudgements()
    {
        var chair = await _kit.Chair;
        var e = await _kit.CreateConfiguredAsync();
        var ids = new[] { "analytics", "publishing", "annual-cost" };
        Matrix M(params double[][] rows) => new() { Rows = { rows.Select(r => new Row { Values = { r } }) } };

        var set = await chair.SetWeightsAsync(new SetWeightsRequest
        {
            EvaluationId = e.EvaluationId,
            Ahp = new AhpJudgements { CriterionIds = { ids }, PairwiseMatrices = { M([1, 3, 5], [1 / 3.0, 1, 2], [1 / 5.0, 1 / 2.0, 1]) } },
            Etag = e.Etag,
        });
        Assert.Equal(WeightSource.Ahp, set.Weights.Source);
        Assert.True(set.Weights.ConsistencyRatio < 0.1);
        Assert.True(set.Weights.CriterionWeights[0].Weight > set.Weights.CriterionWeights[1].Weight);
        Assert.Equal(1.0, set.Weights.CriterionWeights.Sum(w => w.Weight), 12);

        var inconsistent = await Refused(StatusCode.FailedPrecondition, () => chair.SetWeightsAsync(new SetWeightsRequest
        {
            EvaluationId = e.EvaluationId,
            Ahp = new AhpJudgements { CriterionIds = { ids }, PairwiseMatrices = { M([1, 9, 1 / 9.0], [1 / 9.0, 1, 9], [9, 1 / 9.0, 1]) } },
        }), "WEIGHTS_INCONSISTENT");
        Assert.Contains("CR", inconsistent.Status.Detail);
        Assert.Equal(EvaluationTestKit.Version(set.Etag), await _kit.VersionAsync(e.EvaluationId));

        var survey = await chair.SetWeightsAsync(new SetWeightsRequest
        {
            EvaluationId = e.EvaluationId,
            Survey = new SurveyWeights { Survey = new SurveyReference { SurveyId = "stakeholders-2027", SurveyVersion = 3 }, Weights = { W("analytics", 2), W("publishing", 1), W("annual-cost", 1) } },
        });
        Assert.Equal(WeightSource.Survey, survey.Weights.Source);
        Assert.Equal("stakeholders-2027", survey.Weights.Survey.SurveyId);
        Assert.Equal(0.5, survey.Weights.CriterionWeights[0].Weight, 12);
    }

    [Fact]
    public async Task ScoresWhatIfWeightsWithoutStoringThem()
    {
        var chair = await _kit.Chair;
        var id = (await _kit.CreateConfiguredAsync()).EvaluationId;
        await _kit.ScoreAsync("e1", id, 5);
        await _kit.ScoreAsync("e2", id, 1);
        var before = await chair.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id });

        var whatIf = await chair.ScoreEvaluationAsync(new ScoreEvaluationRequest
        {
            EvaluationId = id, WhatIfWeights = { W("analytics", 0), W("publishing", 0), W("annual-cost", 1) },
        });
        var stored = await chair.ScoreEvaluationAsync(new ScoreEvaluationRequest { EvaluationId = id });

        Assert.True(whatIf.WhatIf);
        Assert.False(stored.WhatIf);
        Assert.Equal([0, 0, 1], whatIf.Result.Weights);
        Assert.Equal("brand", whatIf.Result.Recommendation.WinnerId); // cheapest wins on cost alone
        Assert.Equal([0.5, 0.3, 0.2], stored.Result.Weights.Select(w => Math.Round(w, 12)));
        var after = await chair.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id });
        Assert.Equal(before.Etag, after.Etag);
        Assert.Equal(before.Weights, after.Weights);
        await Refused(StatusCode.InvalidArgument, () => chair.ScoreEvaluationAsync(new ScoreEvaluationRequest
        {
            EvaluationId = id, WhatIfWeights = { W("analytics", double.NaN), W("publishing", 1) },
        }));
    }

    [Fact]
    public async Task UpdatesAndRemovesCriteriaBeforeScoring()
    {
        var chair = await _kit.Chair;
        var e = await _kit.CreateConfiguredAsync();

        var updated = await chair.UpdateCriterionAsync(new UpdateCriterionRequest
        {
            EvaluationId = e.EvaluationId, Etag = e.Etag,
            Criterion = new Criterion { CriterionId = "publishing", Description = "Publishing and approvals", Category = "Publishing", MustHaveThreshold = 2 },
        });
        Assert.Equal("Publishing and approvals", updated.Criteria.Single(c => c.CriterionId == "publishing").Description);
        Assert.Equal(2, updated.Criteria.Single(c => c.CriterionId == "publishing").MustHaveThreshold);

        var removed = await chair.RemoveCriterionAsync(new RemoveCriterionRequest { EvaluationId = e.EvaluationId, CriterionId = "annual-cost", Etag = updated.Etag });
        Assert.Equal(["analytics", "publishing"], removed.Criteria.Select(c => c.CriterionId));
        Assert.All(removed.Vendors, v => Assert.Empty(v.Facts));
        await Refused(StatusCode.NotFound, () => chair.RemoveCriterionAsync(new RemoveCriterionRequest { EvaluationId = e.EvaluationId, CriterionId = "annual-cost" }), "CRITERION_NOT_FOUND");
        await Refused(StatusCode.Aborted, () => chair.RemoveCriterionAsync(new RemoveCriterionRequest { EvaluationId = e.EvaluationId, CriterionId = "publishing", Etag = updated.Etag }));

        // The weights named the removed criterion: set them again before closing.
        await chair.SetWeightsAsync(new SetWeightsRequest { EvaluationId = e.EvaluationId, Direct = new DirectWeights { Weights = { W("analytics", 1), W("publishing", 1) } } });
        await (await _kit.As("e1")).SubmitScoresAsync(new SubmitScoresRequest { EvaluationId = e.EvaluationId, RequestId = "r1", Scores = { S("hoot", "analytics", 4) } });
        await Refused(StatusCode.FailedPrecondition, () => chair.UpdateCriterionAsync(new UpdateCriterionRequest
        {
            EvaluationId = e.EvaluationId, Criterion = new Criterion { CriterionId = "analytics", Description = "Changed after scoring" },
        }), "CRITERIA_LOCKED_AFTER_SCORING");
        var history = await chair.GetEvaluationHistoryAsync(new GetEvaluationHistoryRequest { EvaluationId = e.EvaluationId });
        Assert.Contains(history.Events, x => x.EventType == "CriterionRemoved" && x.Summary == "removed criterion annual-cost");
    }
}
