using CoeInsights.Analytics.Scoring;
using CoeInsights.Analytics.Scoring.Methods;

namespace CoeInsights.Analytics.Tests.Scoring;

public sealed class WeightScorerTests
{
    /// <summary>The batched dot products of the Monte Carlo loop must equal one <see cref="WeightScorer.Dot"/> per pair bit for bit.</summary>
    [Theory]
    [InlineData(7, 200, 9)] // odd rows, two batches of 4 plus a remainder of 1
    [InlineData(50, 200, 4)]
    [InlineData(5, 37, 6)] // n not a multiple of the vector width: the per-vector fallback
    [InlineData(3, 4, 5)] // short rows: scalar
    public void ReturnsDotBitForBitGivenManyWeightVectors(int rows, int n, int count)
    {
        var random = new Random(rows * 1000 + n);
        var a = Enumerable.Range(0, rows * n).Select(_ => random.NextDouble() * 3 - 1).ToArray();
        var x = Enumerable.Range(0, count * n).Select(_ => random.NextDouble() / n).ToArray();
        var actual = new double[count * rows];
        WeightScorer.DotRowsMany(a, rows, n, x, count, actual);
        var expected = new double[count * rows];
        for (var s = 0; s < count; s++)
        {
            for (var i = 0; i < rows; i++) expected[s * rows + i] = WeightScorer.Dot(a.AsSpan(i * n, n), x.AsSpan(s * n, n));
        }
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
    }

    /// <summary>EvaluateMany (one pass over the matrix for several weight vectors) equals Evaluate per vector, for every method.</summary>
    [Theory]
    [InlineData(ScoringMethod.Wsm)]
    [InlineData(ScoringMethod.Wpm)]
    [InlineData(ScoringMethod.Topsis)]
    [InlineData(ScoringMethod.Vikor)]
    public void ReturnsEvaluateBitForBitGivenManyWeightVectors(ScoringMethod method)
    {
        const int m = 11, n = 24, count = 6;
        var random = new Random(3);
        var r = Enumerable.Range(0, m * n).Select(_ => 0.05 + 0.95 * random.NextDouble()).ToArray();
        var w = Enumerable.Range(0, count * n).Select(_ => random.NextDouble() / n).ToArray();
        var scorer = WeightScorer.Create(method, m, n);
        scorer.Load(r);
        var actual = new double[count * m];
        scorer.EvaluateMany(w, count, actual);
        var expected = new double[count * m];
        for (var s = 0; s < count; s++) scorer.Evaluate(w.AsSpan(s * n, n), expected.AsSpan(s * m, m));
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
    }
}

public sealed class EvaluatorScoresTests
{
    /// <summary>The batched bootstrap aggregation (tiles, unchecked loads) equals the per-resample mean bit for bit.</summary>
    [Theory]
    [InlineData(30, 50, 200, 32)] // the benchmark's shape: whole tiles
    [InlineData(7, 5, 13, 5)] // 65 cells: one tile of 32 and a scalar tail
    [InlineData(3, 2, 3, 2)] // fewer cells than a tile
    public void ReturnsPerResampleMeanBitForBitGivenBatchedAggregation(int e, int v, int c, int k)
    {
        var random = new Random(e * 100 + c);
        var scores = new CoeInsights.Analytics.Scoring.Aggregation.EvaluatorScores(e, v, c) { Complete = true };
        for (var q = 0; q < scores.Values.Length; q++)
        {
            scores.Values[q] = 1 + 9 * random.NextDouble();
            scores.Present[q] = 1;
        }
        var multiplicities = new int[k * e];
        for (var r = 0; r < k; r++)
        {
            for (var d = 0; d < e; d++) multiplicities[r * e + random.Next(e)]++;
        }
        var cells = v * c;
        var batched = new double[k * cells];
        scores.AggregateMeanBatch(multiplicities, k, batched);
        var expected = new double[k * cells];
        for (var r = 0; r < k; r++)
        {
            scores.Aggregate(multiplicities.AsSpan(r * e, e), new AggregationOptions(), expected.AsSpan(r * cells, cells),
                new double[e], new double[cells], new double[cells], []);
        }
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), batched.Select(BitConverter.DoubleToInt64Bits));
    }
}
