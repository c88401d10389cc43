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

    /// <summary>The listing's radix order against Array.Sort with tie groups re-sorted by index (−0 and +0 tie).</summary>
    [Fact]
    public void ReturnsComparisonSortOrderGivenTiedSignedKeys()
    {
        var random = new Random(12);
        for (var trial = 0; trial < 300; trial++)
        {
            var n = random.Next(0, 700);
            var keys = Enumerable.Range(0, n).Select(_ => (trial % 3) switch
            {
                0 => random.Next(-3, 4) * 0.5,
                1 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-5, 6)),
                _ => random.Next(2) == 0 ? -0.0 : 0.0,
            }).ToArray();
            var expected = Enumerable.Range(0, n).ToArray();
            var sorted = (double[])keys.Clone();
            Array.Sort(sorted, expected);
            for (var s = 0; s < n;)
            {
                var e = s + 1;
                while (e < n && sorted[e] == sorted[s]) e++;
                Array.Sort(expected, s, e - s);
                s = e;
            }
            var order = new int[n];
            PairwiseSlopes.SortOrderByKey(keys, order, new ulong[n], new ulong[n], new int[n]);
            Assert.Equal(expected, order);
        }
    }
}
