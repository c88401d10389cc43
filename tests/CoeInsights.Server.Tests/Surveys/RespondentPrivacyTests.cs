using CoeInsights.Testing;
using CoeInsights.V1;

namespace CoeInsights.Server.Tests.Surveys;

/// <summary>
/// Respondent ids are personal data: GetSurveyResults and DeriveWeights show them to committee (and admin) keys, and
/// pseudonyms R001… (order of first response, kept through revisions) to viewer and evaluator keys.
/// </summary>
public sealed class RespondentPrivacyTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly string[] Criteria = ["reach", "cost", "support"];

    /// <summary>Four people answer a pairwise question (entered by the chair); "bob" contradicts himself, then "alice" revises.</summary>
    private static async Task<string> AnsweredSurvey(SurveyTestKit kit)
    {
        var chair = await kit.Chair;
        var survey = await chair.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "Privacy", RequestId = "create",
            Audience = { new AudienceDepartment { Department = "Marketing", Invited = 10 }, new AudienceDepartment { Department = "Sales", Invited = 10 } },
            Questions = { new V1.SurveyQuestion { QuestionId = "ahp", Kind = QuestionKind.Pairwise, Options = { Criteria } } },
        });
        var answers = new (string Who, string Department, double[] Judgements)[]
        {
            ("alice", "Marketing", [3, 5, 2]), ("bob", "Sales", [9, 1.0 / 9, 9]), ("carol", "Sales", [2, 4, 2]), ("dan", "Marketing", [1, 3, 3]),
            ("alice", "Marketing", [4, 6, 2]),
        };
        var n = 0;
        foreach (var (who, department, judgements) in answers)
            await chair.SubmitResponseAsync(new SubmitResponseRequest
            {
                SurveyId = survey.SurveyId, RespondentId = who, Department = department, RequestId = $"r{n++}",
                Answers = { new V1.SurveyAnswer { QuestionId = "ahp", Pairwise = new PairwiseAnswer { Judgements = { judgements } } } },
            });
        return survey.SurveyId;
    }

    [Fact]
    public async Task ShowsPseudonymsToViewersAndEvaluatorsAndRealIdsToCommitteeGivenPairwiseResults()
    {
        var kit = new SurveyTestKit(server, "privacy-results");
        var id = await AnsweredSurvey(kit);
        var chair = await kit.Chair;
        var viewer = await kit.As("viewer", Role.Viewer);
        var evaluator = await kit.As("evaluator", Role.Evaluator);

        var real = (await chair.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = id })).Questions.Single().Pairwise;
        var hidden = (await viewer.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = id })).Questions.Single().Pairwise;
        var hiddenToEvaluator = (await evaluator.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = id })).Questions.Single().Pairwise;

        Assert.Equal(["alice", "bob", "carol", "dan"], real.Respondents.Select(r => r.RespondentId));
        Assert.Equal(["bob"], real.ExcludedRespondents.Select(x => x.RespondentId));
        // alice revised last but keeps R001: pseudonyms follow the order of first response.
        Assert.Equal(["R001", "R002", "R003", "R004"], hidden.Respondents.Select(r => r.RespondentId));
        Assert.Equal(["R002"], hidden.ExcludedRespondents.Select(x => x.RespondentId));
        Assert.Equal(["R001", "R003", "R004"], hidden.UsedRespondents);
        Assert.Equal(hidden.ToString(), hiddenToEvaluator.ToString());
        // The numbers are the same either way; only the ids differ.
        Assert.Equal(real.GroupWeights, hidden.GroupWeights);
        Assert.Equal(real.Respondents.Select(r => (r.Department, r.ConsistencyRatio)), hidden.Respondents.Select(r => (r.Department, r.ConsistencyRatio)));
    }

    [Fact]
    public async Task ShowsPseudonymsToViewersAndRealIdsToCommitteeGivenDerivedWeights()
    {
        var kit = new SurveyTestKit(server, "privacy-weights");
        var id = await AnsweredSurvey(kit);
        var request = new DeriveWeightsRequest { SurveyId = id, Method = WeightDerivationMethod.PairwiseJudgements };

        var real = await (await kit.Chair).DeriveWeightsAsync(request);
        var hidden = await (await kit.As("viewer", Role.Viewer)).DeriveWeightsAsync(request);

        Assert.Equal(["alice", "carol", "dan"], real.UsedRespondents.Order(StringComparer.Ordinal));
        Assert.Equal(["bob"], real.ExcludedRespondents.Select(x => x.RespondentId));
        Assert.Equal(["R001", "R003", "R004"], hidden.UsedRespondents.Order(StringComparer.Ordinal));
        Assert.Equal(["R002"], hidden.ExcludedRespondents.Select(x => x.RespondentId));
        Assert.Equal(real.Weights.Select(w => (w.CriterionId, w.Weight)), hidden.Weights.Select(w => (w.CriterionId, w.Weight)));
    }
}
