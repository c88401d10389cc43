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

    public static MonteCarloResult Run(
        Func<WeightScorer> scorerFactory, double[] weights, int m, int n, RobustnessOptions options, int winner)
    {
        var samples = options.MonteCarloSamples;
        var blocks = (samples + BlockSize - 1) / BlockSize;
        var alpha = new double[n];
        for (var j = 0; j < n; j++)
        {
            alpha[j] = options.Sampling == WeightSampling.UniformSimplex ? 1.0 : options.Concentration * weights[j];
        }

        var gamma = alpha.Select(GammaConstants.For).ToArray();
        var blockCounts = new long[blocks][];
        var blockCentral = new double[blocks][];
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => (Scorer: scorerFactory(), W: new double[n], U: new double[m]),
            (b, _, local) =>
            {
                var counts = new long[m * m];
                var central = new double[m * n];
                var rng = new Rng(options.Seed, (ulong)b);
                var start = b * BlockSize;
                var end = Math.Min(samples, start + BlockSize);
                var w = local.W;
                var u = local.U;
                for (var k = start; k < end; k++)
                {
                    SampleDirichlet(ref rng, gamma, weights, w);
                    local.Scorer.Evaluate(w, u);
                    var first = -1;
                    for (var i = 0; i < m; i++)
                    {
                        var rank = 0;
                        var ui = u[i];
                        for (var q = 0; q < m; q++)
                        {
                            var uq = u[q];
                            if (uq > ui || (uq == ui && q < i)) rank++;
                        }
                        counts[i * m + rank]++;
                        if (rank == 0) first = i;
                    }
                    var row = central.AsSpan(first * n, n);
                    for (var j = 0; j < n; j++) row[j] += w[j];
                }
                blockCounts[b] = counts;
                blockCentral[b] = central;
                return local;
            },
            _ => { });

        var totalCounts = new long[m * m];
        var totalCentral = new double[m * n];
        for (var b = 0; b < blocks; b++)
        {
            for (var k = 0; k < totalCounts.Length; k++) totalCounts[k] += blockCounts[b][k];
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

    /// <summary>Dirichlet(α) via normalised Gamma(α_j) variates; α_j = 0 keeps weight 0. Falls back to the mean if every draw underflows.</summary>
    internal static void SampleDirichlet(ref Rng rng, GammaConstants[] gamma, ReadOnlySpan<double> mean, Span<double> w)
    {
        for (var attempt = 0; attempt < 16; attempt++)
        {
            double sum = 0;
            for (var j = 0; j < gamma.Length; j++)
            {
                var p = gamma[j];
                var g = p.D > 0 ? rng.NextGammaPrepared(p.D, p.C, p.InverseBoostShape) : 0.0;
                w[j] = g;
                sum += g;
            }
            if (sum > 0 && double.IsFinite(sum))
            {
                var inv = 1.0 / sum;
                for (var j = 0; j < w.Length; j++) w[j] *= inv;
                return;
            }
        }
        mean.CopyTo(w);
    }
}
