using CoeInsights.Analytics.Scoring.Robustness;

namespace CoeInsights.Analytics.Tests.Scoring;

public sealed class RankCountTests
{
    /// <summary>
    /// Monte Carlo's sorted rank count against the direct O(m²) count it replaced, over sizes on both sides of the
    /// switch, heavy ties, −0/+0 and NaN: the same counts cell for cell and the same first-ranked alternative.
    /// </summary>
    [Fact]
    public void ReturnsDirectCountGivenRandomTiedUtilities()
    {
        var random = new Random(22);
        for (var trial = 0; trial < 600; trial++)
        {
            var m = trial < 100 ? trial + 1 : random.Next(1, 1_200);
            var levels = (trial % 4) switch { 0 => 2, 1 => 7, 2 => m, _ => int.MaxValue };
            var u = new double[m];
            for (var i = 0; i < m; i++)
                u[i] = levels == int.MaxValue ? random.NextDouble() : random.Next(levels) * 0.25 - 0.5;
            if (trial % 9 == 0) for (var i = 0; i < m; i++) if (u[i] == 0) u[i] = random.Next(2) == 0 ? -0.0 : 0.0;
            if (trial % 13 == 0) u[random.Next(m)] = double.NaN;
            if (trial % 5 == 0) Array.Sort(u);

            var expected = new long[m * m];
            var direct = MonteCarlo.AddRanksByCounting(u, expected);
            var actual = new long[m * m];
            var sorted = MonteCarlo.AddRanks(u, actual, new double[m + 3], new int[m + 3]);

            Assert.Equal(direct, sorted);
            Assert.Equal(expected, actual);
        }
    }

    /// <summary>Buffers reused across samples (as each Monte Carlo thread does) leave no trace in the next sample.</summary>
    [Fact]
    public void ReturnsDirectCountGivenReusedBuffers()
    {
        var random = new Random(23);
        const int m = 300;
        var keys = new double[m];
        var order = new int[m];
        var expected = new long[m * m];
        var actual = new long[m * m];
        for (var sample = 0; sample < 200; sample++)
        {
            var u = Enumerable.Range(0, m).Select(_ => (double)random.Next(40)).ToArray();
            Assert.Equal(MonteCarlo.AddRanksByCounting(u, expected), MonteCarlo.AddRanks(u, actual, keys, order));
        }
        Assert.Equal(expected, actual);
    }
}
