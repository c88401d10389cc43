using CoeInsights.Analytics.Scoring;
using CoeInsights.Analytics.Surveys;

namespace CoeInsights.Analytics.Tests.Scoring;

/// <summary>docs/limits.md "Value caps": |x| ≤ 1e15 for every number a decision is computed from, checked at validation.</summary>
public sealed class ValueCapTests
{
    private static MatrixScoringRequest Matrix(double[][] rows, double[]? weights = null) => new()
    {
        AlternativeIds = ["A", "B"],
        Criteria = [new Criterion("cost", CriterionDirection.Cost), new Criterion("q", CriterionDirection.Benefit)],
        Matrix = rows,
        Weights = weights ?? [1, 1],
        Options = new ScoringOptions { PrimaryMethod = ScoringMethod.Topsis, Methods = [ScoringMethod.Wsm], Normalisation = NormalisationMethod.Vector },
    };

    [Fact]
    public void ScoresAtTheCapAndRefusesBeyondItNamingEachCell()
    {
        var atCap = ScoringEngine.ScoreMatrix(Matrix([[1e15, -1e15], [-1e15, 1e15]]));
        Assert.All(atCap.Methods.SelectMany(m => m.Scores), s => Assert.True(double.IsFinite(s)));

        var e = Assert.Throws<InvalidInputException>(() => ScoringEngine.ScoreMatrix(Matrix([[1.7e308, 1], [1, -1.0000001e15]], [1, 2e15])));
        Assert.Equal(["matrix[0][0]", "matrix[1][1]", "weights[1]"], e.Violations.Select(v => v.Field));
    }

    [Fact]
    public void RefusesSurveyNumberBeyondCap()
    {
        SurveyQuestion[] questions = [new() { Id = "n", Kind = QuestionKind.Number }];
        SurveyResponse R(string id, double x) => new() { RespondentId = id, Department = "Social", Answers = new Dictionary<string, SurveyAnswer> { ["n"] = SurveyAnswer.Number(x) } };
        var e = Assert.Throws<InvalidInputException>(() => SurveyAnalysis.Analyze(new SurveyResultsRequest
        {
            Questions = questions, Responses = [R("r1", 1e300), R("r2", 1e15), R("r3", -2e15)], Scales = [], Invitations = [], Options = new(),
        }));
        Assert.Equal(["responses[0].answers[n]", "responses[2].answers[n]"], e.Violations.Select(v => v.Field));
    }
}
