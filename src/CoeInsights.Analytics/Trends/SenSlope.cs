namespace CoeInsights.Analytics.Trends;

/// <summary>Sen's (Theil-Sen) slope with its rank-based confidence interval.</summary>
/// <param name="Slope">Median of (x_j − x_i)/(t_j − t_i) over all pairs i &lt; j (per slot).</param>
/// <param name="Ci">Sen (1968) interval on the sorted slopes, as R trend::sens.slope and scipy.stats.theilslopes.</param>
/// <param name="Intercept">median(x) − slope·median(t) (Conover 1980; pymannkendall, scipy "separate").</param>
public sealed record SenSlopeResult(
    int N,
    long PairCount,
    double Slope,
    double ConfidenceLevel,
    Interval Ci,
    double Intercept);

/// <summary>Sen's slope estimator.</summary>
public static class SenSlope
{
    /// <summary>
    /// Sen's slope of a regular series (missing slots dropped, their time kept, so a gap does not bend the slope).
    /// CI ranks (1-based, on the N sorted slopes): lower = round((N − C)/2), upper = round((N + C)/2 + 1),
    /// C = z_{1−α/2}·√Var(S) with the tie-corrected Mann-Kendall variance, round half to even, clamped to [1, N].
    /// Runs in O(n log n) expected time for long series (see PairwiseSlopes).
    /// </summary>
    public static SenSlopeResult Estimate(IReadOnlyList<double?> values, double confidenceLevel = 0.95)
        => Estimate(values, confidenceLevel, PairwiseSlopes.DefaultExactLimit);

    internal static SenSlopeResult Estimate(IReadOnlyList<double?> values, double confidenceLevel, long exactLimit)
    {
        var o = Observed.From(values);
        var v = new Validator();
        StatMath.ValidateConfidence(confidenceLevel, v);
        v.Require(o.Count >= 2, "values", "needs at least 2 observed values");
        v.ThrowIfInvalid();
        return Estimate(o, confidenceLevel, exactLimit);
    }

    internal static SenSlopeResult Estimate(Observed o, double confidenceLevel, long exactLimit)
    {
        var n = o.Count;
        long pairs = (long)n * (n - 1) / 2;
        var (ties, _, t5) = StatMath.TieSums(o.Values);
        _ = ties;
        double dn = n;
        var varS = (dn * (dn - 1) * (2 * dn + 5) - t5) / 18.0;
        var c = StatMath.ZCritical(confidenceLevel) * Math.Sqrt(varS);
        var lower = Math.Clamp((long)Math.Round((pairs - c) / 2.0, MidpointRounding.ToEven), 1, pairs) - 1;
        var upper = Math.Clamp((long)Math.Round((pairs + c) / 2.0 + 1.0, MidpointRounding.ToEven), 1, pairs) - 1;
        var ranks = pairs % 2 == 1
            ? new[] { (pairs - 1) / 2, lower, upper }
            : new[] { pairs / 2 - 1, pairs / 2, lower, upper };
        var stats = PairwiseSlopes.OrderStatistics(o.Times, o.Values, ranks, exactLimit);
        var slope = pairs % 2 == 1 ? stats[0] : (stats[0] + stats[1]) / 2.0;
        var ci = pairs % 2 == 1 ? new Interval(stats[1], stats[2]) : new Interval(stats[2], stats[3]);
        var intercept = StatMath.Median(o.Values) - slope * StatMath.Median(o.Times);
        return new SenSlopeResult(n, pairs, slope, confidenceLevel, ci, intercept);
    }
}
