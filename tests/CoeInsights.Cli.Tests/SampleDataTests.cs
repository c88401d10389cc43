using CoeInsights.Cli.Sample;
using CoeInsights.V1;

namespace CoeInsights.Cli.Tests;

/// <summary>The sample generator alone: seeded (the same data on every run) and shaped as documented.</summary>
public sealed class SampleDataTests
{
    [Fact]
    public void GeneratesSameDataGivenSameSeed()
    {
        var first = SampleData.Kpis().ToArray();
        var second = SampleData.Kpis().ToArray();

        Assert.Equal(first, second);
        Assert.Equal(SampleData.SurveyResponses().SelectMany(r => r.Answers), SampleData.SurveyResponses().SelectMany(r => r.Answers));
        Assert.Equal(SampleData.Evaluators.SelectMany(SampleData.Scores), SampleData.Evaluators.SelectMany(SampleData.Scores));
    }

    [Fact]
    public void CoversEighteenMonthsForElevenProfilesGivenDefaults()
    {
        var kpis = SampleData.Kpis().ToArray();

        Assert.Equal(549, SampleData.LastDay.DayNumber - SampleData.FirstDay.DayNumber + 1);
        Assert.Equal(549 * (8 * SampleData.OwnedMetrics.Length + 3 * SampleData.CompetitorMetrics.Length), kpis.Length);
        Assert.Equal(40, SampleData.SurveyResponses().Length);
        Assert.All(kpis, o => Assert.True(o.Value >= 0 || o.Metric == "new_followers", $"{o.Metric} {o.Value}"));
        // Mentions are the sum of their sentiment split, every day on every profile.
        foreach (var day in kpis.GroupBy(o => (o.Profile, o.Day)))
        {
            var m = day.ToDictionary(o => o.Metric, o => o.Value);
            Assert.Equal(m["mentions"], m["positive_mentions"] + m["neutral_mentions"] + m["negative_mentions"]);
        }
    }

    [Fact]
    public void PlantsOneNegativeMentionSpikeGivenAnomalyProfile()
    {
        var profile = Array.FindIndex(SampleData.Profiles, p => p.Handle == SampleData.Anomaly.Handle && p.Network == Network.Instagram);
        var series = SampleData.Kpis().Where(o => o.Profile == profile && o.Metric == "negative_mentions").ToArray();
        var median = series.Select(o => o.Value).Order().ElementAt(series.Length / 2);

        var spikes = series.Where(o => o.Value > 3 * median).ToArray();

        Assert.Equal(SampleData.Anomaly.Day, Assert.Single(spikes).Day);
    }
}
