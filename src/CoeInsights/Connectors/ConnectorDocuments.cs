using Marten;

namespace CoeInsights.Connectors;

/// <summary>
/// How far one connector has synced one source profile: every day up to and including <see cref="LastSyncedDate"/>
/// is durable in the KPI store. Advanced only after the day's batch is committed. Id = <see cref="Key"/>.
/// </summary>
public sealed record SyncCheckpoint(string Id, string Connector, string SourceProfileId, DateOnly LastSyncedDate, DateTimeOffset UpdatedAt)
{
    public static string Key(string connector, string sourceProfileId) => $"{connector}/{sourceProfileId}";
}

/// <summary>A run stored as Running whose server process died is marked Failed ("abandoned: …") by the next process that takes the connector's lock.</summary>
public enum SyncRunState
{
    Running,
    Succeeded,
    Failed,
    /// <summary>Stopped on purpose: the remote asked to wait (429 Retry-After) past the run's budget; <see cref="SyncRun.ResumeAt"/> says when the next run may continue.</summary>
    Deferred,
}

/// <summary>One run of one connector: what it stored, what went wrong, how long it took. Id = run id.</summary>
public sealed record SyncRun
{
    public Guid Id { get; init; }
    public string Connector { get; init; } = "";
    public string Trigger { get; init; } = "";
    public SyncRunState State { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Observations stored by this run (replayed batches count zero).</summary>
    public int Rows { get; init; }
    /// <summary>KPI batches stored by this run (one per source profile and day with new or restated values).</summary>
    public int Batches { get; init; }
    /// <summary>Profile days read again (restatement window, or after a crash) whose values were already recorded: nothing new stored.</summary>
    public int ReplayedBatches { get; init; }
    public List<string> Errors { get; init; } = [];
    /// <summary>Deferred runs: when the remote allows the next request; the next run continues where this one stopped.</summary>
    public DateTimeOffset? ResumeAt { get; init; }

    public TimeSpan? Duration => FinishedAt - StartedAt;
}

/// <summary>
/// Where a deferred Power BI push stopped (Id = connector name): the next run continues there if its rows are the same
/// (<see cref="Fingerprint"/>), and deletes the document once it has filled every table.
/// </summary>
public sealed record PowerBiPushCheckpoint(string Id, string DatasetId, int Table, int Posted, string Fingerprint, DateTimeOffset ResumeAt)
{
    /// <summary>Only to the dataset it was written for: a dataset deleted and created again starts from its first table.</summary>
    public bool AppliesTo(string datasetId) => DatasetId == datasetId;
}

/// <summary>Which slot of the push dataset readers use after the last completed run (Id = connector name; docs/bi.md, "Push connector").</summary>
public sealed record PowerBiPushSlots(string Id, string DatasetId, string Live, long Generation);

public static class ConnectorsModule
{
    /// <summary>Checkpoints and sync runs: plain documents, tenant-scoped like every document of the store.</summary>
    public static StoreOptions ConfigureConnectors(this StoreOptions options)
    {
        options.Schema.For<SyncCheckpoint>().Index(c => c.Connector);
        options.Schema.For<SyncRun>().Index(r => r.Connector);
        options.Schema.For<PowerBiPushCheckpoint>();
        options.Schema.For<PowerBiPushSlots>();
        return options;
    }
}
