using CoeInsights.Connectors.Http;
using CoeInsights.Connectors.Sprout;
using CoeInsights.Connectors.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;

namespace CoeInsights.Connectors.Tests;

/// <summary>
/// The Refit client with its pacing and resilience against the fake built from Sprout's documentation
/// (https://api.sproutsocial.com/docs/; docs/connectors.md, "Evidence"): per-network metrics, the excluded end bound,
/// paging, 202 and 429, the documented error body and request id, the circuit breaker. Waits run on a virtual clock.
/// </summary>
public sealed class SproutClientTests : IAsyncLifetime
{
    private readonly FakeSprout _sprout = new();
    private readonly RecordingDelays _delays = new();
    private static readonly DateOnly Jan1 = new(2024, 1, 1);
    private static SproutNetwork Network(string name) => SproutMetricMap.Networks.Single(n => n.Name == name);

    public Task InitializeAsync()
    {
        _sprout.Clock = _delays.VirtualClock; // the fake counts its 60 per minute on the client's virtual time
        return _sprout.StartAsync();
    }

    public async Task DisposeAsync() => await _sprout.DisposeAsync();

    private (ServiceProvider Services, SproutSource Source) Source(ConnectorResilienceOptions? resilience = null, Action<SproutConnectorOptions>? configure = null)
    {
        var sprout = new SproutConnectorOptions { Name = "sprout", BaseAddress = _sprout.Address, AccessToken = _sprout.Token };
        configure?.Invoke(sprout);
        var options = new ConnectorsOptions { Sprout = [sprout], Resilience = resilience ?? Connectors.FastResilience() };
        var services = Connectors.Services(options, delays: _delays);
        return (services, new SproutSource(services.GetRequiredService<IHttpClientFactory>().Sprout("sprout")));
    }

    [Fact]
    public void RequestsOnlyMetricsTheDocumentationListsForEachNetwork()
    {
        var networkTypes = new Dictionary<string, string>
        {
            ["facebook"] = "facebook", ["instagram"] = "fb_instagram_account", ["x"] = "twitter", ["linkedin"] = "linkedin_company",
            ["tiktok"] = "tiktok", ["youtube"] = "youtube", ["threads"] = "threads",
        };
        Assert.Equal(networkTypes.Keys.Order(), SproutMetricMap.Networks.Select(n => n.Name).Order());
        foreach (var network in SproutMetricMap.Networks)
        {
            var documented = FakeSprout.DocumentedMetrics[networkTypes[network.Name]];
            Assert.All(network.Requested, m => Assert.Contains(m, documented));
            Assert.All(network.Derived.SelectMany(d => d.Terms), t => Assert.Contains(t, network.Requested));
            Assert.DoesNotContain("engagements", network.Requested); // a calculated metric, never a key
        }
        Assert.Equal(["lifetime_snapshot.followers_count", "net_follower_growth", "posts_sent_count"], Network("youtube").Requested);
        Assert.DoesNotContain("lifetime_snapshot.followers_count", Network("threads").Requested);
        Assert.Equal(["facebook", "x"], SproutMetricMap.Networks.Where(n => n.Requested.Contains("post_link_clicks")).Select(n => n.Name).Order());
        Assert.Equal(["facebook", "instagram", "linkedin"], SproutMetricMap.Networks.Where(n => n.Requested.Contains("impressions_unique")).Select(n => n.Name).Order());
        Assert.Null(SproutMetricMap.For("pinterest"));
    }

    [Fact]
    public async Task ReadsEveryPageAndIncludesTheLastDayGivenAReportLongerThanOnePage()
    {
        _sprout.PageSize = 4;
        var (services, source) = Source();
        await using var _ = services;
        _sprout.Profiles.Add(new FakeSprout.Profile(1103, "linkedin_company", "Contoso Careers", "contoso-careers"));

        var days = await source.DailyAsync(FakeSprout.CustomerId, Network("linkedin"), [1101, 1103], Jan1, Jan1.AddDays(9), default);

        Assert.Equal(20, days.Count);
        var requests = _sprout.AnalyticsRequests.ToList();
        Assert.Equal(5, requests.Count); // 20 rows, 4 per page
        for (var i = 0; i < requests.Count; i++)
        {
            using var body = System.Text.Json.JsonDocument.Parse(requests[i].Body);
            Assert.Equal(i + 1, body.RootElement.GetProperty("page").GetInt32());
            // The end bound is excluded: the day after the last one asked for.
            Assert.Equal(["customer_profile_id.eq(1101, 1103)", "reporting_period.in(2024-01-01...2024-01-11)"],
                body.RootElement.GetProperty("filters").EnumerateArray().Select(f => f.GetString()!).ToArray());
        }
        Assert.Equal(Enumerable.Range(0, 10).Select(d => Jan1.AddDays(d)), days.Select(d => d.Date).Distinct());
        foreach (var day in days)
        {
            Assert.Equal(_sprout.Value(day.SourceProfileId, "impressions", day.Date), day.Values["impressions"]);
            Assert.Equal(_sprout.Value(day.SourceProfileId, "impressions_unique", day.Date), day.Values["reach"]);
            Assert.Equal(_sprout.Value(day.SourceProfileId, "lifetime_snapshot.followers_count", day.Date), day.Values["followers"]);
            Assert.Equal(_sprout.Value(day.SourceProfileId, "posts_sent_count", day.Date), day.Values["posts_published"]);
            Assert.False(day.Values.ContainsKey("clicks")); // LinkedIn has no post_link_clicks
        }
    }

    [Fact]
    public async Task ComputesEngagementsWithTheNetworksFormulaAndLeavesANullMissing()
    {
        var (services, source) = Source();
        await using var _ = services;

        var days = await source.DailyAsync(FakeSprout.CustomerId, Network("instagram"), [1102], Jan1.AddDays(8), Jan1.AddDays(9), default);

        Assert.Equal(2, days.Count);
        foreach (var day in days)
        {
            double V(string m) => _sprout.Value(1102, m, day.Date)!.Value;
            // Sprout's calculated metric for Instagram: likes + comments_count + saves + story_replies.
            Assert.Equal(V("likes") + V("comments_count") + V("saves") + V("story_replies"), day.Derived["engagements"]);
            Assert.Equal(V("likes"), day.Values["reactions"]);
            Assert.False(day.Values.ContainsKey("engagements"));
        }
        // video_views is null on the 10th: a missing value, not a zero.
        Assert.True(days[0].Values.ContainsKey("video_views"));
        Assert.False(days[1].Values.ContainsKey("video_views"));
    }

    [Fact]
    public async Task RecordsFacebookImpressionsAsViewsFromTheDayMetaChangedThem()
    {
        var (services, source) = Source();
        await using var _ = services;
        _sprout.Profiles.Add(new FakeSprout.Profile(1104, "facebook", "Contoso", "contoso.fb"));
        var change = SproutMetricMap.FacebookViewsSince;

        var days = await source.DailyAsync(FakeSprout.CustomerId, Network("facebook"), [1104], change.AddDays(-1), change, default);

        Assert.Equal(_sprout.Value(1104, "impressions", change.AddDays(-1)), days[0].Values["impressions"]);
        Assert.False(days[0].Values.ContainsKey("views"));
        Assert.Equal(_sprout.Value(1104, "impressions", change), days[1].Values["views"]);
        Assert.False(days[1].Values.ContainsKey("impressions"));
    }

    [Fact]
    public async Task KeepsSproutsErrorTextAndRequestIdGivenAnUndocumentedMetric()
    {
        var (services, source) = Source();
        await using var _ = services;
        var wrong = Network("linkedin") with { Metrics = new Dictionary<string, string?> { ["engagements"] = "engagements" } };

        var e = await Assert.ThrowsAsync<SourceApiException>(() => source.DailyAsync(FakeSprout.CustomerId, wrong, [1101], Jan1, Jan1, default));

        Assert.Equal(400, e.Status);
        Assert.Equal("Metric 'engagements' is not available for linkedin_company profile 1101.", e.Error);
        Assert.True(Guid.TryParse(e.RequestId, out var requestId));
        Assert.NotEqual(Guid.Empty, requestId);
        Assert.StartsWith("Sprout analytics/profiles answered 400 Bad Request: Metric 'engagements'", e.Message);
        Assert.EndsWith($"(X-Sprout-Request-ID {e.RequestId})", e.Message);
        Assert.Single(_sprout.AnalyticsRequests); // a 400 is never retried
    }

    [Fact]
    public async Task RetriesGivenA202UntilTheAnswerIsReady()
    {
        var (services, source) = Source();
        await using var _ = services;
        _sprout.Faults.Enqueue(new Fault.Status(202));
        _sprout.Faults.Enqueue(new Fault.Status(202));

        var days = await source.DailyAsync(FakeSprout.CustomerId, Network("linkedin"), [1101], Jan1, Jan1.AddDays(2), default);

        Assert.Equal(3, days.Count);
        Assert.Equal([202, 202, 200], _sprout.AnalyticsRequests.Select(r => r.Status));
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], _delays.Waits.Where(w => w >= TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task FailsWithTheRequestIdGivenA202ThatStaysNotReady()
    {
        var (services, source) = Source(configure: o => o.NotReadyRetries = 2);
        await using var _ = services;
        _sprout.Always = new Fault.Status(202);

        var e = await Assert.ThrowsAsync<SourceApiException>(() => source.DailyAsync(FakeSprout.CustomerId, Network("linkedin"), [1101], Jan1, Jan1, default));

        Assert.Equal(3, _sprout.AnalyticsRequests.Count());
        Assert.StartsWith("Sprout analytics/profiles answered 202 Accepted: still not ready after 2 retries (X-Sprout-Request-ID ", e.Message);
    }

    [Fact]
    public async Task BacksOffGivenA429WithoutTrippingTheBreaker()
    {
        var resilience = Connectors.FastResilience();
        resilience.BreakerMinimumThroughput = 2;
        resilience.BreakerFailureRatio = 0.5;
        var (services, source) = Source(resilience);
        await using var _ = services;
        // Sprout's documented 429: the error body, no Retry-After.
        for (var i = 0; i < 3; i++) _sprout.Faults.Enqueue(new Fault.Status(429, """{"error":"Too many requests."}"""));

        var days = await source.DailyAsync(FakeSprout.CustomerId, Network("linkedin"), [1101], Jan1, Jan1, default);
        var again = await source.DailyAsync(FakeSprout.CustomerId, Network("linkedin"), [1101], Jan1, Jan1, default);

        Assert.Single(days);
        Assert.Single(again); // the breaker (2 requests, 50 % failures) stayed closed: a 429 is not a failure of the service
        Assert.Equal([429, 429, 429, 200, 200], _sprout.AnalyticsRequests.Select(r => r.Status));
        // A whole rate window, then doubling.
        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4)], _delays.Waits.Where(w => w >= TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task WaitsAsLongAsARetryAfterSaysGivenOneAlthoughSproutDocumentsNone()
    {
        var (services, source) = Source();
        await using var _ = services;
        _sprout.Faults.Enqueue(new Fault.TooManyRequests(RetryAfterSeconds: 7));

        var days = await source.DailyAsync(FakeSprout.CustomerId, Network("linkedin"), [1101], Jan1, Jan1, default);

        Assert.Single(days);
        Assert.Equal([429, 200], _sprout.AnalyticsRequests.Select(r => r.Status));
        Assert.Equal([TimeSpan.FromSeconds(7)], _delays.Waits); // the header, recorded on the virtual clock; no real wait
        var requests = _sprout.AnalyticsRequests.ToList();
        Assert.Equal(TimeSpan.FromSeconds(7), requests[1].At - requests[0].At);
    }

    [Fact]
    public async Task FailsWithSproutsErrorTextGivenA429ThatPersists()
    {
        var (services, source) = Source(configure: o => o.TooManyRequestsRetries = 2);
        await using var _ = services;
        _sprout.Always = new Fault.Status(429, """{"error":"Monthly request limit reached."}""");

        var e = await Assert.ThrowsAsync<SourceApiException>(() => source.DailyAsync(FakeSprout.CustomerId, Network("linkedin"), [1101], Jan1, Jan1, default));

        Assert.Equal(3, _sprout.AnalyticsRequests.Count());
        Assert.Equal(429, e.Status);
        Assert.StartsWith("Sprout analytics/profiles answered 429 Too Many Requests: Monthly request limit reached. (X-Sprout-Request-ID ", e.Message);
    }

    [Fact]
    public async Task SendsAtMostSixtyRequestsPerMinute()
    {
        var (services, source) = Source();
        await using var _ = services;

        for (var i = 0; i < 150; i++)
            await source.DailyAsync(FakeSprout.CustomerId, Network("linkedin"), [1101], Jan1.AddDays(i), Jan1.AddDays(i), default);

        var times = _sprout.AnalyticsRequests.Select(r => r.At).Order().ToList();
        Assert.Equal(150, times.Count);
        Assert.Equal(0, _sprout.RateLimited);
        for (var i = 60; i < times.Count; i++)
            Assert.True(times[i] - times[i - 60] >= TimeSpan.FromMinutes(1), $"requests {i - 60} and {i} are {times[i] - times[i - 60]} apart");
        Assert.True(times[^1] - times[0] < TimeSpan.FromMinutes(2.6)); // paced, not slower than needed
    }

    [Fact]
    public async Task ThrowsAClearErrorGivenA400ForAPagePastTheEnd()
    {
        var (services, source) = Source();
        await using var _ = services;
        _sprout.Faults.Enqueue(new Fault.Body("""{"data":[],"paging":{"current_page":1,"total_pages":2}}"""));

        var e = await Assert.ThrowsAsync<SourceApiException>(() => source.DailyAsync(FakeSprout.CustomerId, Network("linkedin"), [1101], Jan1, Jan1, default));

        Assert.Equal("page 2 is past total_pages 1.", e.Error);
    }

    [Theory]
    [InlineData("""{"data":[{"dimensions":{"customer_profile_id":1101,"reporting_period.by(day)":"2024-01-01T00:00:00Z"},"metrics":{"impressions":"12x"}}],"paging":{"current_page":1,"total_pages":1}}""", "metric 'impressions' is \"12x\", not a number")]
    [InlineData("""{"data":[{"dimensions":{"customer_profile_id":1101,"reporting_period.by(day)":"January 1st"},"metrics":{}}],"paging":{"current_page":1,"total_pages":1}}""", "'dimensions.reporting_period.by(day)' is missing or not a date")]
    [InlineData("""{"data":[],"paging":null}""", "no 'paging' object")]
    [InlineData("""{"data":[{"dimensions":{"customer_profile_""", "not the documented JSON")]
    [InlineData("""{"data":[{"dimensions":{"customer_profile_id":999,"reporting_period.by(day)":"2024-01-01"},"metrics":{}}],"paging":{"current_page":1,"total_pages":1}}""", "profile 999 was not asked for")]
    [InlineData("""{"data":[{"dimensions":{"customer_profile_id":1101,"reporting_period.by(day)":"2024-01-03"},"metrics":{}}],"paging":{"current_page":1,"total_pages":1}}""", "day 2024-01-03 is outside")]
    public async Task ThrowsAClearErrorGivenAMalformedPayload(string payload, string expected)
    {
        var (services, source) = Source();
        await using var _ = services;
        _sprout.Faults.Enqueue(new Fault.Body(payload));

        var e = await Assert.ThrowsAsync<SourcePayloadException>(() => source.DailyAsync(FakeSprout.CustomerId, Network("linkedin"), [1101], Jan1, Jan1, default));

        Assert.Contains(expected, e.Message);
        Assert.StartsWith("Sprout analytics/profiles", e.Message);
    }

    [Fact]
    public async Task DropsTheEndDayGivenTheBoundCameBackInclusive()
    {
        var (services, source) = Source();
        await using var _ = services;
        _sprout.Faults.Enqueue(new Fault.Body("""
            {"data":[{"dimensions":{"customer_profile_id":1101,"reporting_period.by(day)":"2024-01-01"},"metrics":{"impressions":5}},
                     {"dimensions":{"customer_profile_id":1101,"reporting_period.by(day)":"2024-01-02"},"metrics":{"impressions":7}}],
             "paging":{"current_page":1,"total_pages":1}}
            """));

        var days = await source.DailyAsync(FakeSprout.CustomerId, Network("linkedin"), [1101], Jan1, Jan1, default);

        Assert.Equal(5, Assert.Single(days).Values["impressions"]);
    }

    [Fact]
    public async Task StopsCallingGivenRepeatedFailuresThatOpenTheCircuit()
    {
        var resilience = Connectors.FastResilience();
        resilience.BreakerMinimumThroughput = 2;
        resilience.BreakerFailureRatio = 0.5;
        resilience.BreakDuration = TimeSpan.FromSeconds(30);
        var (services, source) = Source(resilience);
        await using var _ = services;
        _sprout.Always = new Fault.ServerError();

        await Assert.ThrowsAnyAsync<Exception>(() => source.DailyAsync(FakeSprout.CustomerId, Network("linkedin"), [1101], Jan1, Jan1, default));
        var sent = _sprout.AnalyticsRequests.Count();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => source.DailyAsync(FakeSprout.CustomerId, Network("linkedin"), [1101], Jan1, Jan1, default));

        // Refit wraps what the handler pipeline throws (ApiRequestException); the cause is the open circuit.
        Assert.IsType<BrokenCircuitException>(e.InnerException ?? e, exactMatch: false);
        Assert.Equal(2, sent); // the breaker opened after two failures: the retries that followed never left the process
        Assert.Equal(sent, _sprout.AnalyticsRequests.Count());
    }

    [Fact]
    public async Task SendsTheAccessTokenAsABearerHeader()
    {
        var (services, source) = Source();
        await using var _ = services;

        var customer = await source.ResolveCustomerIdAsync(0, default);
        var profiles = await source.ProfilesAsync(customer, default);

        Assert.Equal(FakeSprout.CustomerId, customer);
        Assert.Equal([1101L, 1102L], profiles.Select(p => p.CustomerProfileId));
        Assert.All(_sprout.Requests, r => Assert.Equal("Bearer " + _sprout.Token, r.Authorization));
    }

    [Fact]
    public async Task RequiresTheCustomerIdGivenATokenThatSeesSeveralCustomers()
    {
        var (services, source) = Source();
        await using var _ = services;
        _sprout.SecondCustomer = true;

        var none = await Assert.ThrowsAsync<SourcePayloadException>(() => source.ResolveCustomerIdAsync(0, default));
        var foreign = await Assert.ThrowsAsync<SourcePayloadException>(() => source.ResolveCustomerIdAsync(9999, default));
        var chosen = await source.ResolveCustomerIdAsync(FakeSprout.OtherCustomerId, default);

        Assert.Equal("Sprout metadata/client: this access token sees 2 customers (4242 Contoso, 4343 Fabrikam); set CustomerId to the one to sync.", none.Message);
        Assert.Contains("does not see customer 9999", foreign.Message);
        Assert.Equal(FakeSprout.OtherCustomerId, chosen);
    }
}
