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

    [Fact]
    public void ReturnsBootstrapIntervalsGivenEvaluators()
    {
        var request = Request() with { Robustness = new RobustnessOptions { BootstrapResamples = 400, MonteCarloSamples = 500, Seed = 11 } };
        var result = ScoringEngine.ScoreEvaluation(request);
        var bs = result.Robustness!.Bootstrap!;
        var scores = result.Methods[0].Scores;
        for (var i = 0; i < scores.Count; i++)
        {
            Assert.True(bs.Lower[i] <= bs.Mean[i] && bs.Mean[i] <= bs.Upper[i], $"vendor {i}: {bs.Lower[i]} ≤ {bs.Mean[i]} ≤ {bs.Upper[i]}");
            Assert.True(bs.Lower[i] < bs.Upper[i], "evaluators disagree, so the interval has width");
        }
        var again = ScoringEngine.ScoreEvaluation(request).Robustness!.Bootstrap!;
        Assert.Equal(bs.Lower, again.Lower);
        Assert.Equal(bs.Upper, again.Upper);
        Assert.Equal(bs.WinnerProbabilityFirst, result.Recommendation.BootstrapProbabilityFirst);
        Assert.InRange(bs.WinnerProbabilityFirst, 0, 1);
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
