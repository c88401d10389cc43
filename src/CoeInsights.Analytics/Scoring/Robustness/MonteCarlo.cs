using System.Numerics;
using System.Runtime.InteropServices;
using CoeInsights.Analytics.Scoring.Methods;

namespace CoeInsights.Analytics.Scoring.Robustness;

/// <summary>
/// Monte Carlo over weights (SMAA-2 style rank acceptability and central weights). Samples are processed in
/// fixed blocks; block b draws from its own stream (seed, b) and blocks are merged in order, so a seed gives
/// bit-identical results whatever the thread count.
/// </summary>
internal static class MonteCarlo
{
    private const int BlockSize = 512;
    private const int EvaluationBatch = 4;

    public static MonteCarloResult Run(
        Func<WeightScorer> scorerFactory, double[] weights, int m, int n, RobustnessOptions options, int winner, CancellationToken ct = default)
    {
        var samples = options.MonteCarloSamples;
        var blocks = (samples + BlockSize - 1) / BlockSize;
        var alpha = new double[n];
        for (var j = 0; j < n; j++)
        {
            alpha[j] = options.Sampling == WeightSampling.UniformSimplex ? 1.0 : options.Concentration * weights[j];
        }

        var gamma = alpha.Select(GammaConstants.For).ToArray();
        var inverseBoost = gamma.Select(g => g.InverseBoostShape).ToArray();
        // Rank counts are integers, so they can be summed per thread in any order (m² longs per thread, not per
        // block); central weights are sums of doubles and stay per block, merged in block order.
        var totalCounts = new long[m * m];
        var blockCentral = new double[blocks][];
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
            () => new Workspace(scorerFactory(), m, n),
            (b, _, ws) =>
            {
                var counts = ws.Counts;
                var central = new double[m * n];
                var rng = new Rng(options.Seed, (ulong)b);
                var start = b * BlockSize;
                var end = Math.Min(samples, start + BlockSize);
                // Samples drawn in order, scored EvaluationBatch at a time (one pass over the scorer's matrix), then
                // ranked and accumulated in order: the same arithmetic and order as one sample at a time.
                for (var k = start; k < end; k += EvaluationBatch)
                {
                    // One cancellation check per EvaluationBatch samples: a field read against m·n work, so a cancelled
                    // call stops within a few samples (the partial block is thrown away below).
                    if (ct.IsCancellationRequested) break;
                    var count = Math.Min(EvaluationBatch, end - k);
                    for (var s = 0; s < count; s++) SampleDirichlet(ref rng, gamma, inverseBoost, weights, ws.W.AsSpan(s * n, n), ws.Boost);
                    ws.Scorer.EvaluateMany(ws.W, count, ws.U);
                    for (var s = 0; s < count; s++)
                    {
                        var w = ws.W.AsSpan(s * n, n);
                        var first = AddRanks(ws.U.AsSpan(s * m, m), counts, ws.Keys, ws.Order);
                        var row = central.AsSpan(first * n, n);
                        for (var j = 0; j < n; j++) row[j] += w[j];
                    }
                }
                blockCentral[b] = central;
                return ws;
            },
            ws =>
            {
                lock (totalCounts)
                {
                    for (var k = 0; k < totalCounts.Length; k++) totalCounts[k] += ws.Counts[k];
                }
            });
        ct.ThrowIfCancellationRequested();

        var totalCentral = new double[m * n];
        for (var b = 0; b < blocks; b++)
        {
            for (var k = 0; k < totalCentral.Length; k++) totalCentral[k] += blockCentral[b][k];
        }

        var acceptability = new double[m][];
        var centralWeights = new double[m][];
        for (var i = 0; i < m; i++)
        {
            acceptability[i] = new double[m];
            for (var r = 0; r < m; r++) acceptability[i][r] = (double)totalCounts[i * m + r] / samples;
            centralWeights[i] = new double[n];
            var wins = totalCounts[i * m];
            if (wins > 0)
            {
                for (var j = 0; j < n; j++) centralWeights[i][j] = totalCentral[i * n + j] / wins;
            }
        }

        return new MonteCarloResult
        {
            Samples = samples,
            Seed = options.Seed,
            Sampling = options.Sampling,
            Concentration = options.Sampling == WeightSampling.UniformSimplex ? 1.0 : options.Concentration,
            RankAcceptability = acceptability,
            CentralWeights = centralWeights,
            WinnerProbabilityFirst = acceptability[winner][0],
        };
    }

    /// <summary>Precomputed Marsaglia–Tsang constants for one shape; D = 0 means shape 0 (always 0).</summary>
    internal readonly record struct GammaConstants(double D, double C, double InverseBoostShape)
    {
        public static GammaConstants For(double shape)
        {
            if (shape <= 0) return new GammaConstants(0, 0, 0);
            var boosted = shape < 1 ? shape + 1 : shape;
            var d = boosted - 1.0 / 3.0;
            return new GammaConstants(d, 1.0 / Math.Sqrt(9 * d), shape < 1 ? 1.0 / shape : 0);
        }
    }

    /// <summary>Up to this many alternatives the SIMD O(m²) count beats sorting.</summary>
    internal const int SortFrom = 24;

    /// <summary>
    /// Counts each alternative's rank in this sample (counts[i·m + rank]++) and returns the one ranked first.
    /// rank_i = #{q : u_q &gt; u_i} + #{q &lt; i : u_q = u_i}, i.e. ties broken by input order: exactly the position
    /// of i when sorted by descending utility, equal utilities by index. From <see cref="SortFrom"/> alternatives
    /// on that sort (O(m log m), in the caller's <paramref name="keys"/> and <paramref name="order"/> buffers) gives
    /// the ranks; below it, or if a utility is NaN (which the count treats as below nothing and above nothing),
    /// the direct count with SIMD comparisons does: which of two utilities is larger is a coin flip the branch
    /// predictor cannot learn, so a branchy double loop would be dominated by mispredictions.
    /// </summary>
    internal static int AddRanks(ReadOnlySpan<double> u, Span<long> counts, Span<double> keys, Span<int> order)
    {
        var m = u.Length;
        if (m < SortFrom || u.ContainsAnyExceptInRange(double.NegativeInfinity, double.PositiveInfinity))
            return AddRanksByCounting(u, counts);

        keys = keys[..m];
        order = order[..m];
        for (var i = 0; i < m; i++)
        {
            keys[i] = -u[i]; // ascending −u is descending u; −0.0 and 0.0 stay equal
            order[i] = i;
        }
        keys.Sort(order);
        // The sort is not stable: put each run of equal utilities back in index order.
        for (var p = 0; p < m;)
        {
            var end = p + 1;
            while (end < m && keys[end] == keys[p]) end++;
            if (end - p > 1) order[p..end].Sort();
            p = end;
        }
        for (var p = 0; p < m; p++) counts[order[p] * m + p]++;
        return order[0];
    }

    /// <summary>The direct count of <see cref="AddRanks"/>: O(m²) SIMD comparisons.</summary>
    internal static int AddRanksByCounting(ReadOnlySpan<double> u, Span<long> counts)
    {
        var m = u.Length;
        var first = -1;
        for (var i = 0; i < m; i++)
        {
            var ui = u[i];
            var rank = CountAtLeast(u[..i], ui) + CountAbove(u[(i + 1)..], ui);
            counts[i * m + rank]++;
            if (rank == 0) first = i;
        }
        return first;
    }

    private static int CountAbove(ReadOnlySpan<double> u, double value)
    {
        var q = 0;
        long count = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var v = new Vector<double>(value);
            var acc = Vector<long>.Zero;
            for (; q <= u.Length - Vector<double>.Count; q += Vector<double>.Count)
            {
                acc -= Vector.GreaterThan(new Vector<double>(u[q..]), v); // true lanes are −1
            }
            count = Vector.Sum(acc);
        }
        for (; q < u.Length; q++) count += u[q] > value ? 1 : 0;
        return (int)count;
    }

    private static int CountAtLeast(ReadOnlySpan<double> u, double value)
    {
        var q = 0;
        long count = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var v = new Vector<double>(value);
            var acc = Vector<long>.Zero;
            for (; q <= u.Length - Vector<double>.Count; q += Vector<double>.Count)
            {
                acc -= Vector.GreaterThanOrEqual(new Vector<double>(u[q..]), v);
            }
            count = Vector.Sum(acc);
        }
        for (; q < u.Length; q++) count += u[q] >= value ? 1 : 0;
        return (int)count;
    }

    /// <summary>
    /// Dirichlet(α) via normalised Gamma(α_j) variates; α_j = 0 keeps weight 0. Falls back to the mean if every draw
    /// underflows. The random stream is consumed exactly as by <see cref="Rng.NextGammaPrepared"/> one criterion after
    /// the other (Marsaglia–Tsang draw, then the boost uniform for α_j &lt; 1), but the boost factors U^(1/α_j) are
    /// applied afterwards in one SIMD pass (vector exp/log instead of one libm log and exp per criterion); they may
    /// differ from the scalar ones in the last bit (docs/scoring.md).
    /// </summary>
    internal static void SampleDirichlet(
        ref Rng rng, GammaConstants[] gamma, ReadOnlySpan<double> inverseBoost, ReadOnlySpan<double> mean, Span<double> w,
        Span<double> boostUniform)
    {
        // A local copy lets the JIT keep the generator state in registers across the inlined draws.
        var local = rng;
        for (var attempt = 0; attempt < 16; attempt++)
        {
            for (var j = 0; j < gamma.Length; j++)
            {
                var p = gamma[j];
                if (p.D > 0)
                {
                    w[j] = local.MarsagliaTsang(p.D, p.C);
                    boostUniform[j] = p.InverseBoostShape > 0 ? local.NextOpenDouble() : 1.0;
                }
                else
                {
                    w[j] = 0;
                    boostUniform[j] = 1.0;
                }
            }
            ApplyBoost(w, boostUniform, inverseBoost);
            double sum = 0;
            for (var j = 0; j < w.Length; j++) sum += w[j];
            if (sum > 0 && double.IsFinite(sum))
            {
                var inv = 1.0 / sum;
                for (var j = 0; j < w.Length; j++) w[j] *= inv;
                rng = local;
                return;
            }
        }
        rng = local;
        mean.CopyTo(w);
    }

    /// <summary>w_j ·= exp(ln(u_j)·e_j); e_j = 0 (and u_j = 1) leaves w_j unchanged.</summary>
    private static void ApplyBoost(Span<double> w, ReadOnlySpan<double> u, ReadOnlySpan<double> exponent)
    {
        var j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vw = MemoryMarshal.Cast<double, Vector<double>>(w);
            var vu = MemoryMarshal.Cast<double, Vector<double>>(u[..w.Length]);
            var ve = MemoryMarshal.Cast<double, Vector<double>>(exponent[..w.Length]);
            for (var k = 0; k < vw.Length; k++) vw[k] *= Vector.Exp(Vector.Log(vu[k]) * ve[k]);
            j = vw.Length * Vector<double>.Count;
        }
        for (; j < w.Length; j++)
        {
            if (exponent[j] > 0) w[j] *= Math.Exp(Math.Log(u[j]) * exponent[j]);
        }
    }

    private sealed class Workspace(WeightScorer scorer, int m, int n)
    {
        public WeightScorer Scorer { get; } = scorer;
        public double[] W { get; } = new double[EvaluationBatch * n];
        public double[] Boost { get; } = new double[n];
        public double[] U { get; } = new double[EvaluationBatch * m];
        public long[] Counts { get; } = new long[m * m];
        public double[] Keys { get; } = new double[m];
        public int[] Order { get; } = new int[m];
    }
}
