using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CoeInsights.Analytics.Trends;

/// <summary>Direction called by a trend test at its significance level.</summary>
public enum TrendDirection
{
    NoTrend,
    Increasing,
    Decreasing,
}

/// <summary>Mann-Kendall trend test.</summary>
/// <param name="S">Σ_{i&lt;j} sign(x_j − x_i) over observed values.</param>
/// <param name="VarianceS">Tie-corrected: [n(n−1)(2n+5) − Σt(t−1)(2t+5)]/18.</param>
/// <param name="Z">(S − sign(S))/√Var with continuity correction, S/√Var without.</param>
/// <param name="PValue">Two-sided, 2·Φ(−|z|).</param>
/// <param name="TauB">S / √((N − T)·N), N = n(n−1)/2, T = tied pairs (R trend::mk.test "tau").</param>
/// <param name="TauA">S / N (pymannkendall "Tau").</param>
public sealed record MannKendallResult(
    int N,
    double S,
    double VarianceS,
    double Z,
    double PValue,
    double TauB,
    double TauA,
    bool ContinuityCorrection,
    TrendDirection Direction)
{
    /// <summary>Statistics that are NaN for this input (tau_b when every pair is tied), with the reason.</summary>
    public IReadOnlyList<UndefinedStatistic> Undefined { get; init; } = [];
}

/// <summary>Mann-Kendall and seasonal (Hirsch-Slack) Mann-Kendall trend tests with tie correction.</summary>
public static class MannKendall
{
    /// <summary>
    /// Mann-Kendall test on a regular series (missing slots dropped, order kept). S is counted in
    /// O(n log n) by merge-sort inversion counting. Matches R trend::mk.test(continuity = TRUE).
    /// </summary>
    public static MannKendallResult Test(IReadOnlyList<double?> values, bool continuityCorrection = true, double significance = 0.05)
    {
        var o = Observed.From(values);
        ValidateSignificance(significance);
        if (o.Count < 3) throw new InvalidInputException("values", "needs at least 3 observed values");
        return Test(o, continuityCorrection, significance);
    }

    /// <summary>Mann-Kendall on already validated observed points (at least 3).</summary>
    internal static MannKendallResult Test(Observed o, bool continuityCorrection, double significance)
    {
        var (s, pairs, tiePairs, t5) = Statistic(o.Values);
        var n = (double)o.Count;
        var varS = (n * (n - 1) * (2 * n + 5) - t5) / 18.0;
        return Result(o.Count, s, varS, pairs, tiePairs, continuityCorrection, significance);
    }

    /// <summary>
    /// Seasonal Mann-Kendall (Hirsch, Slack and Smith 1982): season of slot i is i mod <paramref name="seasonLength"/>
    /// (7 for day-of-week on a daily series, 12 for month-of-year on a monthly one). S and Var(S) are summed over
    /// seasons; the continuity correction is applied ONCE to the summed S (z = (ΣS − sign(ΣS))/√ΣVar), as
    /// R trend::smk.test and pymannkendall.seasonal_test do. Taus use the summed pair counts.
    /// </summary>
    public static MannKendallResult SeasonalTest(IReadOnlyList<double?> values, int seasonLength, bool continuityCorrection = true, double significance = 0.05)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (seasonLength < 2) throw new InvalidInputException("season_length", "must be at least 2");
        var limit = new Validator();
        SeasonLimit.Require(seasonLength, values.Count, limit);
        limit.ThrowIfInvalid();
        var o = Observed.From(values);
        ValidateSignificance(significance);
        double s = 0, varS = 0, pairs = 0, tiePairs = 0;
        var used = 0;
        var groups = SeasonLimit.Group(o, seasonLength);
        for (var g = 0; g < seasonLength; g++)
        {
            if (groups[g] is not { Count: >= 2 } season) continue;
            var (sg, pg, tg, t5) = Statistic(season.ToArray());
            double n = season.Count;
            s += sg;
            pairs += pg;
            tiePairs += tg;
            varS += (n * (n - 1) * (2 * n + 5) - t5) / 18.0;
            used += season.Count;
        }
        // Var(S) = 0 (every season constant) is a valid answer (z = 0, p = 1), not bad input
        if (pairs == 0) throw new InvalidInputException("values", "needs at least two observed values in some season");
        return Result(used, s, varS, pairs, tiePairs, continuityCorrection, significance);
    }

    private static void ValidateSignificance(double significance)
    {
        if (!(significance > 0 && significance < 1)) throw new InvalidInputException("significance", "must be strictly between 0 and 1");
    }

    private static MannKendallResult Result(int n, double s, double varS, double pairs, double tiePairs, bool cc, double significance)
    {
        double z;
        if (varS <= 0) z = 0;
        else if (cc) z = s == 0 ? 0 : (s - Math.Sign(s)) / Math.Sqrt(varS);
        else z = s / Math.Sqrt(varS);
        var p = varS <= 0 ? 1.0 : StatMath.TwoSidedZ(z);
        var dir = p < significance ? (s > 0 ? TrendDirection.Increasing : TrendDirection.Decreasing) : TrendDirection.NoTrend;
        // every pair tied (a constant series): tau-b is 0/0; tau-a = S/N = 0, z = 0 and p = 1 stay defined
        // without ties tau-b is S/N exactly (the two square roots would round a monotone series' 1 to 0.9999999999999999)
        var tauB = tiePairs == 0 ? s / pairs
            : pairs - tiePairs > 0 ? s / (Math.Sqrt(pairs - tiePairs) * Math.Sqrt(pairs)) : double.NaN;
        return new MannKendallResult(n, s, varS, z, p, tauB, s / pairs, cc, dir)
        {
            Undefined = double.IsNaN(tauB)
                ? [new UndefinedStatistic("tau_b", "every pair of values compared is tied (a constant series): tau-b is 0/0")]
                : [],
        };
    }

    [ThreadStatic] private static double[]? t_sorted;
    [ThreadStatic] private static double[]? t_scratch;

    /// <summary>S, N = n(n−1)/2, tied pairs Σt(t−1)/2 and Σt(t−1)(2t+5) for values in time order.</summary>
    internal static (double S, double Pairs, double TiePairs, double T5) Statistic(ReadOnlySpan<double> x)
    {
        var n = x.Length;
        // per-thread work arrays, reused across series (a Parallel.For over many series otherwise allocates two
        // n-sized arrays per test);
        // only the first n elements are used; very long series get throwaway arrays (bounded retention per thread)
        double[] a, scratch;
        if (n > PairwiseSlopes.PooledLimit)
        {
            a = new double[n];
            scratch = new double[n];
        }
        else
        {
            if (t_sorted is null || t_sorted.Length < n)
            {
                t_sorted = new double[n];
                t_scratch = new double[n];
            }
            a = t_sorted;
            scratch = t_scratch!;
        }
        x.CopyTo(a);
        var inversions = CountStrictInversions(a, scratch, n); // a[0, n) is sorted afterwards
        var (tiePairs, _, t5) = StatMath.TieSumsSorted(a.AsSpan(0, n));
        var pairs = (double)n * (n - 1) / 2;
        // concordant = pairs − tied − discordant; S = concordant − discordant
        var s = pairs - tiePairs - 2.0 * inversions;
        return (s, pairs, tiePairs, t5);
    }

    /// <summary>Pairs i &lt; j with a[i] &gt; a[j]; sorts <paramref name="a"/> ascending (stable merge sort).</summary>
    /// <remarks>
    /// The hottest loop of Sen's slope (one call per bracket count), so the merge steps run on refs without
    /// bounds checks; <paramref name="tmp"/> must be at least as long as <paramref name="a"/>.
    /// </remarks>
    internal static long CountStrictInversions(double[] a, double[] tmp) => CountStrictInversions(a, tmp, a.Length);

    /// <summary>
    /// As <see cref="CountStrictInversions(double[], double[])"/> on a[0, n): the arrays may be longer (pooled
    /// per-thread work arrays, see PairwiseSlopes).
    /// </summary>
    internal static long CountStrictInversions(double[] a, double[] tmp, int n)
    {
        if (a.Length < n || tmp.Length < n) throw new ArgumentException("array shorter than n", nameof(n));
        // bottom-up merge sort; insertion sort on small runs
        const int Run = 8;
        var inv = InsertionSortRuns(a, Run, n);
        var src = a;
        var dst = tmp;
        for (var width = Run; width < n; width *= 2)
        {
            ref var s = ref MemoryMarshal.GetArrayDataReference(src);
            ref var d = ref MemoryMarshal.GetArrayDataReference(dst);
            for (var lo = 0; lo < n; lo += 2 * width)
            {
                var mid = Math.Min(lo + width, n);
                var hi = Math.Min(lo + 2 * width, n);
                if (mid >= hi || Unsafe.Add(ref s, mid - 1) <= Unsafe.Add(ref s, mid))
                {
                    // already in order: nothing to count
                    Array.Copy(src, lo, dst, lo, hi - lo);
                    continue;
                }
                inv += MergeCounting(ref s, ref d, lo, mid, hi);
            }
            (src, dst) = (dst, src);
        }
        if (!ReferenceEquals(src, a)) Array.Copy(src, a, n);
        return inv;
    }

    /// <summary>Sorts each run of <paramref name="run"/> elements by insertion; returns the inversions removed.</summary>
    private static long InsertionSortRuns(double[] a, int run, int n)
    {
        long inv = 0;
        ref var r = ref MemoryMarshal.GetArrayDataReference(a);
        for (var lo = 0; lo < n; lo += run)
        {
            var hi = Math.Min(lo + run, n);
            for (var i = lo + 1; i < hi; i++)
            {
                var x = Unsafe.Add(ref r, i);
                var j = i - 1;
                while (j >= lo && Unsafe.Add(ref r, j) > x)
                {
                    Unsafe.Add(ref r, j + 1) = Unsafe.Add(ref r, j);
                    j--;
                }
                inv += i - 1 - j;
                Unsafe.Add(ref r, j + 1) = x;
            }
        }
        return inv;
    }

    /// <summary>
    /// Merges src[lo, mid) and src[mid, hi) into dst (stable); returns the strict inversions between the halves
    /// (pairs left x &gt; right y).
    /// </summary>
    /// <remarks>
    /// A branch-free merge step is latency-bound (the next load depends on the previous comparison), so the merge
    /// runs from both ends at once: the front fills dst[lo, frontEnd) smallest first, the back fills
    /// dst[frontEnd, hi) largest first, two independent chains. The front counts, for each right element it takes,
    /// the left elements it has not taken; the back counts, for each left element it takes, the right elements it
    /// has not taken. A pair (left x in the back part, right y in the front part) is an inversion counted by both,
    /// so that product is subtracted once.
    /// </remarks>
    private static long MergeCounting(ref double src, ref double dst, int lo, int mid, int hi)
    {
        long front = 0, back = 0;
        int i = lo, j = mid, k = lo;
        int ib = mid - 1, jb = hi - 1, kb = hi - 1;
        var frontEnd = lo + (hi - lo) / 2;
        while (k < frontEnd && i < mid && j < hi && ib >= lo && jb >= mid)
        {
            // front: take the right element only when strictly smaller (ties keep left first: stable)
            var l = Unsafe.Add(ref src, i);
            var r = Unsafe.Add(ref src, j);
            var right = r < l ? 1 : 0;
            Unsafe.Add(ref dst, k++) = right == 1 ? r : l;
            front += right * (mid - i);
            j += right;
            i += 1 - right;
            // back: take the left element only when strictly larger (ties put right last: stable)
            var lb = Unsafe.Add(ref src, ib);
            var rb = Unsafe.Add(ref src, jb);
            var left = lb > rb ? 1 : 0;
            Unsafe.Add(ref dst, kb--) = left == 1 ? lb : rb;
            back += left * (jb - mid + 1);
            ib -= left;
            jb -= 1 - left;
        }
        while (k < frontEnd)
        {
            if (j >= hi || (i < mid && !(Unsafe.Add(ref src, j) < Unsafe.Add(ref src, i))))
            {
                Unsafe.Add(ref dst, k++) = Unsafe.Add(ref src, i++);
            }
            else
            {
                front += mid - i;
                Unsafe.Add(ref dst, k++) = Unsafe.Add(ref src, j++);
            }
        }
        while (kb >= frontEnd)
        {
            if (jb < mid || (ib >= lo && Unsafe.Add(ref src, ib) > Unsafe.Add(ref src, jb)))
            {
                back += jb - mid + 1;
                Unsafe.Add(ref dst, kb--) = Unsafe.Add(ref src, ib--);
            }
            else
            {
                Unsafe.Add(ref dst, kb--) = Unsafe.Add(ref src, jb--);
            }
        }
        long leftInBack = mid - i, rightInFront = j - mid;
        return front + back - leftInBack * rightInFront;
    }
}
