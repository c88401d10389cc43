using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using static CoeInsights.Server.Tests.Evaluations.EvaluationTestKit;
using static CoeInsights.Server.Tests.Surveys.SurveyTestKit;

namespace CoeInsights.Server.Tests.Surveys;

/// <summary>Bad answers, revisions, retries, close, roles and tenants: typed errors and nothing stored wrongly.</summary>
public sealed class SurveyInputTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly SurveyTestKit _kit = new(server, "survey-inputs");

    [Fact]
    public async Task ReturnsFieldViolationsGivenBadAnswersAndStoresNothing()
    {
        var survey = await _kit.CreateSmallAsync();
        var ann = await _kit.As("ann", Role.Evaluator);

        var bad = await Refused(StatusCode.InvalidArgument, () => ann.SubmitResponseAsync(new SubmitResponseRequest
        {
            SurveyId = survey.SurveyId, Department = "Marketing", RequestId = "bad-1",
            Answers =
            {
                new SurveyAnswer { QuestionId = "q1", Nps = 9 },           // wrong kind
                Answer("q2", 6),                                           // out of range
                new SurveyAnswer { QuestionId = "nps", Nps = 11 },         // out of range
                new SurveyAnswer { QuestionId = "tool", SingleChoice = "brand" }, // unknown option
                Answer("nope", 3),                                         // unknown question
            },
        }));
        Assert.Equal(["answers[nope]", "answers[nps]", "answers[q1]", "answers[q2]", "answers[tool][0]"],
            bad.FieldViolations().Select(v => v.Field).Order(StringComparer.Ordinal));

        var outsider = await Refused(StatusCode.InvalidArgument, () => ann.SubmitResponseAsync(new SubmitResponseRequest
        {
            SurveyId = survey.SurveyId, Department = "Legal", RequestId = "bad-2", Answers = { Answer("q1", 3) },
        }));
        Assert.Equal("department", Assert.Single(outsider.FieldViolations()).Field);
        var noRequestId = await Refused(StatusCode.InvalidArgument, () => ann.SubmitResponseAsync(new SubmitResponseRequest
        {
            SurveyId = survey.SurveyId, Department = "Marketing", Answers = { Answer("q1", 3) },
        }));
        Assert.Equal("request_id", Assert.Single(noRequestId.FieldViolations()).Field);
        var empty = await Refused(StatusCode.InvalidArgument, () => ann.SubmitResponseAsync(new SubmitResponseRequest
        {
            SurveyId = survey.SurveyId, Department = "Marketing", RequestId = "bad-3",
        }));
        Assert.Equal("answers", Assert.Single(empty.FieldViolations()).Field);

        var unchanged = await (await _kit.Chair).GetSurveyAsync(new GetSurveyRequest { SurveyId = survey.SurveyId });
        Assert.Equal(survey.Etag, unchanged.Etag);
        Assert.Equal(0, unchanged.Respondents);
    }

    [Fact]
    public async Task ReturnsFieldViolationsGivenBadSurvey()
    {
        var chair = await _kit.Chair;
        var bad = await Refused(StatusCode.InvalidArgument, () => chair.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "",
            Audience = { new AudienceDepartment { Department = "Marketing", Invited = -1 } },
            Questions = { Likert("q1", points: 6), new V1.SurveyQuestion { QuestionId = "c", Kind = QuestionKind.SingleChoice, Options = { "a", "a" } } },
        }));
        Assert.Equal(["audience[0].invited", "title"], bad.FieldViolations().Select(v => v.Field).Order(StringComparer.Ordinal));
        var questions = await Refused(StatusCode.InvalidArgument, () => chair.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "T", Audience = { new AudienceDepartment { Department = "Marketing", Invited = 1 } },
            Questions = { Likert("q1", points: 6), new V1.SurveyQuestion { QuestionId = "c", Kind = QuestionKind.SingleChoice, Options = { "a", "a" } } },
        }));
        Assert.Equal(["questions[0].scale_points", "questions[1].options[1]"], questions.FieldViolations().Select(v => v.Field).Order(StringComparer.Ordinal));
        var kind = await Refused(StatusCode.InvalidArgument, () => chair.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "T", Audience = { new AudienceDepartment { Department = "Marketing", Invited = 1 } }, Questions = { new V1.SurveyQuestion { QuestionId = "x" } },
        }));
        Assert.Equal("questions[0].kind", Assert.Single(kind.FieldViolations()).Field);
    }

    [Fact]
    public async Task TreatsASecondResponseAsARevisionAndARetryAsNoOp()
    {
        var survey = await _kit.CreateSmallAsync();
        var bob = await _kit.As("bob", Role.Viewer);
        SubmitResponseRequest Request(string requestId, double q1) => new()
        {
            SurveyId = survey.SurveyId, Department = "Sales", RequestId = requestId, Answers = { Answer("q1", q1) },
        };

        var first = await bob.SubmitResponseAsync(Request("b-1", 2));
        var retry = await bob.SubmitResponseAsync(Request("b-1", 2));
        Assert.Equal(first.Etag, retry.Etag);
        Assert.False(first.Revision);
        var revised = await bob.SubmitResponseAsync(Request("b-2", 5));
        Assert.True(revised.Revision);
        Assert.Equal("bob", revised.RespondentId);

        var results = await bob.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = survey.SurveyId });
        Assert.Equal(1, results.Respondents);
        var q1 = results.Questions.Single(q => q.QuestionId == "q1");
        Assert.Equal(5, q1.Numeric.Mean);
        Assert.Equal(1, (await bob.GetSurveyAsync(new GetSurveyRequest { SurveyId = survey.SurveyId })).Respondents);
        var listed = await bob.ListSurveysAsync(new ListSurveysRequest());
        Assert.Equal(1, listed.Surveys.Single(s => s.SurveyId == survey.SurveyId).Respondents);

        // A respondent answers only for themselves.
        await Refused(StatusCode.PermissionDenied, () => bob.SubmitResponseAsync(new SubmitResponseRequest
        {
            SurveyId = survey.SurveyId, RespondentId = "carol", Department = "Sales", RequestId = "b-3", Answers = { Answer("q1", 1) },
        }));
    }

    [Fact]
    public async Task StoresTwoResponsesGivenTwoRespondentsSendingTheSameRequestId()
    {
        var survey = await _kit.CreateSmallAsync();
        var chair = await _kit.Chair;
        var eve = await _kit.As("eve", Role.Evaluator);
        var fay = await _kit.As("fay", Role.Viewer);
        SubmitResponseRequest Request(string department, double q1, string respondent = "") => new()
        {
            SurveyId = survey.SurveyId, RespondentId = respondent, Department = department, RequestId = "form-1", Answers = { Answer("q1", q1) },
        };

        // A request id is scoped to its respondent: same id, other person → a new response, not a swallowed "retry".
        var first = await eve.SubmitResponseAsync(Request("Marketing", 1));
        var second = await fay.SubmitResponseAsync(Request("Sales", 5));
        var entered = await chair.SubmitResponseAsync(Request("Sales", 3, respondent: "gus"));
        var retry = await fay.SubmitResponseAsync(Request("Sales", 2));

        Assert.Equal(["eve", "fay", "gus"], new[] { first, second, entered }.Select(r => r.RespondentId));
        Assert.All(new[] { first, second, entered }, r => Assert.False(r.Revision));
        Assert.Equal(entered.Etag, retry.Etag); // fay's own retry appends nothing
        var results = await chair.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = survey.SurveyId });
        Assert.Equal(3, results.Respondents);
        Assert.Equal(3, results.Questions.Single(q => q.QuestionId == "q1").Numeric.Mean); // (1 + 5 + 3) / 3, fay's retry not counted
    }

    [Fact]
    public async Task FiltersResultsByDepartmentAndRefusesDepartmentOutsideAudience()
    {
        var survey = await _kit.CreateSmallAsync();
        var chair = await _kit.Chair;
        for (var i = 0; i < 5; i++)
            await chair.SubmitResponseAsync(new SubmitResponseRequest
            {
                SurveyId = survey.SurveyId, RespondentId = $"p{i}", Department = i < 2 ? "Marketing" : "Sales", RequestId = $"p{i}",
                Answers = { Answer("q1", i < 2 ? 5 : 1) },
            });
        var viewer = await _kit.As("viewer", Role.Viewer);

        var sales = await viewer.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = survey.SurveyId, Departments = { "Sales" } });
        var bad = await Refused(StatusCode.InvalidArgument, () => viewer.GetSurveyResultsAsync(new GetSurveyResultsRequest
        {
            SurveyId = survey.SurveyId, Departments = { "Sales", "Legal" },
        }));

        Assert.Equal(3, sales.Respondents);
        Assert.Equal(1, sales.Questions.Single(q => q.QuestionId == "q1").Numeric.Mean);
        Assert.Equal(["Sales"], sales.ResponseRates.Select(r => r.Department));
        Assert.Equal(0.3, sales.OverallResponseRate, 12); // 3 of Sales' 10 invited, Marketing's invitations left out too
        Assert.Equal("departments[1]", Assert.Single(bad.FieldViolations()).Field);
    }

    [Fact]
    public async Task RefusesResponsesAfterCloseAndStaleCloseEtags()
    {
        var survey = await _kit.CreateSmallAsync();
        var chair = await _kit.Chair;
        var dan = await _kit.As("dan", Role.Evaluator);
        var submitted = await dan.SubmitResponseAsync(new SubmitResponseRequest { SurveyId = survey.SurveyId, Department = "Marketing", RequestId = "d-1", Answers = { Answer("q1", 4) } });

        await Refused(StatusCode.Aborted, () => chair.CloseSurveyAsync(new CloseSurveyRequest { SurveyId = survey.SurveyId, Etag = survey.Etag }), "STALE_ETAG");
        await Refused(StatusCode.PermissionDenied, () => dan.CloseSurveyAsync(new CloseSurveyRequest { SurveyId = survey.SurveyId, Etag = submitted.Etag }));
        var closed = await chair.CloseSurveyAsync(new CloseSurveyRequest { SurveyId = survey.SurveyId, Etag = submitted.Etag });
        Assert.Equal(SurveyState.Closed, closed.State);

        await Refused(StatusCode.FailedPrecondition, () => dan.SubmitResponseAsync(new SubmitResponseRequest
        {
            SurveyId = survey.SurveyId, Department = "Marketing", RequestId = "d-2", Answers = { Answer("q1", 1) },
        }), "SURVEY_CLOSED");
        var after = await chair.GetSurveyAsync(new GetSurveyRequest { SurveyId = survey.SurveyId });
        Assert.Equal(closed.Etag, after.Etag);
        // Results stay readable after close, from the response stored before it.
        Assert.Equal(4, (await dan.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = survey.SurveyId })).Questions[0].Numeric.Mean);
    }

    [Fact]
    public async Task HidesSurveysOfOtherTenants()
    {
        var survey = await _kit.CreateSmallAsync();
        var other = new SurveyTestKit(server, "survey-other");
        var stranger = await other.Chair;
        await Refused(StatusCode.NotFound, () => stranger.GetSurveyAsync(new GetSurveyRequest { SurveyId = survey.SurveyId }), "SURVEY_NOT_FOUND");
        await Refused(StatusCode.NotFound, () => stranger.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = survey.SurveyId }));
        await Refused(StatusCode.NotFound, () => stranger.SubmitResponseAsync(new SubmitResponseRequest
        {
            SurveyId = survey.SurveyId, Department = "Marketing", RequestId = "x", Answers = { Answer("q1", 1) },
        }));
        Assert.DoesNotContain((await stranger.ListSurveysAsync(new ListSurveysRequest())).Surveys, s => s.SurveyId == survey.SurveyId);
        var viewer = await _kit.As("viewer", Role.Viewer);
        await Refused(StatusCode.PermissionDenied, () => viewer.CreateSurveyAsync(new CreateSurveyRequest { Title = "no" }));
    }

    [Fact]
    public async Task RefusesLinkToMissingOrForeignEvaluationOrUnknownCriteriaAndStoresNothing()
    {
        var chair = await _kit.Chair;
        var own = await _kit.EvaluationWithCriteriaAsync("reach", "cost");
        var foreign = await new SurveyTestKit(server, "survey-inputs-other").EvaluationWithCriteriaAsync("reach", "cost");
        CreateSurveyRequest Linked(string evaluationId, params string[] criteria) => new()
        {
            Title = "Linked", RequestId = $"linked-{evaluationId}-{criteria.Length}",
            Audience = { new AudienceDepartment { Department = "Marketing", Invited = 5 } },
            Questions = { Likert("imp_reach", "reach") },
            Evaluation = new SurveyEvaluationLink { EvaluationId = evaluationId, CriterionIds = { criteria } },
        };
        var before = (await chair.ListSurveysAsync(new ListSurveysRequest { PageSize = 1000 })).Surveys.Count;

        var missing = await Refused(StatusCode.NotFound, () => chair.CreateSurveyAsync(Linked(Guid.NewGuid().ToString(), "reach")));
        var other = await Refused(StatusCode.NotFound, () => chair.CreateSurveyAsync(Linked(foreign, "reach")));
        var unknown = await Refused(StatusCode.InvalidArgument, () => chair.CreateSurveyAsync(Linked(own, "reach", "vibes", "cost", "luck")));

        // Another tenant's evaluation reads exactly like a missing one: nothing says it exists.
        Assert.Equal(missing.Reason(), other.Reason());
        Assert.Equal(["evaluation.criterion_ids[1]", "evaluation.criterion_ids[3]"], unknown.FieldViolations().Select(v => v.Field));
        Assert.Equal(before, (await chair.ListSurveysAsync(new ListSurveysRequest { PageSize = 1000 })).Surveys.Count);
        Assert.NotNull(await chair.CreateSurveyAsync(Linked(own, "reach", "cost")));
    }
}
