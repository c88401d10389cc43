using MathNet.Numerics.Distributions;

namespace CoeInsights.Analytics.Trends;

/// <summary>A reporting period's total against a comparison period (the previous one, or the same one a year earlier).</summary>
/// <param name="Current">Total of the reporting period.</param>
/// <param name="Previous">Total of the comparison period; no value when it has no data.</param>
/// <param name="ChangePct">(current − previous) / |previous| · 100; no value without a previous value or when it is 0.</param>
/// <param name="PValue">Two-sided Welch t-test of the two periods' daily values; no value when either has fewer than two days or no spread.</param>
/// <param name="WithinNoise">True when the change is not distinguishable from day-to-day noise (p ≥ alpha); no value without a test.</param>
public sealed record PeriodChange(double Current, double? Previous, double? ChangePct, double? PValue, bool? WithinNoise);

/// <summary>Period-over-period change with a noise check, for KPI cards.</summary>
public static class PeriodComparison
{
    /// <summary>
    /// Welch's unequal-variance t-test, two-sided: t = (m₁ − m₂)/√(s₁²/n₁ + s₂²/n₂) with the Welch–Satterthwaite degrees
    /// of freedom. No value when a sample has fewer than two values or both have zero variance.
    /// </summary>
    public static double? WelchPValue(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count < 2 || b.Count < 2) return null;
        var (ma, va) = MeanVariance(a);
        var (mb, vb) = MeanVariance(b);
        var qa = va / a.Count;
        var qb = vb / b.Count;
        var se2 = qa + qb;
        if (!(se2 > 0)) return null;
        var t = (ma - mb) / Math.Sqrt(se2);
        var df = se2 * se2 / (qa * qa / (a.Count - 1) + qb * qb / (b.Count - 1));
        return Math.Min(1.0, 2.0 * StudentT.CDF(0.0, 1.0, df, -Math.Abs(t)));
    }

    /// <summary>The change of <paramref name="current"/> against <paramref name="previous"/>, tested on the daily values behind them.</summary>
    public static PeriodChange Compare(double current, double? previous, IReadOnlyList<double> currentDaily, IReadOnlyList<double> previousDaily,
        double alpha = 0.05)
    {
        if (!(alpha is > 0 and < 1)) throw new InvalidInputException("alpha", "must be strictly between 0 and 1");
        var change = previous is { } p && p != 0 ? (current - p) / Math.Abs(p) * 100 : (double?)null;
        var pValue = previous is null ? null : WelchPValue(currentDaily, previousDaily);
        return new PeriodChange(current, previous, change, pValue, pValue is { } pv ? pv >= alpha : null);
    }

    private static (double Mean, double Variance) MeanVariance(IReadOnlyList<double> x)
    {
        double mean = 0;
        for (var i = 0; i < x.Count; i++) mean += x[i];
        mean /= x.Count;
        double ss = 0;
        for (var i = 0; i < x.Count; i++) ss += (x[i] - mean) * (x[i] - mean);
        return (mean, ss / (x.Count - 1));
    }
}
