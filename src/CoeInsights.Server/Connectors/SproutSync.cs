using CoeInsights.Common;
using CoeInsights.Connectors.Sprout;
using CoeInsights.Connectors.Sync;
using CoeInsights.Connectors;
using CoeInsights.Connectors.RunningSync;
using CoeInsights.Connectors.SyncingSprout;
using CoeInsights.Kpis.RecordingKpis;
using CoeInsights.Kpis.RegisteringProfile;
using CoeInsights.Kpis;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace CoeInsights.Server.Connectors;

/// <summary>
/// One sync of a Sprout connector: profiles (registered here on first sight), then, per group of profiles of one network with
/// the same checkpoint, in chunks of at most 100 profiles, the planned windows oldest first (including the RestateDays re-read
/// before the checkpoint), each at most one year and 10,000 profile-days (Sprout's documented limits). A window is
/// fetched whole (every page) and checked before anything of it is recorded. Each (profile, day) is compared with the
/// values this connector recorded for it before: the metrics that are new or restated become one KPI batch (a new version
/// of each; the old versions stay), an unchanged day stores nothing. The batch's idempotency key is derived from
/// (connector, profile, day) and, for a restatement, from the values it replaces and records — so a window recorded again
/// after a crash, or by two servers at once, stores nothing twice. A profile's checkpoint moves forward only once the window's
/// batches are committed, and only through the days that came back without a gap: a restart resumes at the first day not
/// known to be durable — no gap, no duplicate. Each batch is labelled with the zone Sprout reports the network's days in.
/// </summary>
public sealed partial class SproutSync(IDocumentStore store, TimeProvider clock)
{
    public static string Source(string connector) => $"sprout:{connector}";

    /// <summary>The source of a derived metric: the connector's and the formula it was computed with, so every derived row says how.</summary>
    public static string DerivedSource(string connector, DerivedMetric derived) => $"sprout:{connector}:derived:{derived.Formula}";

    public async Task<SyncRun> RunAsync(SproutConnectorOptions o, ISproutApi api, SyncRun run, Func<SyncRun, Task> progress, CancellationToken ct)
    {
        var source = new SproutSource(api);
        var customerId = await source.ResolveCustomerIdAsync(o.CustomerId, ct);
        var all = await source.ProfilesAsync(customerId, ct);
        var missing = o.ProfileIds.Where(id => all.All(p => p.CustomerProfileId != id)).ToList();
        if (missing.Count > 0)
            throw new SourcePayloadException($"Sprout customer {customerId} has no profile {string.Join(", ", missing)} (see metadata/customer).");
        var selected = o.ProfileIds.Count > 0 ? all.Where(p => o.ProfileIds.Contains(p.CustomerProfileId)).ToList() : all.ToList();
        // A network without a documented metric map (e.g. Pinterest) is not requested: an undocumented metric fails the whole request.
        var profiles = selected.Select(p => (Profile: p, Network: SproutMetricMap.For(p.NetworkType))).Where(p => p.Network is not null)
            .Select(p => (p.Profile, Network: p.Network!)).ToList();

        var ours = new Dictionary<long, Guid>();
        foreach (var (p, _) in profiles) ours[p.CustomerProfileId] = await EnsureProfileAsync(o, p, ct);

        Dictionary<string, SyncCheckpoint> checkpoints;
        await using (var query = store.QuerySession(o.Tenant))
            checkpoints = (await query.Query<SyncCheckpoint>().Where(c => c.Connector == o.Name).ToListAsync(ct)).ToDictionary(c => c.SourceProfileId);

        var zones = profiles.Select(p => p.Network).Distinct().ToDictionary(n => n, n => TimeZoneInfo.FindSystemTimeZoneById(o.ZoneOf(n)));
        var today = SyncPlanner.Today(clock.GetUtcNow(), zones.Values);
        var known = new HashSet<Guid>(ours.Values);
        var groups = profiles.GroupBy(p => (p.Network, Checkpoint: checkpoints.GetValueOrDefault(p.Profile.CustomerProfileId.ToString())?.LastSyncedDate))
            .OrderBy(g => g.Key.Checkpoint ?? DateOnly.MinValue).ThenBy(g => g.Key.Network.Name, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var (network, checkpoint) = group.Key;
            var zone = o.ZoneOf(network);
            var groupIds = group.Select(p => p.Profile.CustomerProfileId).OrderBy(id => id).ToList();
            foreach (var chunk in groupIds.Chunk(Math.Clamp(o.MaxProfilesPerRequest, 1, 100)))
            {
                var ids = chunk.ToList();
                var stalled = new HashSet<long>(); // a day did not come back: no checkpoint past it in this run
                var daysPerRequest = SyncPlanner.DaysPerRequest(ids.Count, o.MaxDaysPerRequest, o.MaxResultsPerRequest);
                foreach (var window in SyncPlanner.Plan(checkpoint, o.StartDate, today, daysPerRequest, o.RestateDays))
                {
                    var days = await source.DailyAsync(customerId, network, ids, window.From, window.To, ct, o.FacebookViewsSince);
                    var recorded = await RecordedAsync(o, ids.Select(id => ours[id]).ToList(), window, ct);
                    foreach (var day in days)
                    {
                        var profileId = ours[day.SourceProfileId];
                        run = await RecordAsync(o, run, profileId, day.SourceProfileId, day.Date, day.Values, Source(o.Name), zone, "", recorded, known, ct);
                        foreach (var d in network.Derived)
                            if (day.Derived.TryGetValue(d.Metric, out var value))
                                run = await RecordAsync(o, run, profileId, day.SourceProfileId, day.Date, new Dictionary<string, double> { [d.Metric] = value },
                                    DerivedSource(o.Name, d), zone, ":d", recorded, known, ct);
                    }
                    var now = clock.GetUtcNow();
                    await using (var session = store.LightweightSession(o.Tenant))
                    {
                        var moved = false;
                        foreach (var id in ids)
                        {
                            if (stalled.Contains(id)) continue;
                            var through = SyncPlanner.CompleteThrough(days.Where(d => d.SourceProfileId == id).Select(d => d.Date), window.From, window.To);
                            if (through != window.To)
                            {
                                stalled.Add(id);
                                run = SyncRunDecider.Warn(run, SproutDays.GapError(id, through?.AddDays(1) ?? window.From, window.To));
                            }
                            if (SproutDays.Advance(checkpoint, through) is { } t)
                            {
                                session.Store(new SyncCheckpoint(SyncCheckpoint.Key(o.Name, id.ToString()), o.Name, id.ToString(), t, now));
                                moved = true;
                            }
                        }
                        if (moved) await session.SaveChangesAsync(ct);
                    }
                    await progress(run);
                    if (stalled.Count == ids.Count) break;
                }
            }
        }
        if (o.SyncInboxMessages) run = await MessagesAsync(o, source, customerId, profiles, ours, run, checkpoints, known, progress, ct);
        if (o.TopicIds.Count + o.CompetitorTopicIds.Count > 0) run = await ListeningAsync(o, source, customerId, run, checkpoints, known, progress, ct);
        return run;
    }

    /// <summary>
    /// One (profile, day) of one source: the metrics that are new or changed since this connector last recorded them become
    /// one KPI batch; none: nothing stored (a replay).
    /// </summary>
    private async Task<SyncRun> RecordAsync(SproutConnectorOptions o, SyncRun run, Guid profileId, long sourceProfileId, DateOnly date,
        IReadOnlyDictionary<string, double> values, string batchSource, string zone, string keySuffix,
        Dictionary<(Guid ProfileId, DateOnly Day, string Source), Dictionary<string, double>> recorded, HashSet<Guid> known, CancellationToken ct)
    {
        var before = recorded.GetValueOrDefault((profileId, date, batchSource)) ?? [];
        var decision = SproutDays.Decide(new SproutDay(o.Name, sourceProfileId, profileId, date, values, before, batchSource, zone, keySuffix,
            clock.GetUtcNow()));
        if (decision.Batch is not { } command) return decision.Replayed ? SyncRunDecider.Replayed(run) : run;
        await using var session = store.LightweightSession(o.Tenant);
        return SyncRunDecider.Recorded(run, await RecordKpiBatchHandler.Handle(session, command, known, ct));
    }

    /// <summary>
    /// What this connector recorded for the profiles in the window: the latest version per (profile, day, metric) among the rows
    /// of its own source. A later CorrectKpi by a person is another source: it stays the latest until the platform restates
    /// the value.
    /// </summary>
    private async Task<Dictionary<(Guid ProfileId, DateOnly Day, string Source), Dictionary<string, double>>> RecordedAsync(
        SproutConnectorOptions o, IReadOnlyList<Guid> profileIds, DateWindow window, CancellationToken ct)
    {
        var sql = $"select distinct on (profile_id, source, metric, day) profile_id, metric, day, value, source from {store.Options.DatabaseSchemaName}.{ObservationTable.Name} " +
                  "where tenant_id = $1 and (source = $2 or starts_with(source, $2 || ':derived:')) and profile_id = any($3) and day between $4 and $5 " +
                  "order by profile_id, source, metric, day, seq desc";
        var result = new Dictionary<(Guid, DateOnly, string), Dictionary<string, double>>();
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
            var key = (reader.GetGuid(0), reader.GetFieldValue<DateOnly>(2), reader.GetString(4));
            if (!result.TryGetValue(key, out var values)) result[key] = values = new Dictionary<string, double>(StringComparer.Ordinal);
            values[reader.GetString(1)] = reader.GetDouble(3);
        }
        return result;
    }

    /// <summary>Our profile for a Sprout profile: found by network and handle, else registered (owned).</summary>
    private Task<Guid> EnsureProfileAsync(SproutConnectorOptions o, SproutProfile p, CancellationToken ct) =>
        EnsureAsync(o, NetworkOf(p.NetworkType), (string.IsNullOrWhiteSpace(p.NativeName) ? p.Name ?? p.CustomerProfileId.ToString() : p.NativeName).Trim(),
            p.Name, $"connector:{o.Name}:{p.CustomerProfileId}", Ownership.Owned, ct);

    /// <summary>
    /// A Listening Topic's profile: network Other, handle <c>sprout-topic:{id}</c> (a topic's name may change), named after the
    /// topic; a topic of <see cref="SproutConnectorOptions.CompetitorTopicIds"/> is a competitor profile (share of voice).
    /// </summary>
    private Task<Guid> EnsureTopicAsync(SproutConnectorOptions o, SproutTopic t, CancellationToken ct) =>
        EnsureAsync(o, Network.Other, $"sprout-topic:{t.Id}", string.IsNullOrWhiteSpace(t.Name) ? $"Listening topic {t.Id}" : t.Name,
            $"connector:{o.Name}:topic:{t.Id}", o.CompetitorTopicIds.Contains(t.Id) ? Ownership.Competitor : Ownership.Owned, ct);

    private async Task<Guid> EnsureAsync(SproutConnectorOptions o, Network network, string handle, string? displayName, string requestId,
        Ownership ownership, CancellationToken ct)
    {
        await using var session = store.LightweightSession(o.Tenant);
        var existing = await session.Query<KpiProfile>().Where(x => x.Network == network && x.Handle == handle).FirstOrDefaultAsync(ct);
        if (existing is not null) return existing.Id;
        try
        {
            var registered = await RegisterProfileHandler.Handle(session, new RegisterProfile(network, handle, o.BusinessUnit, ownership,
                displayName ?? handle, requestId, clock.GetUtcNow()), ct);
            return registered.Id;
        }
        catch (AlreadyExistsException)
        {
            await using var fresh = store.QuerySession(o.Tenant);
            return (await fresh.Query<KpiProfile>().Where(x => x.Network == network && x.Handle == handle).FirstAsync(ct)).Id;
        }
    }

    /// <summary>
    /// Each configured Listening Topic, day by day like the profiles: mentions and their sentiment split. A day the topic's
    /// answer has no row for had no messages: its counts are 0 (the metrics are counts over the topic's messages).
    /// </summary>
    private async Task<SyncRun> ListeningAsync(SproutConnectorOptions o, SproutSource source, long customerId, SyncRun run,
        Dictionary<string, SyncCheckpoint> checkpoints, HashSet<Guid> known, Func<SyncRun, Task> progress, CancellationToken ct)
    {
        var topics = await source.TopicsAsync(customerId, ct);
        var wanted = o.TopicIds.Concat(o.CompetitorTopicIds).ToHashSet();
        var unknown = wanted.Where(id => topics.All(t => t.Id != id)).Order().ToList();
        if (unknown.Count > 0)
            throw new SourcePayloadException($"Sprout customer {customerId} has no Listening Topic {string.Join(", ", unknown)} (see metadata/customer/topics).");
        var today = SyncPlanner.Today(clock.GetUtcNow(), [TimeZoneInfo.FindSystemTimeZoneById(o.ListeningTimeZone)]);
        foreach (var topic in topics.Where(t => wanted.Contains(t.Id)).OrderBy(t => t.Id))
        {
            var profileId = await EnsureTopicAsync(o, topic, ct);
            known.Add(profileId);
            var key = $"topic-{topic.Id}";
            var checkpoint = checkpoints.GetValueOrDefault(key)?.LastSyncedDate;
            foreach (var window in SyncPlanner.Plan(checkpoint, o.StartDate, today, Math.Min(o.MaxDaysPerRequest, 365), o.RestateDays))
            {
                var days = (await source.TopicDailyAsync(customerId, topic.Id, window.From, window.To, o.ListeningTimeZone, ct)).ToDictionary(d => d.Date);
                var recorded = await RecordedAsync(o, [profileId], window, ct);
                for (var day = window.From; day <= window.To; day = day.AddDays(1))
                {
                    var values = SproutMetricMap.Listening.Values.ToDictionary(m => m, m => 0.0, StringComparer.Ordinal);
                    if (days.TryGetValue(day, out var d)) foreach (var (m, v) in d.Values) values[m] = v;
                    run = await RecordAsync(o, run, profileId, topic.Id, day, values, Source(o.Name), o.ListeningTimeZone, ":topic", recorded, known, ct);
                }
                if (SproutDays.Advance(checkpoint, window.To) is not null)
                {
                    await using var session = store.LightweightSession(o.Tenant);
                    session.Store(new SyncCheckpoint(SyncCheckpoint.Key(o.Name, key), o.Name, key, window.To, clock.GetUtcNow()));
                    await session.SaveChangesAsync(ct);
                }
                await progress(run);
            }
        }
        return run;
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
