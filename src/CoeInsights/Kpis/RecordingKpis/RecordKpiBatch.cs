using CoeInsights.Analytics;
using CoeInsights.Common;
using Marten;
using JasperFx;

namespace CoeInsights.Kpis.RecordingKpis;

/// <summary>One observation as sent: parsed and checked by <see cref="RecordKpiBatchHandler.Decide"/>. <see cref="Hour"/> set: an hourly value.</summary>
public readonly record struct SentObservation(string ProfileId, string Metric, int Year, int Month, int Day, double Value, int? Hour = null);

/// <summary>A batch as sent. <see cref="Index"/> is its position in the call (field paths say <c>batches[i]</c>).</summary>
public sealed record RecordKpiBatch(
    int Index, string IdempotencyKey, string Source, string SourceTimeZone, IReadOnlyList<SentObservation> Observations,
    string RecordedBy, DateTimeOffset Now);

/// <summary>The ack of a durable batch. <see cref="Replayed"/>: the key was seen before; nothing new was stored.</summary>
public sealed record KpiBatchAck(string IdempotencyKey, Guid BatchId, int ObservationCount, DateTimeOffset RecordedAt, bool Replayed);

public static class RecordKpiBatchHandler
{
    public const int MaxObservations = 10_000;
    public static readonly DateOnly MinDate = new(2000, 1, 1);
    public static readonly DateOnly MaxDate = new(2100, 12, 31);

    /// <param name="knownProfiles">Profiles already known to exist in the caller's tenant (a cache for one call; grows).</param>
    public static async Task<KpiBatchAck> Handle(IDocumentSession session, RecordKpiBatch command, HashSet<Guid> knownProfiles, CancellationToken ct)
    {
        var prefix = $"batches[{command.Index}]";
        new Validator()
            .Require(!string.IsNullOrWhiteSpace(command.IdempotencyKey) && command.IdempotencyKey.Length <= 200,
                $"{prefix}.idempotency_key", "is required, at most 200 characters")
            .ThrowIfInvalid();
        if (await session.LoadAsync<KpiBatchReceipt>(command.IdempotencyKey, ct) is { } seen) return Replay(seen);

        var unknown = command.Observations.Select(o => Guid.TryParse(o.ProfileId, out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty && !knownProfiles.Contains(id)).Distinct().ToArray();
        if (unknown.Length > 0)
            foreach (var id in await session.Query<KpiProfile>().Where(p => p.Id.IsOneOf(unknown)).Select(p => p.Id).ToListAsync(ct))
                knownProfiles.Add(id);

        var batch = Decide(command, knownProfiles, Guid.CreateVersion7());
        session.Events.StartStream<KpiBatch>(batch.BatchId, batch);
        session.Insert(new KpiBatchReceipt(batch.IdempotencyKey, batch.BatchId, batch.Count, batch.RecordedAt));
        await ObservationTable.CopyInAsync(session, batch, ct);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (CreateOnce.IsUniqueViolation(e))
        {
            // The same key raced in on another call: that one won, this one stored nothing.
            await using var fresh = session.DocumentStore.QuerySession(session.TenantId);
            return Replay((await fresh.LoadAsync<KpiBatchReceipt>(command.IdempotencyKey, ct))!);
        }
        return new KpiBatchAck(batch.IdempotencyKey, batch.BatchId, batch.Count, batch.RecordedAt, Replayed: false);
    }

    private static KpiBatchAck Replay(KpiBatchReceipt r) => new(r.Id, r.BatchId, r.ObservationCount, r.RecordedAt, Replayed: true);

    /// <summary>Validates the whole batch (every bad field at once) and returns the one event to store.</summary>
    public static KpiBatchRecorded Decide(RecordKpiBatch command, IReadOnlySet<Guid> knownProfiles, Guid batchId)
    {
        var prefix = $"batches[{command.Index}]";
        var v = new Validator();
        var timeZone = string.IsNullOrWhiteSpace(command.SourceTimeZone) ? "UTC" : command.SourceTimeZone.Trim();
        v.Require(TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _), $"{prefix}.source_time_zone",
            "must be an IANA time zone id such as Europe/Berlin or UTC");
        v.Require((command.Source ?? "").Length <= 200, $"{prefix}.source", "at most 200 characters");
        var count = command.Observations.Count;
        v.Require(count > 0, $"{prefix}.observations", "must hold at least one observation");
        if (count > MaxObservations)
        {
            v.Add($"{prefix}.observations", $"holds {count} observations; at most {MaxObservations} per batch (split it)");
            v.ThrowIfInvalid();
        }

        var profiles = new List<Guid>();
        var profileIndex = new Dictionary<Guid, int>();
        var metrics = new List<string>();
        var metricIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var packed = new byte[count * KpiBatchRecorded.BytesPerObservation];
        var seen = new Dictionary<(int, int, DateOnly, int?), int>(count);
        byte[]? hours = null; // allocated at the first hourly observation: a daily batch's event is as before
        var bad = 0; // report the first 100 bad observations, not 10,000
        for (var i = 0; i < count && bad < 100; i++)
        {
            var o = command.Observations[i];
            var path = $"{prefix}.observations[{i}]";
            var ok = true;
            if (!Guid.TryParse(o.ProfileId, out var profileId))
            {
                v.Add($"{path}.profile_id", "must be a profile id as returned by RegisterProfile");
                ok = false;
            }
            else if (!knownProfiles.Contains(profileId))
            {
                v.Add($"{path}.profile_id", $"unknown profile '{o.ProfileId}'");
                ok = false;
            }
            if (MetricCatalogue.Find(o.Metric ?? "") is null)
            {
                v.Add($"{path}.metric", $"unknown metric '{o.Metric}' (see ListMetrics)");
                ok = false;
            }
            if (!double.IsFinite(o.Value))
            {
                v.Add($"{path}.value", "must be a finite number (not NaN or infinite)");
                ok = false;
            }
            DateOnly date = default;
            if (o.Year < 1 || o.Year > 9999 || o.Month is < 1 or > 12 || o.Day < 1 || o.Day > DateTime.DaysInMonth(o.Year, o.Month))
            {
                v.Add($"{path}.date", "must be a full calendar date (year, month and day)");
                ok = false;
            }
            else
            {
                date = new DateOnly(o.Year, o.Month, o.Day);
                if (date < MinDate || date > MaxDate)
                {
                    v.Add($"{path}.date", $"must be between {MinDate:yyyy-MM-dd} and {MaxDate:yyyy-MM-dd}");
                    ok = false;
                }
            }
            if (o.Hour is { } hour)
            {
                if (hour is < 0 or > 23)
                {
                    v.Add($"{path}.hour", "must be between 0 and 23 (the hour of the reporting day), or unset for a daily value");
                    ok = false;
                }
                else
                {
                    if (hours is null) Array.Fill(hours = new byte[count], KpiBatchRecorded.Daily);
                    hours[i] = (byte)hour;
                }
            }
            if (ok)
            {
                if (!profileIndex.TryGetValue(profileId, out var p))
                {
                    profileIndex[profileId] = p = profiles.Count;
                    profiles.Add(profileId);
                }
                if (!metricIndex.TryGetValue(o.Metric!, out var m))
                {
                    metricIndex[o.Metric!] = m = metrics.Count;
                    metrics.Add(o.Metric!);
                }
                if (!seen.TryAdd((p, m, date, o.Hour), i))
                {
                    var first = seen[(p, m, date, o.Hour)];
                    v.Add(path, $"duplicates {prefix}.observations[{first}] (same profile, metric, date{(o.Hour is null ? "" : " and hour")})");
                    bad++;
                }
                KpiBatchRecorded.Pack(packed.AsSpan(i * KpiBatchRecorded.BytesPerObservation), p, m, date, o.Value);
            }
            else bad++;
        }
        v.ThrowIfInvalid();
        return new KpiBatchRecorded(batchId, command.IdempotencyKey, string.IsNullOrWhiteSpace(command.Source) ? "unspecified" : command.Source.Trim(),
            timeZone, command.RecordedBy, command.Now, profiles.ToArray(), metrics.ToArray(), count, packed, hours);
    }
}
