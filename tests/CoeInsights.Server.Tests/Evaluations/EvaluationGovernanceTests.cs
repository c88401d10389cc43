using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Google.Rpc;
using Grpc.Core;
using static CoeInsights.Server.Tests.Evaluations.EvaluationTestKit;

namespace CoeInsights.Server.Tests.Evaluations;

/// <summary>Every governance rule refuses with FAILED_PRECONDITION naming the rule, and the stream is unchanged (same version).</summary>
public sealed class EvaluationGovernanceTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly EvaluationTestKit _kit = new(server, "governance");

    private async Task AssertRefusedAndUnchanged<T>(string id, string rule, Func<AsyncUnaryCall<T>> call)
    {
        var before = await _kit.VersionAsync(id);
        var e = await Refused(StatusCode.FailedPrecondition, call, rule);
        var violation = Assert.Single(e.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations);
        Assert.Equal(rule, violation.Type);
        Assert.Equal($"evaluations/{id}", violation.Subject);
        Assert.Equal(before, await _kit.VersionAsync(id));
    }

    [Fact]
    public async Task RefusesScoresAfterClose()
    {
        var chair = await _kit.Chair;
        var id = (await _kit.CreateConfiguredAsync()).EvaluationId;
        await _kit.ScoreAsync("e1", id, 4);
        await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });

        var e2 = await _kit.As("e2");
        await AssertRefusedAndUnchanged(id, "SCORES_AFTER_CLOSE", () => e2.SubmitScoresAsync(new SubmitScoresRequest
        {
            EvaluationId = id, RequestId = "late", Scores = { S("hoot", "analytics", 3) },
        }));
    }

    [Fact]
    public async Task RefusesCriteriaChangesAfterScoringStarts()
    {
        var chair = await _kit.Chair;
        var id = (await _kit.CreateConfiguredAsync()).EvaluationId;
        await _kit.ScoreAsync("e1", id, 4);

        await AssertRefusedAndUnchanged(id, "CRITERIA_LOCKED_AFTER_SCORING", () => chair.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = id, Criteria = { new Criterion { CriterionId = "late", Description = "Late criterion" } },
        }));
    }

    [Fact]
    public async Task RefusesCloseGivenWeightsNotCoveringCriteria()
    {
        var chair = await _kit.Chair;
        var e = await _kit.CreateConfiguredAsync();
        // A criterion added after the weights were set leaves them invalid.
        await chair.AddCriteriaAsync(new AddCriteriaRequest { EvaluationId = e.EvaluationId, Criteria = { new Criterion { CriterionId = "support", Description = "Support" } } });
        await _kit.ScoreAsync("e1", e.EvaluationId, 4);

        await AssertRefusedAndUnchanged(e.EvaluationId, "WEIGHTS_INVALID", () => chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = e.EvaluationId }));
    }

    [Fact]
    public async Task RefusesCloseGivenNoScoresOrTooFewVendors()
    {
        var chair = await _kit.Chair;
        var configured = await _kit.CreateConfiguredAsync();
        await AssertRefusedAndUnchanged(configured.EvaluationId, "SCORES_REQUIRED", () => chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = configured.EvaluationId }));

        var bare = await _kit.CreateAsync();
        await AssertRefusedAndUnchanged(bare.EvaluationId, "CRITERIA_REQUIRED", () => chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = bare.EvaluationId }));
        await AssertRefusedAndUnchanged(bare.EvaluationId, "WEIGHTS_INVALID", () => chair.SetWeightsAsync(new SetWeightsRequest
        {
            EvaluationId = bare.EvaluationId, Direct = new DirectWeights { Weights = { W("x", 1) } },
        }));
    }

    [Fact]
    public async Task RefusesVoteGivenCallerNotACommitteeMember()
    {
        var id = await ProposedAsync();
        var outsider = await _kit.As("outsider"); // committee role, but not a member of this evaluation

        await AssertRefusedAndUnchanged(id, "NOT_A_COMMITTEE_MEMBER", () => outsider.ApproveRecommendationAsync(new ApproveRecommendationRequest { EvaluationId = id }));
        await AssertRefusedAndUnchanged(id, "NOT_A_COMMITTEE_MEMBER", () => outsider.RejectRecommendationAsync(new RejectRecommendationRequest { EvaluationId = id }));
    }

    [Fact]
    public async Task RefusesApprovalGivenMemberWhoScoredWhenEvaluationSaysSo()
    {
        var chair = await _kit.Chair;
        var both = await _kit.As("both");
        // "both" is a committee member of this evaluation and one of its evaluators.
        var withBoth = await _kit.CreateAsync(scorersMayNotApprove: true, members: ["m2", "both"]);
        await chair.AddCriteriaAsync(new AddCriteriaRequest { EvaluationId = withBoth.EvaluationId, Criteria = { new Criterion { CriterionId = "analytics", Description = "Analytics" } } });
        await chair.AddVendorsAsync(new AddVendorsRequest { EvaluationId = withBoth.EvaluationId, Vendors = { new Vendor { VendorId = "a", DisplayName = "A" }, new Vendor { VendorId = "b", DisplayName = "B" } } });
        await chair.InviteEvaluatorsAsync(new InviteEvaluatorsRequest { EvaluationId = withBoth.EvaluationId, Evaluators = { new Evaluator { EvaluatorId = "both", Department = "BI" } } });
        await chair.SetWeightsAsync(new SetWeightsRequest { EvaluationId = withBoth.EvaluationId, Direct = new DirectWeights { Weights = { W("analytics", 1) } } });
        await both.SubmitScoresAsync(new SubmitScoresRequest { EvaluationId = withBoth.EvaluationId, RequestId = "b1", Scores = { S("a", "analytics", 4), S("b", "analytics", 2) } });
        await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = withBoth.EvaluationId });
        await chair.ProposeRecommendationAsync(new ProposeRecommendationRequest { EvaluationId = withBoth.EvaluationId, VendorId = "a" });

        await AssertRefusedAndUnchanged(withBoth.EvaluationId, "EVALUATOR_CANNOT_APPROVE",
            () => both.ApproveRecommendationAsync(new ApproveRecommendationRequest { EvaluationId = withBoth.EvaluationId }));
        var approvedByOthers = await chair.ApproveRecommendationAsync(new ApproveRecommendationRequest { EvaluationId = withBoth.EvaluationId });
        Assert.Equal(EvaluationState.RecommendationProposed, approvedByOthers.State); // quorum 2 of 3
    }

    [Fact]
    public async Task RefusesInvalidStateTransitions()
    {
        var chair = await _kit.Chair;
        var id = (await _kit.CreateConfiguredAsync()).EvaluationId;
        await _kit.ScoreAsync("e1", id, 4);

        await AssertRefusedAndUnchanged(id, "RECOMMENDATION_REQUIRES_CLOSE", () => chair.ProposeRecommendationAsync(new ProposeRecommendationRequest { EvaluationId = id, VendorId = "hoot" }));
        await AssertRefusedAndUnchanged(id, "NO_RECOMMENDATION_PENDING", () => chair.ApproveRecommendationAsync(new ApproveRecommendationRequest { EvaluationId = id }));
        await AssertRefusedAndUnchanged(id, "EVALUATION_ALREADY_OPEN", () => chair.ReopenEvaluationAsync(new ReopenEvaluationRequest { EvaluationId = id, Reason = "why" }));
        await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });
        await AssertRefusedAndUnchanged(id, "EVALUATION_NOT_OPEN", () => chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id }));
        await AssertRefusedAndUnchanged(id, "CONFIGURATION_AFTER_CLOSE", () => chair.AddVendorsAsync(new AddVendorsRequest { EvaluationId = id, Vendors = { Vendor("late", 1) } }));
        await AssertRefusedAndUnchanged(id, "WEIGHTS_LOCKED_AFTER_CLOSE", () => chair.SetWeightsAsync(new SetWeightsRequest
        {
            EvaluationId = id, Direct = new DirectWeights { Weights = { W("analytics", 1), W("publishing", 1), W("annual-cost", 1) } },
        }));
        await chair.ProposeRecommendationAsync(new ProposeRecommendationRequest { EvaluationId = id, VendorId = "hoot" });
        await AssertRefusedAndUnchanged(id, "RECOMMENDATION_ALREADY_PROPOSED", () => chair.ProposeRecommendationAsync(new ProposeRecommendationRequest { EvaluationId = id, VendorId = "brand" }));
        await chair.ApproveRecommendationAsync(new ApproveRecommendationRequest { EvaluationId = id });
        await AssertRefusedAndUnchanged(id, "ALREADY_VOTED", () => chair.RejectRecommendationAsync(new RejectRecommendationRequest { EvaluationId = id }));
    }

    [Fact]
    public async Task RefusesScoresFromEvaluatorNotInvited()
    {
        var id = (await _kit.CreateConfiguredAsync()).EvaluationId;
        var stranger = await _kit.As("stranger");
        await AssertRefusedAndUnchanged(id, "NOT_AN_INVITED_EVALUATOR", () => stranger.SubmitScoresAsync(new SubmitScoresRequest
        {
            EvaluationId = id, RequestId = "x", Scores = { S("hoot", "analytics", 3) },
        }));
    }

    private async Task<string> ProposedAsync()
    {
        var chair = await _kit.Chair;
        var id = (await _kit.CreateConfiguredAsync()).EvaluationId;
        await _kit.ScoreAsync("e1", id, 4);
        await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });
        await chair.ProposeRecommendationAsync(new ProposeRecommendationRequest { EvaluationId = id, VendorId = "hoot" });
        return id;
    }
}
