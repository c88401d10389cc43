using CoeInsights.Testing;
using CoeInsights.V1;

namespace CoeInsights.Server.Tests.Surveys;

/// <summary>One tenant's people, each with a key: the chair (committee), a viewer, and respondents with evaluator or viewer keys.</summary>
internal sealed class SurveyTestKit(TestServer server, string tenant)
{
    public static readonly string[] Departments = ["Marketing", "Sales", "Support", "HR", "Legal"];

    private readonly PrincipalClients<SurveyService.SurveyServiceClient> _clients = new();

    /// <summary>The principal's client; its key (with these roles) is made on first use.</summary>
    public Task<SurveyService.SurveyServiceClient> As(string principal, params Role[] roles) =>
        _clients.Get(principal, async () => new SurveyService.SurveyServiceClient(server.Channel(await server.CreateKeyAsync(tenant, principal, roles))));

    public Task<SurveyService.SurveyServiceClient> Chair => As("chair", Role.Committee);

    /// <summary>An evaluation of this tenant with these criterion ids, for a survey to link to (CreateSurvey checks the link).</summary>
    public async Task<string> EvaluationWithCriteriaAsync(params string[] criterionIds)
    {
        var evaluations = new EvaluationService.EvaluationServiceClient(server.Channel(await server.CreateKeyAsync(tenant, "evaluation-chair", Role.Committee)));
        var evaluation = await evaluations.CreateEvaluationAsync(new CreateEvaluationRequest
        {
            Title = "Linked evaluation", Purpose = "p", Scale = new ScoreScale { Min = 1, Max = 5 }, RequestId = $"linked-{string.Join('-', criterionIds)}",
        });
        await evaluations.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = evaluation.EvaluationId,
            Criteria = { criterionIds.Select(c => new Criterion { CriterionId = c, Description = c, Category = c }) },
        });
        return evaluation.EvaluationId;
    }

    public static V1.SurveyQuestion Likert(string id, string? criterion = null, int points = 5) =>
        new() { QuestionId = id, Kind = QuestionKind.Likert, ScalePoints = points, CriterionId = criterion ?? "", Text = $"How important is {id}?" };

    public static SurveyAnswer Answer(string questionId, double likert) => new() { QuestionId = questionId, Likert = likert };

    /// <summary>A small open survey over two departments (10 invited each): q1, q2 Likert, nps, a choice.</summary>
    public async Task<V1.Survey> CreateSmallAsync(string? requestId = null) =>
        await (await Chair).CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "CoE satisfaction", RequestId = requestId ?? "",
            Audience = { new AudienceDepartment { Department = "Marketing", Invited = 10 }, new AudienceDepartment { Department = "Sales", Invited = 10 } },
            Questions =
            {
                Likert("q1"), Likert("q2"),
                new V1.SurveyQuestion { QuestionId = "nps", Kind = QuestionKind.Nps },
                new V1.SurveyQuestion { QuestionId = "tool", Kind = QuestionKind.SingleChoice, Options = { "hoot", "sprout" } },
            },
        });
}
