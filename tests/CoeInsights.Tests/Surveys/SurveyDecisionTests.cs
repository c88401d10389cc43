using CoeInsights.Analytics;
using CoeInsights.Analytics.Surveys;
using CoeInsights.Common;
using CoeInsights.Evaluations;
using CoeInsights.Surveys;
using CoeInsights.Surveys.ClosingSurvey;
using CoeInsights.Surveys.DerivingWeights;
using CoeInsights.Surveys.GettingResults;
using CoeInsights.Surveys.PublishingSurvey;
using CoeInsights.Surveys.SubmittingResponse;

namespace CoeInsights.Tests.Surveys;

/// <summary>The pure survey deciders: events in, events or a named refusal out. No database.</summary>
public sealed class SurveyDecisionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.CreateVersion7(T0);
    private static readonly Guid EvaluationId = Guid.CreateVersion7(T0);

    private static readonly SurveyQuestion[] Questions =
    [
        new() { Id = "imp-analytics", Kind = QuestionKind.Likert, CriterionId = "analytics" },
        new() { Id = "imp-cost", Kind = QuestionKind.Likert, CriterionId = "cost" },
        new() { Id = "nps", Kind = QuestionKind.Nps },
        new() { Id = "tool", Kind = QuestionKind.SingleChoice, Options = ["a", "b"] },
    ];

    private static Survey Published(int invited = 10) => Survey.Create(PublishSurveyHandler.Decide(new PublishSurvey(
        Id, "Priorities", [new AudienceDepartment("Marketing", invited), new AudienceDepartment("Sales", invited)], Questions, [],
        new EvaluationLink(EvaluationId, ["analytics", "cost"]), "r1", "chair", T0)));

    private static Survey Then(Survey s, IReadOnlyList<object> events) => events.Aggregate(s, (x, e) => Survey.Advance(x, e)!);

    private static SubmitResponse Response(string respondent, string department, string requestId, params (string Q, SurveyAnswer A)[] answers) =>
        new(Id, respondent, department, answers.ToDictionary(a => a.Q, a => a.A), requestId, respondent, T0);

    private static void AssertRule(string rule, Action act) => Assert.Equal(rule, Assert.Throws<RuleViolationException>(act).Rule);

    private static string[] Fields(Action act) => Assert.Throws<InvalidInputException>(act).Violations.Select(v => v.Field).ToArray();

    [Fact]
    public void PublishesWithAudienceQuestionsAndLink()
    {
        var s = Published();
        Assert.Equal(SurveyState.Open, s.State);
        Assert.Equal(["Marketing", "Sales"], s.Audience.Select(a => a.Department));
        Assert.Equal(4, s.Questions.Count);
        Assert.Equal(EvaluationId, s.Evaluation!.EvaluationId);
    }

    [Fact]
    public void RefusesBadSurveyWithFieldPaths()
    {
        var fields = Fields(() => PublishSurveyHandler.Decide(new PublishSurvey(Id, " ", [new AudienceDepartment("M", -1), new AudienceDepartment("M", 1)],
            [new SurveyQuestion { Id = "q", Kind = QuestionKind.Likert, ScalePoints = 6 }, new SurveyQuestion { Id = "q2", Kind = QuestionKind.Nps, CriterionId = "x" }],
            [], null, null, "chair", T0)));
        Assert.Equal(["title", "audience[0].invited", "audience[1].department", "questions[1].criterion_id"], fields);
        var analytics = Fields(() => PublishSurveyHandler.Decide(new PublishSurvey(Id, "T", [new AudienceDepartment("M", 1)],
            [new SurveyQuestion { Id = "q", Kind = QuestionKind.Likert, ScalePoints = 6 }], [], null, null, "chair", T0)));
        Assert.Equal(["questions[0].scale_points"], analytics);
    }

    [Fact]
    public void RefusesAnswersOfTheWrongKindOutOfRangeOrForUnknownQuestions()
    {
        var s = Published();
        var fields = Fields(() => SubmitResponseHandler.Decide(Response("u1", "Marketing", "a",
            ("imp-analytics", SurveyAnswer.Nps(5)), ("imp-cost", SurveyAnswer.Likert(6)), ("nope", SurveyAnswer.Likert(3))), s));
        Assert.Equal(["answers[imp-analytics]", "answers[imp-cost]", "answers[nope]"], fields);
    }

    [Fact]
    public void RefusesADepartmentOutsideTheAudience()
    {
        var fields = Fields(() => SubmitResponseHandler.Decide(Response("u1", "Legal", "a", ("nps", SurveyAnswer.Nps(9))), Published()));
        Assert.Equal(["department"], fields);
    }

    [Fact]
    public void ASecondSubmissionRevisesTheFirstAndARetryIsIgnored()
    {
        var s = Published();
        s = Then(s, SubmitResponseHandler.Decide(Response("u1", "Marketing", "a", ("nps", SurveyAnswer.Nps(3))), s));
        Assert.Empty(SubmitResponseHandler.Decide(Response("u1", "Marketing", "a", ("nps", SurveyAnswer.Nps(3))), s));
        var revision = SubmitResponseHandler.Decide(Response("u1", "Marketing", "b", ("nps", SurveyAnswer.Nps(10))), s);
        Assert.True(Assert.IsType<ResponseSubmitted>(Assert.Single(revision)).IsRevision);
        s = Then(s, revision);
        var only = Assert.Single(s.Responses);
        Assert.Equal(10, only.Answers["nps"].Value);
        Assert.Equal(2, only.Revision);
        var results = GetSurveyResultsHandler.Compute(s, new GetSurveyResults(Id, [], new SurveyOptions()));
        Assert.Equal(1, results.Respondents);
        Assert.Equal(100, results.Questions.Single(q => q.QuestionId == "nps").Nps!.Score);
    }

    [Fact]
    public void RefusesResponsesAfterClose()
    {
        var s = Published();
        s = Then(s, CloseSurveyHandler.Decide(new CloseSurvey(Id, null, "chair", T0), s));
        AssertRule("SURVEY_CLOSED", () => SubmitResponseHandler.Decide(Response("u1", "Marketing", "a", ("nps", SurveyAnswer.Nps(9))), s));
        AssertRule("SURVEY_CLOSED", () => CloseSurveyHandler.Decide(new CloseSurvey(Id, null, "chair", T0), s));
    }

    [Fact]
    public void RefusesMoreRespondentsThanInvited()
    {
        var s = Published(invited: 1);
        s = Then(s, SubmitResponseHandler.Decide(Response("u1", "Marketing", "a", ("nps", SurveyAnswer.Nps(9))), s));
        AssertRule("SURVEY_AUDIENCE_FULL", () => SubmitResponseHandler.Decide(Response("u2", "Marketing", "b", ("nps", SurveyAnswer.Nps(9))), s));
    }

    [Fact]
    public void DerivedWeightsBecomeASurveySourcedSetWeightsCommand()
    {
        var s = Published();
        s = Then(s, SubmitResponseHandler.Decide(Response("u1", "Marketing", "a", ("imp-analytics", SurveyAnswer.Likert(5)), ("imp-cost", SurveyAnswer.Likert(3))), s));
        s = Then(s, SubmitResponseHandler.Decide(Response("u2", "Sales", "b", ("imp-analytics", SurveyAnswer.Likert(3)), ("imp-cost", SurveyAnswer.Likert(5))), s));
        var derive = new DeriveSurveyWeights(Id, WeightDerivationMethod.ImportanceRatings, [], true, new SurveyOptions());
        var weights = DeriveSurveyWeightsHandler.Derive(s, derive);
        Assert.Equal([0.5, 0.5], weights.Weights.Select(w => Math.Round(w, 12)));
        var command = DeriveSurveyWeightsHandler.ToSetWeights(s, 3, weights, new ApplySurveyWeights(derive, 7, "chair", T0));
        Assert.Equal(WeightSource.Survey, command.Source);
        Assert.Equal(new SurveyReference(Id.ToString(), 3), command.Survey);
        Assert.Equal(EvaluationId, command.EvaluationId);
        Assert.Equal(7, command.ExpectedVersion);
        Assert.Equal(["analytics", "cost"], command.Weights.Select(w => w.CriterionId));
    }
}
