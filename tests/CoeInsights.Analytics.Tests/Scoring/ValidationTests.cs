using CoeInsights.Analytics.Scoring;

namespace CoeInsights.Analytics.Tests.Scoring;

public sealed class ValidationTests
{
    private static MatrixScoringRequest Valid() => new()
    {
        AlternativeIds = ["v1", "v2", "v3"],
        Criteria = [new Criterion("c1"), new Criterion("c2", CriterionDirection.Cost), new Criterion("c3")],
        Matrix = [[1, 2, 3], [2, 3, 4], [3, 1, 2]],
        Weights = [0.5, 0.3, 0.2],
    };

    private static EvaluationScoringRequest ValidEvaluation(IReadOnlyList<EvaluatorScore>? scores = null) => new()
    {
        Vendors = [new Vendor("v1"), new Vendor("v2")],
        Criteria = [new Criterion("c1"), new Criterion("c2")],
        EvaluatorIds = ["e1", "e2"],
        Scale = new ScoreScale(1, 5),
        Scores = scores ??
        [
            new("e1", "v1", "c1", 3), new("e1", "v1", "c2", 4), new("e1", "v2", "c1", 5), new("e1", "v2", "c2", 2),
            new("e2", "v1", "c1", 4), new("e2", "v1", "c2", 4), new("e2", "v2", "c1", 5), new("e2", "v2", "c2", 1),
        ],
        Weights = [0.6, 0.4],
    };

    private static InvalidInputException Rejects(Action act) => Assert.Throws<InvalidInputException>(act);

    private static void AssertField(InvalidInputException e, string field) =>
        Assert.True(e.Violations.Any(v => v.Field == field), $"expected a violation on {field}; got {string.Join(" | ", e.Violations.Select(v => v.Field + ": " + v.Description))}");

    [Fact]
    public void AcceptsValidRequest()
    {
        Assert.Equal(3, ScoringEngine.ScoreMatrix(Valid()).VendorIds.Count);
        Assert.Equal(2, ScoringEngine.ScoreEvaluation(ValidEvaluation()).VendorIds.Count);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void RejectsNonFiniteMatrixValueGivenNaNOrInfinity(double bad)
    {
        var e = Rejects(() => ScoringEngine.ScoreMatrix(Valid() with { Matrix = [[1, 2, 3], [2, 3, bad], [3, 1, 2]] }));
        AssertField(e, "matrix[1][2]");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void RejectsNonFiniteWeightGivenNaNOrInfinity(double bad)
    {
        AssertField(Rejects(() => ScoringEngine.ScoreMatrix(Valid() with { Weights = [bad, 0.3, 0.2] })), "weights[0]");
    }

    [Fact]
    public void RejectsNegativeWeightGivenNegativeValue()
    {
        AssertField(Rejects(() => ScoringEngine.ScoreMatrix(Valid() with { Weights = [0.5, -0.3, 0.2] })), "weights[1]");
    }

    [Fact]
    public void RejectsAllZeroWeightsGivenZeros()
    {
        AssertField(Rejects(() => ScoringEngine.ScoreMatrix(Valid() with { Weights = [0, 0, 0] })), "weights");
    }

    [Fact]
    public void RejectsWeightCountGivenWrongLength()
    {
        AssertField(Rejects(() => ScoringEngine.ScoreMatrix(Valid() with { Weights = [0.5, 0.5] })), "weights");
    }

    [Fact]
    public void RejectsFewerThanTwoVendorsGivenOneAlternative()
    {
        var e = Rejects(() => ScoringEngine.ScoreMatrix(Valid() with { AlternativeIds = ["v1"], Matrix = [[1, 2, 3]] }));
        AssertField(e, "alternative_ids");
        var e2 = Rejects(() => ScoringEngine.ScoreEvaluation(ValidEvaluation() with { Vendors = [new Vendor("v1")], Scores = [] }));
        AssertField(e2, "vendors");
    }

    [Fact]
    public void RejectsDuplicateIdsGivenRepeatedVendorCriterionOrEvaluator()
    {
        AssertField(Rejects(() => ScoringEngine.ScoreMatrix(Valid() with { AlternativeIds = ["v1", "v2", "v1"] })), "alternative_ids[2]");
        AssertField(Rejects(() => ScoringEngine.ScoreMatrix(Valid() with { Criteria = [new Criterion("c1"), new Criterion("c1"), new Criterion("c3")] })), "criteria[1].id");
        AssertField(Rejects(() => ScoringEngine.ScoreEvaluation(ValidEvaluation() with { Vendors = [new Vendor("v1"), new Vendor("v1")] })), "vendors[1].id");
        AssertField(Rejects(() => ScoringEngine.ScoreEvaluation(ValidEvaluation() with { EvaluatorIds = ["e1", "e1"] })), "evaluator_ids[1]");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(5.5)]
    [InlineData(double.NaN)]
    public void RejectsScoreGivenValueOutsideScaleOrNaN(double bad)
    {
        var scores = ValidEvaluation().Scores.ToList();
        scores[2] = scores[2] with { Value = bad };
        var e = Rejects(() => ScoringEngine.ScoreEvaluation(ValidEvaluation(scores)));
        AssertField(e, "scores[evaluator=e1,vendor=v2,criterion=c1]");
    }

    [Fact]
    public void RejectsScoreGivenUnknownVendorOrDuplicate()
    {
        var scores = ValidEvaluation().Scores.Append(new EvaluatorScore("e1", "nope", "c1", 3)).Append(new EvaluatorScore("e2", "v2", "c2", 3)).ToArray();
        var e = Rejects(() => ScoringEngine.ScoreEvaluation(ValidEvaluation(scores)));
        AssertField(e, "scores[8].vendor_id");
        AssertField(e, "scores[evaluator=e2,vendor=v2,criterion=c2]");
    }

    [Fact]
    public void RejectsDuplicateScoreNamingTheFirstGivenRepeatedCell()
    {
        var original = ValidEvaluation().Scores.ToList();
        var first = original.FindIndex(s => s is { EvaluatorId: "e2", VendorId: "v2", CriterionId: "c2" });
        Assert.True(first >= 0);
        // An invalid earlier copy of the cell (out of scale) did not fill it, so the valid one is named.
        var scores = original.Prepend(new EvaluatorScore("e2", "v2", "c2", 99)).Append(new EvaluatorScore("e2", "v2", "c2", 3)).ToArray();
        var e = Rejects(() => ScoringEngine.ScoreEvaluation(ValidEvaluation(scores)));
        var duplicate = Assert.Single(e.Violations, v => v.Field == "scores[evaluator=e2,vendor=v2,criterion=c2]" && v.Description.StartsWith("duplicate", StringComparison.Ordinal));
        Assert.Equal($"duplicate score (also at scores[{first + 1}])", duplicate.Description);
    }

    [Fact]
    public void RejectsNonReciprocalPairwiseMatrixGivenBrokenReciprocal()
    {
        double[][] matrix = [[1, 3, 5], [0.5, 1, 2], [0.2, 0.5, 1]];
        var e = Rejects(() => ScoringEngine.ScoreMatrix(Valid() with { Weights = null, PairwiseMatrices = [matrix] }));
        AssertField(e, "pairwise_matrices[0][1][0]");
        var e2 = Rejects(() => ScoringEngine.ComputeAhpWeights(new AhpRequest { PairwiseMatrices = [matrix] }));
        AssertField(e2, "pairwise_matrices[0][1][0]");
    }

    [Fact]
    public void AcceptsNearlyReciprocalPairwiseMatrixGivenTolerance()
    {
        double[][] rounded = [[1, 3, 0.2], [0.333, 1, 0.143], [5, 7, 1]];
        var result = ScoringEngine.ComputeAhpWeights(new AhpRequest { PairwiseMatrices = [rounded] });
        Vectors.Near(1.0, result.Weights.Sum(), 1e-12, "sum");
        Rejects(() => ScoringEngine.ComputeAhpWeights(new AhpRequest
        {
            PairwiseMatrices = [rounded],
            Options = new AhpOptions { ReciprocityTolerance = 1e-6 },
        }));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-2.0)]
    [InlineData(double.NaN)]
    public void RejectsNonPositivePairwiseJudgementGivenZeroNegativeOrNaN(double bad)
    {
        double[][] matrix = [[1, 3, bad], [1.0 / 3, 1, 2], [0.2, 0.5, 1]];
        AssertField(Rejects(() => ScoringEngine.ComputeAhpWeights(new AhpRequest { PairwiseMatrices = [matrix] })), "pairwise_matrices[0][0][2]");
    }

    [Fact]
    public void RejectsPairwiseMatrixGivenWrongSize()
    {
        double[][] two = [[1, 2], [0.5, 1]];
        double[][] three = [[1, 2, 2], [0.5, 1, 1], [0.5, 1, 1]];
        AssertField(Rejects(() => ScoringEngine.ComputeAhpWeights(new AhpRequest { PairwiseMatrices = [three, two] })), "pairwise_matrices[1]");
        AssertField(Rejects(() => ScoringEngine.ScoreMatrix(Valid() with { Weights = null, PairwiseMatrices = [two] })), "pairwise_matrices[0]");
    }

    [Fact]
    public void RejectsAgreementGivenNaNScore()
    {
        AssertField(Rejects(() => ScoringEngine.ComputeAgreement(new AgreementRequest { Scores = [[1, 2, 3], [1, double.NaN, 3]] })), "scores[1][1]");
        AssertField(Rejects(() => ScoringEngine.ComputeAgreement(new AgreementRequest { Scores = [[1, 2, 3]] })), "scores");
    }

    [Fact]
    public void RejectsWpmGivenNonPositiveValue()
    {
        var e = Rejects(() => ScoringEngine.ScoreMatrix(Valid() with
        {
            Matrix = [[0, 2, 3], [2, 3, 4], [3, 1, 2]],
            Options = new ScoringOptions { PrimaryMethod = ScoringMethod.Wpm },
        }));
        AssertField(e, "matrix[0][0]");
    }

    [Fact]
    public void RejectsOptionsGivenOutOfRangeValues()
    {
        var e = Rejects(() => ScoringEngine.ScoreMatrix(Valid() with
        {
            Options = new ScoringOptions { VikorV = 1.5 },
            Robustness = new RobustnessOptions { Concentration = 0, ConfidenceLevel = 1, MonteCarloSamples = -1 },
        }));
        AssertField(e, "options.vikor_v");
        AssertField(e, "robustness.concentration");
        AssertField(e, "robustness.confidence_level");
        AssertField(e, "robustness.monte_carlo_samples");
    }

    [Fact]
    public void RejectsEveryBadFieldAtOnceGivenSeveralViolations()
    {
        var e = Rejects(() => ScoringEngine.ScoreMatrix(Valid() with
        {
            AlternativeIds = ["v1", "v1", "v3"],
            Matrix = [[1, double.NaN, 3], [2, 3, 4], [3, 1, 2]],
            Weights = [0.5, -1, 0.2],
        }));
        AssertField(e, "alternative_ids[1]");
        AssertField(e, "matrix[0][1]");
        AssertField(e, "weights[1]");
    }

    [Fact]
    public void RejectsMissingFactGivenFactCriterion()
    {
        var request = ValidEvaluation() with
        {
            Criteria = [new Criterion("c1"), new Criterion("c2"), new Criterion("cost", CriterionDirection.Cost, Source: CriterionSource.VendorFact)],
            Weights = [0.4, 0.3, 0.3],
            Facts = [new VendorFact("v1", "cost", 1000)],
        };
        AssertField(Rejects(() => ScoringEngine.ScoreEvaluation(request)), "facts[vendor=v2,criterion=cost]");
    }
}
