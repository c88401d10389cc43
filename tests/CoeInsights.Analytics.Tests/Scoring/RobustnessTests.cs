using CoeInsights.Analytics.Scoring;

namespace CoeInsights.Analytics.Tests.Scoring;

public sealed class RobustnessTests
{
    /// <summary>
    /// SMAA-2 two alternatives, weights uniform on the simplex (vectors/mcda/smaa_two_alternatives_analytic.json, analytic,
    /// checked with R smaa): A wins iff w1 &gt; 4/9, so P(A first) = 5/9; central weights are E[w | win].
    /// </summary>
    [Fact]
    public void ReturnsAnalyticRankAcceptabilityGivenTwoAlternativesUniformWeights()
    {
        var v = Vectors.Load("mcda/smaa_two_alternatives_analytic.json");
        var ids = v.GetProperty("inputs").GetProperty("alternatives").Strings();
        var result = ScoringEngine.ScoreMatrix(new MatrixScoringRequest
        {
            AlternativeIds = ids,
            Criteria = [new Criterion("c1"), new Criterion("c2")],
            Matrix = v.GetProperty("inputs").GetProperty("values").Matrix(),
            Weights = [0.5, 0.5],
            Options = new ScoringOptions { Normalisation = NormalisationMethod.None },
            Robustness = new RobustnessOptions { MonteCarloSamples = 100_000, Sampling = WeightSampling.UniformSimplex, Seed = 7 },
        });
        var mc = result.Robustness!.MonteCarlo!;
        var tol = v.GetProperty("tolerance").GetProperty("monte_carlo_N_1e5").GetDouble();
        var expected = v.GetProperty("expected");
        for (var i = 0; i < ids.Length; i++)
        {
            Vectors.Near(expected.GetProperty("rank1_acceptability").GetProperty(ids[i]).GetDouble(), mc.RankAcceptability[i][0], tol, $"rank-1 acceptability {ids[i]}");
            Vectors.AllNear(expected.GetProperty("central_weights").GetProperty(ids[i]).Doubles(), mc.CentralWeights[i], tol, $"central weights {ids[i]}");
            Vectors.Near(1.0, mc.RankAcceptability[i].Sum(), 1e-12, "acceptabilities sum to 1");
        }
        Assert.Equal("A", result.Recommendation.WinnerId);
        Assert.Equal(mc.RankAcceptability[0][0], result.Recommendation.ProbabilityFirst);
    }

    [Fact]
    public void ReturnsIdenticalMonteCarloGivenSameSeed()
    {
        MonteCarloResult Run(ulong seed) => ScoringEngine.ScoreMatrix(SmallProblem(new RobustnessOptions { Seed = seed, MonteCarloSamples = 3000 })).Robustness!.MonteCarlo!;
        var a = Run(42);
        var b = Run(42);
        var c = Run(43);
        for (var i = 0; i < a.RankAcceptability.Count; i++)
        {
            Assert.Equal(a.RankAcceptability[i], b.RankAcceptability[i]);
            Assert.Equal(a.CentralWeights[i], b.CentralWeights[i]);
        }
        Assert.NotEqual(a.CentralWeights.SelectMany(r => r).ToArray(), c.CentralWeights.SelectMany(r => r).ToArray());
    }

    /// <summary>Two vendors, A = (0.8, 0.2), B = (0.3, 0.6), w = (0.6, 0.4): WSM scores are linear in w1 and cross at 4/9.</summary>
    [Fact]
    public void ReturnsAnalyticCriticalWeightGivenWsmTwoVendors()
    {
        var result = ScoringEngine.ScoreMatrix(new MatrixScoringRequest
        {
            AlternativeIds = ["A", "B"],
            Criteria = [new Criterion("c1"), new Criterion("c2")],
            Matrix = [[0.8, 0.2], [0.3, 0.6]],
            Weights = [0.6, 0.4],
            Options = new ScoringOptions { Normalisation = NormalisationMethod.None },
            Robustness = new RobustnessOptions { MonteCarloSamples = 0 },
        });
        var s = result.Robustness!.Sensitivity!;
        Vectors.Near(4.0 / 9, s[0].LowerCriticalWeight!.Value, 1e-11, "c1 lower critical weight");
        Assert.Equal("B", s[0].LowerNewWinner);
        Assert.Null(s[0].UpperCriticalWeight);
        Vectors.Near(5.0 / 9, s[1].UpperCriticalWeight!.Value, 1e-11, "c2 upper critical weight");
        Assert.Null(s[1].LowerCriticalWeight);
        Vectors.Near(0.6 - 4.0 / 9, s[0].SmallestChange!.Value, 1e-11, "smallest change");
    }

    [Theory]
    [InlineData(ScoringMethod.Topsis)]
    [InlineData(ScoringMethod.Vikor)]
    [InlineData(ScoringMethod.Wpm)]
    [InlineData(ScoringMethod.Wsm)]
    public void ReturnsCriticalWeightWhereWinnerFlipsGivenAnyMethod(ScoringMethod method)
    {
        var request = SmallProblem(new RobustnessOptions { MonteCarloSamples = 0 }) with
        {
            Options = new ScoringOptions { PrimaryMethod = method },
        };
        var result = ScoringEngine.ScoreMatrix(request);
        var found = 0;
        foreach (var (s, j) in result.Robustness!.Sensitivity!.Select((s, j) => (s, j)))
        {
            foreach (var (critical, newWinner, side) in new[] { (s.LowerCriticalWeight, s.LowerNewWinner, -1), (s.UpperCriticalWeight, s.UpperNewWinner, 1) })
            {
                if (critical is not double t) continue;
                found++;
                var near = WinnerWithWeight(request, j, t - side * 1e-7);
                var beyond = WinnerWithWeight(request, j, t + side * 1e-7);
                Assert.Equal(result.Recommendation.WinnerId, near);
                Assert.Equal(newWinner, beyond);
            }
        }
        Assert.True(found > 0, "the test problem should have at least one critical weight");
    }

    private static string WinnerWithWeight(MatrixScoringRequest request, int j, double t)
    {
        var w = request.Weights!.ToArray();
        var total = w.Sum();
        var wj = w[j] / total;
        var moved = w.Select((x, k) => k == j ? t : x / total * (1 - t) / (1 - wj)).ToArray();
        return ScoringEngine.ScoreMatrix(request with { Weights = moved, Robustness = null }).Recommendation.WinnerId!;
    }

    /// <summary>
    /// Hand-built rank reversal under min-max WSM: A = (11, 5), B = (6, 8), C = (0, 4), w = (0.6, 0.4). With C, c1 spans 0–11
    /// and B wins (0.727 vs 0.7); without C, min-max maps A and B to 0/1 and A wins (0.6 vs 0.4).
    /// </summary>
    [Fact]
    public void ReturnsRankReversalGivenMinMaxWsmAndRemovedVendor()
    {
        var result = ScoringEngine.ScoreMatrix(new MatrixScoringRequest
        {
            AlternativeIds = ["A", "B", "C"],
            Criteria = [new Criterion("c1"), new Criterion("c2")],
            Matrix = [[11, 5], [6, 8], [0, 4]],
            Weights = [0.6, 0.4],
            Options = new ScoringOptions { Normalisation = NormalisationMethod.MinMax },
            Robustness = new RobustnessOptions { MonteCarloSamples = 0, Sensitivity = false },
        });
        Assert.Equal("B", result.Recommendation.WinnerId);
        var removeC = result.Robustness!.RankReversal!.Single(r => r.RemovedVendorId == "C");
        Assert.True(removeC.WinnerChanged);
        Assert.Equal(["A", "B"], removeC.NewOrder);
        Assert.Contains(result.Recommendation.Caveats, c => c.Contains("Rank reversal: removing C", StringComparison.Ordinal));
        var removeA = result.Robustness.RankReversal!.Single(r => r.RemovedVendorId == "A");
        Assert.False(removeA.OrderOfOthersChanged);
    }

    [Fact]
    public void ReturnsNoRankReversalGivenMaxWsmAndSameData()
    {
        var result = ScoringEngine.ScoreMatrix(new MatrixScoringRequest
        {
            AlternativeIds = ["A", "B", "C"],
            Criteria = [new Criterion("c1"), new Criterion("c2")],
            Matrix = [[11, 5], [6, 8], [0, 4]],
            Weights = [0.6, 0.4],
            Robustness = new RobustnessOptions { MonteCarloSamples = 0, Sensitivity = false },
        });
        // Max normalisation: removing C leaves every column maximum (A's 11, B's 8) unchanged.
        Assert.All(result.Robustness!.RankReversal!, r => Assert.False(r.OrderOfOthersChanged));
    }

    internal static MatrixScoringRequest SmallProblem(RobustnessOptions robustness) => new()
    {
        AlternativeIds = ["v1", "v2", "v3", "v4"],
        Criteria = [new Criterion("price", CriterionDirection.Cost), new Criterion("analytics"), new Criterion("listening"), new Criterion("support")],
        Matrix = [[120, 4.2, 3.1, 3.5], [90, 3.8, 4.0, 3.0], [150, 4.8, 3.5, 4.1], [100, 3.0, 3.0, 4.5]],
        Weights = [0.3, 0.3, 0.2, 0.2],
        Robustness = robustness,
    };
}
