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
}
