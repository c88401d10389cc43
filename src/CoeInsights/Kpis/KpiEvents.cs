namespace CoeInsights.Kpis;

// Profile stream (one per profile, id = profile id): registered, then corrections of its values.

/// <summary>A social profile whose KPIs we track: ours (owned) or a competitor's.</summary>
public sealed record ProfileRegistered(
    Guid ProfileId, Network Network, string Handle, string BusinessUnit, Ownership Ownership, string DisplayName,
    DateTimeOffset RegisteredAt, string? RequestId);

/// <summary>A value restated by hand: a new version of (profile, metric, day); earlier versions stay in history.</summary>
public sealed record KpiCorrected(
    Guid ProfileId, string Metric, DateOnly Date, double Value, string Reason, string CorrectedBy, DateTimeOffset CorrectedAt);

// Batch stream (one per batch, id = batch id): exactly one event.

/// <summary>One observed value: profile, reporting day (in the source's time zone), metric, value.</summary>
public readonly record struct KpiObservation(Guid ProfileId, string Metric, DateOnly Date, double Value);

/// <summary>
/// A batch of observations recorded at once (one event, many observations). A re-import of a
/// (profile, metric, day) already recorded is a new version of that value, the old one kept.
/// </summary>
public sealed record KpiBatchRecorded(
    Guid BatchId, string IdempotencyKey, string Source, string SourceTimeZone, string RecordedBy, DateTimeOffset RecordedAt,
    KpiObservation[] Observations);

/// <summary>Marker type for batch streams.</summary>
public sealed record KpiBatch;
