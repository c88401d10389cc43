using CoeInsights.Analytics.Scoring;

namespace CoeInsights.Analytics.Tests.Scoring;

/// <summary>The scoring work cap (docs/limits.md) and cancellation of the long loops.</summary>
public sealed class WorkBudgetTests
{
    private static MatrixScoringRequest Matrix(int m, int n, RobustnessOptions robustness)
    {
        var random = new Random(5);
        return new MatrixScoringRequest
        {
            AlternativeIds = Enumerable.Range(0, m).Select(i => $"a{i}").ToArray(),
            Criteria = Enumerable.Range(0, n).Select(j => new Criterion($"c{j}")).ToArray(),
            Matrix = Enumerable.Range(0, m).Select(_ => (IReadOnlyList<double>)Enumerable.Range(0, n).Select(_ => 1 + 9 * random.NextDouble()).ToArray()).ToArray(),
            Weights = Enumerable.Range(0, n).Select(_ => 0.5 + random.NextDouble()).ToArray(),
            Robustness = robustness,
        };
    }

    private static EvaluationScoringRequest Evaluation(int vendors, int criteria, int evaluators, RobustnessOptions robustness)
    {
        var random = new Random(9);
        var vendorList = Enumerable.Range(0, vendors).Select(i => new Vendor($"v{i}")).ToArray();
        var criterionList = Enumerable.Range(0, criteria).Select(j => new Criterion($"c{j}")).ToArray();
        var evaluatorIds = Enumerable.Range(0, evaluators).Select(e => $"e{e}").ToArray();
        var scores = new List<EvaluatorScore>();
        foreach (var e in evaluatorIds)
            foreach (var v in vendorList)
                foreach (var c in criterionList)
                    scores.Add(new EvaluatorScore(e, v.Id, c.Id, random.Next(1, 6)));
        return new EvaluationScoringRequest
        {
            Vendors = vendorList,
            Criteria = criterionList,
            EvaluatorIds = evaluatorIds,
            Scale = new ScoreScale(1, 5),
            Scores = scores,
            Weights = Enumerable.Range(0, criteria).Select(_ => 0.5 + random.NextDouble()).ToArray(),
            Robustness = robustness,
        };
    }

    [Fact]
    public void ThrowsWorkBudgetExceededGivenLargeMatrixWithMillionSamples()
    {
        // The request: 200 × 200 with 10^6 Monte Carlo samples (25 s of CPU before this cap).
        var request = Matrix(200, 200, new RobustnessOptions { MonteCarloSamples = 1_000_000, Sensitivity = false, RankReversal = false });

        var e = Assert.Throws<WorkBudgetExceededException>(() => ScoringEngine.ScoreMatrix(request));

        Assert.Equal("scoring.work_units", e.Subject);
        Assert.Equal(ScoringEngine.MaxWorkUnits, e.Limit);
        Assert.Equal(1_000_000L * 200 * (200 + 8) + 200L * 200 * 2, e.Cost); // S·m·(n + ⌈log₂ m⌉) + m·n·(E + methods)
        Assert.Contains("monte_carlo_samples", e.Message);
    }

    [Fact]
    public void ThrowsWorkBudgetExceededGivenEvaluationWithManyBootstrapResamples()
    {
        // 50 vendors × 100 criteria × 40 evaluators with 100,000 resamples ≈ 2·10^10 units: refused before the scores are aggregated.
        var request = Evaluation(50, 100, 40, new RobustnessOptions { MonteCarloSamples = 0, BootstrapResamples = 100_000, Sensitivity = false, RankReversal = false });

        var e = Assert.Throws<WorkBudgetExceededException>(() => ScoringEngine.ScoreEvaluation(request));

        Assert.Equal(50L * 100 * 40 + 50L * 100 + 100_000L * 50 * 100 * 41, e.Cost);
    }

    [Fact]
    public void StaysWithinBudgetGivenBenchmarkedWorkload()
    {
        // The benchmark's request (tests/CoeInsights.Benchmarks: 50 × 200 × 30, sensitivity, 10^4 samples, 10^3 resamples).
        var robustness = new RobustnessOptions { Sensitivity = true, MonteCarloSamples = 10_000, BootstrapResamples = 1_000, RankReversal = false };

        var cost = ScoringEngine.WorkUnits(50, 200, 30, new ScoringOptions { Methods = [ScoringMethod.Wsm, ScoringMethod.Topsis] }, robustness);

        Assert.InRange(cost, 1, ScoringEngine.MaxWorkUnits / 4);
    }

    [Fact]
    public void ThrowsOperationCanceledGivenMonteCarloCancelledFromAnotherThread()
    {
        // About 8·10^9 units (under the cap): seconds of work, cancelled shortly after it starts.
        var request = Matrix(100, 100, new RobustnessOptions { MonteCarloSamples = 400_000, Sensitivity = false, RankReversal = false });
        Assert.True(ScoringEngine.WorkUnits(100, 100, 1, null, request.Robustness) <= ScoringEngine.MaxWorkUnits);
        using var cts = new CancellationTokenSource();
        cts.CancelAfter(TimeSpan.FromMilliseconds(200));

        Assert.ThrowsAny<OperationCanceledException>(() => ScoringEngine.ScoreMatrix(request, cts.Token));
    }

    [Fact]
    public void ThrowsOperationCanceledGivenBootstrapCancelledFromAnotherThread()
    {
        // PROMETHEE II re-scores each resample pairwise (m²·n): 5,000 resamples take seconds, so the timer thread cancels
        // while the resampling runs however late it is scheduled on a loaded machine (a linear WSM bootstrap finished
        // in tens of milliseconds and raced a 5 ms timer: ci61's Analytics run saw it finish first).
        var request = Evaluation(40, 100, 30, new RobustnessOptions { MonteCarloSamples = 0, BootstrapResamples = 5_000, Sensitivity = false, RankReversal = false })
            with { Options = new ScoringOptions { PrimaryMethod = ScoringMethod.PrometheeII } };
        Assert.True(ScoringEngine.WorkUnits(40, 100, 30, request.Options, request.Robustness) <= ScoringEngine.MaxWorkUnits);
        using var cts = new CancellationTokenSource();
        cts.CancelAfter(TimeSpan.FromMilliseconds(50));

        Assert.ThrowsAny<OperationCanceledException>(() => ScoringEngine.ScoreEvaluation(request, cts.Token));
    }

    [Fact]
    public void ThrowsOperationCanceledGivenSensitivityWithCancelledToken()
    {
        var request = Matrix(20, 30, new RobustnessOptions { MonteCarloSamples = 0, Sensitivity = true, RankReversal = true });
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => ScoringEngine.ScoreMatrix(request, cts.Token));
    }
}
