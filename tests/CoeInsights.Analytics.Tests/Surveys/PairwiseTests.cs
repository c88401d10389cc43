using CoeInsights.Analytics.Scoring;
using CoeInsights.Analytics.Surveys;
using CoeInsights.Analytics.Tests.Scoring;

namespace CoeInsights.Analytics.Tests.Surveys;

public sealed class PairwiseTests
{
    private const string City200 = "mcda/group_ahp_aij_aip_ahpsurvey_city200.json";

    /// <summary>ahpsurvey 0.4.2 city200 rows 1–3 (tests/vectors/mcda/group_ahp_aij_aip_ahpsurvey_city200.json): the raw survey
    /// rows in upper-triangle order, converted as ahp.mat(negconvert = TRUE) does (v → −v; negative → 1/|v|).</summary>
    internal static (string[] Criteria, double[][] Judgements) City200Survey()
    {
        var v = Vectors.Load(City200).GetProperty("inputs");
        var criteria = v.GetProperty("criteria").Strings();
        var rows = v.GetProperty("raw_rows").Matrix().Select(r => r.Select(x => -x < 0 ? 1 / Math.Abs(-x) : -x).ToArray()).ToArray();
        return (criteria, rows);
    }

    private static SurveyQuestion Question(string[] criteria) => new() { Id = "pw", Kind = QuestionKind.Pairwise, Options = criteria };

    private static SurveyResponse Response(string id, string department, double[] judgements) =>
        new() { RespondentId = id, Department = department, Answers = new Dictionary<string, SurveyAnswer> { ["pw"] = SurveyAnswer.Pairwise(judgements) } };

    /// <summary>Survey-level path: three respondents' pairwise answers → group weights = eigenvector of the element-wise geometric
    /// mean of judgements printed by ahpsurvey (eigen_of_aggjudge_weights, λmax 5.149380699825), and each respondent's own
    /// eigenvector (reference implementation values in the same file).</summary>
    [Fact]
    public void ReturnsAhpsurveyGroupWeightsGivenCity200Respondents()
    {
        var vector = Vectors.Load(City200);
        var (criteria, judgements) = City200Survey();
        var responses = judgements.Select((j, i) => Response($"r{i + 1}", "Social", j)).ToArray();

        var results = SurveyAnalysis.Analyze(new SurveyResultsRequest { Questions = [Question(criteria)], Responses = responses });

        var pairwise = results.Questions[0].Pairwise!;
        var tol = vector.GetProperty("tolerance").GetProperty("all").GetDouble();
        Vectors.AllNear(vector.GetProperty("expected").GetProperty("eigen_of_aggjudge_weights").Doubles(), pairwise.Group!.Weights, tol, "group weights");
        Vectors.Near(vector.GetProperty("expected").GetProperty("eigen_of_aggjudge_lambda_max").GetDouble(), pairwise.Group.LambdaMax, tol, "λmax");
        var g = vector.GetProperty("expected").GetProperty("ahpsurvey_aggjudge_geometric_matrix").Matrix();
        for (var i = 0; i < g.Length; i++) Vectors.AllNear(g[i], pairwise.Group.GroupMatrix![i], 1e-9, $"group matrix row {i}");
        var individual = vector.GetProperty("computed_full_precision").GetProperty("individual_eigen").EnumerateArray().Select(Vectors.Doubles).ToArray();
        for (var k = 0; k < 3; k++) Vectors.AllNear(individual[k], pairwise.Respondents[k].Weights, tol, $"respondent {k + 1}");
        Assert.All(pairwise.Respondents, r => Assert.False(r.IsInconsistent));
        Assert.Equal(["r1", "r2", "r3"], pairwise.UsedRespondents);
        Vectors.AllNear(pairwise.Group.Weights, pairwise.BalancedWeights!, 1e-12, "one department: balanced = plain");
    }

    /// <summary>Same data through DeriveWeights: the pairwise-derived criterion weights are the published group weights, and
    /// the group CR is the Saaty-2005 CR of the AIJ matrix (computed_full_precision.AIJ_matrix_CR_saaty2005).</summary>
    [Fact]
    public void DerivesAhpsurveyGroupWeightsGivenCity200Respondents()
    {
        var vector = Vectors.Load(City200);
        var (criteria, judgements) = City200Survey();

        var weights = SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
        {
            Questions = [Question(criteria)],
            Responses = judgements.Select((j, i) => Response($"r{i + 1}", i == 2 ? "PR" : "Social", j)).ToArray(),
            Method = WeightDerivationMethod.PairwiseJudgements,
            DepartmentBalanced = false,
        });

        var tol = vector.GetProperty("tolerance").GetProperty("all").GetDouble();
        Assert.Equal(criteria, weights.CriterionIds);
        Vectors.AllNear(vector.GetProperty("expected").GetProperty("eigen_of_aggjudge_weights").Doubles(), weights.Weights, tol, "weights");
        Vectors.Near(vector.GetProperty("computed_full_precision").GetProperty("AIJ_matrix_CR_saaty2005").GetDouble(), weights.GroupConsistencyRatio!.Value, tol, "group CR");
        Vectors.Near(1, weights.Weights.Sum(), 1e-12, "sum");
        Assert.Equal(["PR", "Social"], weights.Departments.Select(d => d.Department));
        Assert.Equal([1, 2], weights.Departments.Select(d => d.Respondents));
        Assert.False(weights.IsDepartmentBalanced);
        Assert.Equal(WeightDerivationMethod.PairwiseJudgements, weights.Method);
    }

    /// <summary>Balanced pairwise weights: with departments {r1, r2} and {r3}, the balanced group matrix is the geometric mean of
    /// √(A1∘A2) and A3, i.e. element-wise A1^¼ A2^¼ A3^½; its eigenvector (by the engine on that matrix) is the balanced weights.</summary>
    [Fact]
    public void ReturnsGeometricMeanOfDepartmentMatricesGivenDepartmentBalancedPairwise()
    {
        var (criteria, judgements) = City200Survey();
        var m = judgements.Select(j => PairwiseAnalysis.Matrix(5, j)).ToArray();
        var expectedMatrix = Enumerable.Range(0, 5).Select(i => (IReadOnlyList<double>)Enumerable.Range(0, 5)
            .Select(j => Math.Pow(m[0][i][j], 0.25) * Math.Pow(m[1][i][j], 0.25) * Math.Pow(m[2][i][j], 0.5)).ToArray()).ToArray();
        var expected = ScoringEngine.ComputeAhpWeights(new AhpRequest { PairwiseMatrices = [expectedMatrix] }).Weights;

        var weights = SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
        {
            Questions = [Question(criteria)],
            Responses = judgements.Select((j, i) => Response($"r{i + 1}", i == 2 ? "PR" : "Social", j)).ToArray(),
            Method = WeightDerivationMethod.PairwiseJudgements,
        });

        Assert.True(weights.IsDepartmentBalanced);
        Vectors.AllNear(expected, weights.Weights, 1e-9, "balanced weights");
        Vectors.AllNear(weights.BalancedWeights, weights.Weights, 0, "headline = balanced");
    }

    /// <summary>A fourth, maximally intransitive respondent (a > b 9, b > c 9, c > a 9 …) has CR > 0.10: flagged, excluded with the
    /// reason, and the group weights stay the published city200 ones.</summary>
    [Fact]
    public void ExcludesInconsistentRespondentGivenDefaultThreshold()
    {
        var vector = Vectors.Load(City200);
        var (criteria, judgements) = City200Survey();
        double[] intransitive = [9, 1.0 / 9, 9, 1.0 / 9, 9, 1.0 / 9, 9, 9, 1.0 / 9, 9];
        var responses = judgements.Select((j, i) => Response($"r{i + 1}", "Social", j)).Append(Response("bad", "HR", intransitive)).ToArray();

        var weights = SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
        {
            Questions = [Question(criteria)], Responses = responses, Method = WeightDerivationMethod.PairwiseJudgements, DepartmentBalanced = false,
        });
        var results = SurveyAnalysis.Analyze(new SurveyResultsRequest { Questions = [Question(criteria)], Responses = responses });

        var flagged = results.Questions[0].Pairwise!.Respondents.Single(r => r.RespondentId == "bad");
        Assert.True(flagged.IsInconsistent);
        Assert.True(flagged.ConsistencyRatio > 0.10, $"CR {flagged.ConsistencyRatio}");
        Assert.False(flagged.UsedInGroup);
        var excluded = Assert.Single(weights.ExcludedRespondents);
        Assert.Equal("bad", excluded.RespondentId);
        Assert.Contains("CR", excluded.Reason);
        Assert.Equal(["r1", "r2", "r3"], weights.UsedRespondents);
        Vectors.AllNear(vector.GetProperty("expected").GetProperty("eigen_of_aggjudge_weights").Doubles(), weights.Weights, 1e-9, "weights");
    }

    [Fact]
    public void KeepsInconsistentRespondentGivenExclusionSwitchedOff()
    {
        var (criteria, judgements) = City200Survey();
        double[] intransitive = [9, 1.0 / 9, 9, 1.0 / 9, 9, 1.0 / 9, 9, 9, 1.0 / 9, 9];
        var responses = judgements.Select((j, i) => Response($"r{i + 1}", "Social", j)).Append(Response("bad", "HR", intransitive)).ToArray();

        var weights = SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
        {
            Questions = [Question(criteria)], Responses = responses, Method = WeightDerivationMethod.PairwiseJudgements,
            Options = new SurveyOptions { ExcludeInconsistentRespondents = false },
        });

        Assert.Equal(4, weights.UsedRespondents.Count);
        Assert.Empty(weights.ExcludedRespondents);
    }

    /// <summary>The threshold is configurable: at CR ≤ 0.05 respondents 1 and 3 of city200 (Saaty CR above 0.05) are excluded.</summary>
    [Fact]
    public void FlagsMoreRespondentsGivenStricterThreshold()
    {
        var (criteria, judgements) = City200Survey();
        var responses = judgements.Select((j, i) => Response($"r{i + 1}", "Social", j)).ToArray();
        var all = SurveyAnalysis.Analyze(new SurveyResultsRequest { Questions = [Question(criteria)], Responses = responses }).Questions[0].Pairwise!;

        var strict = SurveyAnalysis.Analyze(new SurveyResultsRequest
        {
            Questions = [Question(criteria)], Responses = responses, Options = new SurveyOptions { MaxConsistencyRatio = 0.05 },
        }).Questions[0].Pairwise!;

        var expectedFlagged = all.Respondents.Where(r => r.ConsistencyRatio > 0.05).Select(r => r.RespondentId).ToArray();
        Assert.NotEmpty(expectedFlagged);
        Assert.Equal(expectedFlagged, strict.Respondents.Where(r => r.IsInconsistent).Select(r => r.RespondentId));
        Assert.Equal(expectedFlagged, strict.ExcludedRespondents.Select(r => r.RespondentId));
    }

    [Fact]
    public void ThrowsInvalidInputGivenNoConsistentRespondent()
    {
        var (criteria, _) = City200Survey();
        double[] intransitive = [9, 1.0 / 9, 9, 1.0 / 9, 9, 1.0 / 9, 9, 9, 1.0 / 9, 9];

        var e = Assert.Throws<InvalidInputException>(() => SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
        {
            Questions = [Question(criteria)], Responses = [Response("bad", "HR", intransitive)], Method = WeightDerivationMethod.PairwiseJudgements,
        }));
        Assert.Equal("responses", e.Violations.Single().Field);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(9, true)]
    [InlineData(1.0 / 7, true)]
    [InlineData(0.333, true)]
    [InlineData(0.33, false)]
    [InlineData(2.5, false)]
    [InlineData(10, false)]
    [InlineData(0, false)]
    [InlineData(double.NaN, false)]
    public void AcceptsOnlySaatyScaleValues(double x, bool expected) => Assert.Equal(expected, PairwiseAnalysis.IsSaatyValue(x));
}
