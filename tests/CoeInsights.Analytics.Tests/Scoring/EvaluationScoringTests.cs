using CoeInsights.Analytics.Scoring;

namespace CoeInsights.Analytics.Tests.Scoring;

public sealed class EvaluationScoringTests
{
    // Three evaluators score three vendors on two criteria (1–5); "cost" is an annual-cost fact.
    private static readonly (string E, string V, string C, double S)[] Raw =
    [
        ("e1", "v1", "analytics", 5), ("e2", "v1", "analytics", 4), ("e3", "v1", "analytics", 1),
        ("e1", "v2", "analytics", 3), ("e2", "v2", "analytics", 3), ("e3", "v2", "analytics", 4),
        ("e1", "v3", "analytics", 2), ("e2", "v3", "analytics", 2), ("e3", "v3", "analytics", 2),
        ("e1", "v1", "listening", 4), ("e2", "v1", "listening", 2), ("e3", "v1", "listening", 3),
        ("e1", "v2", "listening", 2), ("e2", "v2", "listening", 4), ("e3", "v2", "listening", 2),
        ("e1", "v3", "listening", 3), ("e2", "v3", "listening", 3), ("e3", "v3", "listening", 4),
    ];

    private static EvaluationScoringRequest Request(
        AggregationOptions? aggregation = null, IEnumerable<(string E, string V, string C, double S)>? raw = null, double? mustHave = null) => new()
    {
        Vendors = [new Vendor("v1"), new Vendor("v2"), new Vendor("v3")],
        Criteria =
        [
            new Criterion("analytics", Category: "Analytics", MustHaveThreshold: mustHave),
            new Criterion("listening", Category: "Listening"),
            new Criterion("cost", CriterionDirection.Cost, Source: CriterionSource.VendorFact),
        ],
        EvaluatorIds = ["e1", "e2", "e3"],
        Scale = new ScoreScale(1, 5),
        Scores = (raw ?? Raw).Select(r => new EvaluatorScore(r.E, r.V, r.C, r.S)).ToArray(),
        Facts = [new VendorFact("v1", "cost", 30000), new VendorFact("v2", "cost", 20000), new VendorFact("v3", "cost", 25000)],
        Weights = [5, 3, 2],
        Aggregation = aggregation ?? new AggregationOptions(),
    };

    private static double[] Cell(string v, string c) => Raw.Where(r => r.V == v && r.C == c).Select(r => r.S).ToArray();

    [Theory]
    [InlineData(AggregationMethod.Mean)]
    [InlineData(AggregationMethod.Median)]
    [InlineData(AggregationMethod.TrimmedMean)]
    public void ReturnsAggregatedCellsGivenAggregationMethod(AggregationMethod method)
    {
        var result = ScoringEngine.ScoreEvaluation(Request(new AggregationOptions { Method = method, TrimFraction = 1.0 / 3 }));
        var agg = result.Aggregation!;
        foreach (var (v, i) in new[] { ("v1", 0), ("v2", 1), ("v3", 2) })
        {
            foreach (var (c, j) in new[] { ("analytics", 0), ("listening", 1) })
            {
                var values = Cell(v, c).Order().ToArray();
                var expected = method == AggregationMethod.Mean ? values.Average() : values[1]; // 3 values: median = trimmed(1/3) = middle
                Vectors.Near(expected, agg.Aggregated[i][j], 1e-15, $"{method} {v}/{c}");
                var mean = values.Average();
                Vectors.Near(Math.Sqrt(values.Sum(x => (x - mean) * (x - mean)) / 2), agg.StandardDeviation[i][j], 1e-15, $"sd {v}/{c}");
                Vectors.Near(0.5 * (values[2] - values[0]), agg.InterquartileRange[i][j], 1e-15, $"IQR {v}/{c}"); // type 7 with n = 3
            }
            Assert.Equal(new[] { 30000.0, 20000, 25000 }[i], agg.Aggregated[i][2]);
        }
    }

    [Fact]
    public void ReturnsKendallWPerCriterionGivenEvaluatorScores()
    {
        var result = ScoringEngine.ScoreEvaluation(Request());
        foreach (var (c, j) in new[] { ("analytics", 0), ("listening", 1) })
        {
            var byEvaluator = new[] { "e1", "e2", "e3" }
                .Select(e => (IReadOnlyList<double>)new[] { "v1", "v2", "v3" }.Select(v => Raw.Single(r => r.E == e && r.V == v && r.C == c).S).ToArray())
                .ToArray();
            var expected = ScoringEngine.ComputeAgreement(new AgreementRequest { Scores = byEvaluator });
            var actual = result.Aggregation!.AgreementPerCriterion[j]!;
            Assert.Equal(expected.WTieCorrected, actual.WTieCorrected);
            Assert.Equal(expected.PValue, actual.PValue);
        }
        Assert.Null(result.Aggregation!.AgreementPerCriterion[2]);
        Assert.NotEqual(AgreementLevel.NotAssessed, result.Recommendation.AgreementLevel);
    }

    [Fact]
    public void ReturnsDisagreementCaveatGivenLowAgreementCriterion()
    {
        var result = ScoringEngine.ScoreEvaluation(Request());
        var listening = result.Aggregation!.AgreementPerCriterion[1]!;
        Assert.True(listening.WTieCorrected < 0.3, $"test data should disagree on listening, W = {listening.WTieCorrected}");
        Assert.Contains(result.Recommendation.Caveats, c => c.StartsWith("Evaluators disagree on listening (Listening) (W = ", StringComparison.Ordinal));
    }

    [Fact]
    public void ExcludesVendorWithReasonGivenMustHaveThreshold()
    {
        var result = ScoringEngine.ScoreEvaluation(Request(mustHave: 2.5));
        Assert.DoesNotContain("v3", result.VendorIds);
        var knockout = Assert.Single(result.Excluded);
        Assert.Equal("v3", knockout.VendorId);
        Assert.Equal("analytics", knockout.CriterionId);
        Assert.Contains("below the must-have minimum 2.5", knockout.Reason, StringComparison.Ordinal);
        Assert.Contains(result.Recommendation.Caveats, c => c.Contains("ranked out", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(MissingScorePolicy.IgnoreEvaluator)]
    [InlineData(MissingScorePolicy.TreatAsScaleMinimum)]
    [InlineData(MissingScorePolicy.ExcludeVendor)]
    public void ReturnsMissingScoreCountGivenPolicy(MissingScorePolicy policy)
    {
        var raw = Raw.Where(r => !(r.E == "e3" && r.V == "v1" && r.C == "analytics")).ToArray();
        var result = ScoringEngine.ScoreEvaluation(Request(new AggregationOptions { MissingScores = policy }, raw));
        Assert.Equal(1, result.Aggregation!.MissingScoreCount);
        var v1 = result.Aggregation.Aggregated[0][0];
        switch (policy)
        {
            case MissingScorePolicy.IgnoreEvaluator:
                Vectors.Near(4.5, v1, 1e-15, "mean of the two scores given");
                Assert.Contains("v1", result.VendorIds);
                break;
            case MissingScorePolicy.TreatAsScaleMinimum:
                Vectors.Near((5 + 4 + 1) / 3.0, v1, 1e-15, "missing counts as scale minimum 1");
                break;
            case MissingScorePolicy.ExcludeVendor:
                Assert.DoesNotContain("v1", result.VendorIds);
                Assert.Equal("v1", Assert.Single(result.Excluded).VendorId);
                break;
        }
        Assert.Contains(result.Recommendation.Caveats, c => c.Contains("1 score(s) were missing", StringComparison.Ordinal));
    }

    /// <summary>
    /// The engine's bootstrap against <see cref="ReferenceBootstrap"/>: the scheme of docs/scoring.md re-done with plain
    /// loops (its own xoshiro256**, resampling, mean or median, Max normalisation, WSM, type-7 percentiles). Eight evaluators
    /// whose resampled means take many distinct values, and a 90% level whose percentile falls between two order
    /// statistics, so an off-by-one or a wrong interpolation weight moves the bounds.
    /// </summary>
    [Theory]
    [InlineData(AggregationMethod.Mean)]
    [InlineData(AggregationMethod.Median)]
    public void ReturnsBootstrapIntervalsOfIndependentComputationGivenEvaluators(AggregationMethod method)
    {
        var evaluators = Enumerable.Range(1, 8).Select(e => $"e{e}").ToArray();
        var criteria = new[] { "analytics", "listening" };
        var vendors = new[] { "v1", "v2", "v3" };
        // Scores 1.0–5.0 in tenths that differ by evaluator, vendor and criterion (no two evaluators alike).
        var raw = (from e in Enumerable.Range(0, 8) from v in Enumerable.Range(0, 3) from c in Enumerable.Range(0, 2)
                   select (evaluators[e], vendors[v], criteria[c], 1 + (7 * e * e + 13 * v + 17 * c * e + 11 * v * e + 3 * c) % 41 / 10.0)).ToArray();
        var options = new RobustnessOptions { BootstrapResamples = 400, MonteCarloSamples = 0, Seed = 11, ConfidenceLevel = 0.9 };
        var request = Request(new AggregationOptions { Method = method }, raw) with { EvaluatorIds = evaluators, Robustness = options };
        var costs = new[] { 30000.0, 20000, 25000 };
        double[,,] values = new double[8, 3, 2];
        foreach (var (e, v, c, s) in raw) values[Array.IndexOf(evaluators, e), Array.IndexOf(vendors, v), Array.IndexOf(criteria, c)] = s;

        var result = ScoringEngine.ScoreEvaluation(request);
        var bs = result.Robustness!.Bootstrap!;
        var reference = ReferenceBootstrap.Run(values, costs, [0.5, 0.3, 0.2], method, options);

        Assert.Equal(["v1", "v2", "v3"], result.VendorIds);
        Vectors.AllNear(reference.FullSample, result.Methods[0].Scores, 1e-12, "full-sample WSM (the reference scores like the engine)");
        Vectors.AllNear(reference.Lower, bs.Lower, 1e-12, "lower bounds");
        Vectors.AllNear(reference.Upper, bs.Upper, 1e-12, "upper bounds");
        Vectors.AllNear(reference.Mean, bs.Mean, 1e-12, "resample means");
        Assert.Equal(reference.WinnerFirst, bs.WinnerProbabilityFirst);
        Assert.Equal(bs.WinnerProbabilityFirst, result.Recommendation.BootstrapProbabilityFirst);
        // The means must tell neighbouring order statistics apart (else an off-by-one would go unseen); medians of 8 draws
        // repeat too often for that, and check the unbatched resampling path instead.
        if (method == AggregationMethod.Mean) Assert.True(reference.NeighboursDiffer, "some vendor's resampled scores differ around both percentile positions");
        Assert.True(reference.WinnerFirst is > 0 and < 1, $"the winner is not always first ({reference.WinnerFirst})");
    }

    [Fact]
    public void ReturnsZeroWidthBootstrapGivenUnanimousEvaluators()
    {
        var unanimous = Raw.Select(r => r with { S = Raw.First(q => q.V == r.V && q.C == r.C && q.E == "e1").S }).ToArray();
        var result = ScoringEngine.ScoreEvaluation(Request(raw: unanimous) with { Robustness = new RobustnessOptions { BootstrapResamples = 200, MonteCarloSamples = 0 } });
        var bs = result.Robustness!.Bootstrap!;
        for (var i = 0; i < result.VendorIds.Count; i++)
        {
            Vectors.Near(result.Methods[0].Scores[i], bs.Lower[i], 1e-12, "lower");
            Vectors.Near(result.Methods[0].Scores[i], bs.Upper[i], 1e-12, "upper");
        }
    }

    [Fact]
    public void ReturnsRecommendationWithMarginGivenEvaluation()
    {
        var result = ScoringEngine.ScoreEvaluation(Request() with { Robustness = new RobustnessOptions { MonteCarloSamples = 2000, BootstrapResamples = 100 } });
        var rec = result.Recommendation;
        var wsm = result.Methods[0];
        var order = Enumerable.Range(0, wsm.Scores.Count).OrderByDescending(i => wsm.Scores[i]).ToArray();
        Assert.Equal(result.VendorIds[order[0]], rec.WinnerId);
        Assert.Equal(result.VendorIds[order[1]], rec.RunnerUpId);
        Vectors.Near(wsm.Scores[order[0]] - wsm.Scores[order[1]], rec.Margin!.Value, 1e-15, "margin");
        Assert.Equal(result.Robustness!.MonteCarlo!.WinnerProbabilityFirst, rec.ProbabilityFirst);
        Assert.NotEmpty(result.Decisions);
        Assert.Contains(result.Decisions, d => d.StartsWith("normalisation.WSM=Max", StringComparison.Ordinal));
    }

    [Fact]
    public void ReturnsNoWinnerGivenEveryVendorKnockedOut()
    {
        var result = ScoringEngine.ScoreEvaluation(Request(mustHave: 5));
        Assert.Null(result.Recommendation.WinnerId);
        Assert.Empty(result.VendorIds);
        Assert.Contains(result.Recommendation.Caveats, c => c.StartsWith("No vendor passes", StringComparison.Ordinal));
    }
}

/// <summary>
/// The percentile bootstrap over evaluators as docs/scoring.md describes it, written independently of the engine: block b
/// of 32 resamples draws from xoshiro256** whose state is four SplitMix64 outputs seeded with
/// (seed ⊕ 0xB00757A9) ⊕ 0x9E3779B97F4A7C15·(b + 1); a resample is E draws of ⌊(x⁶⁴ ≫ 32)·E / 2³²⌋; cells are re-aggregated
/// (mean or median of the drawn evaluators' scores), Max-normalised (benefit x/max, cost min/x) and scored by WSM; the
/// bounds are type-7 percentiles (h = (B − 1)p, linear between neighbours) at (1 − level)/2 and (1 + level)/2.
/// </summary>
internal static class ReferenceBootstrap
{
    public sealed record Result(double[] FullSample, double[] Lower, double[] Upper, double[] Mean, double WinnerFirst, bool NeighboursDiffer);

    /// <param name="scores">[evaluator, vendor, criterion], every cell present.</param>
    public static Result Run(double[,,] scores, double[] costs, double[] weights, AggregationMethod method, RobustnessOptions options)
    {
        int e = scores.GetLength(0), m = scores.GetLength(1), b = options.BootstrapResamples;
        var full = Score(Enumerable.Range(0, e).ToArray(), scores, costs, weights, method);
        var winner = Array.IndexOf(full, full.Max());
        var resampled = new double[b][];
        for (var block = 0; block * 32 < b; block++)
        {
            var rng = new Xoshiro(options.Seed ^ 0xB00757A9UL, (ulong)block);
            for (var k = block * 32; k < Math.Min(b, block * 32 + 32); k++)
                resampled[k] = Score(Enumerable.Range(0, e).Select(_ => rng.Below(e)).ToArray(), scores, costs, weights, method);
        }
        var p = (1 - options.ConfidenceLevel) / 2;
        double[] Column(int v) => resampled.Select(r => r[v]).Order().ToArray();
        // Sensitive when, for some vendor at each bound, the order statistics around it all differ.
        bool Distinct(double q) => Enumerable.Range(0, m).Any(v =>
        {
            var sorted = Column(v);
            var lo = (int)Math.Floor((b - 1) * q);
            return sorted[lo - 1] < sorted[lo] && sorted[lo] < sorted[lo + 1] && sorted[lo + 1] < sorted[lo + 2];
        });
        var firsts = resampled.Count(r => FirstListedWinner(r) == winner);
        return new Result(
            full,
            Enumerable.Range(0, m).Select(v => Percentile(Column(v), p)).ToArray(),
            Enumerable.Range(0, m).Select(v => Percentile(Column(v), 1 - p)).ToArray(),
            Enumerable.Range(0, m).Select(v => resampled.Average(r => r[v])).ToArray(),
            (double)firsts / b,
            Distinct(p) && Distinct(1 - p));
    }

    private static double[] Score(int[] drawn, double[,,] scores, double[] costs, double[] weights, AggregationMethod method)
    {
        int m = scores.GetLength(1), c = scores.GetLength(2);
        var x = new double[m, c + 1];
        for (var v = 0; v < m; v++)
        {
            for (var j = 0; j < c; j++)
            {
                var cell = drawn.Select(d => scores[d, v, j]).Order().ToArray();
                x[v, j] = method == AggregationMethod.Mean ? cell.Average()
                    : cell.Length % 2 == 1 ? cell[cell.Length / 2] : (cell[cell.Length / 2 - 1] + cell[cell.Length / 2]) / 2;
            }
            x[v, c] = costs[v];
        }
        var total = weights.Sum();
        var result = new double[m];
        for (var j = 0; j <= c; j++)
        {
            var column = Enumerable.Range(0, m).Select(v => x[v, j]).ToArray();
            for (var v = 0; v < m; v++) result[v] += weights[j] / total * (j == c ? column.Min() / column[v] : column[v] / column.Max());
        }
        return result;
    }

    private static int FirstListedWinner(double[] s)
    {
        var max = s.Max();
        return Array.FindIndex(s, x => max - x <= 1e-12 * Math.Max(1, Math.Abs(max)));
    }

    private static double Percentile(double[] sorted, double p)
    {
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        return lo + 1 < sorted.Length ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
    }

    /// <summary>xoshiro256** (Blackman &amp; Vigna, https://prng.di.unimi.it/xoshiro256starstar.c), state from SplitMix64.</summary>
    private sealed class Xoshiro
    {
        private readonly ulong[] _s = new ulong[4];

        public Xoshiro(ulong seed, ulong stream)
        {
            var x = seed ^ (0x9E3779B97F4A7C15UL * (stream + 1));
            for (var i = 0; i < 4; i++)
            {
                x += 0x9E3779B97F4A7C15UL;
                var z = x;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                _s[i] = z ^ (z >> 31);
            }
        }

        public int Below(int bound)
        {
            var result = ulong.RotateLeft(_s[1] * 5, 7) * 9;
            var t = _s[1] << 17;
            _s[2] ^= _s[0];
            _s[3] ^= _s[1];
            _s[1] ^= _s[2];
            _s[0] ^= _s[3];
            _s[2] ^= t;
            _s[3] = ulong.RotateLeft(_s[3], 45);
            return (int)(((result >> 32) * (ulong)bound) >> 32);
        }
    }
}
