using CoeInsights.Analytics.Scoring.Methods;

namespace CoeInsights.Analytics.Scoring.Robustness;

/// <summary>
/// One-at-a-time weight sensitivity. For criterion j the weight is set to t ∈ [0, 1] and every other weight is
/// multiplied by (1 − t)/(1 − w_j). Starting from the current weight, t is scanned in steps of
/// <see cref="GridStep"/> towards 0 and towards 1; the first step at which the winner differs is refined by
/// bisection to 1e-12. For WSM and WPM utilities are linear in t, so the first change is found exactly; for TOPSIS
/// and VIKOR a change and change-back within one step (&lt; 0.005) could be missed. Criteria are independent: they
/// run in parallel, each worker with its own scorer, and each writes only its own result slot.
/// </summary>
internal static class WeightSensitivityAnalysis
{
    public const double GridStep = 0.005;
    private const double BisectionTolerance = 1e-12;

    public static WeightSensitivity[] Run(
        Func<WeightScorer> scorerFactory, double[] weights, int m, IReadOnlyList<string> vendorIds,
        IReadOnlyList<string> criterionIds, IReadOnlyList<int> tieOrder, CancellationToken ct = default)
    {
        var n = weights.Length;
        var result = new WeightSensitivity[n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
            () =>
            {
                var scorer = scorerFactory();
                scorer.PrepareOneAtATime(weights);
                return (Scorer: scorer, U: new double[m]);
            },
            (j, _, worker) =>
            {
                result[j] = Criterion(worker.Scorer, worker.U, j, weights, vendorIds, criterionIds, tieOrder, ct);
                return worker;
            },
            _ => { });
        ct.ThrowIfCancellationRequested();
        return result;
    }

    private static WeightSensitivity Criterion(
        WeightScorer scorer, double[] u, int j, double[] weights, IReadOnlyList<string> vendorIds, IReadOnlyList<string> criterionIds,
        IReadOnlyList<int> tieOrder, CancellationToken ct)
    {
        var wj = weights[j];
        if (wj >= 1 - 1e-15)
        {
            // All weight on one criterion: nothing to rescale proportionally.
            return new WeightSensitivity(criterionIds[j], wj, null, null, null, null);
        }
        int WinnerAt(double t)
        {
            scorer.EvaluateOneAtATime(j, t, (1 - t) / (1 - wj), u);
            return Ranking.Winner(u, tieOrder);
        }
        var current = WinnerAt(wj);
        var (lo, loWinner) = Search(WinnerAt, current, wj, 0.0, ct);
        var (hi, hiWinner) = Search(WinnerAt, current, wj, 1.0, ct);
        return new WeightSensitivity(
            criterionIds[j], wj, lo, loWinner is int a ? vendorIds[a] : null, hi, hiWinner is int b ? vendorIds[b] : null);
    }

    /// <remarks>A cancelled search returns no change; <see cref="Run"/> then throws, so the partial result is never seen.</remarks>
    private static (double? Critical, int? NewWinner) Search(Func<double, int> winnerAt, int current, double start, double end, CancellationToken ct)
    {
        var direction = Math.Sign(end - start);
        if (direction == 0) return (null, null);
        var previous = start;
        while (true)
        {
            if (ct.IsCancellationRequested) return (null, null);
            var t = previous + direction * GridStep;
            if ((direction > 0 && t >= end) || (direction < 0 && t <= end)) t = end;
            var w = winnerAt(t);
            if (w != current)
            {
                // Bisect between previous (current wins) and t (someone else wins).
                double inside = previous, outside = t;
                var newWinner = w;
                while (Math.Abs(outside - inside) > BisectionTolerance)
                {
                    var mid = 0.5 * (inside + outside);
                    var wm = winnerAt(mid);
                    if (wm == current)
                    {
                        inside = mid;
                    }
                    else
                    {
                        outside = mid;
                        newWinner = wm;
                    }
                }
                return (0.5 * (inside + outside), newWinner);
            }
            if (t == end) return (null, null);
            previous = t;
        }
    }
}
