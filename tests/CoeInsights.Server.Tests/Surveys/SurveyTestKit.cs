using CoeInsights.Testing;
using CoeInsights.V1;

namespace CoeInsights.Server.Tests.Surveys;

/// <summary>One tenant's people, each with a key: the chair (committee), a viewer, and respondents with evaluator or viewer keys.</summary>
internal sealed class SurveyTestKit(TestServer server, string tenant)
{
    public static readonly string[] Departments = ["Marketing", "Sales", "Support", "HR", "Legal"];

    private readonly Dictionary<string, SurveyService.SurveyServiceClient> _clients = [];

    public async Task<SurveyService.SurveyServiceClient> As(string principal, params Role[] roles)
    {
        if (_clients.TryGetValue(principal, out var client)) return client;
        client = new SurveyService.SurveyServiceClient(server.Channel(await server.CreateKeyAsync(tenant, principal, roles)));
        _clients[principal] = client;
        return client;
    }

    public Task<SurveyService.SurveyServiceClient> Chair => As("chair", Role.Committee);

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
