using CoeInsights.Connectors;
using CoeInsights.Connectors.Sprout;
using CoeInsights.Connectors.Sync;
using CoeInsights.Kpis;

namespace CoeInsights.Server.Connectors;

/// <summary>
/// Inbox messages (Sprout's Messages endpoint) → messages_received, messages_answered and median_response_time per profile
/// and day of receipt, in the zone of the profile's network (sent as the documented <c>timezone</c>, so the days match the
/// profile's other metrics). Same steps as the profile metrics: planned windows with the RestateDays re-read (a message
/// answered later restates the day it was received: a new version), compare with what was recorded, one batch per
/// (profile, day) with key suffix <c>:msg</c>, checkpoint <c>messages-{customer_profile_id}</c> once the window is committed.
/// </summary>
public sealed partial class SproutSync
{
    private async Task<SyncRun> MessagesAsync(SproutConnectorOptions o, SproutSource source, long customerId,
        IReadOnlyList<(SproutProfile Profile, SproutNetwork Network)> profiles, Dictionary<long, Guid> ours, SyncRun run,
        Dictionary<string, SyncCheckpoint> checkpoints, HashSet<Guid> known, Func<SyncRun, Task> progress, CancellationToken ct)
    {
        static string Key(long id) => $"messages-{id}";
        // "customer_profile_id: … these profiles must all belong to the requested group_id": one group per request.
        var groups = profiles.GroupBy(p => (Zone: o.ZoneOf(p.Network), Group: p.Profile.Groups?.FirstOrDefault() ?? 0,
                Checkpoint: checkpoints.GetValueOrDefault(Key(p.Profile.CustomerProfileId))?.LastSyncedDate))
            .OrderBy(g => g.Key.Checkpoint ?? DateOnly.MinValue).ThenBy(g => g.Key.Zone, StringComparer.Ordinal).ThenBy(g => g.Key.Group);
        foreach (var group in groups)
        {
            var (zoneId, groupId, checkpoint) = group.Key;
            var ids = group.Select(p => p.Profile.CustomerProfileId).Order().ToList();
            if (groupId <= 0)
            {
                run = run with { Errors = [.. run.Errors, $"Sprout messages: profile {string.Join(", ", ids)} is in no group (metadata/customer 'groups'); its messages are not synced."] };
                continue;
            }
            var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
            var today = SyncPlanner.Today(clock.GetUtcNow(), [zone]);
            foreach (var chunk in ids.Chunk(Math.Clamp(o.MaxProfilesPerRequest, 1, 100)))
                foreach (var window in SyncPlanner.Plan(checkpoint, o.StartDate, today, Math.Clamp(o.MaxDaysPerRequest, 1, 365), o.RestateDays))
                {
                    var inbound = await source.InboundAsync(customerId, groupId, chunk, window.From, window.To, zoneId, ct);
                    var recorded = await RecordedAsync(o, chunk.Select(id => ours[id]).ToList(), window, ct);
                    foreach (var day in SproutInbox.Daily(inbound, chunk, window.From, window.To, zone))
                        run = await RecordAsync(o, run, ours[day.SourceProfileId], day.SourceProfileId, day.Date, day.Values, Source(o.Name), zoneId, ":msg",
                            recorded, known, ct);
                    if (checkpoint is not { } c || window.To > c)
                    {
                        await using var session = store.LightweightSession(o.Tenant);
                        foreach (var id in chunk)
                            session.Store(new SyncCheckpoint(SyncCheckpoint.Key(o.Name, Key(id)), o.Name, Key(id), window.To, clock.GetUtcNow()));
                        await session.SaveChangesAsync(ct);
                    }
                    await progress(run);
                }
        }
        return run;
    }
}
