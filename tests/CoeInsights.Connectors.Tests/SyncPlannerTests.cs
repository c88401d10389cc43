using CoeInsights.Connectors.Sync;

namespace CoeInsights.Connectors.Tests;

public sealed class SyncPlannerTests
{
    private static readonly DateOnly Jan1 = new(2024, 1, 1);

    [Fact]
    public void CoversStartDateToYesterdayInWindowsGivenNoCheckpoint()
    {
        var windows = SyncPlanner.Plan(null, Jan1, new DateOnly(2024, 2, 1), 7);

        Assert.Equal(5, windows.Count);
        Assert.Equal(Jan1, windows[0].From);
        Assert.Equal(new DateOnly(2024, 1, 31), windows[^1].To);
        Assert.All(windows, w => Assert.InRange(w.Days, 1, 7));
        for (var i = 1; i < windows.Count; i++) Assert.Equal(windows[i - 1].To.AddDays(1), windows[i].From); // no gap, no overlap
    }

    [Fact]
    public void ResumesTheDayAfterTheCheckpointGivenOne()
    {
        var windows = SyncPlanner.Plan(new DateOnly(2024, 1, 14), Jan1, new DateOnly(2024, 2, 1), 31);

        Assert.Equal([new DateWindow(new DateOnly(2024, 1, 15), new DateOnly(2024, 1, 31))], windows);
    }

    [Fact]
    public void PlansNothingGivenACheckpointAtYesterday()
    {
        Assert.Empty(SyncPlanner.Plan(new DateOnly(2024, 1, 31), Jan1, new DateOnly(2024, 2, 1), 31));
        Assert.Empty(SyncPlanner.Plan(null, new DateOnly(2024, 2, 1), new DateOnly(2024, 2, 1), 31)); // today is never final
    }

    [Fact]
    public void ReadsTheRestateDaysBeforeTheCheckpointAgainGivenARestateWindow()
    {
        var windows = SyncPlanner.Plan(new DateOnly(2024, 1, 14), Jan1, new DateOnly(2024, 2, 1), 10, restateDays: 3);

        Assert.Equal([new DateWindow(new DateOnly(2024, 1, 12), new DateOnly(2024, 1, 21)), new DateWindow(new DateOnly(2024, 1, 22), new DateOnly(2024, 1, 31))],
            windows);
        // Nothing new since the checkpoint: only the restate window.
        Assert.Equal([new DateWindow(new DateOnly(2024, 1, 29), new DateOnly(2024, 1, 31))],
            SyncPlanner.Plan(new DateOnly(2024, 1, 31), Jan1, new DateOnly(2024, 2, 1), 31, restateDays: 3));
        // Never before the start date; no checkpoint: from the start date as before.
        Assert.Equal(Jan1, SyncPlanner.Plan(new DateOnly(2024, 1, 2), Jan1, new DateOnly(2024, 2, 1), 31, restateDays: 7)[0].From);
        Assert.Equal(Jan1, SyncPlanner.Plan(null, Jan1, new DateOnly(2024, 2, 1), 31, restateDays: 7)[0].From);
    }

    [Fact]
    public void RefusesAtStartGivenANegativeRestateWindow()
    {
        var options = new ConnectorsOptions { Sprout = [new SproutConnectorOptions { Name = "sprout", RestateDays = -1 }] };

        var error = Assert.Throws<InvalidOperationException>(() => Connectors.Services(options));

        Assert.Equal("Sprout connector 'sprout': RestateDays must be 0 to 366 and MaxDaysPerRequest at least 1 (got -1 and 31).", error.Message);
    }

    [Theory]
    [InlineData(1, 31, 10_000, 31)]
    [InlineData(1, 400, 10_000, 365)]   // at most one year per request
    [InlineData(100, 365, 10_000, 100)] // 100 profiles × 100 days = 10,000 results
    [InlineData(60, 365, 10_000, 166)]
    [InlineData(100, 31, 10_000, 31)]
    [InlineData(100, 31, 50, 1)]        // never less than a day
    public void KeepsEachRequestWithinSproutsLimits(int profiles, int maxDays, int maxResults, int expected)
    {
        var days = SyncPlanner.DaysPerRequest(profiles, maxDays, maxResults);

        Assert.Equal(expected, days);
        if (profiles * 1 <= maxResults) Assert.True(profiles * days <= maxResults);
    }

    [Fact]
    public void StopsTheCompleteRunAtTheFirstMissingDay()
    {
        var to = Jan1.AddDays(4);

        Assert.Equal(to, SyncPlanner.CompleteThrough([Jan1, Jan1.AddDays(1), Jan1.AddDays(2), Jan1.AddDays(3), to], Jan1, to));
        Assert.Equal(Jan1.AddDays(1), SyncPlanner.CompleteThrough([Jan1, Jan1.AddDays(1), Jan1.AddDays(3), to], Jan1, to));
        Assert.Null(SyncPlanner.CompleteThrough([Jan1.AddDays(1)], Jan1, to));
    }

    [Fact]
    public void TakesTodayFromTheLatestZoneInvolved()
    {
        var pacific = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
        var now = new DateTimeOffset(2024, 2, 1, 3, 0, 0, TimeSpan.Zero); // Feb 1 in UTC, still Jan 31 in California

        Assert.Equal(new DateOnly(2024, 2, 1), SyncPlanner.Today(now, [TimeZoneInfo.Utc]));
        Assert.Equal(new DateOnly(2024, 1, 31), SyncPlanner.Today(now, [TimeZoneInfo.Utc, pacific]));
        Assert.Equal(new DateOnly(2024, 2, 1), SyncPlanner.Today(now.AddHours(8), [TimeZoneInfo.Utc, pacific]));
    }
}
