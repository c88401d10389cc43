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

        // 2025-01-01 … 2026-06-30: all of 2025 (365 days) and January to June 2026 (31 + 28 + 31 + 30 + 31 + 30 = 181).
        Assert.Equal(365 + 181, SampleData.LastDay.DayNumber - SampleData.FirstDay.DayNumber + 1);
        Assert.Equal((SampleData.FirstDay, SampleData.LastDay), (kpis.Min(o => o.Day), kpis.Max(o => o.Day)));
        // Every profile every day: 8 owned × 13 metrics + 3 competitors × 8 metrics = 128 values a day.
        Assert.Equal(128, 8 * SampleData.OwnedMetrics.Length + 3 * SampleData.CompetitorMetrics.Length);
        Assert.Equal(546 * 128, kpis.Length);
        Assert.Equal(69_888, kpis.Length);
        Assert.Equal(40, SampleData.SurveyResponses().Length);
        Assert.All(kpis, o => Assert.True(o.Value >= 0 || o.Metric == "new_followers", $"{o.Metric} {o.Value}"));
        // Mentions are the sum of their sentiment split, every day on every profile.
        foreach (var day in kpis.GroupBy(o => (o.Profile, o.Day)))
        {
            var m = day.ToDictionary(o => o.Metric, o => o.Value);
            Assert.Equal(m["mentions"], m["positive_mentions"] + m["neutral_mentions"] + m["negative_mentions"]);
        }
        // Followers are a running total: each day's is the day before's plus that day's new followers (the days drawn
        // backwards from the anchor included).
        foreach (var profile in kpis.GroupBy(o => o.Profile))
        {
            var followers = profile.Where(o => o.Metric == "followers").OrderBy(o => o.Day).Select(o => o.Value).ToArray();
            var added = profile.Where(o => o.Metric == "new_followers").OrderBy(o => o.Day).Select(o => o.Value).ToArray();
            for (var d = 1; d < followers.Length; d++) Assert.Equal(followers[d - 1] + added[d], followers[d]);
        }
    }

    [Fact]
    public void ReachesAYearBeforeTheDeckPeriodGivenDefaults()
    {
        // The sample's KPI deck (Q1 2026) compares with the previous 90 days and with Q1 2025: both inside the data.
        var days = SampleData.DeckTo.DayNumber - SampleData.DeckFrom.DayNumber + 1;
        Assert.Equal(31 + 28 + 31, days);
        Assert.True(SampleData.DeckFrom.AddYears(-1) >= SampleData.FirstDay);
        Assert.True(SampleData.DeckFrom.AddDays(-days) >= SampleData.FirstDay);
        Assert.True(SampleData.DeckTo <= SampleData.LastDay);
        Assert.InRange(SampleData.Anomaly.Day, SampleData.DeckFrom, SampleData.DeckTo);
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
