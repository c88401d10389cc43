using CoeInsights.Connectors.Sync;
using CoeInsights.Connectors.Tests.Fakes;
using CoeInsights.Kpis;
using CoeInsights.Kpis.QueryingSeries;
using CoeInsights.Analytics.Trends;
using CoeInsights.Testing;
using Marten;

namespace CoeInsights.Connectors.Tests;

/// <summary>
/// Listening Topics into KPIs over a real store: mentions and the sentiment split per day (a quiet day without a row counts
/// 0), labelled with the zone asked for, restated days as new versions like the profile metrics.
/// </summary>
public sealed class SproutListeningTests(StoreFixture fixture) : FakeSproutTests(fixture)
{
    private ConnectorsOptions Options(string tenant, params long[] topics) => new()
    {
        Sprout =
        [
            new SproutConnectorOptions
            {
                Name = "sprout", Tenant = tenant, BaseAddress = _sprout.Address, AccessToken = _sprout.Token, StartDate = Jan1,
                ProfileIds = [1101], TopicIds = [.. topics], RestateDays = 3,
            },
        ],
        Resilience = Connectors.FastResilience(),
    };

    private async Task<Dictionary<(string Metric, DateOnly Day), double>> Topic(string tenant)
    {
        await using var session = Store.QuerySession(tenant);
        var series = await QuerySeriesHandler.Handle(session, new SeriesQuery([], [], [], null,
            ["mentions", "positive_mentions", "negative_mentions", "neutral_mentions"], Jan1, new DateOnly(2024, 1, 31), Granularity.Day), default);
        var result = new Dictionary<(string, DateOnly), double>();
        foreach (var s in series.Where(s => s.Profile.Handle == "sprout-topic:7001"))
            for (var i = 0; i < s.Series.Values.Count; i++)
                if (s.Series.Values[i] is { } v) result[(s.Metric.Name, s.Series.PeriodStarts[i])] = v;
        return result;
    }

    [Fact]
    public async Task StoresMentionsAndTheSentimentSplitPerDayAndRestatesLikeProfileMetrics()
    {
        const string tenant = "listening";
        await using var services = Connectors.Services(Options(tenant, 7001), Store, Feb1, delays: _delays);

        var first = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal(SyncRunState.Succeeded, first.State);
        Assert.Empty(first.Errors);
        var stored = await Topic(tenant);
        var names = new Dictionary<string, string>
        {
            ["mentions"] = "messages_count", ["positive_mentions"] = "positive_sentiments_count",
            ["negative_mentions"] = "negative_sentiments_count", ["neutral_mentions"] = "neutral_sentiments_count",
        };
        Assert.Equal(4 * 31, stored.Count);
        foreach (var ((metric, day), value) in stored)
            Assert.Equal(_sprout.TopicValue(7001, names[metric], day) ?? 0, value); // a quiet day (no row) is 0 mentions
        Assert.Contains(stored, s => s.Value == 0);
        Assert.All(Enumerable.Range(0, 31).Select(i => Jan1.AddDays(i)), day =>
            Assert.Equal(stored[("mentions", day)], stored[("positive_mentions", day)] + stored[("negative_mentions", day)] + stored[("neutral_mentions", day)]));
        var request = _sprout.Requests.First(r => r.Path.EndsWith("/listening/topics/7001/metrics", StringComparison.Ordinal));
        Assert.Contains("created_time.in(2024-01-01...2024-02-01)", request.Body); // the end day excluded, so Jan 31 is in
        Assert.Contains("\"timezone\":\"UTC\"", request.Body);
        await using (var session = Store.QuerySession(tenant))
        {
            var checkpoints = await session.Query<SyncCheckpoint>().ToListAsync();
            Assert.Equal(new DateOnly(2024, 1, 31), checkpoints.Single(c => c.SourceProfileId == "topic-7001").LastSyncedDate);
        }

        // Sprout re-scores sentiment for a recent day: only that figure gets a new version.
        var jan30 = new DateOnly(2024, 1, 30);
        _sprout.Restated[(7001, "negative_sentiments_count", jan30)] = 99;
        var second = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal((SyncRunState.Succeeded, 1, 1), (second.State, second.Batches, second.Rows));
        Assert.Equal(99, (await Topic(tenant))[("negative_mentions", jan30)]);
        await using var query = Store.QuerySession(tenant);
        var topic = await query.Query<KpiProfile>().SingleAsync(p => p.Handle == "sprout-topic:7001");
        Assert.Equal(("Contoso brand", Network.Other), (topic.DisplayName, topic.Network));
        var versions = await ObservationTable.VersionsAsync(query, topic.Id, "negative_mentions", jan30, default);
        Assert.Equal(2, versions.Count);
        Assert.All(versions, v => Assert.Equal(("UTC", "sprout:sprout"), (v.SourceTimeZone, v.Source)));
    }

    [Fact]
    public async Task SyncsACompetitorTopicIntoACompetitorProfileSoShareOfVoiceHasBothSides()
    {
        const string tenant = "listening-sov";
        _sprout.Topics.Add((7002, "Fabrikam brand"));
        var options = Options(tenant, 7001);
        options.Sprout[0].CompetitorTopicIds = [7002];
        await using var services = Connectors.Services(options, Store, Feb1, delays: _delays);

        var run = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal(SyncRunState.Succeeded, run.State);
        await using var session = Store.QuerySession(tenant);
        var topics = await session.Query<KpiProfile>().Where(p => p.Network == Network.Other).OrderBy(p => p.Handle).ToListAsync();
        Assert.Equal([("sprout-topic:7001", Ownership.Owned), ("sprout-topic:7002", Ownership.Competitor)], topics.Select(t => (t.Handle, t.Ownership)));
        var series = await QuerySeriesHandler.Handle(session, new SeriesQuery([], [], [], null, ["mentions"], Jan1, new DateOnly(2024, 1, 31), Granularity.Month), default);
        double Mentions(string handle) => series.Single(s => s.Profile.Handle == handle).Series.Values.Single()!.Value;
        double Fake(long topic) => Enumerable.Range(0, 31).Sum(d => _sprout.TopicValue(topic, "messages_count", Jan1.AddDays(d)) ?? 0);
        // Share of voice from the documented messages_count of both sides (the deck's "Share of voice (mentions)").
        Assert.Equal(Fake(7001) / (Fake(7001) + Fake(7002)) * 100,
            CoeInsights.Analytics.Kpis.SocialKpis.ShareOfVoice(Mentions("sprout-topic:7001"), [Mentions("sprout-topic:7002")])!.Value, 9);
    }

    [Fact]
    public async Task FailsClearlyGivenATopicTheCustomerDoesNotHave()
    {
        const string tenant = "listening-unknown";
        await using var services = Connectors.Services(Options(tenant, 7999), Store, Feb1, delays: _delays);

        var run = await services.Runs().RunAsync(tenant, "sprout", "test", default);

        Assert.Equal(SyncRunState.Failed, run.State);
        Assert.Equal(["Sprout customer 4242 has no Listening Topic 7999 (see metadata/customer/topics)."], run.Errors);
    }
}
