using CoeInsights.Common;
using CoeInsights.Connectors.Sprout;
using CoeInsights.Kpis;
using CoeInsights.Kpis.RecordingKpis;
using CoeInsights.Kpis.RegisteringProfile;
using Marten;

namespace CoeInsights.Connectors.Sync;

/// <summary>
/// One sync of a Sprout connector: profiles (registered here on first sight), then, per group of profiles with the same
/// checkpoint, the planned windows oldest first. A window is fetched whole (every page) and checked before anything of it
/// is recorded; each (profile, day) becomes one KPI batch whose idempotency key is derived from (connector, profile, day),
/// so a window recorded again after a crash stores nothing new. Checkpoints move to the window's last day only once all
/// its batches are committed: a restart resumes at the first day not known to be durable — no gap, no duplicate.
/// </summary>
public sealed class SproutSync(IDocumentStore store, TimeProvider clock)
{
    public static string IdempotencyKey(string connector, long sourceProfileId, DateOnly date) =>
        $"connector:{connector}:{sourceProfileId}:{date:yyyy-MM-dd}";

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
            foreach (var window in SyncPlanner.Plan(group.Key, o.StartDate, today, o.MaxDaysPerRequest))
            {
                var days = await source.DailyAsync(customerId, ids, window.From, window.To, ct);
                foreach (var day in days.Where(d => d.Values.Count > 0))
                {
                    var observations = day.Values.OrderBy(v => v.Key, StringComparer.Ordinal)
                        .Select(v => new SentObservation(ours[day.SourceProfileId].ToString(), v.Key, day.Date.Year, day.Date.Month, day.Date.Day, v.Value))
                        .ToList();
                    var command = new RecordKpiBatch(0, IdempotencyKey(o.Name, day.SourceProfileId, day.Date), Source(o.Name), o.TimeZone,
                        observations, $"connector:{o.Name}", clock.GetUtcNow());
                    await using var session = store.LightweightSession(o.Tenant);
                    var ack = await RecordKpiBatchHandler.Handle(session, command, known, ct);
                    run = ack.Replayed
                        ? run with { ReplayedBatches = run.ReplayedBatches + 1 }
                        : run with { Batches = run.Batches + 1, Rows = run.Rows + ack.ObservationCount };
                }
                await using (var session = store.LightweightSession(o.Tenant))
                {
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

    /// <summary>Our profile for a Sprout profile: found by network and handle, else registered (owned).</summary>
    private async Task<Guid> EnsureProfileAsync(SproutConnectorOptions o, SproutProfile p, CancellationToken ct)
    {
        var network = SproutMetricMap.Network(p.NetworkType);
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
}
