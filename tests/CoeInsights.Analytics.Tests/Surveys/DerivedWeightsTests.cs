using CoeInsights.Analytics.Surveys;
using CoeInsights.Analytics.Tests.Scoring;

namespace CoeInsights.Analytics.Tests.Surveys;

/// <summary>Importance-rating weights. No published worked example of "mean importance → normalised weights" with department
/// balancing was found; these are hand-computed cases.</summary>
public sealed class DerivedWeightsTests
{
    private static readonly SurveyQuestion[] Questions =
    [
        new() { Id = "i1", Kind = QuestionKind.Likert, CriterionId = "cost" },
        new() { Id = "i2", Kind = QuestionKind.Likert, CriterionId = "listening" },
        new() { Id = "nps", Kind = QuestionKind.Nps },
    ];

    private static SurveyResponse R(string id, string department, double? i1, double? i2)
    {
        var answers = new Dictionary<string, SurveyAnswer>();
        if (i1 is { } a) answers["i1"] = SurveyAnswer.Likert(a);
        if (i2 is { } b) answers["i2"] = SurveyAnswer.Likert(b);
        return new SurveyResponse { RespondentId = id, Department = department, Answers = answers };
    }

    private static readonly SurveyResponse[] Responses =
        [R("r1", "Social", 5, 1), R("r2", "Social", 5, 1), R("r3", "HR", 1, 5), R("r4", "HR", 4, null)];

    /// <summary>Complete respondents r1–r3 (r4 lacks i2). Plain means 11/3 and 7/3 → 11/18, 7/18. Department means Social (5, 1),
    /// HR (1, 5) → balanced (3, 3) → 1/2, 1/2; Social 5/6, 1/6; HR 1/6, 5/6.</summary>
    [Fact]
    public void ReturnsPlainBalancedAndDepartmentWeightsGivenImportanceRatings()
    {
        var w = SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest { Questions = Questions, Responses = Responses, Method = WeightDerivationMethod.ImportanceRatings });

        Assert.Equal(["cost", "listening"], w.CriterionIds);
        Vectors.AllNear([11.0 / 3, 7.0 / 3], w.MeanImportance, 1e-12, "means");
        Vectors.AllNear([11.0 / 18, 7.0 / 18], w.PlainWeights, 1e-12, "plain");
        Vectors.AllNear([0.5, 0.5], w.BalancedWeights, 1e-12, "balanced");
        Vectors.AllNear(w.BalancedWeights, w.Weights, 0, "headline = balanced by default");
        Assert.True(w.IsDepartmentBalanced);
        Assert.Equal(["HR", "Social"], w.Departments.Select(d => d.Department));
        Vectors.AllNear([1.0 / 6, 5.0 / 6], w.Departments[0].Weights, 1e-12, "HR");
        Vectors.AllNear([5.0 / 6, 1.0 / 6], w.Departments[1].Weights, 1e-12, "Social");
        Assert.Equal(["r1", "r2", "r3"], w.UsedRespondents);
        var excluded = Assert.Single(w.ExcludedRespondents);
        Assert.Equal("r4", excluded.RespondentId);
        Assert.Contains("i2", excluded.Reason);
        Assert.Equal(WeightDerivationMethod.ImportanceRatings, w.Method);
        Assert.Equal(["i1", "i2"], w.SourceQuestionIds);
    }

    [Fact]
    public void ReturnsPlainWeightsAsHeadlineGivenBalancingOff()
    {
        var w = SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
        {
            Questions = Questions, Responses = Responses, Method = WeightDerivationMethod.ImportanceRatings, DepartmentBalanced = false,
        });

        Vectors.AllNear([11.0 / 18, 7.0 / 18], w.Weights, 1e-12, "plain");
        Assert.False(w.IsDepartmentBalanced);
    }

    /// <summary>A reverse-keyed importance item ("cost does not matter to me") is recoded 6 − x before averaging.</summary>
    [Fact]
    public void RecodesReverseKeyedImportanceItem()
    {
        SurveyQuestion[] questions = [Questions[0] with { ReverseKeyed = true }, Questions[1]];

        var w = SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
        {
            Questions = questions, Responses = [R("r1", "Social", 1, 5)], Method = WeightDerivationMethod.ImportanceRatings,
        });

        Vectors.AllNear([5, 5], w.MeanImportance, 1e-12, "recoded means");
        Vectors.AllNear([0.5, 0.5], w.Weights, 1e-12, "weights");
    }

    [Fact]
    public void ThrowsInvalidInputGivenNoCompleteRespondent()
    {
        var e = Assert.Throws<InvalidInputException>(() => SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
        {
            Questions = Questions, Responses = [R("r4", "HR", 4, null)], Method = WeightDerivationMethod.ImportanceRatings,
        }));
        Assert.Equal("responses", e.Violations.Single().Field);
    }

    [Fact]
    public void ThrowsInvalidInputGivenUnsuitableQuestionIds()
    {
        var e = Assert.Throws<InvalidInputException>(() => SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
        {
            Questions = Questions, Responses = Responses, Method = WeightDerivationMethod.ImportanceRatings, QuestionIds = ["i1", "nps", "nope", "i1"],
        }));
        Assert.Equal(["question_ids[1]", "question_ids[2]", "question_ids[3]"], e.Violations.Select(v => v.Field));
    }

    [Fact]
    public void ThrowsInvalidInputGivenMixedScales()
    {
        SurveyQuestion[] questions = [Questions[0], Questions[1] with { ScalePoints = 7 }];

        var e = Assert.Throws<InvalidInputException>(() => SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
        {
            Questions = questions, Responses = Responses, Method = WeightDerivationMethod.ImportanceRatings,
        }));
        Assert.Contains(e.Violations, v => v.Field == "question_ids" && v.Description.Contains("one scale"));
    }

    [Fact]
    public void ThrowsInvalidInputGivenNoPairwiseQuestionForPairwiseMethod()
    {
        var e = Assert.Throws<InvalidInputException>(() => SurveyAnalysis.DeriveWeights(new DeriveWeightsRequest
        {
            Questions = Questions, Responses = Responses, Method = WeightDerivationMethod.PairwiseJudgements,
        }));
        Assert.Equal("question_ids", e.Violations.Single().Field);
    }
}
