using CoeInsights.Analytics.Scoring;

namespace CoeInsights.Analytics.Tests.Scoring;

/// <summary>Entropy and CRITIC weights against pymcdm's test suite and its cited papers (vectors/mcda/objective_weights_pymcdm.json).</summary>
public sealed class ObjectiveWeightsTests
{
    private static ScoringResult Score(double[][] matrix, bool[]? cost = null, ScoringOptions? options = null) => ScoringEngine.ScoreMatrix(new MatrixScoringRequest
    {
        Options = options ?? new ScoringOptions(),
        AlternativeIds = matrix.Select((_, i) => $"A{i + 1}").ToArray(),
        Criteria = matrix[0].Select((_, j) => new Criterion($"C{j + 1}", cost?[j] == true ? CriterionDirection.Cost : CriterionDirection.Benefit)).ToArray(),
        Matrix = matrix,
        Weights = matrix[0].Select(_ => 1.0).ToArray(),
    });

    [Fact]
    public void ReturnsPublishedEntropyWeightsGivenElsayedDawoodKarthikeyan()
    {
        var v = Vectors.Load("mcda/objective_weights_pymcdm.json").GetProperty("entropy_elsayed_2017");
        var result = Score(v.GetProperty("matrix").Matrix());
        Vectors.AllNear(v.GetProperty("expected_6dp").Doubles(), result.ObjectiveWeights!.Entropy!, v.GetProperty("tolerance").GetDouble(), "entropy");
        Assert.NotNull(result.ObjectiveWeights.EntropyWinnerId);
    }

    [Fact]
    public void ReturnsPublishedCriticWeightsGivenTusAdali()
    {
        var v = Vectors.Load("mcda/objective_weights_pymcdm.json").GetProperty("critic_tus_adali_2019");
        var result = Score(v.GetProperty("matrix").Matrix());
        Vectors.AllNear(v.GetProperty("expected_3dp").Doubles(), result.ObjectiveWeights!.Critic!, v.GetProperty("tolerance").GetDouble(), "CRITIC");
    }

    /// <summary>A constant criterion tells the vendors apart on nothing: weight 0 by both, never NaN (pymcdm's CRITIC gives NaN).</summary>
    [Fact]
    public void GivesConstantCriterionZeroWeightGivenEitherMethod()
    {
        var result = Score([[1, 5, 10], [2, 5, 30], [4, 5, 20]], [false, false, true]);
        var o = result.ObjectiveWeights!;
        Assert.Equal(0, o.Entropy![1]);
        Assert.Equal(0, o.Critic![1]);
        Assert.Equal(1, o.Entropy.Sum(), 12);
        Assert.Equal(1, o.Critic.Sum(), 12);
        Assert.All(o.Critic.Concat(o.Entropy), w => Assert.True(double.IsFinite(w)));
    }

    [Fact]
    public void LeavesEntropyUndefinedGivenNegativeValues()
    {
        var o = Score([[-1, 5], [2, 6], [4, 9]], options: new ScoringOptions { Normalisation = NormalisationMethod.MinMax }).ObjectiveWeights!;
        Assert.Null(o.Entropy);
        Assert.Null(o.EntropyWinnerId);
        Assert.NotNull(o.Critic);
    }
}
