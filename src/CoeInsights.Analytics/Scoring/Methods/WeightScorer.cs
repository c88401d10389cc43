using System.Numerics;
using System.Runtime.InteropServices;

namespace CoeInsights.Analytics.Scoring.Methods;

/// <summary>
/// Fast re-scoring of a fixed normalised matrix under changing weights, for robustness loops. Works on flat
/// row-major buffers, allocates only in the constructor. Utilities are "higher is better" (VIKOR: −Q, WPM: ln of
/// the product) so one ranking routine serves every method.
/// </summary>
internal abstract class WeightScorer
{
    protected readonly int M;
    protected readonly int N;

    protected WeightScorer(int m, int n)
    {
        M = m;
        N = n;
    }

    public static WeightScorer Create(ScoringMethod method, int m, int n) => method switch
    {
        ScoringMethod.Wsm => new LinearScorer(m, n, logarithmic: false),
        ScoringMethod.Wpm => new LinearScorer(m, n, logarithmic: true),
        ScoringMethod.Topsis => new TopsisScorer(m, n),
        ScoringMethod.Vikor => new VikorScorer(m, n),
        ScoringMethod.PrometheeII => new LinearScorer(m, n, logarithmic: false), // a weighted sum of unicriterion net flows
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    /// <summary>Loads a normalised, benefit-oriented matrix (row-major m × n).</summary>
    public abstract void Load(ReadOnlySpan<double> r);

    /// <summary>Utilities for weights w (summing to 1).</summary>
    public abstract void Evaluate(ReadOnlySpan<double> w, Span<double> utility);

    /// <summary>
    /// <see cref="Evaluate"/> for <paramref name="count"/> weight vectors at once (<paramref name="w"/> is count × N,
    /// <paramref name="utility"/> count × M), bit-identical to calling it per vector. Scorers override it to pass over
    /// their matrix once for all vectors instead of once per vector.
    /// </summary>
    public virtual void EvaluateMany(ReadOnlySpan<double> w, int count, Span<double> utility)
    {
        for (var s = 0; s < count; s++) Evaluate(w.Slice(s * N, N), utility.Slice(s * M, M));
    }

    /// <summary>
    /// <see cref="Load"/> then <see cref="Evaluate"/>, for a matrix scored once (bootstrap resamples). Scorers override
    /// it to skip building their intermediate matrices; results are bit-identical to Load + Evaluate.
    /// </summary>
    public virtual void Score(ReadOnlySpan<double> r, ReadOnlySpan<double> w, Span<double> utility)
    {
        Load(r);
        Evaluate(w, utility);
    }

    /// <summary>Precomputes what <see cref="EvaluateOneAtATime"/> needs for base weights w.</summary>
    public abstract void PrepareOneAtATime(ReadOnlySpan<double> w);

    /// <summary>Utilities when weight j is set to t and every other weight is multiplied by s = (1 − t)/(1 − w_j). O(m).</summary>
    public abstract void EvaluateOneAtATime(int j, double t, double s, Span<double> utility);

    /// <summary>Turns a utility back into the method's own score (WPM product, VIKOR Q, …).</summary>
    public abstract double ToScore(double utility);

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var n = a.Length;
        var i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count * 2)
        {
            var va = MemoryMarshal.Cast<double, Vector<double>>(a);
            var vb = MemoryMarshal.Cast<double, Vector<double>>(b);
            var acc = Vector<double>.Zero;
            for (var k = 0; k < va.Length; k++) acc += va[k] * vb[k];
            sum = Vector.Sum(acc);
            i = va.Length * Vector<double>.Count;
        }
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>
    /// result[i] = Dot(row i of the row-major matrix <paramref name="a"/>, x), bit-identical to <see cref="Dot"/>
    /// (each row keeps its own accumulator and summation order), but four rows at a time: one load of x serves four
    /// rows and the four independent add chains hide the FP-add latency that bounds a single dot product.
    /// </summary>
    internal static void DotRows(ReadOnlySpan<double> a, int n, ReadOnlySpan<double> x, Span<double> result)
    {
        var rows = result.Length;
        var i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count * 2)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x[..n]);
            var tail = vx.Length * Vector<double>.Count;
            for (; i + 4 <= rows; i += 4)
            {
                var r0 = a.Slice(i * n, n);
                var r1 = a.Slice((i + 1) * n, n);
                var r2 = a.Slice((i + 2) * n, n);
                var r3 = a.Slice((i + 3) * n, n);
                var v0 = MemoryMarshal.Cast<double, Vector<double>>(r0);
                var v1 = MemoryMarshal.Cast<double, Vector<double>>(r1);
                var v2 = MemoryMarshal.Cast<double, Vector<double>>(r2);
                var v3 = MemoryMarshal.Cast<double, Vector<double>>(r3);
                Vector<double> acc0 = Vector<double>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
                for (var k = 0; k < vx.Length; k++)
                {
                    var xk = vx[k];
                    acc0 += v0[k] * xk;
                    acc1 += v1[k] * xk;
                    acc2 += v2[k] * xk;
                    acc3 += v3[k] * xk;
                }
                double s0 = Vector.Sum(acc0), s1 = Vector.Sum(acc1), s2 = Vector.Sum(acc2), s3 = Vector.Sum(acc3);
                for (var q = tail; q < n; q++)
                {
                    s0 += r0[q] * x[q];
                    s1 += r1[q] * x[q];
                    s2 += r2[q] * x[q];
                    s3 += r3[q] * x[q];
                }
                result[i] = s0;
                result[i + 1] = s1;
                result[i + 2] = s2;
                result[i + 3] = s3;
            }
        }
        for (; i < rows; i++) result[i] = Dot(a.Slice(i * n, n), x);
    }

    /// <summary>
    /// result[s·rows + i] = Dot(row i of <paramref name="a"/>, vector s of <paramref name="x"/>) for <paramref name="count"/>
    /// vectors (x is count × n), bit-identical to <see cref="Dot"/> per pair (each pair keeps its own accumulator and
    /// order). Four vectors and two rows at a time: each row is read from memory once per four vectors instead of once
    /// per vector, and the eight add chains overlap.
    /// </summary>
    internal static void DotRowsMany(ReadOnlySpan<double> a, int rows, int n, ReadOnlySpan<double> x, int count, Span<double> result)
    {
        var s = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count * 2 && n % Vector<double>.Count == 0)
        {
            var width = n / Vector<double>.Count;
            for (; s + 4 <= count; s += 4)
            {
                var x0 = MemoryMarshal.Cast<double, Vector<double>>(x.Slice(s * n, n));
                var x1 = MemoryMarshal.Cast<double, Vector<double>>(x.Slice((s + 1) * n, n));
                var x2 = MemoryMarshal.Cast<double, Vector<double>>(x.Slice((s + 2) * n, n));
                var x3 = MemoryMarshal.Cast<double, Vector<double>>(x.Slice((s + 3) * n, n));
                var i = 0;
                for (; i + 2 <= rows; i += 2)
                {
                    var r0 = MemoryMarshal.Cast<double, Vector<double>>(a.Slice(i * n, n));
                    var r1 = MemoryMarshal.Cast<double, Vector<double>>(a.Slice((i + 1) * n, n));
                    Vector<double> a00 = Vector<double>.Zero, a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
                    for (var k = 0; k < width; k++)
                    {
                        var u = r0[k];
                        var v = r1[k];
                        a00 += u * x0[k];
                        a01 += u * x1[k];
                        a02 += u * x2[k];
                        a03 += u * x3[k];
                        a10 += v * x0[k];
                        a11 += v * x1[k];
                        a12 += v * x2[k];
                        a13 += v * x3[k];
                    }
                    result[s * rows + i] = Vector.Sum(a00);
                    result[(s + 1) * rows + i] = Vector.Sum(a01);
                    result[(s + 2) * rows + i] = Vector.Sum(a02);
                    result[(s + 3) * rows + i] = Vector.Sum(a03);
                    result[s * rows + i + 1] = Vector.Sum(a10);
                    result[(s + 1) * rows + i + 1] = Vector.Sum(a11);
                    result[(s + 2) * rows + i + 1] = Vector.Sum(a12);
                    result[(s + 3) * rows + i + 1] = Vector.Sum(a13);
                }
                for (; i < rows; i++)
                {
                    for (var q = s; q < s + 4; q++) result[q * rows + i] = Dot(a.Slice(i * n, n), x.Slice(q * n, n));
                }
            }
        }
        for (; s < count; s++) DotRows(a, n, x.Slice(s * n, n), result.Slice(s * rows, rows));
    }

    /// <summary>WSM (Σ w r) and WPM in log form (Σ w ln r).</summary>
    private sealed class LinearScorer(int m, int n, bool logarithmic) : WeightScorer(m, n)
    {
        private readonly double[] _a = new double[m * n];
        private readonly double[] _base = new double[m];
        private double[] _w = [];

        public override void Load(ReadOnlySpan<double> r)
        {
            if (logarithmic)
            {
                for (var k = 0; k < r.Length; k++) _a[k] = Math.Log(r[k]);
            }
            else
            {
                r.CopyTo(_a);
            }
        }

        public override void Evaluate(ReadOnlySpan<double> w, Span<double> utility)
        {
            DotRows(_a, N, w, utility[..M]);
        }

        public override void EvaluateMany(ReadOnlySpan<double> w, int count, Span<double> utility)
        {
            DotRowsMany(_a, M, N, w, count, utility);
        }

        public override void Score(ReadOnlySpan<double> r, ReadOnlySpan<double> w, Span<double> utility)
        {
            if (logarithmic) base.Score(r, w, utility);
            else DotRows(r, N, w, utility[..M]);
        }

        public override void PrepareOneAtATime(ReadOnlySpan<double> w)
        {
            _w = w.ToArray();
            Evaluate(w, _base);
        }

        public override void EvaluateOneAtATime(int j, double t, double s, Span<double> utility)
        {
            var wj = _w[j];
            for (var i = 0; i < M; i++)
            {
                var a = _a[i * N + j];
                utility[i] = s * (_base[i] - wj * a) + t * a;
            }
        }

        public override double ToScore(double utility) => logarithmic ? Math.Exp(utility) : utility;
    }

    /// <summary>TOPSIS: d⁺² = Σ w² (r − max r)², d⁻² = Σ w² (r − min r)²; the ideal of w·r is w·max r for w ≥ 0.</summary>
    private sealed class TopsisScorer(int m, int n) : WeightScorer(m, n)
    {
        private readonly double[] _pPlus = new double[m * n];
        private readonly double[] _pMinus = new double[m * n];
        private readonly double[] _w2 = new double[n];
        private readonly double[] _dPlus = new double[m];
        private readonly double[] _dMinus = new double[m];
        private readonly double[] _max = new double[n];
        private readonly double[] _min = new double[n];
        private readonly double[] _dPlusScratch = new double[m];
        private readonly double[] _dMinusScratch = new double[m];
        private double[] _w = [];

        public override void Load(ReadOnlySpan<double> r)
        {
            ColumnExtremes(r);
            for (var i = 0; i < M; i++)
            {
                var ri = r.Slice(i * N, N);
                var plus = _pPlus.AsSpan(i * N, N);
                var minus = _pMinus.AsSpan(i * N, N);
                for (var j = 0; j < N; j++)
                {
                    var v = ri[j];
                    plus[j] = (v - _max[j]) * (v - _max[j]);
                    minus[j] = (v - _min[j]) * (v - _min[j]);
                }
            }
        }

        /// <summary>
        /// Column maxima and minima, row by row (contiguous memory). The SIMD lanes use the same strict comparisons as
        /// the scalar loop (take v only when v &gt; max, resp. v &lt; min), so ties and signed zeros resolve identically.
        /// </summary>
        private void ColumnExtremes(ReadOnlySpan<double> r)
        {
            Array.Fill(_max, double.NegativeInfinity);
            Array.Fill(_min, double.PositiveInfinity);
            var start = 0;
            if (Vector.IsHardwareAccelerated && N >= Vector<double>.Count)
            {
                var max = MemoryMarshal.Cast<double, Vector<double>>(_max.AsSpan());
                var min = MemoryMarshal.Cast<double, Vector<double>>(_min.AsSpan());
                for (var i = 0; i < M; i++)
                {
                    var v = MemoryMarshal.Cast<double, Vector<double>>(r.Slice(i * N, N));
                    for (var k = 0; k < max.Length; k++)
                    {
                        max[k] = Vector.ConditionalSelect(Vector.GreaterThan(v[k], max[k]), v[k], max[k]);
                        min[k] = Vector.ConditionalSelect(Vector.LessThan(v[k], min[k]), v[k], min[k]);
                    }
                }
                start = max.Length * Vector<double>.Count;
            }
            for (var i = 0; i < M; i++)
            {
                var ri = r.Slice(i * N, N);
                for (var j = start; j < N; j++)
                {
                    var v = ri[j];
                    if (v > _max[j]) _max[j] = v;
                    if (v < _min[j]) _min[j] = v;
                }
            }
        }

        /// <summary>
        /// Load + Evaluate fused: the squared gaps to the ideal and anti-ideal are formed in registers and weighted
        /// straight away, in the same vector lanes and order as <see cref="Dot"/> over the stored matrices.
        /// </summary>
        public override void Score(ReadOnlySpan<double> r, ReadOnlySpan<double> w, Span<double> utility)
        {
            if (!Vector.IsHardwareAccelerated || N < Vector<double>.Count * 2)
            {
                base.Score(r, w, utility);
                return;
            }
            ColumnExtremes(r);
            for (var j = 0; j < N; j++) _w2[j] = w[j] * w[j];
            var max = MemoryMarshal.Cast<double, Vector<double>>(_max.AsSpan());
            var min = MemoryMarshal.Cast<double, Vector<double>>(_min.AsSpan());
            var w2 = MemoryMarshal.Cast<double, Vector<double>>(_w2.AsSpan());
            var tail = max.Length * Vector<double>.Count;
            for (var i = 0; i < M; i++)
            {
                var row = r.Slice(i * N, N);
                var v = MemoryMarshal.Cast<double, Vector<double>>(row);
                Vector<double> plus = Vector<double>.Zero, minus = Vector<double>.Zero;
                for (var k = 0; k < max.Length; k++)
                {
                    var gapPlus = v[k] - max[k];
                    var gapMinus = v[k] - min[k];
                    plus += gapPlus * gapPlus * w2[k];
                    minus += gapMinus * gapMinus * w2[k];
                }
                double dPlus = Vector.Sum(plus), dMinus = Vector.Sum(minus);
                for (var j = tail; j < N; j++)
                {
                    dPlus += (row[j] - _max[j]) * (row[j] - _max[j]) * _w2[j];
                    dMinus += (row[j] - _min[j]) * (row[j] - _min[j]) * _w2[j];
                }
                utility[i] = Closeness(Math.Sqrt(dPlus), Math.Sqrt(dMinus));
            }
        }

        public override void Evaluate(ReadOnlySpan<double> w, Span<double> utility)
        {
            for (var j = 0; j < N; j++) _w2[j] = w[j] * w[j];
            DotRows(_pPlus, N, _w2, _dPlusScratch);
            DotRows(_pMinus, N, _w2, _dMinusScratch);
            for (var i = 0; i < M; i++) utility[i] = Closeness(Math.Sqrt(_dPlusScratch[i]), Math.Sqrt(_dMinusScratch[i]));
        }

        private double[] _w2Many = [];
        private double[] _dPlusMany = [];
        private double[] _dMinusMany = [];

        public override void EvaluateMany(ReadOnlySpan<double> w, int count, Span<double> utility)
        {
            if (_w2Many.Length < count * N)
            {
                _w2Many = new double[count * N];
                _dPlusMany = new double[count * M];
                _dMinusMany = new double[count * M];
            }
            for (var k = 0; k < count * N; k++) _w2Many[k] = w[k] * w[k];
            DotRowsMany(_pPlus, M, N, _w2Many.AsSpan(0, count * N), count, _dPlusMany);
            DotRowsMany(_pMinus, M, N, _w2Many.AsSpan(0, count * N), count, _dMinusMany);
            for (var k = 0; k < count * M; k++) utility[k] = Closeness(Math.Sqrt(_dPlusMany[k]), Math.Sqrt(_dMinusMany[k]));
        }

        public override void PrepareOneAtATime(ReadOnlySpan<double> w)
        {
            _w = w.ToArray();
            for (var j = 0; j < N; j++) _w2[j] = w[j] * w[j];
            for (var i = 0; i < M; i++)
            {
                _dPlus[i] = Dot(_pPlus.AsSpan(i * N, N), _w2);
                _dMinus[i] = Dot(_pMinus.AsSpan(i * N, N), _w2);
            }
        }

        public override void EvaluateOneAtATime(int j, double t, double s, Span<double> utility)
        {
            var wj2 = _w[j] * _w[j];
            var s2 = s * s;
            var t2 = t * t;
            for (var i = 0; i < M; i++)
            {
                var pp = _pPlus[i * N + j];
                var pm = _pMinus[i * N + j];
                var dp2 = s2 * Math.Max(0, _dPlus[i] - wj2 * pp) + t2 * pp;
                var dm2 = s2 * Math.Max(0, _dMinus[i] - wj2 * pm) + t2 * pm;
                utility[i] = Closeness(Math.Sqrt(dp2), Math.Sqrt(dm2));
            }
        }

        public override double ToScore(double utility) => utility;
    }

    /// <summary>Closeness d⁻/(d⁺ + d⁻); 0.5 when both are 0 (every column constant: no information).</summary>
    internal static double Closeness(double dPlus, double dMinus)
    {
        var denominator = dPlus + dMinus;
        return denominator > 0 ? dMinus / denominator : 0.5;
    }

    /// <summary>VIKOR on F = 1 − r (r min-max normalised): S = Σ w F, R = max w F, Q combines them; utility −Q.</summary>
    private sealed class VikorScorer(int m, int n) : WeightScorer(m, n)
    {
        private readonly double[] _f = new double[m * n];
        private readonly double[] _s = new double[m];
        private readonly double[] _r = new double[m];
        private readonly double[] _baseS = new double[m];
        private readonly double[] _top1 = new double[m];
        private readonly int[] _top1Index = new int[m];
        private readonly double[] _top2 = new double[m];
        private double[] _w = [];

        public double V { get; set; } = 0.5;

        public override void Load(ReadOnlySpan<double> r)
        {
            for (var k = 0; k < r.Length; k++) _f[k] = 1.0 - r[k];
        }

        public override void Evaluate(ReadOnlySpan<double> w, Span<double> utility)
        {
            for (var i = 0; i < M; i++)
            {
                double s = 0, rr = 0;
                for (var j = 0; j < N; j++)
                {
                    var v = w[j] * _f[i * N + j];
                    s += v;
                    if (v > rr) rr = v;
                }
                _s[i] = s;
                _r[i] = rr;
            }
            Q(_s, _r, V, utility);
            for (var i = 0; i < M; i++) utility[i] = -utility[i];
        }

        public override void PrepareOneAtATime(ReadOnlySpan<double> w)
        {
            _w = w.ToArray();
            for (var i = 0; i < M; i++)
            {
                double s = 0, t1 = 0, t2 = 0;
                var t1i = -1;
                for (var j = 0; j < N; j++)
                {
                    var v = w[j] * _f[i * N + j];
                    s += v;
                    if (v > t1 || t1i < 0)
                    {
                        t2 = t1i < 0 ? 0 : t1;
                        t1 = v;
                        t1i = j;
                    }
                    else if (v > t2)
                    {
                        t2 = v;
                    }
                }
                _baseS[i] = s;
                _top1[i] = t1;
                _top1Index[i] = t1i;
                _top2[i] = t2;
            }
        }

        public override void EvaluateOneAtATime(int j, double t, double s, Span<double> utility)
        {
            var wj = _w[j];
            for (var i = 0; i < M; i++)
            {
                var f = _f[i * N + j];
                _s[i] = s * (_baseS[i] - wj * f) + t * f;
                var othersMax = _top1Index[i] == j ? _top2[i] : _top1[i];
                _r[i] = Math.Max(s * othersMax, t * f);
            }
            Q(_s, _r, V, utility);
            for (var i = 0; i < M; i++) utility[i] = -utility[i];
        }

        public override double ToScore(double utility) => -utility;
    }

    /// <summary>Q = v (S − S*)/(S⁻ − S*) + (1 − v)(R − R*)/(R⁻ − R*); a term whose range is 0 contributes 0 (never 0/0).</summary>
    internal static void Q(ReadOnlySpan<double> s, ReadOnlySpan<double> r, double v, Span<double> q)
    {
        double sMin = double.PositiveInfinity, sMax = double.NegativeInfinity, rMin = double.PositiveInfinity, rMax = double.NegativeInfinity;
        for (var i = 0; i < s.Length; i++)
        {
            sMin = Math.Min(sMin, s[i]);
            sMax = Math.Max(sMax, s[i]);
            rMin = Math.Min(rMin, r[i]);
            rMax = Math.Max(rMax, r[i]);
        }
        var sRange = sMax - sMin;
        var rRange = rMax - rMin;
        for (var i = 0; i < s.Length; i++)
        {
            var a = sRange > 0 ? (s[i] - sMin) / sRange : 0.0;
            var b = rRange > 0 ? (r[i] - rMin) / rRange : 0.0;
            q[i] = v * a + (1 - v) * b;
        }
    }

    public void SetVikorV(double v)
    {
        if (this is VikorScorer vikor) vikor.V = v;
    }
}
