using CoeInsights.Analytics.Trends.Backtest;
using CoeInsights.Cli.Sample;
using CoeInsights.Testing;

namespace CoeInsights.Cli.Tests;

/// <summary>
/// The alert backtest's labelled set (src/CoeInsights.Analytics/Trends/Backtest/backtest-set.csv) is exactly what
/// <see cref="BacktestSetGenerator"/> writes; COE_WRITE_BACKTEST_SET=1 rewrites the file from the generator.
/// </summary>
public sealed class BacktestSetTests
{
    private static string ShippedPath => Path.Combine(Repository.Root(), "src", "CoeInsights.Analytics", "Trends", "Backtest", "backtest-set.csv");

    [Fact]
    public void ShippedSetIsTheGeneratorsOutput()
    {
        var generated = BacktestSetGenerator.Csv();
        if (Environment.GetEnvironmentVariable("COE_WRITE_BACKTEST_SET") == "1") File.WriteAllText(ShippedPath, generated);
        var expected = generated.Split('\n');
        var committed = File.ReadAllText(ShippedPath).Split('\n');
        var embedded = BacktestSet.ShippedCsv().Split('\n');
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(i < committed.Length && committed[i] == expected[i], $"backtest-set.csv line {i + 1}: generator writes '{expected[i]}'");
            Assert.True(i < embedded.Length && embedded[i] == expected[i], $"embedded set line {i + 1} differs: rebuild CoeInsights.Analytics");
        }
        Assert.Equal(expected.Length, committed.Length);
    }

    [Fact]
    public void HoldsTheSamplesPlantedSpikeAndBothHalves()
    {
        var set = BacktestSet.Parse(BacktestSetGenerator.Csv());
        Assert.Equal(BacktestSetGenerator.FirstDay, set.FirstDay);
        Assert.Equal(BacktestSetGenerator.LastDay, set.LastDay);
        Assert.Equal(SampleData.Profiles.Length + 64, set.Profiles.Count);
        var northwind = Assert.Single(set.Profiles, p => p.Id == "sample:Instagram/northwind.home");
        var spike = Assert.Single(northwind.Crises);
        Assert.Equal(SampleData.Anomaly.Day, set.FirstDay.AddDays(spike.Start));
        Assert.Equal(spike.Start, spike.End);
        Assert.Equal(BacktestHalf.Test, northwind.Half);
        // the spike is the sample's: nine times an ordinary day's negative mentions
        Assert.True(northwind.NegativeMentions[spike.Start] > 5 * northwind.NegativeMentions[spike.Start - 7]);
        foreach (var half in new[] { BacktestHalf.Tune, BacktestHalf.Test })
        {
            var profiles = set.Profiles.Where(p => p.Half == half).ToArray();
            Assert.True(profiles.Length >= 37, $"{half}: {profiles.Length} profiles");
            Assert.True(profiles.Sum(p => p.Crises.Count) >= 28, $"{half}: {profiles.Sum(p => p.Crises.Count)} crises");
            Assert.Equal(8, profiles.Where(p => p.Id.StartsWith("synthetic-", StringComparison.Ordinal)).Select(p => p.Background).Distinct().Count());
        }
        // every crisis starts after the warm-up and lasts 1–6 days
        Assert.All(set.Profiles.SelectMany(p => p.Crises), c => Assert.True(c.Start >= AlertBacktest.WarmUpDays && c.End - c.Start < 6, c.ToString()));
    }
}
