using CoeInsights.Access;
using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations;
using CoeInsights.Evaluations.AddingCriteria;
using CoeInsights.Evaluations.AddingVendors;
using CoeInsights.Evaluations.ApprovingRecommendation;
using CoeInsights.Evaluations.ChangingCriteria;
using CoeInsights.Evaluations.ClosingEvaluation;
using CoeInsights.Evaluations.InvitingEvaluators;
using CoeInsights.Evaluations.OpeningEvaluation;
using CoeInsights.Evaluations.ProposingRecommendation;
using CoeInsights.Evaluations.Reopening;
using CoeInsights.Evaluations.ScoringEvaluation;
using CoeInsights.Evaluations.SettingWeights;
using CoeInsights.Evaluations.SubmittingScores;
using A = CoeInsights.Analytics.Scoring;

namespace CoeInsights.Tests.Evaluations;

/// <summary>The pure deciders: events in, events or a named refusal out. No database.</summary>
public sealed class EvaluationDecisionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.CreateVersion7(T0);

    private static Evaluation Opened(int quorum = 0, bool scorersMayNotApprove = false) =>
        Evaluation.Create(OpenEvaluationHandler.Decide(new OpenEvaluation(Id, "Suite", "", 1, 5, ["m2", "m3"], quorum, scorersMayNotApprove, null, "chair", T0)));

    private static Evaluation Then(Evaluation e, IReadOnlyList<object> events) => events.Aggregate(e, (s, x) => Evaluation.Advance(s, x)!);

    private static Evaluation Configured(bool scorersMayNotApprove = false)
    {
        var e = Opened(scorersMayNotApprove: scorersMayNotApprove);
        e = Then(e, AddCriteriaHandler.Decide(new AddCriteria(Id, null, [
            new CriterionDefinition("analytics", "Analytics", "A", CriterionDirection.Benefit, null, CriterionSource.EvaluatorScores),
            new CriterionDefinition("cost", "Annual cost", "C", CriterionDirection.Cost, null, CriterionSource.VendorFact)], "chair", T0), e));
        e = Then(e, AddVendorsHandler.Decide(new AddVendors(Id, null, [
            new VendorDefinition("a", "A", "", [new VendorFactValue("cost", 100)]),
            new VendorDefinition("b", "B", "", [new VendorFactValue("cost", 50)])], "chair", T0), e));
        e = Then(e, InviteEvaluatorsHandler.Decide(new InviteEvaluators(Id, null, [new InvitedEvaluator("e1", "", "Social"), new InvitedEvaluator("m2", "", "PR")], "chair", T0), e));
        return Then(e, SetWeightsHandler.Decide(new SetWeights(Id, null, WeightSource.Direct, [new CriterionWeight("analytics", 3), new CriterionWeight("cost", 1)], null, null, "chair", T0), e));
    }

    private static SubmitScores Scores(string evaluator, string requestId, double a = 4, double b = 2) =>
        new(Id, evaluator, requestId, [new ScoreInput("a", "analytics", a, "", ""), new ScoreInput("b", "analytics", b, "", "")], evaluator, T0);

    private static Evaluation Proposed(bool scorersMayNotApprove = false)
    {
        var e = Configured(scorersMayNotApprove);
        e = Then(e, SubmitScoresHandler.Decide(Scores("e1", "r1"), e));
        e = Then(e, CloseEvaluationHandler.Decide(new CloseEvaluation(Id, null, "chair", T0), e));
        return Then(e, ProposeRecommendationHandler.Decide(new ProposeRecommendation(Id, null, "a", "best", "chair", T0), e));
    }

    private static void AssertRule(string rule, Action act) => Assert.Equal(rule, Assert.Throws<RuleViolationException>(act).Rule);

    [Fact]
    public void OpensWithCreatorAsCommitteeMemberAndMajorityQuorum()
    {
        var e = Opened();
        Assert.Equal(["m2", "m3", "chair"], e.CommitteeMembers);
        Assert.Equal(2, e.EffectiveQuorum);
        Assert.Equal(EvaluationState.Open, e.State);
    }

    [Fact]
    public void RefusesOpeningGivenEveryBadFieldAtOnce()
    {
        var bad = Assert.Throws<InvalidInputException>(() => OpenEvaluationHandler.Decide(
            new OpenEvaluation(Id, "", "", double.NaN, 1, [""], 9, false, null, "chair", T0)));
        Assert.Equal(["title", "scale.min", "approval_quorum", "committee_members[0]"], bad.Violations.Select(v => v.Field));
    }

    [Fact]
    public void NormalisesDirectWeightsInCriteriaOrder()
    {
        var e = Configured();
        Assert.Equal([0.75, 0.25], e.Weights!.Weights.Select(w => w.Weight));
        Assert.Equal(WeightSource.Direct, e.Weights.Source);
    }

    [Fact]
    public void RefusesWeightsMissingACriterion()
    {
        var e = Configured();
        AssertRule("WEIGHTS_INVALID", () => SetWeightsHandler.Decide(
            new SetWeights(Id, null, WeightSource.Direct, [new CriterionWeight("analytics", 1)], null, null, "chair", T0), e));
    }

    [Fact]
    public void ComputesAhpWeightsAndRecordsConsistencyRatio()
    {
        var e = Configured();
        var set = (WeightsSet)Assert.Single(SetWeightsHandler.Decide(new SetWeights(Id, null, WeightSource.Ahp, [],
            new AhpInput(["cost", "analytics"], [[[1, 1 / 3.0], [3, 1]]], new A.AhpOptions()), null, "chair", T0), e));
        Assert.Equal(0.75, set.Weights[0].Weight, 9); // analytics, in criteria order
        Assert.Equal(0.25, set.Weights[1].Weight, 9);
        Assert.Equal(0, set.Ahp!.ConsistencyRatio, 12);
    }

    [Fact]
    public void RecordsSurveyAsWeightSource()
    {
        var e = Configured();
        var set = (WeightsSet)Assert.Single(SetWeightsHandler.Decide(new SetWeights(Id, null, WeightSource.Survey,
            [new CriterionWeight("analytics", 1), new CriterionWeight("cost", 1)], null, new SurveyReference("s-1", 2), "chair", T0), e));
        Assert.Equal(new SurveyReference("s-1", 2), set.Survey);
    }

    [Fact]
    public void RevisesScoresOfTheSameCellAndIgnoresRetriedRequestId()
    {
        var e = Configured();
        e = Then(e, SubmitScoresHandler.Decide(Scores("e1", "r1", 4, 2), e));
        e = Then(e, SubmitScoresHandler.Decide(Scores("e1", "r2", 5, 1), e));

        Assert.Empty(SubmitScoresHandler.Decide(Scores("e1", "r1", 1, 1), e));
        Assert.Equal([5.0, 1.0], e.Scores.Select(s => s.Value));
        Assert.True(e.CriteriaLocked);
    }

    [Fact]
    public void RefusesScoresAfterCloseAndCriteriaAfterScoring()
    {
        var e = Configured();
        e = Then(e, SubmitScoresHandler.Decide(Scores("e1", "r1"), e));
        AssertRule("CRITERIA_LOCKED_AFTER_SCORING", () => AddCriteriaHandler.Decide(new AddCriteria(Id, null,
            [new CriterionDefinition("x", "X", "", CriterionDirection.Benefit, null, CriterionSource.EvaluatorScores)], "chair", T0), e));
        e = Then(e, CloseEvaluationHandler.Decide(new CloseEvaluation(Id, null, "chair", T0), e));
        AssertRule("SCORES_AFTER_CLOSE", () => SubmitScoresHandler.Decide(Scores("e1", "r2"), e));
    }

    [Fact]
    public void RefusesCloseGivenMissingFacts()
    {
        var e = Configured();
        e = Then(e, AddVendorsHandler.Decide(new AddVendors(Id, null, [new VendorDefinition("c", "C", "", [])], "chair", T0), e));
        e = Then(e, SubmitScoresHandler.Decide(Scores("e1", "r1"), e));
        AssertRule("FACTS_MISSING", () => CloseEvaluationHandler.Decide(new CloseEvaluation(Id, null, "chair", T0), e));
    }

    [Fact]
    public void ApprovesWhenApprovalsReachQuorum()
    {
        var e = Proposed();
        e = Then(e, VoteOnRecommendationHandler.Decide(new VoteOnRecommendation(Id, true, "", "m2", T0), e));
        Assert.Equal(EvaluationState.RecommendationProposed, e.State);
        var events = VoteOnRecommendationHandler.Decide(new VoteOnRecommendation(Id, true, "", "m3", T0), e);
        Assert.Collection(events, x => Assert.IsType<RecommendationVoteCast>(x), x => Assert.Equal(2, Assert.IsType<RecommendationApproved>(x).Approvals));
        Assert.Equal("a", Then(e, events).ApprovedVendorId);
    }

    [Fact]
    public void RejectsWhenQuorumBecomesUnreachable()
    {
        var e = Proposed();
        e = Then(e, VoteOnRecommendationHandler.Decide(new VoteOnRecommendation(Id, false, "", "m2", T0), e));
        Assert.Equal(EvaluationState.RecommendationProposed, e.State); // 2 of the 3 can still approve
        e = Then(e, VoteOnRecommendationHandler.Decide(new VoteOnRecommendation(Id, false, "", "m3", T0), e));
        Assert.Equal(EvaluationState.Rejected, e.State);
    }

    [Fact]
    public void UsesConfiguredQuorum()
    {
        var e = Opened(quorum: 1);
        Assert.Equal(1, e.EffectiveQuorum);
    }

    [Fact]
    public void RefusesVotesFromOutsidersAndFromScorersWhenEvaluationSaysSo()
    {
        AssertRule("NOT_A_COMMITTEE_MEMBER", () => VoteOnRecommendationHandler.Decide(new VoteOnRecommendation(Id, true, "", "e1", T0), Proposed()));

        var e = Configured(scorersMayNotApprove: true);
        e = Then(e, SubmitScoresHandler.Decide(Scores("m2", "r-m2"), e));
        e = Then(e, CloseEvaluationHandler.Decide(new CloseEvaluation(Id, null, "chair", T0), e));
        e = Then(e, ProposeRecommendationHandler.Decide(new ProposeRecommendation(Id, null, "a", "", "chair", T0), e));
        AssertRule("EVALUATOR_CANNOT_APPROVE", () => VoteOnRecommendationHandler.Decide(new VoteOnRecommendation(Id, true, "", "m2", T0), e));
        Assert.NotEmpty(VoteOnRecommendationHandler.Decide(new VoteOnRecommendation(Id, true, "", "m3", T0), e));
    }

    [Fact]
    public void ReopensWithReasonAndUnlocksCriteria()
    {
        var e = Proposed();
        Assert.Throws<InvalidInputException>(() => ReopenEvaluationHandler.Decide(new ReopenEvaluation(Id, null, "", "chair", T0), e));
        e = Then(e, ReopenEvaluationHandler.Decide(new ReopenEvaluation(Id, null, "new criterion", "chair", T0), e));
        Assert.Equal(EvaluationState.Open, e.State);
        Assert.False(e.CriteriaLocked);
        Assert.Null(e.Proposal);
        AssertRule("EVALUATION_ALREADY_OPEN", () => ReopenEvaluationHandler.Decide(new ReopenEvaluation(Id, null, "again", "chair", T0), e));
    }

    [Fact]
    public void BuildsEngineRequestFromOnlyTheCallersScoresWhenBlind()
    {
        var e = Configured();
        e = Then(e, SubmitScoresHandler.Decide(Scores("e1", "r1", 5, 1), e));
        e = Then(e, SubmitScoresHandler.Decide(Scores("m2", "r2", 1, 5), e));
        var evaluator = new Caller("t", Guid.Empty, "e1", new HashSet<Role> { Role.Evaluator });
        var committee = new Caller("t", Guid.Empty, "chair", new HashSet<Role> { Role.Committee });
        var command = new ScoreEvaluation(Id, null, new A.AggregationOptions(), new A.ScoringOptions(), null);

        var blind = ScoreEvaluationHandler.BuildRequest(command, e.VisibleTo(evaluator));
        var all = ScoreEvaluationHandler.BuildRequest(command, e.VisibleTo(committee));

        Assert.Equal(["e1"], blind.EvaluatorIds);
        Assert.All(blind.Scores, s => Assert.Equal("e1", s.EvaluatorId));
        Assert.Equal(4, all.Scores.Count);
        Assert.Equal([0.75, 0.25], all.Weights!);
        Assert.Equal(A.CriterionSource.VendorFact, all.Criteria[1].Source);
        Assert.Equal(2, all.Facts.Count);
        Assert.Equal("a", A.ScoringEngine.ScoreEvaluation(blind).Recommendation.WinnerId);
    }

    [Fact]
    public void ScoresWhatIfWeightsInsteadOfStoredOnes()
    {
        var e = Then(Configured(), SubmitScoresHandler.Decide(Scores("e1", "r1"), Configured()));
        var request = ScoreEvaluationHandler.BuildRequest(new ScoreEvaluation(Id, [new CriterionWeight("cost", 1), new CriterionWeight("analytics", 0)],
            new A.AggregationOptions(), new A.ScoringOptions(), null), e);
        Assert.Equal([0.0, 1.0], request.Weights!);
    }

    [Fact]
    public void RemovesCriterionWithItsFactsAndScoresAndLeavesWeightsToBeSetAgain()
    {
        var e = Configured();
        e = Then(e, SubmitScoresHandler.Decide(Scores("e1", "r1"), e));
        AssertRule("CRITERIA_LOCKED_AFTER_SCORING", () => ChangeCriteriaHandler.Decide(new RemoveCriterion(Id, null, "cost", "chair", T0), e));
        e = Then(e, CloseEvaluationHandler.Decide(new CloseEvaluation(Id, null, "chair", T0), e));
        AssertRule("CONFIGURATION_AFTER_CLOSE", () => ChangeCriteriaHandler.Decide(new RemoveCriterion(Id, null, "cost", "chair", T0), e));
        e = Then(e, ReopenEvaluationHandler.Decide(new ReopenEvaluation(Id, null, "drop cost", "chair", T0), e));

        e = Then(e, ChangeCriteriaHandler.Decide(new RemoveCriterion(Id, null, "cost", "chair", T0), e));
        Assert.Equal(["analytics"], e.Criteria.Select(c => c.Id));
        Assert.All(e.Vendors, v => Assert.Empty(v.Facts));
        Assert.Equal(2, e.Scores.Count);
        AssertRule("WEIGHTS_INVALID", () => CloseEvaluationHandler.Decide(new CloseEvaluation(Id, null, "chair", T0), e));
        Assert.Throws<NotFoundException>(() => ChangeCriteriaHandler.Decide(new RemoveCriterion(Id, null, "cost", "chair", T0), e));
    }

    [Fact]
    public void UpdatesCriterionAndDropsScoresWhenItBecomesAVendorFact()
    {
        var e = Configured();
        e = Then(e, SubmitScoresHandler.Decide(Scores("e1", "r1"), e));
        e = Then(e, CloseEvaluationHandler.Decide(new CloseEvaluation(Id, null, "chair", T0), e));
        e = Then(e, ReopenEvaluationHandler.Decide(new ReopenEvaluation(Id, null, "analytics is a fact", "chair", T0), e));

        e = Then(e, ChangeCriteriaHandler.Decide(new UpdateCriterion(Id, null,
            new CriterionDefinition("analytics", "Dashboards included", "A", CriterionDirection.Benefit, null, CriterionSource.VendorFact), "chair", T0), e));
        Assert.Equal(CriterionSource.VendorFact, e.Criteria[0].Source);
        Assert.Equal("Dashboards included", e.Criteria[0].Description);
        Assert.Empty(e.Scores);
        Assert.Throws<NotFoundException>(() => ChangeCriteriaHandler.Decide(new UpdateCriterion(Id, null,
            new CriterionDefinition("nothing", "N", "", CriterionDirection.Benefit, null, CriterionSource.EvaluatorScores), "chair", T0), e));
    }

    [Fact]
    public void KeepsOneDescriptionPerScaleLevelAndRefusesAnyOtherCount()
    {
        static CriterionDefinition Described(params string[] levels) =>
            new("analytics", "Analytics", "", CriterionDirection.Benefit, null, CriterionSource.EvaluatorScores, levels);
        IReadOnlyList<string> Fields(Evaluation e, CriterionDefinition c) =>
            Assert.Throws<InvalidInputException>(() => AddCriteriaHandler.Decide(new AddCriteria(Id, null, [c], "chair", T0), e)).Violations.Select(v => v.Field).ToList();

        var e = Opened(); // scale 1–5: five levels
        var added = Then(e, AddCriteriaHandler.Decide(new AddCriteria(Id, null, [Described(" Poor ", "", "Fair", "Good", "Excellent")], "chair", T0), e));
        Assert.Equal(["Poor", "", "Fair", "Good", "Excellent"], added.Criteria[0].LevelDescriptions);
        Assert.Equal(["criteria[0].scale_level_descriptions"], Fields(e, Described("Poor", "Fair", "Good")));
        Assert.Equal(["criteria[0].scale_level_descriptions[4]"], Fields(e, Described("1", "2", "3", "4", new string('x', Inputs.LevelDescriptionMax + 1))));

        // A scale whose ends are not whole numbers (0.5–4.5) has no levels to describe.
        var half = Evaluation.Create(OpenEvaluationHandler.Decide(new OpenEvaluation(Id, "Suite", "", 0.5, 4.5, ["m2"], 0, false, null, "chair", T0)));
        Assert.Equal(["criteria[0].scale_level_descriptions"], Fields(half, Described("1", "2", "3", "4", "5")));
        Assert.Null(Inputs.ScaleLevels(0.5, 4.5));
        Assert.Equal(11, Inputs.ScaleLevels(0, 10));

        // None given: nothing stored, nothing refused.
        var plain = Then(e, AddCriteriaHandler.Decide(new AddCriteria(Id, null, [Described()], "chair", T0), e));
        Assert.Empty(plain.Criteria[0].LevelDescriptions);
        Assert.Equal(["criterion.scale_level_descriptions"], Assert.Throws<InvalidInputException>(() =>
            ChangeCriteriaHandler.Decide(new UpdateCriterion(Id, null, Described("a", "b"), "chair", T0), plain)).Violations.Select(v => v.Field));
    }
}
