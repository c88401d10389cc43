using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CoeInsights.Analytics.Kpis;
using CoeInsights.Analytics.Trends;
using CoeInsights.Connectors.Sprout;
using CoeInsights.Connectors.Sync;
using CoeInsights.Connectors.Tests.Fakes;
using CoeInsights.Kpis;
using CoeInsights.Kpis.QueryingSeries;
using CoeInsights.Kpis.WatchingAlerts;
using CoeInsights.Testing;
using Marten;

namespace CoeInsights.Connectors.Tests;

/// <summary>
/// Inbox messages into KPIs over a real store: per profile and day of receipt (in the network's zone) the messages received,
/// answered and the median minutes to the first reply; a late reply restates the day as a new version. And the listening
/// path into alerts: a synced spike of negative mentions is an alert of WatchAlerts.
/// </summary>
public sealed class SproutMessagesTests(StoreFixture fixture) : FakeSproutTests(fixture)
{
    private static readonly string[] Metrics = [SproutInbox.Received, SproutInbox.Answered, SproutInbox.MedianResponseTime];

    private ConnectorsOptions Options(string tenant, bool messages = true, params long[] topics) => new()
    {
        Sprout =
        [
            new SproutConnectorOptions
            {
                Name = "sprout", Tenant = tenant, BaseAddress = _sprout.Address, AccessToken = _sprout.Token, StartDate = Jan1,
                SyncInboxMessages = messages, TopicIds = [.. topics], RestateDays = 3,
            },
        ],
        Resilience = Connectors.FastResilience(),
    };

    private async Task<Dictionary<(string Handle, string Metric, DateOnly Day), double>> Stored(string tenant, params string[] metrics)
    {
        await using var session = Store.QuerySession(tenant);
        var series = await QuerySeriesHandler.Handle(session, new SeriesQuery([], [], [], null, metrics, Jan1, new DateOnly(2024, 1, 31), Granularity.Day), default);
        var result = new Dictionary<(string, string, DateOnly), double>();
        foreach (var s in series)
            for (var i = 0; i < s.Series.Values.Count; i++)
                if (s.Series.Values[i] is { } v) result[(s.Profile.Handle, s.Metric.Name, s.Series.PeriodStarts[i])] = v;
        return result;
    }

    /// <summary>What the fake's messages give for January, per profile's zone (the oracle: the fake's own message list).</summary>
    private Dictionary<(string Handle, string Metric, DateOnly Day), double> Expected() =>
        Expected((1101L, "contoso", "UTC"), (1102L, "contoso.ig", SproutMetricMap.Pacific));

    private Dictionary<(string Handle, string Metric, DateOnly Day), double> Expected(params (long Id, string Handle, string Zone)[] profiles)
    {
        var expected = new Dictionary<(string, string, DateOnly), double>();
        foreach (var (id, handle, zoneId) in profiles)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
            var received = Enumerable.Range(-1, 33).SelectMany(d => _sprout.MessagesOn(id, Jan1.AddDays(d))).Where(m => !m.Sent)
                .ToLookup(m => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(m.Created, zone).DateTime));
            for (var day = Jan1; day <= new DateOnly(2024, 1, 31); day = day.AddDays(1))
            {
                var list = received[day].ToList();
                expected[(handle, SproutInbox.Received, day)] = list.Count;
                expected[(handle, SproutInbox.Answered, day)] = list.Count(m => m.FirstReply is not null);
                var times = list.Where(m => m.FirstReply is not null).Select(m => m.FirstReply!.Value - m.Created).ToList();
                if (SocialKpis.MedianResponseTime(times) is { } median) expected[(handle, SproutInbox.MedianResponseTime, day)] = median.TotalMinutes;
            }
        }
        return expected;
    }

    [Fact]
    public async Task StoresReceivedAnsweredAndMedianResponseTimePerProfileAndDayAndRestatesALateReply()
    {
        const string tenant = "messages";
        await using var services = Connectors.Services(Options(tenant), Store, Feb1, delays: _delays);

        var first = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal(SyncRunState.Succeeded, first.State);
        Assert.Empty(first.Errors);
        var expected = Expected();
        var stored = await Stored(tenant, Metrics);
        Assert.Equal(expected.OrderBy(e => e.Key.ToString()), stored.OrderBy(e => e.Key.ToString()));
        // By hand from the fake's rule: on 2024-01-01 (day number 738885) LinkedIn 1101 received (1101 + 738885) mod 4 = 2
        // messages, at 02:00 (only liked) and 09:00 UTC (answered after 10 + 15 = 25 minutes).
        Assert.Equal((2, 1, 25), (stored[("contoso", SproutInbox.Received, Jan1)], stored[("contoso", SproutInbox.Answered, Jan1)],
            stored[("contoso", SproutInbox.MedianResponseTime, Jan1)]));
        Assert.Contains(stored, s => s.Key.Metric == SproutInbox.Received && s.Value == 0); // a day without messages: 0, not missing

        var requests = _sprout.MessageRequests.ToList();
        Assert.All(requests, r => Assert.Contains("group_id.eq(1)", r.Body));
        Assert.Contains(requests, r => r.Body.Contains("\"timezone\":\"America/Los_Angeles\"") && r.Body.Contains("customer_profile_id.eq(1102)"));
        Assert.Contains(requests, r => r.Body.Contains("\"timezone\":\"UTC\"") && r.Body.Contains("customer_profile_id.eq(1101)"));
        Assert.Contains(requests, r => r.Body.Contains("created_time.in(2024-01-01...2024-02-01)")); // end excluded: Jan 31 is in
        Assert.All(requests, r => Assert.Contains("\"limit\":100", r.Body));
        await using (var session = Store.QuerySession(tenant))
        {
            var checkpoints = await session.Query<SyncCheckpoint>().ToListAsync();
            Assert.Equal(new DateOnly(2024, 1, 31), checkpoints.Single(c => c.SourceProfileId == "messages-1101").LastSyncedDate);
        }

        // A message of Jan 30 that was only liked gets its first reply two days later: Jan 30 is restated, nothing else.
        var jan30 = new DateOnly(2024, 1, 30);
        var late = Enumerable.Range(-1, 2).SelectMany(d => _sprout.MessagesOn(1101, jan30.AddDays(d)))
            .First(m => !m.Sent && m.FirstReply is null && DateOnly.FromDateTime(m.Created.UtcDateTime) == jan30);
        _sprout.LateReplies[late.Guid] = late.Created.AddDays(2);
        var second = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal((SyncRunState.Succeeded, 1), (second.State, second.Batches));
        var restated = await Stored(tenant, Metrics);
        Assert.Equal(expected[("contoso", SproutInbox.Answered, jan30)] + 1, restated[("contoso", SproutInbox.Answered, jan30)]);
        await using var query = Store.QuerySession(tenant);
        var profile = await query.Query<KpiProfile>().SingleAsync(p => p.Handle == "contoso");
        var versions = await ObservationTable.VersionsAsync(query, profile.Id, SproutInbox.Answered, jan30, default);
        Assert.Equal(2, versions.Count);
        Assert.All(versions, v => Assert.Equal(("UTC", "sprout:sprout"), (v.SourceTimeZone, v.Source)));
    }

    [Fact]
    public async Task FollowsTheNextCursorUntilAnAnswerHasNoPaging()
    {
        const string tenant = "messages-paging";
        FakeSproutProfiles.TwoLinkedInPages(_sprout); // one request for both pages: more than 100 messages in January
        await using var services = Connectors.Services(Options(tenant), Store, Feb1, delays: _delays);

        var run = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal(SyncRunState.Succeeded, run.State);
        var requests = _sprout.MessageRequests.ToList();
        Assert.Contains(requests, r => r.Body.Contains("customer_profile_id.eq(1101, 1102)") && r.Body.Contains("\"page_cursor\":"));
        var expected = Expected((1101L, "contoso", "UTC"), (1102L, "contoso.careers", "UTC"));
        Assert.Equal(expected.OrderBy(e => e.Key.ToString()), (await Stored(tenant, Metrics)).OrderBy(e => e.Key.ToString()));
    }

    [Fact]
    public async Task ASyncedSpikeOfNegativeMentionsIsAnAlertOfWatchAlerts()
    {
        const string tenant = "messages-alert";
        var jan31 = new DateOnly(2024, 1, 31);
        var usual = _sprout.TopicValue(7001, "negative_sentiments_count", jan31)!.Value;
        _sprout.Restated[(7001, "negative_sentiments_count", jan31)] = usual + 400;
        _sprout.Restated[(7001, "messages_count", jan31)] = _sprout.TopicValue(7001, "messages_count", jan31)!.Value + 400;
        await using var services = Connectors.Services(Options(tenant, false, 7001), Store, Feb1, delays: _delays);
        AlertCursor cursor;
        await using (var session = Store.QuerySession(tenant))
            cursor = await WatchAlertsHandler.StartAsync(session, new WatchAlerts(["negative_mentions"], [], [], [], AlertDirection.Up, null, false, null), default);

        var run = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal(SyncRunState.Succeeded, run.State);
        await using var query = Store.QuerySession(tenant);
        var alerts = await WatchAlertsHandler.NextAsync(query, cursor, DateTimeOffset.UtcNow, default);
        var alert = Assert.Single(alerts);
        Assert.Equal(("sprout-topic:7001", "negative_mentions", jan31, usual + 400), (alert.Profile.Handle, alert.Metric, alert.Date, alert.Verdict.Value));
        Assert.True(MetricCatalogue.Find("negative_mentions")!.LowerIsBetter);
        Assert.True(MetricCatalogue.Find(SproutInbox.MedianResponseTime)!.LowerIsBetter);
    }

    [Fact]
    public async Task TheFakeAnswersTheDocumented400s()
    {
        using var http = new HttpClient { BaseAddress = _sprout.Address };
        http.DefaultRequestHeaders.Authorization = new("Bearer", _sprout.Token);
        string[] ok = ["group_id.eq(1)", "customer_profile_id.eq(1101)", "created_time.in(2024-01-01...2024-01-08)"];
        async Task<(HttpStatusCode Status, string? Error, bool RequestId)> Post(object body)
        {
            using var response = await http.PostAsync($"/v1/{FakeSprout.CustomerId}/messages",
                new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
            var json = await response.Content.ReadFromJsonAsync<JsonElement>();
            return (response.StatusCode, json.TryGetProperty("error", out var e) ? e.GetString() : null, response.Headers.Contains(FakeSprout.RequestIdHeader));
        }

        Assert.Equal((HttpStatusCode.BadRequest, "Invalid page_cursor 'abc123=='.", true), await Post(new { filters = ok, page_cursor = "abc123==" }));
        Assert.Equal((HttpStatusCode.BadRequest, "limit must be between 1 and 100.", true), await Post(new { filters = ok, limit = 101 }));
        Assert.Equal((HttpStatusCode.BadRequest, "Field 'sent' is not a message field.", true), await Post(new { filters = ok, fields = new[] { "guid", "sent" } }));
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(new { filters = ok[1..] })).Status); // no group_id
        var page = await http.PostAsync($"/v1/{FakeSprout.CustomerId}/messages", new StringContent(JsonSerializer.Serialize(new { filters = ok, limit = 5 }), Encoding.UTF8, "application/json"));
        var json = await page.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(5, json.GetProperty("data").GetArrayLength());
        Assert.Equal(["guid"], json.GetProperty("data")[0].EnumerateObject().Select(p => p.Name)); // fields omitted: guid only
        var next = json.GetProperty("paging").GetProperty("next_cursor").GetString();
        var last = await Post(new { filters = ok, limit = 100, page_cursor = next });
        Assert.Equal(HttpStatusCode.OK, last.Status);
    }
}
