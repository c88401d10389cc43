using CoeInsights.Connectors;
using CoeInsights.Connectors.RunningSync;
using CoeInsights.Connectors.SyncingSprout;
using CoeInsights.Kpis.RecordingKpis;

namespace CoeInsights.Tests.Connectors;

/// <summary>The pure rules of connector runs and the Sprout sync: no store, no HTTP, no clock.</summary>
public sealed class SyncDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day = new(2026, 1, 5);
    private static readonly Guid Profile = Guid.CreateVersion7();

    private static SproutDay SproutDay(Dictionary<string, double> values, Dictionary<string, double> before) =>
        new("sprout-a", 42, Profile, Day, values, before, "sprout:sprout-a", "America/Chicago", "", Now);

    [Fact]
    public void EndsDeferredGivenResumeTimeAndSucceededWithout()
    {
        var run = SyncRunDecider.Start(Guid.CreateVersion7(), "sprout-a", "api", Now);

        Assert.Equal(SyncRunState.Succeeded, SyncRunDecider.Finish(run, Now.AddMinutes(1)).State);
        var deferred = SyncRunDecider.Finish(run with { ResumeAt = Now.AddHours(1) }, Now.AddMinutes(1));
        Assert.Equal(SyncRunState.Deferred, deferred.State);
        Assert.Equal(Now.AddMinutes(1), deferred.FinishedAt);
    }

    [Fact]
    public void KeepsEarlierErrorsAndCountsGivenFailure()
    {
        var run = SyncRunDecider.Warn(SyncRunDecider.Start(Guid.CreateVersion7(), "sprout-a", "api", Now), "gap") with { Rows = 7 };

        var failed = SyncRunDecider.Abandon(run, Now.AddMinutes(2));

        Assert.Equal(SyncRunState.Failed, failed.State);
        Assert.Equal(["gap", SyncRunDecider.AbandonedError], failed.Errors);
        Assert.Equal(7, failed.Rows);
    }

    [Fact]
    public void CountsRowsOrReplayGivenAck()
    {
        var run = SyncRunDecider.Start(Guid.CreateVersion7(), "sprout-a", "api", Now);

        var stored = SyncRunDecider.Recorded(run, new KpiBatchAck("k", Guid.CreateVersion7(), 3, Now, Replayed: false));
        var replayed = SyncRunDecider.Recorded(stored, new KpiBatchAck("k", Guid.CreateVersion7(), 3, Now, Replayed: true));

        Assert.Equal((1, 3, 0), (stored.Batches, stored.Rows, stored.ReplayedBatches));
        Assert.Equal((1, 3, 1), (replayed.Batches, replayed.Rows, replayed.ReplayedBatches));
    }

    [Fact]
    public void RecordsOnlyRestatedMetricsUnderRestatementKeyGivenEarlierValues()
    {
        var before = new Dictionary<string, double> { ["impressions"] = 100, ["engagements"] = 5 };

        var decision = SproutDays.Decide(SproutDay(new() { ["impressions"] = 100, ["engagements"] = 6 }, before));

        var batch = Assert.IsType<RecordKpiBatch>(decision.Batch);
        Assert.Equal(["engagements"], batch.Observations.Select(o => o.Metric));
        Assert.StartsWith(SproutDays.IdempotencyKey("sprout-a", 42, Day) + ":r", batch.IdempotencyKey);
        Assert.Equal("connector:sprout-a", batch.RecordedBy);
    }

    [Fact]
    public void RecordsNothingAsReplayGivenUnchangedDayAndNothingGivenNoValues()
    {
        var before = new Dictionary<string, double> { ["impressions"] = 100 };

        Assert.Equal(new SproutDayDecision(null, true), SproutDays.Decide(SproutDay(new() { ["impressions"] = 100 }, before)));
        Assert.Equal(new SproutDayDecision(null, false), SproutDays.Decide(SproutDay([], before)));
        Assert.Equal(SproutDays.IdempotencyKey("sprout-a", 42, Day),
            SproutDays.Decide(SproutDay(new() { ["impressions"] = 100 }, [])).Batch!.IdempotencyKey);
    }

    [Fact]
    public void MovesCheckpointOnlyForwardGivenCompleteDays()
    {
        Assert.Equal(Day, SproutDays.Advance(null, Day));
        Assert.Equal(Day, SproutDays.Advance(Day.AddDays(-1), Day));
        Assert.Null(SproutDays.Advance(Day, Day));
        Assert.Null(SproutDays.Advance(Day, Day.AddDays(-3)));
        Assert.Null(SproutDays.Advance(Day, null));
    }
}
