using CoeInsights.Analytics.Scoring.Aggregation;
using CoeInsights.Analytics.Scoring.Methods;

namespace CoeInsights.Analytics.Scoring.Robustness;

/// <summary>
/// Nonparametric bootstrap over evaluators: draw E evaluators with replacement, re-aggregate every cell,
/// re-normalise, re-score with the primary method at the chosen weights; percentile interval per vendor.
/// The set of ranked vendors is kept fixed (no knockouts re-evaluated). A cell no resampled evaluator scored
/// keeps its full-sample aggregate. Blocks have their own random streams (seed, block) and write their own
/// slots, so results do not depend on the thread count.
/// </summary>
internal static class Bootstrap
{
    private const int BlockSize = 32;

    /// <param name="scores">Evaluator scores for the ranked vendors (V = m) over the evaluator criteria.</param>
    /// <param name="baseMatrix">The full-sample decision matrix (m × n, flat); fact columns are copied from it.</param>
    /// <param name="evaluatorColumns">Decision-matrix column of each evaluator criterion in <paramref name="scores"/>.</param>
    public static BootstrapResult Run(
        EvaluatorScores scores, AggregationOptions aggregation, double[] baseMatrix, int m, int n, int[] evaluatorColumns,
        bool[] isCost, MethodMatrix matrix, Func<WeightScorer> scorerFactory, double[] weights,
        RobustnessOptions options, int winner, IReadOnlyList<int> tieOrder, CancellationToken ct = default)
    {
        var resamples = options.BootstrapResamples;
        var blocks = (resamples + BlockSize - 1) / BlockSize;
        var e = scores.E;
        var cells = scores.V * scores.C;
        var fallback = new double[cells];
        for (var v = 0; v < m; v++)
        {
            for (var c = 0; c < scores.C; c++) fallback[v * scores.C + c] = baseMatrix[v * n + evaluatorColumns[c]];
        }

        // Every column scored by evaluators, in order: an aggregated resample is already the decision matrix.
        var direct = scores.C == n;
        for (var c = 0; c < scores.C && direct; c++) direct = evaluatorColumns[c] == c;
        var all = System.Buffers.ArrayPool<double>.Shared.Rent(resamples * m);
        var firsts = new int[resamples];
        // Cancelled: Parallel.For (or the check below) throws and the rented buffer is left to the GC, which is fine for a pool.
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
            () => new Workspace(scorerFactory(), m, n, e, cells, baseMatrix),
            (b, _, ws) =>
            {
                var rng = new Rng(options.Seed ^ 0xB0075_7A9UL, (ulong)b);
                var start = b * BlockSize;
                var end = Math.Min(resamples, start + BlockSize);
                var batched = aggregation.Method == AggregationMethod.Mean && scores.Complete;
                if (batched)
                {
                    Array.Clear(ws.BatchMultiplicity);
                    for (var k = start; k < end; k++)
                    {
                        var offset = (k - start) * e;
                        for (var d = 0; d < e; d++) ws.BatchMultiplicity[offset + rng.NextInt(e)]++;
                    }
                    scores.AggregateMeanBatch(ws.BatchMultiplicity, end - start, ws.Batch);
                }
                for (var k = start; k < end; k++)
                {
                    // One check per resample (each costs about E·m·n): a cancelled call stops within one resample.
                    if (ct.IsCancellationRequested) break;
                    ReadOnlySpan<double> aggregated;
                    if (batched)
                    {
                        aggregated = ws.Batch.AsSpan((k - start) * cells, cells);
                    }
                    else
                    {
                        Array.Clear(ws.Multiplicity);
                        for (var d = 0; d < e; d++) ws.Multiplicity[rng.NextInt(e)]++;
                        scores.Aggregate(ws.Multiplicity, aggregation, ws.Aggregated, ws.CellBuffer, fallback, ws.Counts, ws.Cell);
                        aggregated = ws.Aggregated;
                    }
                    if (!direct)
                    {
                        for (var v = 0; v < m; v++)
                        {
                            for (var c = 0; c < scores.C; c++) ws.X[v * n + evaluatorColumns[c]] = aggregated[v * scores.C + c];
                        }
                        aggregated = ws.X;
                    }
                    matrix.Build(aggregated, m, n, isCost, ws.R);
                    ws.Scorer.Score(ws.R, weights, ws.U);
                    firsts[k] = Ranking.Winner(ws.U, tieOrder);
                    for (var v = 0; v < m; v++) all[k * m + v] = ws.Scorer.ToScore(ws.U[v]);
                }
                return ws;
            },
            ws => ws.Dispose());
        ct.ThrowIfCancellationRequested();

        var alpha = 1 - options.ConfidenceLevel;
        var lower = new double[m];
        var upper = new double[m];
        var mean = new double[m];
        var column = new double[resamples];
        for (var v = 0; v < m; v++)
        {
            double sum = 0;
            for (var k = 0; k < resamples; k++)
            {
                column[k] = all[k * m + v];
                sum += column[k];
            }
            Array.Sort(column);
            lower[v] = EvaluatorScores.Quantile(column, alpha / 2);
            upper[v] = EvaluatorScores.Quantile(column, 1 - alpha / 2);
            mean[v] = sum / resamples;
        }
        System.Buffers.ArrayPool<double>.Shared.Return(all);
        var wins = 0;
        for (var k = 0; k < resamples; k++)
        {
            if (firsts[k] == winner) wins++;
        }

        return new BootstrapResult
        {
            Resamples = resamples,
            Seed = options.Seed,
            ConfidenceLevel = options.ConfidenceLevel,
            Lower = lower,
            Upper = upper,
            Mean = mean,
            WinnerProbabilityFirst = (double)wins / resamples,
        };
    }

    /// <summary>Per-worker buffers; the large batch buffer is rented from the shared pool and returned on Dispose.</summary>
    private sealed class Workspace(WeightScorer scorer, int m, int n, int e, int cells, double[] baseMatrix) : IDisposable
    {
        public WeightScorer Scorer { get; } = scorer;
        public int[] Multiplicity { get; } = new int[e];
        public double[] Aggregated { get; } = new double[cells];
        public double[] Counts { get; } = new double[cells];
        public double[] CellBuffer { get; } = new double[Math.Max(e, 1)];
        public List<(double Value, int Count)> Cell { get; } = new(e);
        public double[] X { get; } = (double[])baseMatrix.Clone();
        public double[] R { get; } = new double[m * n];
        public double[] U { get; } = new double[m];
        public int[] BatchMultiplicity { get; } = new int[BlockSize * e];
        public double[] Batch { get; } = System.Buffers.ArrayPool<double>.Shared.Rent(BlockSize * cells);

        public void Dispose() => System.Buffers.ArrayPool<double>.Shared.Return(Batch);
    }
}
