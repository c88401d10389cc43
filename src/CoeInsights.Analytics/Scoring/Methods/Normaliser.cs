using System.Numerics;
using System.Runtime.InteropServices;

namespace CoeInsights.Analytics.Scoring.Methods;

/// <summary>
/// Column normalisation on a flat row-major m × n matrix. The output is always benefit-oriented (higher is
/// better): cost criteria are inverted here, before weighting. A constant column normalises to 1 for every
/// alternative (it carries no information and must never produce 0/0).
/// </summary>
internal static class Normaliser
{
    public static NormalisationMethod Resolve(ScoringMethod method, NormalisationMethod requested) =>
        method switch
        {
            ScoringMethod.Vikor => NormalisationMethod.MinMax,
            ScoringMethod.PrometheeII => NormalisationMethod.None, // differences of raw values, not a normalised matrix
            _ when requested != NormalisationMethod.MethodDefault => requested,
            ScoringMethod.Wsm => NormalisationMethod.Max,
            ScoringMethod.Wpm => NormalisationMethod.Max,
            ScoringMethod.Topsis => NormalisationMethod.Vector,
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };

    /// <summary>True when every value in column j is equal.</summary>
    public static bool IsConstant(ReadOnlySpan<double> x, int m, int n, int j)
    {
        var first = x[j];
        for (var i = 1; i < m; i++)
        {
            if (x[i * n + j] != first) return false;
        }
        return true;
    }

    /// <summary>
    /// Normalises every column. Works row by row (contiguous memory, the robustness loops call this thousands of
    /// times) with the same per-element arithmetic and the same scan order per column as
    /// <see cref="NormaliseColumn"/>, so the result is bit-identical to it (a test checks). With SIMD, one pass over
    /// the rows gathers every column's statistics (minimum and maximum with the scalar code's strict comparisons,
    /// and the sum or sum of squares in row order), a column is constant exactly when its minimum equals its maximum,
    /// and a second pass divides four columns at a time (IEEE division is exact per lane, so lanes equal the scalar
    /// results). Inputs with NaN, and Max normalisation with a zero extreme (where Math.Max's signed-zero rule differs
    /// from a strict comparison), take the scalar path.
    /// </summary>
    public static void Normalise(
        ReadOnlySpan<double> x, int m, int n, ReadOnlySpan<bool> isCost, NormalisationMethod method, Span<double> r)
    {
        if (method == NormalisationMethod.None)
        {
            x[..(m * n)].CopyTo(r);
            return;
        }
        if (method is not (NormalisationMethod.MinMax or NormalisationMethod.Vector or NormalisationMethod.Max or NormalisationMethod.Sum))
            throw new ArgumentOutOfRangeException(nameof(method), method, "Unresolved normalisation.");
        if (!Vector.IsHardwareAccelerated || n < Vector<double>.Count || m < 1 || !NormaliseVector(x, m, n, isCost, method, r))
        {
            NormaliseScalar(x, m, n, isCost, method, r);
        }
    }

    /// <summary>The SIMD form of <see cref="NormaliseScalar"/>; false (nothing written) when the scalar path must decide.</summary>
    private static bool NormaliseVector(
        ReadOnlySpan<double> x, int m, int n, ReadOnlySpan<bool> isCost, NormalisationMethod method, Span<double> r)
    {
        var width = Vector<double>.Count;
        var vectors = n / width;
        var tail = vectors * width;
        Span<double> lo = n <= 512 ? stackalloc double[n] : new double[n];
        Span<double> hi = n <= 512 ? stackalloc double[n] : new double[n];
        Span<double> acc = n <= 512 ? stackalloc double[n] : new double[n];
        Span<long> costMask = n <= 512 ? stackalloc long[n] : new long[n];
        for (var j = 0; j < n; j++) costMask[j] = isCost[j] ? -1L : 0L;
        lo.Fill(double.PositiveInfinity);
        hi.Fill(double.NegativeInfinity);
        acc.Clear();
        var vLo = MemoryMarshal.Cast<double, Vector<double>>(lo)[..vectors];
        var vHi = MemoryMarshal.Cast<double, Vector<double>>(hi)[..vectors];
        var vAcc = MemoryMarshal.Cast<double, Vector<double>>(acc)[..vectors];
        var vCost = MemoryMarshal.Cast<long, Vector<long>>(costMask)[..vectors];
        var one = Vector<double>.One;
        var nan = Vector<long>.Zero;
        for (var i = 0; i < m; i++)
        {
            var xi = x.Slice(i * n, n);
            var vx = MemoryMarshal.Cast<double, Vector<double>>(xi)[..vectors];
            for (var k = 0; k < vectors; k++)
            {
                var v = vx[k];
                nan |= ~Vector.Equals(v, v);
                vLo[k] = Vector.ConditionalSelect(Vector.LessThan(v, vLo[k]), v, vLo[k]);
                vHi[k] = Vector.ConditionalSelect(Vector.GreaterThan(v, vHi[k]), v, vHi[k]);
                if (method == NormalisationMethod.Vector) vAcc[k] += v * v;
                else if (method == NormalisationMethod.Sum) vAcc[k] += Vector.ConditionalSelect(vCost[k], one / v, v);
            }
            for (var j = tail; j < n; j++)
            {
                var v = xi[j];
                if (double.IsNaN(v)) return false;
                if (v < lo[j]) lo[j] = v;
                if (v > hi[j]) hi[j] = v;
                if (method == NormalisationMethod.Vector) acc[j] += v * v;
                else if (method == NormalisationMethod.Sum) acc[j] += isCost[j] ? 1.0 / v : v;
            }
        }
        if (nan != Vector<long>.Zero) return false;
        // a: the divisor (Vector: ‖x‖; Max: min for cost, max for benefit; Sum: the sum). MinMax uses lo and hi.
        switch (method)
        {
            case NormalisationMethod.Vector:
                for (var j = 0; j < n; j++) acc[j] = Math.Sqrt(acc[j]);
                break;
            case NormalisationMethod.Max:
                for (var j = 0; j < n; j++)
                {
                    acc[j] = isCost[j] ? lo[j] : hi[j];
                    if (acc[j] == 0 && lo[j] != hi[j]) return false;
                }
                break;
        }

        for (var i = 0; i < m; i++)
        {
            var xi = x.Slice(i * n, n);
            var ri = r.Slice(i * n, n);
            var vx = MemoryMarshal.Cast<double, Vector<double>>(xi)[..vectors];
            var vr = MemoryMarshal.Cast<double, Vector<double>>(ri)[..vectors];
            for (var k = 0; k < vectors; k++)
            {
                var v = vx[k];
                var cost = vCost[k];
                Vector<double> result;
                switch (method)
                {
                    case NormalisationMethod.MinMax:
                        result = Vector.ConditionalSelect(cost, vHi[k] - v, v - vLo[k]) / (vHi[k] - vLo[k]);
                        break;
                    case NormalisationMethod.Vector:
                    {
                        var q = v / vAcc[k];
                        result = Vector.ConditionalSelect(cost, one - q, q);
                        break;
                    }
                    case NormalisationMethod.Max:
                        result = Vector.ConditionalSelect(cost, vAcc[k], v) / Vector.ConditionalSelect(cost, v, vAcc[k]);
                        break;
                    default:
                        result = Vector.ConditionalSelect(cost, one / v, v) / vAcc[k];
                        break;
                }
                vr[k] = Vector.ConditionalSelect(Vector.Equals(vLo[k], vHi[k]), one, result);
            }
            for (var j = tail; j < n; j++)
            {
                var v = xi[j];
                ri[j] = lo[j] == hi[j]
                    ? 1.0
                    : method switch
                    {
                        NormalisationMethod.MinMax => isCost[j] ? (hi[j] - v) / (hi[j] - lo[j]) : (v - lo[j]) / (hi[j] - lo[j]),
                        NormalisationMethod.Vector => isCost[j] ? 1.0 - v / acc[j] : v / acc[j],
                        NormalisationMethod.Max => isCost[j] ? acc[j] / v : v / acc[j],
                        _ => (isCost[j] ? 1.0 / v : v) / acc[j],
                    };
            }
        }
        return true;
    }

    /// <summary>Row-wise scalar normalisation (the path without SIMD, and for NaN or zero-extreme Max inputs).</summary>
    internal static void NormaliseScalar(
        ReadOnlySpan<double> x, int m, int n, ReadOnlySpan<bool> isCost, NormalisationMethod method, Span<double> r)
    {
        Span<double> a = n <= 512 ? stackalloc double[n] : new double[n];
        Span<double> b = n <= 512 ? stackalloc double[n] : new double[n];
        Span<bool> constant = n <= 512 ? stackalloc bool[n] : new bool[n];
        MarkConstantColumns(x, m, n, constant);
        ColumnStatistics(x, m, n, isCost, method, a, b);
        for (var i = 0; i < m; i++)
        {
            var xi = x.Slice(i * n, n);
            var ri = r.Slice(i * n, n);
            // one loop per method so the method switch is not paid per element
            switch (method)
            {
                case NormalisationMethod.MinMax:
                    for (var j = 0; j < n; j++) ri[j] = isCost[j] ? (b[j] - xi[j]) / (b[j] - a[j]) : (xi[j] - a[j]) / (b[j] - a[j]);
                    break;
                case NormalisationMethod.Vector:
                    for (var j = 0; j < n; j++) ri[j] = isCost[j] ? 1.0 - xi[j] / a[j] : xi[j] / a[j];
                    break;
                case NormalisationMethod.Max:
                    for (var j = 0; j < n; j++) ri[j] = isCost[j] ? a[j] / xi[j] : xi[j] / a[j];
                    break;
                default:
                    for (var j = 0; j < n; j++) ri[j] = (isCost[j] ? 1.0 / xi[j] : xi[j]) / a[j];
                    break;
            }
            for (var j = 0; j < n; j++)
            {
                if (constant[j]) ri[j] = 1.0;
            }
        }
    }

    /// <summary>constant[j] = every value of column j equals the first one (as <see cref="IsConstant"/>).</summary>
    private static void MarkConstantColumns(ReadOnlySpan<double> x, int m, int n, Span<bool> constant)
    {
        constant.Fill(true);
        var first = x[..n];
        for (var i = 1; i < m; i++)
        {
            var xi = x.Slice(i * n, n);
            for (var j = 0; j < n; j++) constant[j] &= xi[j] == first[j];
        }
    }

    /// <summary>
    /// The column statistics each method needs (formulas as in <see cref="NormaliseColumn"/>), scanned rows in order: MinMax (a = min, b = max), Vector (a = ‖x‖₂),
    /// Max (a = min for cost, max for benefit), Sum (a = Σx, or Σ1/x for cost).
    /// </summary>
    private static void ColumnStatistics(
        ReadOnlySpan<double> x, int m, int n, ReadOnlySpan<bool> isCost, NormalisationMethod method, Span<double> a, Span<double> b)
    {
        switch (method)
        {
            case NormalisationMethod.MinMax:
                a.Fill(double.PositiveInfinity);
                b.Fill(double.NegativeInfinity);
                for (var i = 0; i < m; i++)
                {
                    var xi = x.Slice(i * n, n);
                    for (var j = 0; j < n; j++)
                    {
                        var v = xi[j];
                        if (v < a[j]) a[j] = v;
                        if (v > b[j]) b[j] = v;
                    }
                }
                break;
            case NormalisationMethod.Vector:
                a.Clear();
                for (var i = 0; i < m; i++)
                {
                    var xi = x.Slice(i * n, n);
                    for (var j = 0; j < n; j++) a[j] += xi[j] * xi[j];
                }
                for (var j = 0; j < n; j++) a[j] = Math.Sqrt(a[j]);
                break;
            case NormalisationMethod.Max:
                for (var j = 0; j < n; j++) a[j] = isCost[j] ? double.PositiveInfinity : double.NegativeInfinity;
                for (var i = 0; i < m; i++)
                {
                    var xi = x.Slice(i * n, n);
                    for (var j = 0; j < n; j++) a[j] = isCost[j] ? Math.Min(a[j], xi[j]) : Math.Max(a[j], xi[j]);
                }
                break;
            case NormalisationMethod.Sum:
                a.Clear();
                for (var i = 0; i < m; i++)
                {
                    var xi = x.Slice(i * n, n);
                    for (var j = 0; j < n; j++) a[j] += isCost[j] ? 1.0 / xi[j] : xi[j];
                }
                break;
        }
    }

    /// <summary>Normalises column j (the reference formulation; <see cref="Normalise"/> is the row-wise equivalent).</summary>
    public static void NormaliseColumn(
        ReadOnlySpan<double> x, int m, int n, int j, bool cost, NormalisationMethod method, Span<double> r)
    {
        if (method != NormalisationMethod.None && IsConstant(x, m, n, j))
        {
            for (var i = 0; i < m; i++) r[i * n + j] = 1.0;
            return;
        }

        switch (method)
        {
            case NormalisationMethod.MinMax:
            {
                double min = double.PositiveInfinity, max = double.NegativeInfinity;
                for (var i = 0; i < m; i++)
                {
                    var v = x[i * n + j];
                    if (v < min) min = v;
                    if (v > max) max = v;
                }
                var range = max - min;
                for (var i = 0; i < m; i++)
                {
                    var v = x[i * n + j];
                    r[i * n + j] = cost ? (max - v) / range : (v - min) / range;
                }
                break;
            }
            case NormalisationMethod.Vector:
            {
                double ss = 0;
                for (var i = 0; i < m; i++)
                {
                    var v = x[i * n + j];
                    ss += v * v;
                }
                var norm = Math.Sqrt(ss);
                for (var i = 0; i < m; i++)
                {
                    var q = x[i * n + j] / norm;
                    r[i * n + j] = cost ? 1.0 - q : q;
                }
                break;
            }
            case NormalisationMethod.Max:
            {
                if (cost)
                {
                    var min = double.PositiveInfinity;
                    for (var i = 0; i < m; i++) min = Math.Min(min, x[i * n + j]);
                    for (var i = 0; i < m; i++) r[i * n + j] = min / x[i * n + j];
                }
                else
                {
                    var max = double.NegativeInfinity;
                    for (var i = 0; i < m; i++) max = Math.Max(max, x[i * n + j]);
                    for (var i = 0; i < m; i++) r[i * n + j] = x[i * n + j] / max;
                }
                break;
            }
            case NormalisationMethod.Sum:
            {
                double sum = 0;
                for (var i = 0; i < m; i++) sum += cost ? 1.0 / x[i * n + j] : x[i * n + j];
                for (var i = 0; i < m; i++) r[i * n + j] = (cost ? 1.0 / x[i * n + j] : x[i * n + j]) / sum;
                break;
            }
            case NormalisationMethod.None:
            {
                for (var i = 0; i < m; i++) r[i * n + j] = x[i * n + j];
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, "Unresolved normalisation.");
        }
    }

    /// <summary>Adds a violation for every value a normalisation cannot take. Field paths use <paramref name="cellField"/>(i, j).</summary>
    public static void Validate(
        ReadOnlySpan<double> x, int m, int n, ReadOnlySpan<bool> isCost, NormalisationMethod method, ScoringMethod scoringMethod,
        Func<int, int, string> cellField, Func<int, string> criterionField, Validator validator)
    {
        if (scoringMethod == ScoringMethod.PrometheeII) return; // any finite values, either direction
        for (var j = 0; j < n; j++)
        {
            if (method == NormalisationMethod.None && isCost[j])
            {
                validator.Add(criterionField(j), $"normalisation None takes benefit criteria only ({scoringMethod}); choose MinMax, Vector, Max or Sum for a cost criterion");
                continue;
            }
            if (IsConstant(x, m, n, j) && method != NormalisationMethod.None) continue;
            for (var i = 0; i < m; i++)
            {
                var v = x[i * n + j];
                var needsPositive = scoringMethod == ScoringMethod.Wpm
                    || (isCost[j] && method is NormalisationMethod.Max or NormalisationMethod.Sum);
                var needsNonNegative = method is NormalisationMethod.Max or NormalisationMethod.Sum;
                if (needsPositive && v <= 0)
                {
                    validator.Add(cellField(i, j), $"must be > 0 for {scoringMethod} with {method} normalisation{(isCost[j] ? " on a cost criterion" : "")}; use MinMax or Vector normalisation (not WPM) for zero or negative values");
                }
                else if (needsNonNegative && v < 0)
                {
                    validator.Add(cellField(i, j), $"must be ≥ 0 for {method} normalisation; use MinMax or Vector normalisation for negative values");
                }
            }
        }
    }
}
