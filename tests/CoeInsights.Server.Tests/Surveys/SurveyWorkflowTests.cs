using CoeInsights.Server.Tests.Evaluations;
using CoeInsights.Testing;
using CoeInsights.V1;
using static CoeInsights.Server.Tests.Surveys.SurveyTestKit;

namespace CoeInsights.Server.Tests.Surveys;

/// <summary>
/// Issue 5 end to end over gRPC and PostgreSQL: 40 respondents from 5 departments → results → derived weights →
/// weights applied to an evaluation → the evaluation's ranking uses them.
/// </summary>
public sealed class SurveyWorkflowTests(TestServer server) : IClassFixture<TestServer>
{
    private const string Tenant = "surveys";
    private readonly SurveyTestKit _kit = new(server, Tenant);
    private readonly EvaluationTestKit _evaluations = new(server, Tenant);

    private static readonly string[] Criteria = ["analytics", "publishing", "annual-cost"];

    /// <summary>Respondent i (0..39) in department i / 8: cost matters most; every tenth judges the pairwise block inconsistently.</summary>
    private static SubmitResponseRequest Answers(string surveyId, int i) => new()
    {
        SurveyId = surveyId, Department = Departments[i / 8], RequestId = $"r-{i}",
        Answers =
        {
            Answer("imp-analytics", 1 + i % 3), Answer("imp-publishing", 2), Answer("imp-cost", i / 8 == 0 ? 6 : 7),
            new SurveyAnswer { QuestionId = "nps", Nps = i % 11 },
            Answer("sat1", 1 + i % 5), Answer("sat2", Math.Min(5, 1 + i % 5 + i % 2)), Answer("sat3", Math.Max(1, 1 + i % 5 - (i % 3 == 0 ? 1 : 0))),
            new SurveyAnswer
            {
                QuestionId = "ahp",
                Pairwise = new PairwiseAnswer { Judgements = { i % 10 == 9 ? [9, 1.0 / 9, 9] : [1, 1.0 / 5, 1.0 / 5] } },
            },
        },
    };

    [Fact]
    public async Task AppliesWeightsDerivedFromFortyRespondentsToTheEvaluationRanking()
    {
        // An evaluation scored under its own weights (analytics 0.5, publishing 0.3, cost 0.2).
        var evaluation = await _evaluations.CreateConfiguredAsync();
        var evaluationId = evaluation.EvaluationId;
        await _evaluations.ScoreAsync("e1", evaluationId, 5);
        var chairOfEvaluation = await _evaluations.Chair;
        var before = await chairOfEvaluation.ScoreEvaluationAsync(new ScoreEvaluationRequest { EvaluationId = evaluationId });

        var chair = await _kit.Chair;
        var create = new CreateSurveyRequest
        {
            Title = "What matters in a social suite", RequestId = "survey-1",
            Audience = { Departments.Select(d => new AudienceDepartment { Department = d, Invited = 10 }) },
            Questions =
            {
                Likert("imp-analytics", "analytics", 7), Likert("imp-publishing", "publishing", 7), Likert("imp-cost", "annual-cost", 7),
                new V1.SurveyQuestion { QuestionId = "nps", Kind = QuestionKind.Nps },
                Likert("sat1"), Likert("sat2"), Likert("sat3"),
                new V1.SurveyQuestion { QuestionId = "ahp", Kind = QuestionKind.Pairwise, Options = { Criteria } },
            },
            Scales = { new V1.SurveyScale { ScaleId = "satisfaction", QuestionIds = { "sat1", "sat2", "sat3" } } },
            Evaluation = new SurveyEvaluationLink { EvaluationId = evaluationId, CriterionIds = { Criteria } },
        };
        var survey = await chair.CreateSurveyAsync(create);
        Assert.Equal(survey.SurveyId, (await chair.CreateSurveyAsync(create)).SurveyId); // a retried request_id creates nothing new

        for (var i = 0; i < 40; i++)
        {
            var respondent = await _kit.As($"person-{i}", i % 2 == 0 ? Role.Evaluator : Role.Viewer);
            var submitted = await respondent.SubmitResponseAsync(Answers(survey.SurveyId, i));
            Assert.False(submitted.Revision);
        }

        var viewer = await _kit.As("viewer", Role.Viewer);
        var results = await viewer.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = survey.SurveyId });
        Assert.Equal(40, results.Respondents);
        Assert.Equal(0.8, results.OverallResponseRate, 12);
        Assert.All(results.ResponseRates, r => Assert.Equal(8, r.Responded));
        var cost = results.Questions.Single(q => q.QuestionId == "imp-cost");
        Assert.Equal(7, cost.Distribution.Count);
        Assert.Equal(32, cost.Distribution.Single(c => c.Category == "7").Count);
        Assert.Equal(8, cost.Distribution.Single(c => c.Category == "6").Count);
        Assert.Equal(5, cost.Departments.Count);
        var nps = results.Questions.Single(q => q.QuestionId == "nps").Nps;
        var answers = Enumerable.Range(0, 40).Select(i => i % 11).ToList();
        var expectedNps = 100.0 * (answers.Count(a => a >= 9) - answers.Count(a => a <= 6)) / 40;
        Assert.Equal(expectedNps, nps.Score, 9);
        Assert.True(nps.Lower < nps.Score && nps.Score < nps.Upper);
        var satisfaction = Assert.Single(results.Scales);
        Assert.Equal(40, satisfaction.CompleteRespondents);
        Assert.True(satisfaction.HasAlpha && satisfaction.Alpha > 0.8, $"alpha {satisfaction.Alpha}");
        var ahp = results.Questions.Single(q => q.QuestionId == "ahp").Pairwise;
        Assert.Equal(4, ahp.InconsistentRespondents);

        var marketingOnly = await viewer.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = survey.SurveyId, Departments = { "Marketing" } });
        Assert.Equal(8, marketingOnly.Respondents);
        Assert.Equal(8, marketingOnly.Questions.Single(q => q.QuestionId == "imp-cost").Distribution.Single(c => c.Category == "6").Count);

        var pairwise = await viewer.DeriveWeightsAsync(new DeriveWeightsRequest { SurveyId = survey.SurveyId, Method = WeightDerivationMethod.PairwiseJudgements });
        Assert.Equal(4, pairwise.ExcludedRespondents.Count);
        Assert.All(pairwise.ExcludedRespondents, x => Assert.Contains("CR", x.Reason, StringComparison.OrdinalIgnoreCase));
        Assert.Equal([1 / 7.0, 1 / 7.0, 5 / 7.0], pairwise.Weights.Select(w => Math.Round(w.Weight, 9)), new RoundedComparer());

        var derived = await viewer.DeriveWeightsAsync(new DeriveWeightsRequest { SurveyId = survey.SurveyId, Method = WeightDerivationMethod.ImportanceRatings });
        Assert.Equal(Criteria, derived.Weights.Select(w => w.CriterionId));
        Assert.Equal(1, derived.Weights.Sum(w => w.Weight), 12);
        Assert.True(derived.DepartmentBalanced);
        Assert.Equal(Departments.Order(StringComparer.Ordinal), derived.Departments.Select(d => d.Department));
        Assert.Equal(40, derived.UsedRespondents.Count);
        Assert.True(derived.Weights[2].Weight > 0.6);

        // Stale evaluation etag → ABORTED, nothing set.
        var etag = (await chairOfEvaluation.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = evaluationId })).Etag;
        await EvaluationTestKit.Refused(Grpc.Core.StatusCode.Aborted, () => chair.ApplySurveyWeightsAsync(new ApplySurveyWeightsRequest
        {
            SurveyId = survey.SurveyId, Method = WeightDerivationMethod.ImportanceRatings, EvaluationEtag = CoeInsights.Common.Etag.Format(EvaluationTestKit.Version(etag) - 1),
        }));
        await EvaluationTestKit.Refused(Grpc.Core.StatusCode.PermissionDenied, () => viewer.ApplySurveyWeightsAsync(new ApplySurveyWeightsRequest
        {
            SurveyId = survey.SurveyId, Method = WeightDerivationMethod.ImportanceRatings,
        }));

        var applied = await chair.ApplySurveyWeightsAsync(new ApplySurveyWeightsRequest
        {
            SurveyId = survey.SurveyId, Method = WeightDerivationMethod.ImportanceRatings, EvaluationEtag = etag,
        });
        Assert.Equal(evaluationId, applied.EvaluationId);
        Assert.Equal(EvaluationTestKit.Version(etag) + 1, EvaluationTestKit.Version(applied.EvaluationEtag));

        var stored = (await chairOfEvaluation.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = evaluationId })).Weights;
        Assert.Equal(WeightSource.Survey, stored.Source);
        Assert.Equal(survey.SurveyId, stored.Survey.SurveyId);
        Assert.Equal(41, stored.Survey.SurveyVersion); // published + 40 responses
        Assert.Equal(applied.SurveyVersion, stored.Survey.SurveyVersion);
        // On the evaluation's stream: the WeightsSet event names the survey and its version.
        var history = await chairOfEvaluation.GetEvaluationHistoryAsync(new GetEvaluationHistoryRequest { EvaluationId = evaluationId, PageSize = 100 });
        var weightsSet = history.Events.Last(e => e.EventType == "WeightsSet");
        Assert.Equal($"set weights from survey {survey.SurveyId} v41", weightsSet.Summary);
        Assert.Equal("chair", weightsSet.Actor);

        var after = await chairOfEvaluation.ScoreEvaluationAsync(new ScoreEvaluationRequest { EvaluationId = evaluationId });
        var used = after.Result.CriterionIds.Zip(after.Result.Weights).ToDictionary(x => x.First, x => x.Second);
        foreach (var w in derived.Weights) Assert.Equal(w.Weight, used[w.CriterionId], 12);
        Assert.Equal("brand", after.Result.Recommendation.WinnerId); // the cheapest wins once cost carries the weight
        Assert.NotEqual(before.Result.Recommendation.WinnerId, after.Result.Recommendation.WinnerId);
    }

    private sealed class RoundedComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-6;
        public int GetHashCode(double obj) => 0;
    }
}
