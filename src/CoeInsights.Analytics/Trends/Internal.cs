using MathNet.Numerics.Distributions;

namespace CoeInsights.Analytics.Trends;

/// <summary>The observed points of a regular series: slot index (time) and value, missing slots dropped.</summary>
internal readonly record struct Observed(double[] Times, double[] Values)
{
    public int Count => Values.Length;

    /// <summary>Validates (<c>{field}[i]</c> finite) and drops missing slots; the slot index is the time.</summary>
    public static Observed From(IReadOnlyList<double?> values, string field = "values")
    {
        ArgumentNullException.ThrowIfNull(values);
        var v = new Validator();
        var n = 0;
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } x)
            {
                if (!double.IsFinite(x)) v.Add($"{field}[{i}]", "must be a finite number (not NaN or infinite); send no value for a missing slot");
                n++;
            }
        }
        v.ThrowIfInvalid();
        var t = new double[n];
        var y = new double[n];
        var k = 0;
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } x)
            {
                t[k] = i;
                y[k++] = x;
            }
        }
        return new Observed(t, y);
    }

    public static void RequireFinite(IReadOnlyList<double> values, string field, Validator v)
    {
        for (var i = 0; i < values.Count; i++)
            if (!double.IsFinite(values[i])) v.Add($"{field}[{i}]", "must be a finite number (not NaN or infinite)");
    }
}

internal static class StatMath
{
    /// <summary>Two-sided p-value of a Student t statistic, as 2·CDF(−|t|) (keeps precision for tiny p).</summary>
    public static double TwoSidedT(double t, double df)
        => double.IsNaN(t) ? double.NaN : Math.Min(1.0, 2.0 * StudentT.CDF(0.0, 1.0, df, -Math.Abs(t)));

    /// <summary>Two-sided p-value of a standard normal statistic, as 2·Φ(−|z|).</summary>
    public static double TwoSidedZ(double z)
        => double.IsNaN(z) ? double.NaN : Math.Min(1.0, 2.0 * Normal.CDF(0.0, 1.0, -Math.Abs(z)));

    /// <summary>Standard normal quantile for a two-sided interval at <paramref name="confidence"/>.</summary>
    public static double ZCritical(double confidence) => Normal.InvCDF(0.0, 1.0, 0.5 + confidence / 2.0);

    public static double TCritical(double confidence, double df) => StudentT.InvCDF(0.0, 1.0, df, 0.5 + confidence / 2.0);

    public static void ValidateConfidence(double confidence, Validator v, string field = "confidence_level")
        => v.Require(double.IsFinite(confidence) && confidence > 0 && confidence < 1, field, "must be strictly between 0 and 1");

    /// <summary>Mid-ranks (1-based; ties get the mean of their ranks).</summary>
    public static double[] MidRanks(ReadOnlySpan<double> x)
    {
        var n = x.Length;
        var idx = new int[n];
        for (var i = 0; i < n; i++) idx[i] = i;
        var keys = x.ToArray();
        Array.Sort(keys, idx);
        var ranks = new double[n];
        var s = 0;
        while (s < n)
        {
            var e = s + 1;
            while (e < n && keys[e] == keys[s]) e++;
            var r = (s + 1 + e) / 2.0; // mean of ranks s+1..e
            for (var k = s; k < e; k++) ranks[idx[k]] = r;
            s = e;
        }
        return ranks;
    }

    /// <summary>Tie groups of <paramref name="x"/>: Σt(t−1)/2, Σt(t−1)(t−2), Σt(t−1)(2t+5) over groups of size t.</summary>
    public static (double Pairs, double T3, double T5) TieSums(ReadOnlySpan<double> x)
    {
        var sorted = x.ToArray();
        Array.Sort(sorted);
        return TieSumsSorted(sorted);
    }

    public static (double Pairs, double T3, double T5) TieSumsSorted(ReadOnlySpan<double> sorted)
    {
        double pairs = 0, t3 = 0, t5 = 0;
        var s = 0;
        while (s < sorted.Length)
        {
            var e = s + 1;
            while (e < sorted.Length && sorted[e] == sorted[s]) e++;
            double t = e - s;
            if (t > 1)
            {
                pairs += t * (t - 1) / 2;
                t3 += t * (t - 1) * (t - 2);
                t5 += t * (t - 1) * (2 * t + 5);
            }
            s = e;
        }
        return (pairs, t3, t5);
    }

    [ThreadStatic] private static double[]? t_medianBuffer;

    /// <summary>Median of a copy (the input is left untouched). Empty → NaN.</summary>
    public static double Median(ReadOnlySpan<double> x)
    {
        if (x.Length == 0) return double.NaN;
        // the copy goes to a per-thread buffer reused across calls (several medians per analysed series); very
        // long inputs get a throwaway copy so a thread's retained buffer stays bounded
        Span<double> a;
        if (x.Length > PairwiseSlopes.PooledLimit) a = new double[x.Length];
        else
        {
            if (t_medianBuffer is null || t_medianBuffer.Length < x.Length) t_medianBuffer = new double[x.Length];
            a = t_medianBuffer.AsSpan(0, x.Length);
        }
        x.CopyTo(a);
        return MedianInPlace(a);
    }

    /// <summary>Median by selection; reorders <paramref name="a"/>.</summary>
    public static double MedianInPlace(Span<double> a)
    {
        var n = a.Length;
        if (n == 0) return double.NaN;
        var hi = Selection.Select(a, n / 2);
        if (n % 2 == 1) return hi;
        // the lower middle is the maximum of the left part after selection
        var lo = double.NegativeInfinity;
        for (var i = 0; i < n / 2; i++) if (a[i] > lo) lo = a[i];
        return (lo + hi) / 2.0;
    }
}

/// <summary>Order statistics by in-place selection (introselect-style quickselect, median-of-3 pivots).</summary>
internal static class Selection
{
    /// <summary>
    /// Reorders <paramref name="a"/> so that a[k] is the k-th smallest (0-based), everything before is ≤ it
    /// and everything after is ≥ it; returns a[k]. Expected O(n). Values must not be NaN.
    /// </summary>
    public static double Select(Span<double> a, int k)
    {
        var lo = 0;
        var hi = a.Length - 1;
        var guard = 0;
        while (hi > lo)
        {
            if (hi - lo < 16 || ++guard > 64)
            {
                a.Slice(lo, hi - lo + 1).Sort();
                return a[k];
            }
            var mid = lo + (hi - lo) / 2;
            // median of three to a[mid]
            if (a[mid] < a[lo]) (a[mid], a[lo]) = (a[lo], a[mid]);
            if (a[hi] < a[lo]) (a[hi], a[lo]) = (a[lo], a[hi]);
            if (a[hi] < a[mid]) (a[hi], a[mid]) = (a[mid], a[hi]);
            var pivot = a[mid];
            // three-way partition (Dijkstra) keeps heavy ties linear
            int lt = lo, i = lo, gt = hi;
            while (i <= gt)
            {
                var x = a[i];
                if (x < pivot) { a[i] = a[lt]; a[lt] = x; lt++; i++; }
                else if (x > pivot) { a[i] = a[gt]; a[gt] = x; gt--; }
                else i++;
            }
            if (k < lt) hi = lt - 1;
            else if (k > gt) lo = gt + 1;
            else return pivot;
        }
        return a[k];
    }
}

/// <summary>The season rule every seasonal statistic shares (docs/limits.md), and grouping by season position.</summary>
internal static class SeasonLimit
{
    /// <summary>
    /// A season of length m needs two full seasons: m ≤ slots / 2 (so each position has two slots to compare, and the
    /// work and memory stay proportional to the series, never to m). Says nothing when m &lt; 2 (checked separately).
    /// </summary>
    public static void Require(int seasonLength, int slots, Validator v)
    {
        if (seasonLength >= 2 && seasonLength > slots / 2)
            v.Add("season_length", $"must be at most half the series length ({slots / 2} for {slots} slots): two full seasons are needed");
    }

    /// <summary>Observed values by season position (slot index mod m), each in slot order; null for a position without values.</summary>
    public static List<double>?[] Group(Observed o, int seasonLength)
    {
        var groups = new List<double>?[seasonLength];
        for (var i = 0; i < o.Count; i++) (groups[(int)o.Times[i] % seasonLength] ??= []).Add(o.Values[i]);
        return groups;
    }
}
