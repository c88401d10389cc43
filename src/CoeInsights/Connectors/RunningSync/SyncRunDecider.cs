using CoeInsights.Kpis.RecordingKpis;

namespace CoeInsights.Connectors.RunningSync;

/// <summary>
/// The states a <see cref="SyncRun"/> goes through and what each step counts. The run coordinator in the server holds the lock,
/// the HTTP and the store; every state it records comes from here.
/// </summary>
public static class SyncRunDecider
{
    public const string AbandonedError =
        "abandoned: the server process running it stopped without recording its end (killed or crashed); the next run resumes from the checkpoint";

    public static SyncRun Start(Guid id, string connector, string trigger, DateTimeOffset now) =>
        new() { Id = id, Connector = connector, Trigger = trigger, State = SyncRunState.Running, StartedAt = now };

    /// <summary>Ended without error: deferred when the remote asked to wait past the run's budget (<see cref="SyncRun.ResumeAt"/>), else succeeded.</summary>
    public static SyncRun Finish(SyncRun run, DateTimeOffset now) =>
        run with { State = run.ResumeAt is null ? SyncRunState.Succeeded : SyncRunState.Deferred, FinishedAt = now };

    /// <summary>Ended by an error: failed, keeping what it stored so far and every earlier error.</summary>
    public static SyncRun Fail(SyncRun run, string error, DateTimeOffset now) =>
        run with { State = SyncRunState.Failed, FinishedAt = now, Errors = [.. run.Errors, error] };

    /// <summary>Stored as running, but no live process runs it (its connector's lock was free): its process died.</summary>
    public static SyncRun Abandon(SyncRun orphan, DateTimeOffset now) => Fail(orphan, AbandonedError, now);

    /// <summary>A KPI batch the run sent: stored (rows and a batch count) or, its key seen before, a replay.</summary>
    public static SyncRun Recorded(SyncRun run, KpiBatchAck ack) => ack.Replayed
        ? Replayed(run)
        : run with { Batches = run.Batches + 1, Rows = run.Rows + ack.ObservationCount };

    /// <summary>A day read again whose values were already recorded: nothing stored.</summary>
    public static SyncRun Replayed(SyncRun run) => run with { ReplayedBatches = run.ReplayedBatches + 1 };

    /// <summary>A warning the run carries on past (a gap in the source's answer): the run goes on and says so.</summary>
    public static SyncRun Warn(SyncRun run, string error) => run with { Errors = [.. run.Errors, error] };
}
