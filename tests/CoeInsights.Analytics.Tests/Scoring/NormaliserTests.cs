using CoeInsights.Analytics.Scoring;
using CoeInsights.Analytics.Scoring.Methods;

namespace CoeInsights.Analytics.Tests.Scoring;

public sealed class NormaliserTests
{
    /// <summary>The row-wise fast path must equal the column-by-column reference formulation bit for bit.</summary>
    [Theory]
    [InlineData(NormalisationMethod.MinMax)]
    [InlineData(NormalisationMethod.Vector)]
    [InlineData(NormalisationMethod.Max)]
    [InlineData(NormalisationMethod.Sum)]
    [InlineData(NormalisationMethod.None)]
    public void ReturnsColumnwiseResultBitForBitGivenRowwiseNormalisation(NormalisationMethod method)
    {
        const int m = 13, n = 37;
        var random = new Random(5);
        var x = new double[m * n];
        for (var k = 0; k < x.Length; k++) x[k] = 0.5 + 9 * random.NextDouble();
        for (var i = 0; i < m; i++)
        {
            x[i * n + 3] = 2.5; // constant column
            x[i * n + 4] = Math.Round(x[i * n + 4]); // ties
        }
        var isCost = Enumerable.Range(0, n).Select(j => method != NormalisationMethod.None && j % 3 == 0).ToArray();
        var expected = new double[m * n];
        for (var j = 0; j < n; j++) Normaliser.NormaliseColumn(x, m, n, j, isCost[j], method, expected);
        var actual = new double[m * n];
        Normaliser.Normalise(x, m, n, isCost, method, actual);
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
    }

    /// <summary>
    /// The SIMD path's strict min/max and min = max constant test against the reference on awkward columns:
    /// signed zeros, a zero extreme (Max takes the scalar path there), negative values, equal values in every position.
    /// </summary>
    [Theory]
    [InlineData(NormalisationMethod.MinMax)]
    [InlineData(NormalisationMethod.Vector)]
    [InlineData(NormalisationMethod.Max)]
    [InlineData(NormalisationMethod.Sum)]
    public void ReturnsColumnwiseResultBitForBitGivenZerosAndSignedZeros(NormalisationMethod method)
    {
        const int m = 9, n = 14;
        var random = new Random(11);
        var x = new double[m * n];
        for (var k = 0; k < x.Length; k++) x[k] = 1 + random.Next(5);
        for (var i = 0; i < m; i++)
        {
            x[i * n + 0] = i % 2 == 0 ? 0.0 : -0.0; // constant by ==, mixed signs
            x[i * n + 1] = i == 4 ? -0.0 : 2.0 + i; // a signed-zero minimum
            x[i * n + 2] = -1.0 - i; // all negative
            x[i * n + 5] = i < 3 ? 0.0 : 3.0; // zero minimum, repeated
            x[i * n + 13] = 7.0; // constant tail column
        }
        if (method is NormalisationMethod.Max or NormalisationMethod.Sum)
        {
            for (var i = 0; i < m; i++) x[i * n + 2] = -x[i * n + 2]; // these methods take non-negative values
        }
        var isCost = Enumerable.Range(0, n).Select(j => j % 2 == 1 && !(method is NormalisationMethod.Max or NormalisationMethod.Sum && j is 1 or 5)).ToArray();
        var expected = new double[m * n];
        for (var j = 0; j < n; j++) Normaliser.NormaliseColumn(x, m, n, j, isCost[j], method, expected);
        var actual = new double[m * n];
        Normaliser.Normalise(x, m, n, isCost, method, actual);
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
    }
}
