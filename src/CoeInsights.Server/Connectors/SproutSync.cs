using CoeInsights.Common;
using CoeInsights.Connectors.Sprout;
using CoeInsights.Connectors.Sync;
using CoeInsights.Connectors;
using CoeInsights.Kpis.RecordingKpis;
using CoeInsights.Kpis.RegisteringProfile;
using CoeInsights.Kpis;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace CoeInsights.Server.Connectors;

/// <summary>
/// One sync of a Sprout connector: profiles (registered here on first sight), then, per group of profiles with the same
/// checkpoint, the planned windows oldest first (including the RestateDays re-read before the checkpoint). A window is
/// fetched whole (every page) and checked before anything of it is recorded. Each (profile, day) is compared with the
/// values this connector recorded for it before: the metrics that are new or restated become one KPI batch (a new version
/// of each; the old versions stay), an unchanged day stores nothing. The batch's idempotency key is derived from
/// (connector, profile, day) and, for a restatement, from the values it replaces and records — so a window recorded again
/// after a crash, or by two servers at once, stores nothing twice. Checkpoints move forward to the window's last day only
/// once all its batches are committed: a restart resumes at the first day not known to be durable — no gap, no duplicate.
/// </summary>
public sealed class SproutSync(IDocumentStore store, TimeProvider clock)
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
            .Select(v => $"{v.Key}={v.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}"));
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Line(before) + "\n" + Line(restated)));
        return $"{IdempotencyKey(connector, sourceProfileId, date)}:r{Convert.ToHexStringLower(hash, 0, 12)}";
    }

    public static string Source(string connector) => $"sprout:{connector}";

    public async Task<SyncRun> RunAsync(SproutConnectorOptions o, ISproutApi api, SyncRun run, Func<SyncRun, Task> progress, CancellationToken ct)
    {
        var source = new SproutSource(api);
        var customerId = await source.ResolveCustomerIdAsync(o.CustomerId, ct);
        var all = await source.ProfilesAsync(customerId, ct);
        var missing = o.ProfileIds.Where(id => all.All(p => p.CustomerProfileId != id)).ToList();
        if (missing.Count > 0)
            throw new SourcePayloadException($"Sprout customer {customerId} has no profile {string.Join(", ", missing)} (see metadata/customer).");
        var profiles = o.ProfileIds.Count > 0 ? all.Where(p => o.ProfileIds.Contains(p.CustomerProfileId)).ToList() : all.ToList();

        var ours = new Dictionary<long, Guid>();
        foreach (var p in profiles) ours[p.CustomerProfileId] = await EnsureProfileAsync(o, p, ct);

        Dictionary<string, SyncCheckpoint> checkpoints;
        await using (var query = store.QuerySession(o.Tenant))
            checkpoints = (await query.Query<SyncCheckpoint>().Where(c => c.Connector == o.Name).ToListAsync(ct)).ToDictionary(c => c.SourceProfileId);

        var tz = TimeZoneInfo.FindSystemTimeZoneById(o.TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), tz).DateTime);
        var known = new HashSet<Guid>(ours.Values);
        var groups = profiles.GroupBy(p => checkpoints.GetValueOrDefault(p.CustomerProfileId.ToString())?.LastSyncedDate)
            .OrderBy(g => g.Key ?? DateOnly.MinValue);
        foreach (var group in groups)
        {
            var ids = group.Select(p => p.CustomerProfileId).OrderBy(id => id).ToList();
            foreach (var window in SyncPlanner.Plan(group.Key, o.StartDate, today, o.MaxDaysPerRequest, o.RestateDays))
            {
                var days = await source.DailyAsync(customerId, ids, window.From, window.To, ct);
                var recorded = await RecordedAsync(o, ids.Select(id => ours[id]).ToList(), window, ct);
                foreach (var day in days.Where(d => d.Values.Count > 0))
                {
                    var profileId = ours[day.SourceProfileId];
                    var before = recorded.GetValueOrDefault((profileId, day.Date)) ?? [];
                    var changed = day.Values.Where(v => !before.TryGetValue(v.Key, out var old) || old != v.Value)
                        .ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
                    if (changed.Count == 0)
                    {
                        // Read again (restatement window, or a crash before the checkpoint moved) and unchanged: nothing to store.
                        run = run with { ReplayedBatches = run.ReplayedBatches + 1 };
                        continue;
                    }
                    var key = before.Count == 0
                        ? IdempotencyKey(o.Name, day.SourceProfileId, day.Date)
                        : RestatementKey(o.Name, day.SourceProfileId, day.Date, before, changed);
                    var observations = changed.OrderBy(v => v.Key, StringComparer.Ordinal)
                        .Select(v => new SentObservation(profileId.ToString(), v.Key, day.Date.Year, day.Date.Month, day.Date.Day, v.Value))
                        .ToList();
                    var command = new RecordKpiBatch(0, key, Source(o.Name), o.TimeZone, observations, $"connector:{o.Name}", clock.GetUtcNow());
                    await using var session = store.LightweightSession(o.Tenant);
                    var ack = await RecordKpiBatchHandler.Handle(session, command, known, ct);
                    run = ack.Replayed
                        ? run with { ReplayedBatches = run.ReplayedBatches + 1 }
                        : run with { Batches = run.Batches + 1, Rows = run.Rows + ack.ObservationCount };
                }
                if (group.Key is not { } checkpoint || window.To > checkpoint) // re-read days never move a checkpoint back
                {
                    await using var session = store.LightweightSession(o.Tenant);
                    var now = clock.GetUtcNow();
                    foreach (var id in ids)
                        session.Store(new SyncCheckpoint(SyncCheckpoint.Key(o.Name, id.ToString()), o.Name, id.ToString(), window.To, now));
                    await session.SaveChangesAsync(ct);
                }
                await progress(run);
            }
        }
        return run;
    }

    /// <summary>
    /// What this connector recorded for the profiles in the window: the latest version per (profile, day, metric) among the rows
    /// of its own source. A later CorrectKpi by a person is another source: it stays the latest until the platform restates
    /// the value.
    /// </summary>
    private async Task<Dictionary<(Guid ProfileId, DateOnly Day), Dictionary<string, double>>> RecordedAsync(
        SproutConnectorOptions o, IReadOnlyList<Guid> profileIds, DateWindow window, CancellationToken ct)
    {
        var sql = $"select distinct on (profile_id, metric, day) profile_id, metric, day, value from {store.Options.DatabaseSchemaName}.{ObservationTable.Name} " +
                  "where tenant_id = $1 and source = $2 and profile_id = any($3) and day between $4 and $5 order by profile_id, metric, day, seq desc";
        var result = new Dictionary<(Guid, DateOnly), Dictionary<string, double>>();
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn)
        {
            Parameters =
            {
                new() { Value = o.Tenant },
                new() { Value = Source(o.Name) },
                new() { Value = profileIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
                new() { Value = window.From },
                new() { Value = window.To },
            },
        };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = (reader.GetGuid(0), reader.GetFieldValue<DateOnly>(2));
            if (!result.TryGetValue(key, out var values)) result[key] = values = new Dictionary<string, double>(StringComparer.Ordinal);
            values[reader.GetString(1)] = reader.GetDouble(3);
        }
        return result;
    }

    /// <summary>Our profile for a Sprout profile: found by network and handle, else registered (owned).</summary>
    private async Task<Guid> EnsureProfileAsync(SproutConnectorOptions o, SproutProfile p, CancellationToken ct)
    {
        var network = NetworkOf(p.NetworkType);
        var handle = (string.IsNullOrWhiteSpace(p.NativeName) ? p.Name ?? p.CustomerProfileId.ToString() : p.NativeName).Trim();
        await using var session = store.LightweightSession(o.Tenant);
        var existing = await session.Query<KpiProfile>().Where(x => x.Network == network && x.Handle == handle).FirstOrDefaultAsync(ct);
        if (existing is not null) return existing.Id;
        try
        {
            var registered = await RegisterProfileHandler.Handle(session, new RegisterProfile(network, handle, o.BusinessUnit, Ownership.Owned,
                p.Name ?? handle, $"connector:{o.Name}:{p.CustomerProfileId}", clock.GetUtcNow()), ct);
            return registered.Id;
        }
        catch (AlreadyExistsException)
        {
            await using var fresh = store.QuerySession(o.Tenant);
            return (await fresh.Query<KpiProfile>().Where(x => x.Network == network && x.Handle == handle).FirstAsync(ct)).Id;
        }
    }

    /// <summary>Sprout's <c>network_type</c> → our network.</summary>
    private static Network NetworkOf(string? networkType) => (networkType ?? "").ToLowerInvariant() switch
    {
        "linkedin_company" or "linkedin" => Network.LinkedIn,
        "fb_instagram_account" or "instagram" => Network.Instagram,
        "facebook" => Network.Facebook,
        "twitter" or "x" => Network.X,
        "tiktok" => Network.TikTok,
        "youtube" => Network.YouTube,
        "pinterest" => Network.Pinterest,
        "threads" => Network.Threads,
        _ => Network.Other,
    };
}
