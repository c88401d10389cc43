using CoeInsights.Analytics.Scoring;

namespace CoeInsights.Analytics.Tests.Scoring;

public sealed class MethodTests
{
    private static ScoringResult Score(
        double[][] matrix, double[] weights, int[]? types, ScoringOptions options, string[]? ids = null)
    {
        var n = matrix[0].Length;
        return ScoringEngine.ScoreMatrix(new MatrixScoringRequest
        {
            AlternativeIds = ids ?? matrix.Select((_, i) => $"A{i + 1}").ToArray(),
            Criteria = Enumerable.Range(0, n).Select(j => new Criterion($"C{j + 1}",
                types is not null && types[j] < 0 ? CriterionDirection.Cost : CriterionDirection.Benefit)).ToArray(),
            Matrix = matrix,
            Weights = weights,
            Options = options,
        });
    }

    private static MethodResult Method(ScoringResult result, ScoringMethod method) => result.Methods.Single(m => m.Method == method);

    /// <summary>Tzeng &amp; Huang (2011), via scikit-criteria test_TOPSIS_tzeng2011multiple (vectors/mcda/topsis_vikor_tzeng_huang_2011.json).</summary>
    [Fact]
    public void ReturnsPublishedClosenessGivenTzengHuangTopsisWithVectorDefault()
    {
        var v = Vectors.Load("mcda/topsis_vikor_tzeng_huang_2011.json");
        var inputs = v.GetProperty("inputs");
        var result = Score(inputs.GetProperty("matrix").Matrix(), inputs.GetProperty("weights").Doubles(), inputs.GetProperty("types_benefit_1_cost_-1").Ints(),
            new ScoringOptions { PrimaryMethod = ScoringMethod.Topsis });
        var topsis = Method(result, ScoringMethod.Topsis);

        Assert.Equal(NormalisationMethod.Vector, topsis.Normalisation);
        Vectors.AllNear(v.GetProperty("expected").GetProperty("topsis_closeness_4dp").Doubles(), topsis.Scores, v.GetProperty("tolerance").GetProperty("closeness_4dp").GetDouble(), "closeness 4dp");
        Assert.Equal(v.GetProperty("expected").GetProperty("topsis_rank").Ints(), topsis.Ranks);
        var full = v.GetProperty("computed_full_precision").GetProperty("topsis_vector");
        Vectors.AllNear(full.GetProperty("d_plus").Doubles(), topsis.Topsis!.DistanceToIdeal, 1e-9, "d+");
        Vectors.AllNear(full.GetProperty("d_minus").Doubles(), topsis.Topsis.DistanceToAntiIdeal, 1e-9, "d-");
        Vectors.AllNear(full.GetProperty("closeness").Doubles(), topsis.Scores, 1e-9, "closeness");
        Assert.Equal("A3", result.Recommendation.WinnerId);
    }

    /// <summary>Same Tzeng &amp; Huang data with min-max normalisation: different numbers (pymcdm's default), same order.</summary>
    [Fact]
    public void ReturnsMinMaxClosenessGivenTzengHuangWithMinMax()
    {
        var v = Vectors.Load("mcda/topsis_vikor_tzeng_huang_2011.json");
        var inputs = v.GetProperty("inputs");
        var result = Score(inputs.GetProperty("matrix").Matrix(), inputs.GetProperty("weights").Doubles(), null,
            new ScoringOptions { PrimaryMethod = ScoringMethod.Topsis, Normalisation = NormalisationMethod.MinMax });
        Vectors.AllNear(v.GetProperty("computed_full_precision").GetProperty("topsis_minmax_closeness_for_contrast").Doubles(),
            Method(result, ScoringMethod.Topsis).Scores, 1e-9, "min-max closeness");
    }

    /// <summary>Tzeng &amp; Huang (2011) VIKOR, v = 0.5, via scikit-criteria test_VIKOR: S, R, Q, conditions and compromise set.</summary>
    [Fact]
    public void ReturnsPublishedVikorGivenTzengHuang()
    {
        var v = Vectors.Load("mcda/topsis_vikor_tzeng_huang_2011.json");
        var inputs = v.GetProperty("inputs");
        var ids = inputs.GetProperty("alternatives").Strings();
        var result = Score(inputs.GetProperty("matrix").Matrix(), inputs.GetProperty("weights").Doubles(), null,
            new ScoringOptions { PrimaryMethod = ScoringMethod.Vikor }, ids);
        var vikor = Method(result, ScoringMethod.Vikor).Vikor!;
        var expected = v.GetProperty("expected");
        var tol = v.GetProperty("tolerance").GetProperty("vikor").GetDouble();
        Vectors.AllNear(expected.GetProperty("vikor_S").Doubles(), vikor.S, tol, "S");
        Vectors.AllNear(expected.GetProperty("vikor_R").Doubles(), vikor.R, tol, "R");
        Vectors.AllNear(expected.GetProperty("vikor_Q").Doubles(), vikor.Q, tol, "Q");
        Assert.Equal(expected.GetProperty("vikor_acceptable_advantage").GetBoolean(), vikor.AcceptableAdvantage);
        Assert.Equal(expected.GetProperty("vikor_acceptable_stability").GetBoolean(), vikor.AcceptableStability);
        var set = expected.GetProperty("vikor_compromise_set_0based").Ints().Select(i => ids[i]).ToHashSet();
        Assert.Equal(set, vikor.CompromiseSet.ToHashSet());
        Assert.Contains(result.Recommendation.Caveats, c => c.Contains("compromise set", StringComparison.Ordinal));
    }

    /// <summary>Opricovic &amp; Tzeng (2007) EJOR 178(2) hydro-power example under four weight sets (vectors/mcda/vikor_opricovic_tzeng_2007_weight_scenarios.json).</summary>
    [Theory]
    [InlineData("W1")]
    [InlineData("W2")]
    [InlineData("W3")]
    [InlineData("W4")]
    public void ReturnsPublishedVikorGivenOpricovicTzengWeightScenario(string scenario)
    {
        var v = Vectors.Load("mcda/vikor_opricovic_tzeng_2007_weight_scenarios.json");
        var inputs = v.GetProperty("inputs");
        var ids = inputs.GetProperty("alternatives").Strings();
        var weights = inputs.GetProperty("weight_scenarios_unnormalised").GetProperty(scenario).Doubles();
        var result = Score(inputs.GetProperty("matrix").Matrix(), weights, inputs.GetProperty("types_benefit_1_cost_-1").Ints(),
            new ScoringOptions { PrimaryMethod = ScoringMethod.Vikor }, ids);
        var method = Method(result, ScoringMethod.Vikor);
        var vikor = method.Vikor!;
        var expected = v.GetProperty("expected").GetProperty(scenario);
        var tol = v.GetProperty("tolerance").GetProperty("S_R_Q").GetDouble();
        Vectors.AllNear(expected.GetProperty("S").Doubles(), vikor.S, tol, "S");
        Vectors.AllNear(expected.GetProperty("R").Doubles(), vikor.R, tol, "R");
        Vectors.AllNear(expected.GetProperty("Q").Doubles(), vikor.Q, tol, "Q");
        var full = v.GetProperty("computed_full_precision").GetProperty(scenario);
        Vectors.AllNear(full.GetProperty("Q").Doubles(), vikor.Q, 1e-9, "Q full precision");
        Assert.Equal(expected.GetProperty("rank_by_Q").Ints(), method.Ranks);
        Assert.Equal(expected.GetProperty("acceptable_advantage").GetBoolean(), vikor.AcceptableAdvantage);
        Assert.Equal(expected.GetProperty("acceptable_stability").GetBoolean(), vikor.AcceptableStability);
        Assert.Equal(expected.GetProperty("compromise_set_0based").Ints().Select(i => ids[i]).ToHashSet(), vikor.CompromiseSet.ToHashSet());
        Vectors.Near(1.0, result.Weights.Sum(), 1e-12, "weights renormalised");
    }

    /// <summary>Wikipedia "Weighted sum model" example (vectors/mcda/wsm_wpm_wikipedia.json): raw WSM ties A2 and A3; the tie-break decides and says so.</summary>
    [Fact]
    public void ReturnsPublishedWsmTieGivenWikipediaExample()
    {
        var v = Vectors.Load("mcda/wsm_wpm_wikipedia.json");
        var inputs = v.GetProperty("inputs");
        var ids = inputs.GetProperty("alternatives").Strings();
        var result = Score(inputs.GetProperty("matrix").Matrix(), inputs.GetProperty("weights").Doubles(), null,
            new ScoringOptions { Normalisation = NormalisationMethod.None }, ids);
        Vectors.AllNear(v.GetProperty("expected").GetProperty("wsm_scores").Doubles(), Method(result, ScoringMethod.Wsm).Scores,
            v.GetProperty("tolerance").GetProperty("wsm_scores").GetDouble(), "WSM");
        Assert.Equal([3, 1, 1], Method(result, ScoringMethod.Wsm).Ranks);
        Assert.True(result.Recommendation.IsTie);
        Assert.Equal("A2", result.Recommendation.WinnerId);
        Assert.Equal(["A3"], result.Recommendation.TiedWith);
        Vectors.Near(0.0, result.Recommendation.Margin!.Value, 1e-12, "margin");

        var bySmallestId = Score(inputs.GetProperty("matrix").Matrix(), inputs.GetProperty("weights").Doubles(), null,
            new ScoringOptions { Normalisation = NormalisationMethod.None, TieBreak = TieBreakRule.SmallestId }, ["Z1", "Z2", "B3"]);
        Assert.Equal("B3", bySmallestId.Recommendation.WinnerId);
    }

    /// <summary>Same Wikipedia data: WPM ratios P(AK/AL) = Π (aKj/aLj)^wj equal ratios of WPM scores; A1 &gt; A2 &gt; A3.</summary>
    [Fact]
    public void ReturnsWpmRatiosGivenWikipediaExample()
    {
        var v = Vectors.Load("mcda/wsm_wpm_wikipedia.json");
        var inputs = v.GetProperty("inputs");
        var full = v.GetProperty("computed_full_precision");
        var tol = v.GetProperty("tolerance").GetProperty("wpm_ratio").GetDouble();
        foreach (var normalisation in new[] { NormalisationMethod.None, NormalisationMethod.Max })
        {
            var s = Method(Score(inputs.GetProperty("matrix").Matrix(), inputs.GetProperty("weights").Doubles(), null,
                new ScoringOptions { PrimaryMethod = ScoringMethod.Wpm, Normalisation = normalisation }), ScoringMethod.Wpm).Scores;
            Vectors.Near(full.GetProperty("wpm_ratio_A1_A2").GetDouble(), s[0] / s[1], tol, $"{normalisation} A1/A2");
            Vectors.Near(full.GetProperty("wpm_ratio_A1_A3").GetDouble(), s[0] / s[2], tol, $"{normalisation} A1/A3");
            Vectors.Near(full.GetProperty("wpm_ratio_A2_A3").GetDouble(), s[1] / s[2], tol, $"{normalisation} A2/A3");
        }
    }

    /// <summary>Same Wikipedia data with pymcdm's default sum normalisation: WSM and WPM values as printed by pymcdm 1.4.0 (8 dp).</summary>
    [Fact]
    public void ReturnsPymcdmValuesGivenSumNormalisation()
    {
        var v = Vectors.Load("mcda/wsm_wpm_wikipedia.json");
        var inputs = v.GetProperty("inputs");
        var full = v.GetProperty("computed_full_precision");
        var options = new ScoringOptions { Methods = [ScoringMethod.Wsm, ScoringMethod.Wpm], Normalisation = NormalisationMethod.Sum };
        var result = Score(inputs.GetProperty("matrix").Matrix(), inputs.GetProperty("weights").Doubles(), null, options);
        Vectors.AllNear(full.GetProperty("wsm_after_sum_normalisation_pymcdm_default").Doubles(), Method(result, ScoringMethod.Wsm).Scores, 1e-9, "WSM sum");
        Vectors.AllNear(full.GetProperty("pymcdm_WPM_default_scores").Doubles(), Method(result, ScoringMethod.Wpm).Scores, 5e-9, "WPM sum");
        Assert.Equal("A3", result.Recommendation.WinnerId);
        Assert.Contains(result.Recommendation.Caveats, c => c.Contains("Wpm", StringComparison.Ordinal) && c.Contains("A1", StringComparison.Ordinal));
    }

    /// <summary>
    /// Literature example: Papathanasiou, J. &amp; Ploskas, N. (2018) "TOPSIS", ch. 1 in Multiple Criteria Decision Aid: Methods,
    /// Examples and Python Implementations, Springer (pp. 1–30): 6 alternatives × 4 benefit criteria, w = (0.4, 0.3, 0.1, 0.2),
    /// vector normalisation; published closeness to 3 dp 0.387, 0.327, 0.391, 0.615, 0.868, 0.493 (as transcribed in the
    /// distance_metrics_mcda test suite).
    /// </summary>
    [Fact]
    public void ReturnsPublishedClosenessGivenPapathanasiouPloskasTopsisExample()
    {
        double[][] matrix = [[8, 7, 2, 1], [5, 3, 7, 5], [7, 5, 6, 4], [9, 9, 7, 3], [11, 10, 3, 7], [6, 9, 5, 4]];
        var result = Score(matrix, [0.4, 0.3, 0.1, 0.2], null, new ScoringOptions { PrimaryMethod = ScoringMethod.Topsis });
        Vectors.AllNear([0.387, 0.327, 0.391, 0.615, 0.868, 0.493], Method(result, ScoringMethod.Topsis).Scores, 0.0005, "closeness 3dp");
        Assert.Equal("A5", result.Recommendation.WinnerId);
    }

    /// <summary>
    /// Literature example: Papathanasiou, J. &amp; Ploskas, N. (2018) "VIKOR", ch. 2 in Multiple Criteria Decision Aid (pp. 31–55),
    /// same 6 × 4 data, v = 0.625; published Q to 3 dp 0.640, 1.000, 0.693, 0.271, 0.000, 0.694 (as transcribed in the
    /// pyrepo-mcda and crispyn test suites).
    /// </summary>
    [Fact]
    public void ReturnsPublishedQGivenPapathanasiouPloskasVikorExample()
    {
        double[][] matrix = [[8, 7, 2, 1], [5, 3, 7, 5], [7, 5, 6, 4], [9, 9, 7, 3], [11, 10, 3, 7], [6, 9, 5, 4]];
        var result = Score(matrix, [0.4, 0.3, 0.1, 0.2], null, new ScoringOptions { PrimaryMethod = ScoringMethod.Vikor, VikorV = 0.625 });
        var vikor = Method(result, ScoringMethod.Vikor);
        Vectors.AllNear([0.640, 1.000, 0.693, 0.271, 0.000, 0.694], vikor.Scores, 0.0005, "Q 3dp");
        Assert.Equal(0.625, vikor.Vikor!.V);
        Assert.Equal("A5", result.Recommendation.WinnerId);
    }

    [Fact]
    public void ReturnsCostInvertedBeforeWeightingGivenCostCriterion()
    {
        // Cost column [10, 20, 40]: min-max → 1, 2/3, 0; max (min/x) → 1, 0.5, 0.25; sum → (1/x)/Σ(1/x).
        double[][] matrix = [[10], [20], [40]];
        int[] cost = [-1];
        Vectors.AllNear([1, 2.0 / 3, 0], Method(Score(matrix, [1], cost, new ScoringOptions { Normalisation = NormalisationMethod.MinMax }), ScoringMethod.Wsm).Scores, 1e-15, "min-max");
        Vectors.AllNear([1, 0.5, 0.25], Method(Score(matrix, [1], cost, new ScoringOptions()), ScoringMethod.Wsm).Scores, 1e-15, "max");
        Vectors.AllNear([4.0 / 7, 2.0 / 7, 1.0 / 7], Method(Score(matrix, [1], cost, new ScoringOptions { Normalisation = NormalisationMethod.Sum }), ScoringMethod.Wsm).Scores, 1e-15, "sum");
        var norm = Math.Sqrt(100 + 400 + 1600);
        Vectors.AllNear([1 - 10 / norm, 1 - 20 / norm, 1 - 40 / norm], Method(Score(matrix, [1], cost, new ScoringOptions { Normalisation = NormalisationMethod.Vector }), ScoringMethod.Wsm).Scores, 1e-15, "vector");
    }

    [Fact]
    public void ReturnsFiniteResultsGivenConstantColumns()
    {
        double[][] matrix = [[3, 5], [3, 5], [3, 5]];
        var options = new ScoringOptions { Methods = [ScoringMethod.Wsm, ScoringMethod.Wpm, ScoringMethod.Topsis, ScoringMethod.Vikor], Normalisation = NormalisationMethod.MethodDefault };
        var result = Score(matrix, [0.5, 0.5], null, options);
        foreach (var method in result.Methods)
        {
            Assert.All(method.Scores, s => Assert.True(double.IsFinite(s), $"{method.Method} gave {s}"));
            Assert.All(method.Ranks, r => Assert.Equal(1, r));
        }
        Assert.Equal(["C1", "C2"], result.ConstantCriteria);
        Assert.True(result.Recommendation.IsTie);
        Vectors.AllNear([0.5, 0.5, 0.5], Method(result, ScoringMethod.Topsis).Scores, 0, "TOPSIS closeness when d+ = d- = 0");
        Vectors.AllNear([0, 0, 0], Method(result, ScoringMethod.Vikor).Vikor!.Q, 0, "VIKOR Q when S and R ranges are 0");
    }

    [Fact]
    public void ReturnsContributionsSummingToTotalGivenWsm()
    {
        var result = Score([[1, 4, 2], [3, 2, 5], [2, 2, 2]], [0.5, 0.3, 0.2], null, new ScoringOptions());
        var wsm = Method(result, ScoringMethod.Wsm);
        for (var i = 0; i < 3; i++) Vectors.Near(wsm.Scores[i], wsm.Contributions[i].Sum(), 1e-15, $"vendor {i}");
    }

    [Fact]
    public void ReturnsVikorRegretSumsGivenVikorContributions()
    {
        var result = Score([[1, 4, 2], [3, 2, 5], [2, 2, 2]], [0.5, 0.3, 0.2], null, new ScoringOptions { PrimaryMethod = ScoringMethod.Vikor });
        var vikor = Method(result, ScoringMethod.Vikor);
        for (var i = 0; i < 3; i++)
        {
            Vectors.Near(vikor.Vikor!.S[i], vikor.Contributions[i].Sum(), 1e-15, $"S {i}");
            Vectors.Near(vikor.Vikor.R[i], vikor.Contributions[i].Max(), 1e-15, $"R {i}");
        }
    }
}
