using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

public sealed class InversionCountTests
{
    /// <summary>The merge-sort counter (runs merged from both ends) against the O(n²) definition, with heavy ties.</summary>
    [Fact]
    public void ReturnsBruteForceCountAndSortedArrayGivenRandomTiedInput()
    {
        var random = new Random(11);
        for (var trial = 0; trial < 400; trial++)
        {
            var n = random.Next(0, 600);
            var levels = trial % 5 == 0 ? 1_000_000 : trial % 9 + 1;
            var a = new double[n];
            for (var i = 0; i < n; i++) a[i] = random.Next(levels) - levels / 2;
            if (trial % 7 == 0) Array.Sort(a);
            if (trial % 11 == 0) Array.Reverse(a);
            long expected = 0;
            for (var i = 0; i < n; i++)
            {
                for (var j = i + 1; j < n; j++) expected += a[i] > a[j] ? 1 : 0;
            }
            var sorted = a.OrderBy(x => x).ToArray();
            var actual = MannKendall.CountStrictInversions(a, new double[n]);
            Assert.Equal(expected, actual);
            Assert.Equal(sorted, a);
        }
    }
}
