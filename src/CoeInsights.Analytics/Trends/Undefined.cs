namespace CoeInsights.Analytics.Trends;

/// <summary>
/// A statistic that has no finite value for this input (e.g. Mann-Kendall tau-b of a constant series), so the
/// result holds NaN or ±∞ for it and the API leaves the field unset with <see cref="Reason"/> (docs/trends.md).
/// </summary>
/// <param name="Field">The statistic's proto field name within its result, e.g. "slope_t", "tau_b".</param>
/// <param name="Reason">Why, in plain language.</param>
public sealed record UndefinedStatistic(string Field, string Reason);

/// <summary>
/// Exact rescaling by a power of two, so that sums of squares and differences of values near ±1e300 (or near
/// 1e−300) neither overflow nor underflow: values are divided by 2^e before the arithmetic and results multiplied
/// back. Multiplying by a power of two is exact for normal doubles, so results are unchanged wherever they did
/// not overflow before; series of ordinary magnitude are not touched at all.
/// </summary>
internal static class PowerOfTwoScale
{
    /// <summary>Magnitudes in [2^−400, 2^400] (about 1e±120) are left alone: their squares fit comfortably.</summary>
    private const int Limit = 400;

    /// <summary>The exponent e to divide by (0: leave the values as they are).</summary>
    public static int Exponent(ReadOnlySpan<double> values)
    {
        double max = 0;
        foreach (var x in values)
        {
            var a = Math.Abs(x);
            if (a > max) max = a;
        }
        if (max == 0 || !double.IsFinite(max)) return 0;
        var e = Math.ILogB(max);
        return e is > Limit or < -Limit ? e : 0;
    }

    public static int Exponent(IReadOnlyList<double?> values)
    {
        double max = 0;
        foreach (var v in values)
            if (v is { } x && Math.Abs(x) > max) max = Math.Abs(x);
        if (max == 0 || !double.IsFinite(max)) return 0;
        var e = Math.ILogB(max);
        return e is > Limit or < -Limit ? e : 0;
    }

    /// <summary>values / 2^e as a new array (the input stays as it is).</summary>
    public static double[] Down(ReadOnlySpan<double> values, int e)
    {
        var r = new double[values.Length];
        for (var i = 0; i < r.Length; i++) r[i] = Math.ScaleB(values[i], -e);
        return r;
    }

    public static double?[] Down(IReadOnlyList<double?> values, int e)
    {
        var r = new double?[values.Count];
        for (var i = 0; i < r.Length; i++) r[i] = values[i] is { } x ? Math.ScaleB(x, -e) : null;
        return r;
    }

    /// <summary>x · 2^e (back to the input's scale; may overflow to ±∞ when the true value is beyond the double range).</summary>
    public static double Up(double x, int e) => e == 0 ? x : Math.ScaleB(x, e);

    public static double? Up(double? x, int e) => x is { } v ? Up(v, e) : null;

    public static Interval Up(Interval i, int e) => new(Up(i.Lower, e), Up(i.Upper, e));
}
