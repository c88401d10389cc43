using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CoeInsights.Kpis.RecordingKpis;

namespace CoeInsights.Connectors.SyncingSprout;

/// <summary>One (profile, day) of one source as Sprout answered it, and what this connector recorded for it before.</summary>
public sealed record SproutDay(
    string Connector, long SourceProfileId, Guid ProfileId, DateOnly Date, IReadOnlyDictionary<string, double> Values,
    IReadOnlyDictionary<string, double> Before, string BatchSource, string Zone, string KeySuffix, DateTimeOffset Now);

/// <summary>What to do with a day: <see cref="Batch"/> to record, or none (<see cref="Replayed"/>: read again, unchanged).</summary>
public sealed record SproutDayDecision(RecordKpiBatch? Batch, bool Replayed);

/// <summary>
/// The Sprout sync's rules on what is recorded and how far a checkpoint moves. The batch's idempotency key is derived from
/// (connector, profile, day) and, for a restatement, from the values it replaces and records, so a day recorded again after
/// a crash, or by two servers at once, stores nothing twice.
/// </summary>
public static class SproutDays
{
    /// <summary>The key of a day's first import.</summary>
    public static string IdempotencyKey(string connector, long sourceProfileId, DateOnly date) =>
        $"connector:{connector}:{sourceProfileId}:{date:yyyy-MM-dd}";

    /// <summary>
    /// The key of a restatement: the day's key plus a hash of the values recorded before (latest version per metric) and of the
    /// restated ones. The same restatement of the same state always gets the same key; a value restated back to an earlier
    /// figure is a different state, hence a new key.
    /// </summary>
    public static string RestatementKey(string connector, long sourceProfileId, DateOnly date,
        IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> restated)
    {
        static string Line(IReadOnlyDictionary<string, double> values) => string.Join(";", values.OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => $"{v.Key}={v.Value.ToString("R", CultureInfo.InvariantCulture)}"));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Line(before) + "\n" + Line(restated)));
        return $"{IdempotencyKey(connector, sourceProfileId, date)}:r{Convert.ToHexStringLower(hash, 0, 12)}";
    }

    /// <summary>The metrics that are new or changed since this connector last recorded them become one KPI batch; none: a replay.</summary>
    public static SproutDayDecision Decide(SproutDay day)
    {
        if (day.Values.Count == 0) return new SproutDayDecision(null, Replayed: false);
        var changed = day.Values.Where(v => !day.Before.TryGetValue(v.Key, out var old) || old != v.Value)
            .ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        if (changed.Count == 0)
            // Read again (restatement window, or a crash before the checkpoint moved) and unchanged: nothing to store.
            return new SproutDayDecision(null, Replayed: true);
        var key = (day.Before.Count == 0
            ? IdempotencyKey(day.Connector, day.SourceProfileId, day.Date)
            : RestatementKey(day.Connector, day.SourceProfileId, day.Date, day.Before, changed)) + day.KeySuffix;
        var observations = changed.OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => new SentObservation(day.ProfileId.ToString(), v.Key, day.Date.Year, day.Date.Month, day.Date.Day, v.Value))
            .ToList();
        return new SproutDayDecision(
            new RecordKpiBatch(0, key, day.BatchSource, day.Zone, observations, $"connector:{day.Connector}", day.Now), Replayed: false);
    }

    /// <summary>
    /// Where a checkpoint moves once a window's batches are committed: to the last day that came back without a gap
    /// (<paramref name="through"/>), never back (re-read days). Null: it stays.
    /// </summary>
    public static DateOnly? Advance(DateOnly? checkpoint, DateOnly? through) =>
        through is { } t && (checkpoint is not { } c || t > c) ? t : null;

    /// <summary>The run's note on a profile whose window came back with a gap from <paramref name="gap"/>: its checkpoint stays before it.</summary>
    public static string GapError(long sourceProfileId, DateOnly gap, DateOnly to) =>
        $"Sprout analytics/profiles: profile {sourceProfileId} has no row for {gap:yyyy-MM-dd}…{to:yyyy-MM-dd}; " +
        "its checkpoint stays before that day and the next run asks again.";
}
