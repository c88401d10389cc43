using CoeInsights.Analytics.Scoring;
using CoeInsights.Primitives;

namespace CoeInsights.Analytics.Tests.Scoring;

/// <summary>PROMETHEE II against published examples (vectors/mcda/promethee_ii_published_examples.json) and Brans's definitions.</summary>
public sealed class PrometheeTests
{
    private static ScoringResult Score(double[][] matrix, double[] weights, int[] types, ScoringOptions options, RobustnessOptions? robustness = null) =>
        ScoringEngine.ScoreMatrix(new MatrixScoringRequest
        {
            AlternativeIds = matrix.Select((_, i) => $"A{i + 1}").ToArray(),
            Criteria = types.Select((t, j) => new Criterion($"C{j + 1}", t < 0 ? CriterionDirection.Cost : CriterionDirection.Benefit)).ToArray(),
            Matrix = matrix,
            Weights = weights,
            Options = options,
            Robustness = robustness,
        });

    private static MethodResult Promethee(ScoringResult r) => r.Methods.Single(m => m.Method == ScoringMethod.PrometheeII);

    private static readonly ScoringOptions Usual = new() { PrimaryMethod = ScoringMethod.PrometheeII };

    [Fact]
    public void ReturnsPublishedNetFlowsGivenZhaoPengLiUsualCriterion()
    {
        var v = Vectors.Load("mcda/promethee_ii_published_examples.json").GetProperty("zhao_2013");
        var result = Score(v.GetProperty("matrix").Matrix(), v.GetProperty("weights").Doubles(), v.GetProperty("types_benefit_1_cost_-1").Ints(), Usual);
        var promethee = Promethee(result);

        Vectors.AllNear(v.GetProperty("expected_net_flow_2dp").Doubles(), promethee.Scores, v.GetProperty("tolerance_2dp").GetDouble(), "net flow");
        Assert.True(promethee.HigherIsBetter);
        Assert.Equal([2, 3, 1], promethee.Ranks);
        Assert.Equal("A3", result.Recommendation.WinnerId);
        // The net flow is leaving − entering, and the sum of the weighted unicriterion flows (Brans & Mareschal 2005, §5.4).
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(promethee.Promethee!.LeavingFlow[i] - promethee.Promethee.EnteringFlow[i], promethee.Scores[i], 1e-12);
            Assert.Equal(promethee.Contributions[i].Sum(), promethee.Scores[i], 1e-12);
        }
        Assert.Equal(0, promethee.Scores.Sum(), 1e-12); // net flows always sum to zero
    }

    [Fact]
    public void ReturnsPublishedFlowsGivenEasyMcdmExampleWithCostCriteria()
    {
        var v = Vectors.Load("mcda/promethee_ii_published_examples.json").GetProperty("easymcdm_readme");
        var result = Score(v.GetProperty("matrix").Matrix(), v.GetProperty("weights").Doubles(), v.GetProperty("types_benefit_1_cost_-1").Ints(), Usual);
        var promethee = Promethee(result);
        var scale = v.GetProperty("scale_to_brans").GetDouble();
        var tol = v.GetProperty("tolerance").GetDouble();
        var expected = v.GetProperty("expected_unscaled");

        Vectors.AllNear(expected.GetProperty("leaving").Doubles().Select(x => x * scale).ToArray(), promethee.Promethee!.LeavingFlow, tol, "phi+");
        Vectors.AllNear(expected.GetProperty("entering").Doubles().Select(x => x * scale).ToArray(), promethee.Promethee.EnteringFlow, tol, "phi-");
        Vectors.AllNear(expected.GetProperty("net").Doubles().Select(x => x * scale).ToArray(), promethee.Scores, tol, "phi");
        Assert.Equal("A2", result.Recommendation.WinnerId);
    }

    /// <summary>
    /// V-shape with p = 2 on Zhao et al.'s matrix, worked by hand from Brans &amp; Vincke's type III, P(d) = d/p for
    /// 0 &lt; d ≤ p: unicriterion flows C1 [0, −0.75, 0.75], C2 [0.75, 0, −0.75], C3 [−0.75, 0.75, 0]; net
    /// 0.5·φ1 + 0.3·φ2 + 0.2·φ3 = [0.075, −0.225, 0.15].
    /// </summary>
    [Fact]
    public void ReturnsHandWorkedFlowsGivenVShapeThresholds()
    {
        var options = Usual with { Preferences = new[] { "C1", "C2", "C3" }.Select(id => new CriterionPreference(id, PreferenceFunction.VShape, P: 2)).ToList() };
        var result = Score([[4, 3, 2], [3, 2, 4], [5, 1, 3]], [0.5, 0.3, 0.2], [1, 1, 1], options);
        var promethee = Promethee(result);

        Vectors.AllNear([0.075, -0.225, 0.15], promethee.Scores, 1e-12, "net flow");
        Vectors.AllNear([0.75, 0, -0.75], promethee.NormalisedMatrix.Select(row => row[1]).ToArray(), 1e-12, "phi C2");
        Assert.Contains(result.Decisions, d => d.StartsWith("promethee.preferences=C1:VShape", StringComparison.Ordinal));
    }

    /// <summary>Type II with q = 0, type III with p → 0 and type V with q = 0 are the usual criterion and type III (Brans &amp; Vincke 1985).</summary>
    [Theory]
    [InlineData(PreferenceFunction.UShape, 0, 0, 0)]
    [InlineData(PreferenceFunction.VShape, 0, 1e-9, 0)]
    [InlineData(PreferenceFunction.Linear, 0, 1e-9, 0)]
    [InlineData(PreferenceFunction.Level, 0, 1e-9, 0)]
    public void ReducesToUsualCriterionGivenVanishingThresholds(PreferenceFunction function, double q, double p, double s)
    {
        double[][] matrix = [[4, 3, 2], [3, 2, 4], [5, 1, 3]];
        var usual = Promethee(Score(matrix, [0.5, 0.3, 0.2], [1, 1, 1], Usual)).Scores;
        var options = Usual with { Preferences = new[] { "C1", "C2", "C3" }.Select(id => new CriterionPreference(id, function, q, p, s)).ToList() };
        Vectors.AllNear(usual.ToArray(), Promethee(Score(matrix, [0.5, 0.3, 0.2], [1, 1, 1], options)).Scores, 1e-12, function.ToString());
    }

    [Fact]
    public void RunsEveryRobustnessCheckGivenPrometheePrimary()
    {
        var result = Score([[4, 3, 2], [3, 2, 4], [5, 1, 3], [4, 4, 1]], [0.5, 0.3, 0.2], [1, 1, -1], Usual,
            new RobustnessOptions { MonteCarloSamples = 2000, BootstrapResamples = 0 });
        var robustness = result.Robustness!;
        Assert.NotNull(robustness.Sensitivity);
        Assert.Equal(2000, robustness.MonteCarlo!.Samples);
        Assert.Equal(1.0, robustness.MonteCarlo.RankAcceptability.Sum(ranks => ranks[0]), 1e-12); // one first place per sample
        Assert.InRange(robustness.MonteCarlo.WinnerProbabilityFirst, 0, 1);
        Assert.Equal(3, robustness.RankReversal!.Count);
        Assert.All(Promethee(result).Scores, s => Assert.InRange(s, -1, 1));
    }

    [Fact]
    public void RefusesThresholdsTheFunctionCannotUse()
    {
        InvalidInputException Refused(params CriterionPreference[] preferences) => Assert.Throws<InvalidInputException>(() =>
            Score([[4, 3], [3, 2]], [0.5, 0.5], [1, 1], Usual with { Preferences = preferences }));
        void Names(InvalidInputException e, string field) => Assert.Contains(e.Violations, x => x.Field == field);

        Names(Refused(new CriterionPreference("C1", PreferenceFunction.VShape, P: 0)), "options.preferences[0].p");
        Names(Refused(new CriterionPreference("C1", PreferenceFunction.Linear, Q: 2, P: 1)), "options.preferences[0].p");
        Names(Refused(new CriterionPreference("C1", PreferenceFunction.Gaussian)), "options.preferences[0].s");
        Names(Refused(new CriterionPreference("C1", PreferenceFunction.UShape, Q: -1)), "options.preferences[0].q");
        Names(Refused(new CriterionPreference("C1", PreferenceFunction.Usual, P: double.NaN)), "options.preferences[0].p");
        Names(Refused(new CriterionPreference("C9", PreferenceFunction.Usual)), "options.preferences[0].criterion_id");
        Names(Refused(new CriterionPreference("C1", PreferenceFunction.Usual), new CriterionPreference("C1", PreferenceFunction.Usual)), "options.preferences[1].criterion_id");
    }
}
