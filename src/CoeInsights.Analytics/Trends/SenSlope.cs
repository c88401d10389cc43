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

    /// <param name="mannKendallVariance">
    /// The tie-corrected Var(S) of the same observed values when the caller already has it (TrendAnalysis runs
    /// Mann-Kendall first), saving a sort; computed here otherwise.
    /// </param>
    internal static SenSlopeResult Estimate(Observed o, double confidenceLevel, long exactLimit, double? mannKendallVariance = null)
    {
        var n = o.Count;
        long pairs = (long)n * (n - 1) / 2;
        var varS = mannKendallVariance ?? MannKendallVariance(o.Values);
        // differences of values near ±1e308 overflow: work on values / 2^e (exact; ranks and ties unchanged)
        var e = PowerOfTwoScale.Exponent(o.Values);
        if (e != 0) o = new Observed(o.Times, PowerOfTwoScale.Down(o.Values, e));
        var c = StatMath.ZCritical(confidenceLevel) * Math.Sqrt(varS);
        var lower = Math.Clamp((long)Math.Round((pairs - c) / 2.0, MidpointRounding.ToEven), 1, pairs) - 1;
        var upper = Math.Clamp((long)Math.Round((pairs + c) / 2.0 + 1.0, MidpointRounding.ToEven), 1, pairs) - 1;
        var ranks = pairs % 2 == 1
            ? new[] { (pairs - 1) / 2, lower, upper }
            : new[] { pairs / 2 - 1, pairs / 2, lower, upper };
        var stats = PairwiseSlopes.OrderStatistics(o.Times, o.Values, ranks, exactLimit);
        var slope = pairs % 2 == 1 ? stats[0] : (stats[0] + stats[1]) / 2.0;
        var ci = pairs % 2 == 1 ? new Interval(stats[1], stats[2]) : new Interval(stats[2], stats[3]);
        var intercept = StatMath.Median(o.Values) - slope * MedianOfSorted(o.Times);
        return new SenSlopeResult(n, pairs, PowerOfTwoScale.Up(slope, e), confidenceLevel, PowerOfTwoScale.Up(ci, e), PowerOfTwoScale.Up(intercept, e));
    }

    /// <summary>Tie-corrected Var(S) = [n(n−1)(2n+5) − Σt(t−1)(2t+5)]/18, as <see cref="MannKendall"/>.</summary>
    private static double MannKendallVariance(double[] values)
    {
        var (_, _, t5) = StatMath.TieSums(values);
        double n = values.Length;
        return (n * (n - 1) * (2 * n + 5) - t5) / 18.0;
    }

    /// <summary>Median of ascending values (slot times are), same value as <see cref="StatMath.Median"/> without a copy.</summary>
    private static double MedianOfSorted(double[] sorted)
    {
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}
