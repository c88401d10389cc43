using CoeInsights.Connectors.PowerBi;

namespace CoeInsights.Connectors.Tests;

/// <summary>
/// The pacing decision against the documented push limits
/// (https://learn.microsoft.com/power-bi/developer/embedded/push-datasets-limitations): pure, the clock comes in.
/// </summary>
public sealed class PushLimitsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly PushLimits Documented = new();

    private static List<(DateTimeOffset, int)> Posts(int count, TimeSpan every, int rows) =>
        Enumerable.Range(0, count).Select(i => (T0 + every * i, rows)).ToList();

    [Fact]
    public void SendsAtOnceGivenRoomInEveryLimit()
    {
        Assert.Equal(TimeSpan.Zero, Documented.Wait([], T0, 10_000, 0));
        Assert.Equal(TimeSpan.Zero, Documented.Wait(Posts(119, TimeSpan.FromMilliseconds(100), 100), T0 + TimeSpan.FromSeconds(12), 100, 0));
    }

    [Fact]
    public void WaitsForTheMinuteWindowGivenOneHundredTwentyPostsInIt()
    {
        var sent = Posts(120, TimeSpan.FromMilliseconds(100), 100); // 09:00:00.0 … 09:00:11.9
        var now = T0 + TimeSpan.FromSeconds(12);

        Assert.Equal(TimeSpan.FromSeconds(48), Documented.Wait(sent, now, 100, 0)); // the first leaves the window at 09:01:00
    }

    [Fact]
    public void WaitsUntilEnoughRowsAgeOutGivenAMillionRowsThisHour()
    {
        // 100 posts of 10,000 rows, one every 30 s from 09:00: 1,000,000 rows by 09:49:30.
        var sent = Posts(100, TimeSpan.FromSeconds(30), 10_000);
        var now = T0 + TimeSpan.FromMinutes(50);

        // 5,000 more rows: the 09:00:00 post (10,000 rows) must leave the hour first.
        Assert.Equal(TimeSpan.FromMinutes(10), Documented.Wait(sent, now, 5_000, 0));
        // 25,000 more: three posts must age out, the last at 09:01:00 + 1 h.
        Assert.Equal(TimeSpan.FromMinutes(11), Documented.Wait(sent, now, 25_000, 0));
    }

    [Fact]
    public void AppliesTheHourlyRequestLimitOnlyOnceTheTableHoldsAQuarterMillionRows()
    {
        // 120 small posts in the last 20 minutes: fine per minute (spread out), fine by rows.
        var sent = Posts(120, TimeSpan.FromSeconds(10), 100);
        var now = T0 + TimeSpan.FromMinutes(20);

        Assert.Equal(TimeSpan.Zero, Documented.Wait(sent, now, 100, 249_999));
        Assert.Equal(TimeSpan.FromMinutes(40), Documented.Wait(sent, now, 100, 250_000)); // the 09:00 post leaves the hour at 10:00
    }

    [Fact]
    public async Task PacerKeepsTheWindowBetweenTheAnswerAndTheNextSend()
    {
        var window = TimeSpan.FromMilliseconds(150);
        var pacer = new RequestPacer(new PushLimits(RequestsPerWindow: 2, Window: window), TimeProvider.System);
        var sends = new List<DateTimeOffset>();
        Task Send()
        {
            sends.Add(DateTimeOffset.UtcNow);
            return Task.CompletedTask;
        }

        for (var i = 0; i < 3; i++) await pacer.SendAsync(10, 0, Send, default);

        Assert.Equal(3, sends.Count);
        Assert.True(sends[2] - sends[0] >= window, $"{(sends[2] - sends[0]).TotalMilliseconds} ms");
    }

    [Fact]
    public void TimesAWholeTableAtThePaceOfTheLimits()
    {
        var limits = new PushLimits(RowsPerHour: 30);

        Assert.Equal(TimeSpan.Zero, limits.TimeToPost([], T0, 30, 10)); // 30 rows fit the hour: three requests at once
        Assert.Equal(TimeSpan.FromHours(1), limits.TimeToPost([], T0, 40, 10)); // the fourth waits for the first to age out
        // With 25 of the hour's rows used at 09:00, 20 more wait until 10:00.
        Assert.Equal(TimeSpan.FromHours(1), limits.TimeToPost([(T0, 10), (T0, 10), (T0, 5)], T0 + TimeSpan.FromMinutes(1), 20, 10) + TimeSpan.FromMinutes(1));
    }
}
