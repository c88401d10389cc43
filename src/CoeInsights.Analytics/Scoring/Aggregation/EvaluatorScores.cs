using System.Buffers;
using CoeInsights.Analytics.Scoring.Agreement;
using CoeInsights.Analytics.Scoring.Methods;

namespace CoeInsights.Analytics.Scoring.Aggregation;

/// <summary>
/// Evaluator scores as a dense tensor (evaluator-major: e × vendor × criterion, flat) with a presence mask, and
/// the aggregation of one cell's scores under evaluator multiplicities (1 each for the plain result, bootstrap
/// counts for a resample).
/// </summary>
internal sealed class EvaluatorScores : IDisposable
{
    private bool _pooled;

    public EvaluatorScores(int evaluators, int vendors, int criteria)
    {
        E = evaluators;
        V = vendors;
        C = criteria;
        Values = new double[evaluators * vendors * criteria];
        Present = new double[evaluators * vendors * criteria];
    }

    private EvaluatorScores(int evaluators, int vendors, int criteria, double[] values, double[] present)
    {
        E = evaluators;
        V = vendors;
        C = criteria;
        Values = values;
        Present = present;
        _pooled = true;
    }

    /// <summary>
    /// A zeroed tensor on arrays rented from <see cref="ArrayPool{T}.Shared"/> (the arrays may be longer than
    /// E·V·C; only that prefix is used). Dispose returns them: one scoring call then does not allocate, page-fault
    /// and later collect megabytes of fresh large-object memory.
    /// </summary>
    public static EvaluatorScores Rent(int evaluators, int vendors, int criteria)
    {
        var length = evaluators * vendors * criteria;
        var values = ArrayPool<double>.Shared.Rent(length);
        var present = ArrayPool<double>.Shared.Rent(length);
        Array.Clear(values, 0, length);
        Array.Clear(present, 0, length);
        return new EvaluatorScores(evaluators, vendors, criteria, values, present);
    }

    public void Dispose()
    {
        if (!_pooled) return;
        _pooled = false;
        ArrayPool<double>.Shared.Return(Values);
        ArrayPool<double>.Shared.Return(Present);
    }

    public int E { get; }
    public int V { get; }
    public int C { get; }

    /// <summary>Score, 0 where missing.</summary>
    public double[] Values { get; }

    /// <summary>1 where a score exists, 0 where missing.</summary>
    public double[] Present { get; }

    public bool Complete { get; set; }

    public int Index(int e, int v, int c) => (e * V + v) * C + c;

    /// <summary>Restricts to the given vendors (in order).</summary>
    public EvaluatorScores SelectVendors(IReadOnlyList<int> vendors)
    {
        var result = new EvaluatorScores(E, vendors.Count, C) { Complete = Complete };
        for (var e = 0; e < E; e++)
        {
            for (var k = 0; k < vendors.Count; k++)
            {
                Array.Copy(Values, Index(e, vendors[k], 0), result.Values, result.Index(e, k, 0), C);
                Array.Copy(Present, Index(e, vendors[k], 0), result.Present, result.Index(e, k, 0), C);
            }
        }
        return result;
    }

    /// <summary>
    /// Aggregates every cell under evaluator multiplicities into <paramref name="aggregated"/> (V × C).
    /// Returns false for a cell with no score (value left at <paramref name="fallback"/>'s value).
    /// </summary>
    public void Aggregate(
        ReadOnlySpan<int> multiplicity, AggregationOptions options, Span<double> aggregated, Span<double> weightBuffer,
        ReadOnlySpan<double> fallback, Span<double> countBuffer, List<(double Value, int Count)> cellBuffer)
    {
        var cells = V * C;
        if (options.Method == AggregationMethod.Mean)
        {
            aggregated.Clear();
            countBuffer.Clear();
            for (var e = 0; e < E; e++)
            {
                var k = multiplicity[e];
                if (k == 0) continue;
                var values = Values.AsSpan(e * cells, cells);
                var present = Present.AsSpan(e * cells, cells);
                Axpy(k, values, aggregated);
                if (!Complete) Axpy(k, present, countBuffer);
            }
            if (Complete)
            {
                var total = 0;
                for (var e = 0; e < E; e++) total += multiplicity[e];
                var inv = 1.0 / total;
                for (var q = 0; q < cells; q++) aggregated[q] *= inv;
                return;
            }
            for (var q = 0; q < cells; q++)
            {
                aggregated[q] = countBuffer[q] > 0 ? aggregated[q] / countBuffer[q] : fallback[q];
            }
            return;
        }

        for (var q = 0; q < cells; q++)
        {
            cellBuffer.Clear();
            var total = 0;
            for (var e = 0; e < E; e++)
            {
                var k = multiplicity[e];
                var idx = e * cells + q;
                if (k == 0 || Present[idx] == 0) continue;
                cellBuffer.Add((Values[idx], k));
                total += k;
            }
            aggregated[q] = total == 0 ? fallback[q] : AggregateCell(cellBuffer, total, options, weightBuffer);
        }
    }

    /// <summary>
    /// Mean aggregation of complete data for K resamples at once (<paramref name="multiplicities"/> is K × E,
    /// <paramref name="output"/> K × cells): a small matrix product, output = multiplicities · Values / E.
    /// Cells are processed in tiles of <see cref="TileVectors"/> SIMD vectors: the tile of every evaluator's scores
    /// stays in L1 while each resample's sums build up in registers and are written once. Per cell the sum runs
    /// over evaluators in order (0 + c·x, + c·x, …), then is multiplied by 1/Σc, exactly as a per-resample
    /// <see cref="Aggregate"/> would, so results are bit-identical to it.
    /// </summary>
    public void AggregateMeanBatch(ReadOnlySpan<int> multiplicities, int k, Span<double> output)
    {
        var cells = V * C;
        var used = new int[k * E];
        var counts = new double[k * E];
        var usedCount = new int[k];
        var inverse = new double[k];
        for (var r = 0; r < k; r++)
        {
            var total = 0;
            for (var e = 0; e < E; e++)
            {
                var count = multiplicities[r * E + e];
                total += count;
                if (count == 0) continue;
                used[r * E + usedCount[r]] = e;
                counts[r * E + usedCount[r]++] = count;
            }
            inverse[r] = 1.0 / total;
        }

        var width = System.Numerics.Vector<double>.Count;
        var tile = TileVectors * width;
        var start = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            for (; start + tile <= cells; start += tile)
            {
                for (var r = 0; r < k; r++)
                {
                    SumTile(start, used.AsSpan(r * E, usedCount[r]), counts.AsSpan(r * E, usedCount[r]), inverse[r], output.Slice(r * cells + start, tile));
                }
            }
        }
        for (var q = start; q < cells; q++)
        {
            for (var r = 0; r < k; r++)
            {
                double sum = 0;
                for (var u = 0; u < usedCount[r]; u++) sum += counts[r * E + u] * Values[used[r * E + u] * cells + q];
                output[r * cells + q] = sum * inverse[r];
            }
        }
    }

    private const int TileVectors = 8;

    /// <summary>
    /// output[t] = (Σ_u counts[u]·Values[evaluators[u], start + t])·inverse for one tile, in registers. Unchecked loads:
    /// the caller guarantees start + tile ≤ V·C and evaluators &lt; E, so every load stays inside Values.
    /// </summary>
    private void SumTile(int start, ReadOnlySpan<int> evaluators, ReadOnlySpan<double> counts, double inverse, Span<double> output)
    {
        var cells = V * C;
        var w = (nuint)System.Numerics.Vector<double>.Count;
        ref var values = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(Values);
        var zero = System.Numerics.Vector<double>.Zero;
        System.Numerics.Vector<double> a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero, a7 = zero;
        for (var u = 0; u < evaluators.Length; u++)
        {
            var c = new System.Numerics.Vector<double>(counts[u]);
            ref var x = ref System.Runtime.CompilerServices.Unsafe.Add(ref values, evaluators[u] * cells + start);
            a0 += c * System.Numerics.Vector.LoadUnsafe(ref x, 0);
            a1 += c * System.Numerics.Vector.LoadUnsafe(ref x, w);
            a2 += c * System.Numerics.Vector.LoadUnsafe(ref x, 2 * w);
            a3 += c * System.Numerics.Vector.LoadUnsafe(ref x, 3 * w);
            a4 += c * System.Numerics.Vector.LoadUnsafe(ref x, 4 * w);
            a5 += c * System.Numerics.Vector.LoadUnsafe(ref x, 5 * w);
            a6 += c * System.Numerics.Vector.LoadUnsafe(ref x, 6 * w);
            a7 += c * System.Numerics.Vector.LoadUnsafe(ref x, 7 * w);
        }
        var inv = new System.Numerics.Vector<double>(inverse);
        var o = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(output);
        o[0] = a0 * inv;
        o[1] = a1 * inv;
        o[2] = a2 * inv;
        o[3] = a3 * inv;
        o[4] = a4 * inv;
        o[5] = a5 * inv;
        o[6] = a6 * inv;
        o[7] = a7 * inv;
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        var i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && x.Length >= System.Numerics.Vector<double>.Count)
        {
            var width = System.Numerics.Vector<double>.Count;
            var va = new System.Numerics.Vector<double>(a);
            for (; i <= x.Length - width; i += width)
            {
                var vx = new System.Numerics.Vector<double>(x.Slice(i, width));
                var vy = new System.Numerics.Vector<double>(y.Slice(i, width));
                (vy + va * vx).CopyTo(y.Slice(i, width));
            }
        }
        for (; i < x.Length; i++) y[i] += a * x[i];
    }

    /// <summary>Median or trimmed mean of values with multiplicities.</summary>
    private static double AggregateCell(List<(double Value, int Count)> cell, int total, AggregationOptions options, Span<double> buffer)
    {
        var expanded = buffer[..total];
        var p = 0;
        foreach (var (value, count) in cell)
        {
            for (var c = 0; c < count; c++) expanded[p++] = value;
        }
        expanded.Sort();
        if (options.Method == AggregationMethod.Median)
        {
            return total % 2 == 1 ? expanded[total / 2] : 0.5 * (expanded[total / 2 - 1] + expanded[total / 2]);
        }
        var trim = (int)Math.Floor(options.TrimFraction * total);
        if (2 * trim >= total) trim = (total - 1) / 2;
        double s = 0;
        for (var i = trim; i < total - trim; i++) s += expanded[i];
        return s / (total - 2 * trim);
    }

    /// <summary>Type 7 quantile of sorted values.</summary>
    internal static double Quantile(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.Length == 1) return sorted[0];
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>Plain aggregation with dispersion and per-criterion agreement.</summary>
    public (double[] Aggregated, double[] Sd, double[] Iqr, int[] Counts, AgreementResult?[] Agreement) Describe(AggregationOptions options)
    {
        var cells = V * C;
        var ones = Enumerable.Repeat(1, E).ToArray();
        var aggregated = new double[cells];
        Aggregate(ones, options, aggregated, new double[E], new double[cells], new double[cells], []);
        var sd = new double[cells];
        var iqr = new double[cells];
        var counts = new int[cells];
        // Cells and criteria are independent and each writes only its own slots: chunks run in parallel with the
        // same per-cell arithmetic as a serial loop.
        var chunks = (cells + DescribeChunk - 1) / DescribeChunk;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => new double[E],
            (b, _, values) =>
            {
                for (var q = b * DescribeChunk; q < Math.Min(cells, (b + 1) * DescribeChunk); q++) DescribeCell(q, cells, values, sd, iqr, counts);
                return values;
            },
            _ => { });

        var agreement = new AgreementResult?[C];
        Parallel.For(0, C, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, c => agreement[c] = Agreement(c));
        return (aggregated, sd, iqr, counts, agreement);
    }

    private const int DescribeChunk = 1024;

    private void DescribeCell(int q, int cells, double[] values, double[] sd, double[] iqr, int[] counts)
    {
        var k = 0;
        double sum = 0;
        for (var e = 0; e < E; e++)
        {
            if (Present[e * cells + q] == 0) continue;
            values[k++] = Values[e * cells + q];
            sum += Values[e * cells + q];
        }
        counts[q] = k;
        if (k >= 2)
        {
            var mean = sum / k;
            double ss = 0;
            for (var i = 0; i < k; i++) ss += (values[i] - mean) * (values[i] - mean);
            sd[q] = Math.Sqrt(ss / (k - 1));
            var sorted = values.AsSpan(0, k);
            sorted.Sort();
            iqr[q] = Quantile(sorted, 0.75) - Quantile(sorted, 0.25);
        }
    }

    /// <summary>Kendall's W of criterion c over the evaluators with a complete row; null when fewer than 2.</summary>
    private AgreementResult? Agreement(int c)
    {
        var complete = new List<int>();
        for (var e = 0; e < E; e++)
        {
            var all = true;
            for (var v = 0; v < V && all; v++) all = Present[Index(e, v, c)] != 0;
            if (all) complete.Add(e);
        }
        if (complete.Count < 2 || V < 2) return null;
        var flat = new double[complete.Count * V];
        for (var r = 0; r < complete.Count; r++)
        {
            for (var v = 0; v < V; v++) flat[r * V + v] = Values[Index(complete[r], v, c)];
        }
        return KendallW.Compute(flat, complete.Count, V);
    }

    internal static double[][] Rows(double[] flat, int rows, int columns) => MethodCalculator.ToRows(flat, rows, columns);
}
