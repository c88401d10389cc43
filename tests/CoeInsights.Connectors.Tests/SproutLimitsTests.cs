extern alias server;

using System.Collections.Concurrent;
using CoeInsights.Connectors.Http;
using CoeInsights.Connectors.Sync;
using CoeInsights.Connectors.Tests.Fakes;
using CoeInsights.Kpis;
using CoeInsights.Kpis.QueryingSeries;
using CoeInsights.Analytics.Trends;
using CoeInsights.Testing;
using Marten;
using server::CoeInsights.Server.Connectors;

namespace CoeInsights.Connectors.Tests;

/// <summary>
/// Sync runs into a real KPI store against the documented limits of the fake: requests chunked to the profile and result
/// caps, a truncated or gappy answer never checkpointed past the gap, days labelled with the network's zone and "yesterday"
/// taken from the latest zone, Facebook's views, and one request pace shared by two replicas (PostgreSQL slot gate).
/// </summary>
public sealed class SproutLimitsTests(StoreFixture fixture) : FakeSproutTests(fixture)
{
    private SproutConnectorOptions Sprout(string tenant, string name = "sprout") => new()
    {
        Name = name, Tenant = tenant, BaseAddress = _sprout.Address, AccessToken = _sprout.Token, StartDate = Jan1, RestateDays = 0,
    };

    private ConnectorsOptions Options(params SproutConnectorOptions[] sprout) => new() { Sprout = [.. sprout], Resilience = Connectors.FastResilience() };

    private async Task<Dictionary<(string Handle, string Metric, DateOnly Day), double>> Stored(string tenant, DateOnly to, DateOnly? from = null)
    {
        await using var session = Store.QuerySession(tenant);
        var series = await QuerySeriesHandler.Handle(session, new SeriesQuery([], [], [], null,
            MetricCatalogue.Default.Select(m => m.Name).ToList(), from ?? Jan1, to, Granularity.Day), default);
        var result = new Dictionary<(string, string, DateOnly), double>();
        foreach (var s in series)
            for (var i = 0; i < s.Series.Values.Count; i++)
                if (s.Series.Values[i] is { } v) result[(s.Profile.Handle, s.Metric.Name, s.Series.PeriodStarts[i])] = v;
        return result;
    }

    private async Task<Dictionary<string, DateOnly>> Checkpoints(string tenant)
    {
        await using var session = Store.QuerySession(tenant);
        return (await session.Query<SyncCheckpoint>().ToListAsync()).ToDictionary(c => c.SourceProfileId, c => c.LastSyncedDate);
    }

    private static (List<long> Profiles, DateOnly From, DateOnly End) Parse(string body)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(body);
        var filters = doc.RootElement.GetProperty("filters").EnumerateArray().Select(f => f.GetString()!).ToList();
        var ids = filters[0]["customer_profile_id.eq(".Length..^1].Split(',').Select(s => long.Parse(s.Trim())).ToList();
        var period = filters[1]["reporting_period.in(".Length..^1].Split("...");
        return (ids, DateOnly.Parse(period[0]), DateOnly.Parse(period[1]));
    }

    [Fact]
    public async Task ChunksProfilesAndDaysWithinTheLimitsAndStoresEveryDay()
    {
        const string tenant = "limits-chunks";
        _sprout.Profiles.Clear();
        for (var i = 0; i < 7; i++) _sprout.Profiles.Add(new FakeSprout.Profile(2001 + i, "linkedin_company", $"Page {i}", $"page-{i}"));
        // The documented 100 profiles and 10,000 results, scaled down on both sides.
        _sprout.MaxProfiles = 3;
        _sprout.MaxResults = 20;
        var o = Sprout(tenant);
        o.MaxProfilesPerRequest = 3;
        o.MaxResultsPerRequest = 20;
        await using var services = Connectors.Services(Options(o), Store, Feb1, delays: _delays);

        var run = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal(SyncRunState.Succeeded, run.State);
        Assert.Empty(run.Errors);
        var requests = _sprout.AnalyticsRequests.ToList();
        Assert.All(requests, r => Assert.Equal(200, r.Status));
        foreach (var r in requests)
        {
            var (ids, from, end) = Parse(r.Body);
            Assert.InRange(ids.Count, 1, 3);
            Assert.True(ids.Count * (end.DayNumber - from.DayNumber) <= 20, r.Body);
        }
        // Chunks of 3, 3 and 1 profiles; 6, 6 and 20 days per request over January.
        Assert.Equal(6 + 6 + 2, requests.Count);
        Assert.Equal(SproutExpectations.Expected(_sprout, Jan1, new DateOnly(2024, 1, 31)).OrderBy(e => e.Key.ToString()),
            (await Stored(tenant, new DateOnly(2024, 1, 31))).OrderBy(e => e.Key.ToString()));
        Assert.All((await Checkpoints(tenant)).Values, c => Assert.Equal(new DateOnly(2024, 1, 31), c));
    }

    [Fact]
    public async Task CheckpointsOnlyTheDaysThatCameBackGivenATruncatedAnswer()
    {
        const string tenant = "limits-truncated";
        FakeSproutProfiles.TwoLinkedInPages(_sprout);
        _sprout.MaxResults = 20; // Sprout truncates silently: the client cannot tell from the answer alone
        var o = Sprout(tenant);
        o.MaxDaysPerRequest = 31;
        await using var services = Connectors.Services(Options(o), Store, Feb1, delays: _delays);

        var first = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        // Days 1-10 of both pages came back (20 rows); the rest did not: checkpoints stay before the gap.
        Assert.Equal(SyncRunState.Succeeded, first.State);
        Assert.Equal(20, first.Batches);
        Assert.Equal(new Dictionary<string, DateOnly> { ["1101"] = new(2024, 1, 10), ["1102"] = new(2024, 1, 10) }, await Checkpoints(tenant));
        Assert.Equal(2, first.Errors.Count);
        Assert.Contains("profile 1101 has no row for 2024-01-11…2024-01-31; its checkpoint stays before that day and the next run asks again", first.Errors[0]);

        _sprout.MaxResults = 10_000;
        var second = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal((SyncRunState.Succeeded, 42), (second.State, second.Batches));
        Assert.Empty(second.Errors);
        Assert.Contains("reporting_period.in(2024-01-11...2024-02-01)", _sprout.AnalyticsRequests.Last().Body);
        Assert.Equal(SproutExpectations.Expected(_sprout, Jan1, new DateOnly(2024, 1, 31)).OrderBy(e => e.Key.ToString()),
            (await Stored(tenant, new DateOnly(2024, 1, 31))).OrderBy(e => e.Key.ToString()));
    }

    [Fact]
    public async Task NeverMovesAProfilesCheckpointPastAMissingDay()
    {
        const string tenant = "limits-gap";
        FakeSproutProfiles.TwoLinkedInPages(_sprout);
        _sprout.Missing[(1101, new DateOnly(2024, 1, 5))] = true;
        var o = Sprout(tenant);
        o.MaxDaysPerRequest = 7;
        await using var services = Connectors.Services(Options(o), Store, Feb1, delays: _delays);

        var run = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        // 1101 stays at Jan 4 although later windows came back whole; 1102 goes to yesterday.
        Assert.Equal(new Dictionary<string, DateOnly> { ["1101"] = new(2024, 1, 4), ["1102"] = new(2024, 1, 31) }, await Checkpoints(tenant));
        Assert.Equal(["Sprout analytics/profiles: profile 1101 has no row for 2024-01-05…2024-01-07; its checkpoint stays before that day and the next run asks again."], run.Errors);
    }

    [Fact]
    public async Task LabelsEachDayWithItsNetworksZoneAndStopsAtYesterdayInTheLatestZone()
    {
        const string tenant = "limits-zones";
        // 03:00 UTC on Feb 1: Jan 31 is over in UTC but not in California, where Sprout reports Instagram's days.
        var clock = new FixedClock(new DateTimeOffset(2024, 2, 1, 3, 0, 0, TimeSpan.Zero));
        await using var services = Connectors.Services(Options(Sprout(tenant)), Store, clock, delays: _delays);

        var run = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal(SyncRunState.Succeeded, run.State);
        Assert.All((await Checkpoints(tenant)).Values, c => Assert.Equal(new DateOnly(2024, 1, 30), c));
        await using var session = Store.QuerySession(tenant);
        var profiles = (await session.Query<KpiProfile>().ToListAsync()).ToDictionary(p => p.Handle);
        var linkedIn = Assert.Single(await ObservationTable.VersionsAsync(session, profiles["contoso"].Id, "impressions", Jan1, default));
        var instagram = Assert.Single(await ObservationTable.VersionsAsync(session, profiles["contoso.ig"].Id, "impressions", Jan1, default));
        var engagements = Assert.Single(await ObservationTable.VersionsAsync(session, profiles["contoso.ig"].Id, "engagements", Jan1, default));
        Assert.Equal(("UTC", "sprout:sprout"), (linkedIn.SourceTimeZone, linkedIn.Source));
        Assert.Equal(("America/Los_Angeles", "sprout:sprout"), (instagram.SourceTimeZone, instagram.Source));
        // A derived metric says how it was made.
        Assert.Equal(("America/Los_Angeles", "sprout:sprout:derived:engagements = likes + comments_count + saves + story_replies"),
            (engagements.SourceTimeZone, engagements.Source));
    }

    [Fact]
    public async Task RecordsFacebookImpressionsAsViewsFromMetasChange()
    {
        const string tenant = "limits-views";
        _sprout.Profiles.Clear();
        _sprout.Profiles.Add(new FakeSprout.Profile(3001, "facebook", "Contoso", "contoso.fb"));
        var o = Sprout(tenant);
        o.StartDate = new DateOnly(2025, 11, 13);
        var clock = new FixedClock(new DateTimeOffset(2025, 11, 17, 12, 0, 0, TimeSpan.Zero)); // Nov 17 in California too
        await using var services = Connectors.Services(Options(o), Store, clock, delays: _delays);

        var run = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal(SyncRunState.Succeeded, run.State);
        var stored = await Stored(tenant, new DateOnly(2025, 11, 16), o.StartDate);
        Assert.Equal([new DateOnly(2025, 11, 13), new DateOnly(2025, 11, 14)],
            stored.Keys.Where(k => k.Metric == "impressions").Select(k => k.Day).Order());
        Assert.Equal([new DateOnly(2025, 11, 15), new DateOnly(2025, 11, 16)],
            stored.Keys.Where(k => k.Metric == "views").Select(k => k.Day).Order());
        Assert.Equal(_sprout.Value(3001, "impressions", new DateOnly(2025, 11, 15)), stored[("contoso.fb", "views", new DateOnly(2025, 11, 15))]);
        // Sprout's Facebook engagements formula: reactions + comments_count + shares_count + post_link_clicks + post_content_clicks_other.
        double V(string m) => _sprout.Value(3001, m, new DateOnly(2025, 11, 14))!.Value;
        Assert.Equal(V("reactions") + V("comments_count") + V("shares_count") + V("post_link_clicks") + V("post_content_clicks_other"),
            stored[("contoso.fb", "engagements", new DateOnly(2025, 11, 14))]);
    }

    [Fact]
    public async Task StoresEveryDayGivenSeededNotReadyAndTooManyAnswers()
    {
        const string tenant = "limits-chaos";
        FakeSproutProfiles.TwoLinkedInPages(_sprout);
        _sprout.NotReadyRate = 0.3;
        _sprout.TooManyRate = 0.2;
        var o = Sprout(tenant);
        o.MaxDaysPerRequest = 3;
        await using var services = Connectors.Services(Options(o), Store, Feb1, delays: _delays);

        var run = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal(SyncRunState.Succeeded, run.State);
        Assert.Empty(run.Errors);
        var statuses = _sprout.AnalyticsRequests.Select(r => r.Status).ToList();
        Assert.Contains(202, statuses);
        Assert.Contains(429, statuses);
        Assert.Equal(11, statuses.Count(s => s == 200)); // every 3-day window of January answered in the end
        Assert.Equal(SproutExpectations.Expected(_sprout, Jan1, new DateOnly(2024, 1, 31)).OrderBy(e => e.Key.ToString()),
            (await Stored(tenant, new DateOnly(2024, 1, 31))).OrderBy(e => e.Key.ToString()));
    }

    /// <summary>Records every slot the shared gate hands out.</summary>
    private sealed class RecordingGate(ISproutRateGate inner) : ISproutRateGate
    {
        public ConcurrentQueue<DateTimeOffset> Slots { get; } = new();

        public async Task<DateTimeOffset> ReserveAsync(string account, DateTimeOffset now, TimeSpan spacing, CancellationToken ct)
        {
            var slot = await inner.ReserveAsync(account, now, spacing, ct);
            if (account == "sprout-customer:" + FakeSprout.CustomerId) Slots.Enqueue(slot);
            return slot;
        }
    }

    [Fact]
    public async Task SharesOnePaceOfSixtyPerMinuteGivenTwoReplicasReadingOneCustomer()
    {
        FakeSproutProfiles.TwoLinkedInPages(_sprout);
        var a = Sprout("limits-replica-a", "sprout-a");
        var b = Sprout("limits-replica-b", "sprout-b");
        a.MaxDaysPerRequest = b.MaxDaysPerRequest = 1; // 31 requests each: more than a minute's worth together
        // Two server processes: each its own composition and gate object, one table in PostgreSQL between them.
        var gateA = new RecordingGate(new PostgresSproutRateGate(Store));
        var gateB = new RecordingGate(new PostgresSproutRateGate(Store));
        await using var replicaA = Connectors.Services(Options(a), Store, Feb1, delays: _delays, gate: gateA);
        await using var replicaB = Connectors.Services(Options(b), Store, Feb1, delays: _delays, gate: gateB);

        var limitedBefore = _sprout.RateLimited;
        var runs = await Task.WhenAll(
            replicaA.Runs().RunAsync(a.Tenant, a.Name, "test", default),
            replicaB.Runs().RunAsync(b.Tenant, b.Name, "test", default));

        Assert.All(runs, r => Assert.Equal((SyncRunState.Succeeded, 62), (r.State, r.Batches)));
        var slots = gateA.Slots.Concat(gateB.Slots).Order().ToList();
        // Metadata/customer and 31 days, per replica; plus one slot per 429 the fake gave (its window runs on the shared
        // virtual clock, which the other replica's waits move on while a request is in flight), since a retry takes a slot too.
        Assert.Equal(2 * 32 + (_sprout.RateLimited - limitedBefore), slots.Count);
        Assert.True(gateA.Slots.Count > 0 && gateB.Slots.Count > 0);
        for (var i = 1; i < slots.Count; i++)
            Assert.True(slots[i] - slots[i - 1] >= TimeSpan.FromSeconds(1), $"slots {i - 1} and {i}: {slots[i] - slots[i - 1]}");
        for (var i = 60; i < slots.Count; i++)
            Assert.True(slots[i] - slots[i - 60] >= TimeSpan.FromMinutes(1));
    }
}
