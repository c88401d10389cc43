namespace CoeInsights.Analytics.Trends;

/// <summary>
/// Order statistics of the n(n−1)/2 pairwise slopes (y_j − y_i)/(t_j − t_i), i &lt; j, without materialising
/// them for large n.
/// <para>
/// Small inputs (N ≤ <see cref="DefaultExactLimit"/> pairs): every slope is computed and selected (exact).
/// Large inputs: the number of slopes below a value s equals the number of inversions of z = y − s·t in time
/// order, counted in O(n log n) by merge sort. A random sample of slopes brackets each wanted rank, the bracket
/// is narrowed by interpolation on these counts until it holds at most a few thousand slopes, and those are listed
/// (as the pairs whose order differs between z(lo) and z(hi), also by merge sort) and selected exactly. Candidate
/// slopes are evaluated with the same division as the exact path, so results are bit-identical to it. A stalled
/// bracket (e.g. a huge block of equal non-zero slopes) falls back to the exact path.
/// </para>
/// </summary>
internal sealed class PairwiseSlopes
{
    internal const long DefaultExactLimit = 150_000;

    private readonly double[] _t;
    private readonly double[] _y;
    private readonly int _n;
    private readonly long _pairs;
    private readonly double[] _z;
    private readonly double[] _tmp;
    private readonly int _cap;
    private readonly Workspace _ws;
    private double[]? _all;

    /// <summary>
    /// Largest n whose work arrays a thread keeps between calls (≈ 80 bytes per point plus a candidate list of at
    /// most <see cref="PooledCandidateLimit"/>, so ≤ 15 MB per thread); longer series get fresh arrays that the
    /// GC takes back.
    /// </summary>
    internal const int PooledLimit = 1 << 17;

    /// <summary>A candidate list longer than this (a rare wide listing) is not kept for the next series.</summary>
    private const int PooledCandidateLimit = 4 * PooledLimit + 1024;

    /// <summary>
    /// The O(n) work arrays of the counting path (≈ 0.5 MB for a 10-year daily series, ten arrays, the candidate
    /// list on the large-object heap). Every Sen's slope used to allocate them afresh, so 1,000 series in parallel
    /// spent much of their time in the GC; one set per thread is reused instead. Arrays may be longer than n:
    /// every use is bounded by n (or by the expected candidate count), never by the array length.
    /// </summary>
    private sealed class Workspace
    {
        public double[] Z = [], Tmp = [], Sample = [], ListZ = [], ListB = [], ListBScratch = [], Candidates = [];
        public int[] ListOrder = [], ListOrderScratch = [];
        public ulong[] RadixKeys = [], RadixKeyScratch = [];

        [ThreadStatic] private static Workspace? t_current;

        /// <summary>This thread's workspace, or a throwaway one above <see cref="PooledLimit"/>.</summary>
        public static Workspace For(int n)
        {
            if (n > PooledLimit) return new Workspace();
            return t_current ??= new Workspace();
        }

        public static T[] Ensure<T>(ref T[] array, int n)
        {
            if (array.Length < n) array = new T[n];
            return array;
        }
    }

    private PairwiseSlopes(double[] t, double[] y)
    {
        _t = t;
        _y = y;
        _n = t.Length;
        _pairs = (long)_n * (_n - 1) / 2;
        _ws = Workspace.For(_n);
        _z = Workspace.Ensure(ref _ws.Z, _n);
        _tmp = Workspace.Ensure(ref _ws.Tmp, _n);
        _cap = 4 * _n + 1024;
    }

    /// <summary>
    /// The slopes at the given 0-based ranks of the sorted slope list. <paramref name="t"/> must be strictly increasing.
    /// </summary>
    public static double[] OrderStatistics(double[] t, double[] y, IReadOnlyList<long> ranks, long exactLimit = DefaultExactLimit)
    {
        var s = new PairwiseSlopes(t, y);
        var result = new double[ranks.Count];
        if (s._pairs <= exactLimit)
        {
            for (var r = 0; r < ranks.Count; r++) result[r] = s.Exact(ranks[r]);
            return result;
        }
        s.SelectLarge(ranks, result);
        if (s._ws.Candidates.Length > PooledCandidateLimit) s._ws.Candidates = [];
        return result;
    }

    private double Exact(long k)
    {
        if (_all is null)
        {
            _all = new double[_pairs];
            long p = 0;
            for (var i = 0; i < _n - 1; i++)
            {
                var ti = _t[i];
                var yi = _y[i];
                for (var j = i + 1; j < _n; j++) _all[p++] = (_y[j] - yi) / (_t[j] - ti);
            }
        }
        return Selection.Select(_all, checked((int)k));
    }

    private Span<double> Sample(int m)
    {
        // SplitMix64 seeded by n: deterministic and reproducible across runs and platforms
        var state = 0x9E3779B97F4A7C15UL ^ (ulong)_n;
        ulong Next()
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
        var sample = Workspace.Ensure(ref _ws.Sample, m).AsSpan(0, m);
        for (var s = 0; s < m; s++)
        {
            int i, j;
            do
            {
                i = (int)(Next() % (ulong)_n);
                j = (int)(Next() % (ulong)_n);
            } while (i == j);
            if (i > j) (i, j) = (j, i);
            sample[s] = (_y[j] - _y[i]) / (_t[j] - _t[i]);
        }
        return sample;
    }

    /// <summary>(slopes strictly below s, slopes at most s), both as computed through z = y − s·t.</summary>
    private (long Below, long AtMost) Count(double s)
    {
        for (var i = 0; i < _n; i++) _z[i] = _y[i] - s * _t[i];
        var below = MannKendall.CountStrictInversions(_z, _tmp, _n);
        var (ties, _, _) = StatMath.TieSumsSorted(_z.AsSpan(0, _n));
        return (below, below + (long)ties);
    }

    /// <summary>Bound on the rounding error of z = y − s·t, in slope units, for a comparison at s.</summary>
    private double Fuzz(double s) => 16 * 2.220446049250313e-16 * Math.Max(_maxY, Math.Abs(s) * _maxT);

    private (double S, long Below, long AtMost) CountBelowBound(double s)
    {
        // move a lower bound down by a margin ≫ rounding error, so pairs near it are far below every wanted rank
        s -= 1e3 * Fuzz(s);
        var (b, c) = Count(s);
        _known.Add((s, b, c));
        return (s, b, c);
    }

    private (double S, long Below, long AtMost) CountAboveBound(double s)
    {
        s += 1e3 * Fuzz(s);
        var (b, c) = Count(s);
        _known.Add((s, b, c));
        return (s, b, c);
    }

    private readonly List<(double S, long Below, long AtMost)> _known = [];
    private double _maxY;
    private double _maxT;

    private void SelectLarge(IReadOnlyList<long> ranks, double[] result)
    {
        for (var i = 0; i < _n; i++) _maxY = Math.Max(_maxY, Math.Abs(_y[i]));
        _maxT = Math.Max(Math.Abs(_t[0]), Math.Abs(_t[_n - 1]));
        var answered = new bool[ranks.Count];
        var m = Math.Min(2 * _n, 1 << 16);
        var sample = Sample(m);
        var kMin = ranks.Min();
        var kMax = ranks.Max();
        var w = 2.5 * Math.Sqrt(m) + 1;
        // only two order statistics and the range of the sample are used: select them, no full sort
        double sampleMin = double.PositiveInfinity, sampleMax = double.NegativeInfinity;
        foreach (var x in sample)
        {
            sampleMin = Math.Min(sampleMin, x);
            sampleMax = Math.Max(sampleMax, x);
        }
        var spread = sampleMax - sampleMin + 1.0;
        var loGuess = Selection.Select(sample, Math.Clamp((int)Math.Floor((double)kMin / _pairs * m - w), 0, m - 1));
        var hiGuess = Selection.Select(sample, Math.Clamp((int)Math.Ceiling((kMax + 1.0) / _pairs * m + w), 0, m - 1));

        // one wide bracket around all wanted ranks from the sample, widened until the counts confirm it
        var (lo, bLo, _) = CountBelowBound(loGuess);
        for (var step = spread; bLo > kMin; step *= 4) (lo, bLo, _) = CountBelowBound(lo - step);
        var (hi, _, cHi) = CountAboveBound(hiGuess);
        for (var step = spread; cHi <= kMax; step *= 4) (hi, _, cHi) = CountAboveBound(hi + step);

        if (lo < 0 && hi > 0)
        {
            // a block of equal values gives a block of zero slopes: settle it exactly (z = y, no rounding)
            var (b0, c0) = Count(0.0);
            for (var r = 0; r < ranks.Count; r++)
            {
                if (ranks[r] >= b0 && ranks[r] < c0)
                {
                    result[r] = 0.0;
                    answered[r] = true;
                }
            }
        }

        for (var r = 0; r < ranks.Count; r++)
        {
            if (!answered[r]) SelectOne(ranks[r], ranks, result, answered);
        }
    }

    private void SelectOne(long k, IReadOnlyList<long> ranks, double[] result, bool[] answered)
    {
        // tightest known bracket for k
        double lo = double.NegativeInfinity, hi = double.PositiveInfinity;
        long bLo = 0, cHi = _pairs;
        foreach (var (s, b, c) in _known)
        {
            if (b <= k && s > lo) { lo = s; bLo = b; }
            if (c > k && s < hi) { hi = s; cHi = c; }
        }
        var stalls = 0;
        for (var iter = 0; iter < 60 && cHi - bLo > _cap && stalls < 4; iter++)
        {
            var kCount = cHi - bLo;
            var sStar = lo + (k + 0.5 - bLo) / kCount * (hi - lo);
            var delta = (hi - lo) * (_cap / 4.0) / kCount;
            if (sStar - delta > lo)
            {
                var (s2, b, _) = CountBelowBound(sStar - delta);
                if (b <= k && s2 > lo) { lo = s2; bLo = b; }
            }
            if (sStar + delta < hi)
            {
                var (s2, _, c) = CountAboveBound(sStar + delta);
                if (c > k && s2 < hi) { hi = s2; cHi = c; }
            }
            stalls = cHi - bLo > kCount / 2 ? stalls + 1 : 0;
        }

        var expected = cHi - bLo;
        var listed = expected <= Math.Max(_cap, 64L * _n) && List(lo, hi, (int)expected);
        var selected = new double[ranks.Count];
        if (listed)
        {
            var candidates = _ws.Candidates.AsSpan(0, (int)expected);
            var lastSelected = -1;
            // accept only answers clear of the bounds: pairs within rounding error of a bound may sit on either side
            for (var r = 0; r < ranks.Count && listed; r++)
            {
                if (answered[r] || ranks[r] < bLo || ranks[r] >= cHi) continue;
                var position = (int)(ranks[r] - bLo);
                // the upper middle of an even median pair right after the lower one: after selecting position p
                // everything beyond p is ≥ it, so position p + 1 holds the minimum of that part (a scan, not a select)
                selected[r] = position == lastSelected + 1 && lastSelected >= 0
                    ? Min(candidates[position..])
                    : Selection.Select(candidates, position);
                if (position != lastSelected + 1 || lastSelected < 0) lastSelected = position;
                else lastSelected = -1;
                if (selected[r] - lo <= 2 * Fuzz(lo) || hi - selected[r] <= 2 * Fuzz(hi)) listed = false;
            }
        }
        if (!listed)
        {
            for (var r = 0; r < ranks.Count; r++)
            {
                if (answered[r]) continue;
                result[r] = Exact(ranks[r]);
                answered[r] = true;
            }
            return;
        }
        for (var r = 0; r < ranks.Count; r++)
        {
            if (answered[r] || ranks[r] < bLo || ranks[r] >= cHi) continue;
            result[r] = selected[r];
            answered[r] = true;
        }
    }

    /// <summary>
    /// Fills <paramref name="order"/> with 0..n−1 sorted by <paramref name="keys"/> ascending, equal keys (−0 = +0)
    /// in index (time) order — what Array.Sort(keys, order) followed by re-sorting each tie group by index gives.
    /// A stable LSD radix sort on order-preserving 64-bit images of the doubles: six branch-free counting passes
    /// of 11 bits, skipping a pass when every key has the same digit (the exponent bits usually agree), instead of
    /// a comparison sort whose unpredictable branches dominated the listing.
    /// </summary>
    internal static void SortOrderByKey(ReadOnlySpan<double> keys, int[] order, ulong[] image, ulong[] imageScratch, int[] orderScratch)
    {
        const int Bits = 11;
        const int Buckets = 1 << Bits;
        var n = keys.Length;
        for (var i = 0; i < n; i++)
        {
            // + 0.0 turns −0 into +0; flipping makes unsigned order match numeric order
            var bits = BitConverter.DoubleToUInt64Bits(keys[i] + 0.0);
            image[i] = (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
            order[i] = i;
        }
        if (n < 2) return;
        Span<int> start = stackalloc int[Buckets];
        ulong[] ks = image, kd = imageScratch;
        int[] os = order, od = orderScratch;
        for (var shift = 0; shift < 64; shift += Bits)
        {
            start.Clear();
            for (var i = 0; i < n; i++) start[(int)((ks[i] >> shift) & (Buckets - 1))]++;
            if (start[(int)((ks[0] >> shift) & (Buckets - 1))] == n) continue; // one digit for all: nothing moves
            var sum = 0;
            for (var d = 0; d < Buckets; d++)
            {
                var c = start[d];
                start[d] = sum;
                sum += c;
            }
            for (var i = 0; i < n; i++)
            {
                var p = start[(int)((ks[i] >> shift) & (Buckets - 1))]++;
                kd[p] = ks[i];
                od[p] = os[i];
            }
            (ks, kd) = (kd, ks);
            (os, od) = (od, os);
        }
        if (!ReferenceEquals(os, order)) Array.Copy(os, order, n);
    }

    private static double Min(ReadOnlySpan<double> values)
    {
        var min = values[0];
        for (var i = 1; i < values.Length; i++) min = Math.Min(min, values[i]);
        return min;
    }

    /// <summary>
    /// Slopes of pairs that are not below <paramref name="lo"/> and not above <paramref name="hi"/>, written to
    /// the workspace's candidate list [0, expected) (reused by the next listing): order points by z(lo) (ties by time), then list
    /// the pairs inverted (non-strictly) by z(hi). False when the number found differs from
    /// <paramref name="expected"/> (inconsistent rounding: the caller falls back to the exact path).
    /// </summary>
    private bool List(double lo, double hi, int expected)
    {
        var n = _n;
        // work arrays come from the thread's workspace (three listings per Sen's slope with its CI, many series)
        var a = Workspace.Ensure(ref _ws.ListZ, n);
        var idx = Workspace.Ensure(ref _ws.ListOrder, n);
        for (var i = 0; i < n; i++) a[i] = _y[i] - lo * _t[i];
        var b = Workspace.Ensure(ref _ws.ListB, n);
        var bTmp = Workspace.Ensure(ref _ws.ListBScratch, n);
        var iTmp = Workspace.Ensure(ref _ws.ListOrderScratch, n);
        // equal z(lo) keep time order
        SortOrderByKey(a.AsSpan(0, n), idx, Workspace.Ensure(ref _ws.RadixKeys, n), Workspace.Ensure(ref _ws.RadixKeyScratch, n), iTmp);
        for (var p = 0; p < n; p++) b[p] = _y[idx[p]] - hi * _t[idx[p]];

        if (_ws.Candidates.Length < expected) _ws.Candidates = new double[Math.Max(expected, 2 * _ws.Candidates.Length)];
        var outList = _ws.Candidates;
        var count = 0;
        double[] bs = b, bd = bTmp;
        int[] xs = idx, xd = iTmp;
        for (var width = 1; width < n; width *= 2)
        {
            for (var lo0 = 0; lo0 < n; lo0 += 2 * width)
            {
                var mid = Math.Min(lo0 + width, n);
                var end = Math.Min(lo0 + 2 * width, n);
                int i = lo0, j = mid, k = lo0;
                while (i < mid && j < end)
                {
                    if (bs[j] <= bs[i])
                    {
                        var q = xs[j];
                        var tq = _t[q];
                        var yq = _y[q];
                        for (var l = i; l < mid; l++)
                        {
                            var pIdx = xs[l];
                            if (_t[pIdx] >= tq) continue;
                            if (count == expected) return false;
                            outList[count++] = (yq - _y[pIdx]) / (tq - _t[pIdx]);
                        }
                        bd[k] = bs[j];
                        xd[k++] = q;
                        j++;
                    }
                    else
                    {
                        bd[k] = bs[i];
                        xd[k++] = xs[i];
                        i++;
                    }
                }
                while (i < mid) { bd[k] = bs[i]; xd[k++] = xs[i++]; }
                while (j < end) { bd[k] = bs[j]; xd[k++] = xs[j++]; }
            }
            (bs, bd) = (bd, bs);
            (xs, xd) = (xd, xs);
        }
        return count == expected;
    }
}
