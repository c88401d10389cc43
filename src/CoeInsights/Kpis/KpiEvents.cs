using System.Buffers.Binary;
using System.Text.Json.Serialization;

namespace CoeInsights.Kpis;

// Profile stream (one per profile, id = profile id): registered, then corrections of its values.

/// <summary>A social profile whose KPIs we track: ours (owned) or a competitor's.</summary>
public sealed record ProfileRegistered(
    Guid ProfileId, Network Network, string Handle, string BusinessUnit, Ownership Ownership, string DisplayName,
    DateTimeOffset RegisteredAt, string? RequestId);

/// <summary>
/// A value restated by hand: a new version of (profile, metric, day); earlier versions stay in history.
/// <see cref="SourceTimeZone"/> is the zone the day is reported in, taken from the version it restates (a correction
/// does not move the day to another zone); null in events written before it was recorded (read as UTC).
/// <see cref="Hour"/> set: it restates that hour's hourly value (0…23) of the day; null (and absent from the JSON, as in
/// every event before hourly data): the daily value.
/// </summary>
public sealed record KpiCorrected(
    Guid ProfileId, string Metric, DateOnly Date, double Value, string Reason, string CorrectedBy, DateTimeOffset CorrectedAt,
    string? SourceTimeZone = null, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Hour = null);

// Batch stream (one per batch, id = batch id): exactly one event.

/// <summary>
/// One observed value: profile, reporting day (in the source's time zone), metric, value; with an <see cref="Hour"/>
/// (0…23 of that day) it is an hourly value, a series of its own beside the daily one.
/// </summary>
public readonly record struct KpiObservation(Guid ProfileId, string Metric, DateOnly Date, double Value, int? Hour = null);

/// <summary>
/// A batch of observations recorded at once (one event, many observations). A re-import of a
/// (profile, metric, day) already recorded is a new version of that value, the old one kept.
/// <para>
/// The observations are packed, not one JSON object each: <see cref="Profiles"/> and <see cref="Metrics"/> are the batch's
/// dictionaries, and <see cref="Observations"/> holds <see cref="Count"/> records of 16 bytes, little-endian:
/// u16 profile index, u16 metric index, i32 reporting day as <see cref="DateOnly.DayNumber"/>, f64 value (bit-exact).
/// In JSON it is one base64 string, which PostgreSQL stores as jsonb without parsing 40,000 numbers per batch
/// (the object-per-observation form cost more than the rows themselves; see docs/kpis.md). Read with <see cref="Observation"/>.
/// </para>
/// <para>
/// <see cref="Hours"/>: null when every observation is daily (every batch before hourly data, and every daily batch
/// since: absent from the JSON, byte for byte as before); otherwise <see cref="Count"/> bytes, the hour (0…23) of each observation or
/// <see cref="Daily"/> for a daily one.
/// </para>
/// </summary>
public sealed record KpiBatchRecorded(
    Guid BatchId, string IdempotencyKey, string Source, string SourceTimeZone, string RecordedBy, DateTimeOffset RecordedAt,
    Guid[] Profiles, string[] Metrics, int Count, byte[] Observations,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] byte[]? Hours = null)
{
    public const int BytesPerObservation = 16;

    /// <summary>The <see cref="Hours"/> byte of a daily observation.</summary>
    public const byte Daily = 0xFF;

    public KpiObservation Observation(int i)
    {
        var r = Observations.AsSpan(i * BytesPerObservation, BytesPerObservation);
        return new KpiObservation(
            Profiles[BinaryPrimitives.ReadUInt16LittleEndian(r)],
            Metrics[BinaryPrimitives.ReadUInt16LittleEndian(r[2..])],
            DateOnly.FromDayNumber(BinaryPrimitives.ReadInt32LittleEndian(r[4..])),
            BinaryPrimitives.ReadDoubleLittleEndian(r[8..]),
            Hours is { } hours && hours[i] != Daily ? hours[i] : null);
    }

    /// <summary>Whether observation <paramref name="i"/> is hourly.</summary>
    public bool IsHourly(int i) => Hours is { } hours && hours[i] != Daily;

    public static void Pack(Span<byte> destination, int profileIndex, int metricIndex, DateOnly date, double value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, checked((ushort)profileIndex));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], checked((ushort)metricIndex));
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], date.DayNumber);
        BinaryPrimitives.WriteDoubleLittleEndian(destination[8..], value);
    }
}

/// <summary>Marker type for batch streams.</summary>
public sealed record KpiBatch;
