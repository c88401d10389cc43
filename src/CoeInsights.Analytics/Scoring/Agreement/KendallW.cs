using MathNet.Numerics;

namespace CoeInsights.Analytics.Scoring.Agreement;

/// <summary>
/// Kendall's coefficient of concordance with tie correction (Kendall 1948; Siegel &amp; Castellan 1988):
/// m raters rank n items (mid-ranks for ties), R_i = rank sum of item i, S = Σ (R_i − mean R)²,
/// W = 12 S / (m²(n³ − n)), W_t = 12 S / (m²(n³ − n) − m Σ T), χ² = m (n − 1) W_t with n − 1 df.
/// </summary>
internal static class KendallW
{
    public static void Validate(IReadOnlyList<IReadOnlyList<double>>? scores, string field, Validator validator)
    {
        if (scores is null || scores.Count < 2)
        {
            validator.Add(field, "needs at least 2 raters (rows)");
            return;
        }
        var n = scores[0]?.Count ?? 0;
        if (n < 2) validator.Add($"{field}[0]", "needs at least 2 items (columns)");
        for (var r = 0; r < scores.Count; r++)
        {
            var row = scores[r];
            if (row is null || row.Count != n)
            {
                validator.Add($"{field}[{r}]", $"must have {n} values (one per item, like row 0)");
                continue;
            }
            for (var i = 0; i < row.Count; i++) validator.RequireFinite(row[i], $"{field}[{r}][{i}]");
        }
    }

    /// <summary>Computes W from a rater-major flat array (m raters × n items).</summary>
    public static AgreementResult Compute(ReadOnlySpan<double> scores, int m, int n)
    {
        var rankSums = new double[n];
        var ranks = new double[n];
        var order = new int[n];
        var values = new double[n];
        double tieSum = 0;
        for (var r = 0; r < m; r++)
        {
            scores.Slice(r * n, n).CopyTo(values);
            tieSum += MidRanks(values, order, ranks);
            for (var i = 0; i < n; i++) rankSums[i] += ranks[i];
        }

        var mean = m * (n + 1) / 2.0;
        double s = 0;
        for (var i = 0; i < n; i++) s += (rankSums[i] - mean) * (rankSums[i] - mean);

        var denominator = (double)m * m * ((double)n * n * n - n);
        var w = 12 * s / denominator;
        var correctedDenominator = denominator - m * tieSum;
        var defined = correctedDenominator > 1e-9 * denominator;
        var wt = defined ? 12 * s / correctedDenominator : 0.0;
        var df = n - 1;
        var chi2 = m * (n - 1) * wt;
        var p = defined ? SpecialFunctions.GammaUpperRegularized(df / 2.0, chi2 / 2.0) : 1.0;
        return new AgreementResult
        {
            Raters = m,
            Items = n,
            W = w,
            WTieCorrected = wt,
            S = s,
            TieCorrection = tieSum,
            ChiSquare = chi2,
            DegreesOfFreedom = df,
            PValue = Math.Clamp(p, 0.0, 1.0),
            IsDefined = defined,
        };
    }

    /// <summary>Mid-ranks (1-based) of values into <paramref name="ranks"/>; returns Σ(t³ − t) over tie groups.</summary>
    internal static double MidRanks(double[] values, int[] order, double[] ranks)
    {
        var n = values.Length;
        for (var i = 0; i < n; i++) order[i] = i;
        Array.Sort(values.ToArray(), order);
        double tie = 0;
        var k = 0;
        while (k < n)
        {
            var end = k;
            while (end + 1 < n && values[order[end + 1]] == values[order[k]]) end++;
            var t = end - k + 1;
            var mid = (k + end) / 2.0 + 1;
            for (var q = k; q <= end; q++) ranks[order[q]] = mid;
            if (t > 1) tie += (double)t * t * t - t;
            k = end + 1;
        }
        return tie;
    }
}
