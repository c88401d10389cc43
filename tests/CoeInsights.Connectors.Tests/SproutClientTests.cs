using CoeInsights.Connectors.Http;
using CoeInsights.Connectors.Sprout;
using CoeInsights.Connectors.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;

namespace CoeInsights.Connectors.Tests;

/// <summary>
/// The Refit client with the resilience pipeline against a fake that speaks Sprout's documented format
/// (https://api.sproutsocial.com/docs/, "Analytics: Profiles"): paging, 429 + Retry-After, 500 then success,
/// malformed payloads, and the circuit breaker.
/// </summary>
public sealed class SproutClientTests : IAsyncLifetime
{
    private readonly FakeSprout _sprout = new();
    private static readonly DateOnly Jan1 = new(2024, 1, 1);

    public Task InitializeAsync() => _sprout.StartAsync();

    public async Task DisposeAsync() => await _sprout.DisposeAsync();

    private (ServiceProvider Services, SproutSource Source) Source(ConnectorResilienceOptions? resilience = null)
    {
        var options = new ConnectorsOptions
        {
            Sprout = [new SproutConnectorOptions { Name = "sprout", BaseAddress = _sprout.Address, AccessToken = _sprout.Token }],
            Resilience = resilience ?? Connectors.FastResilience(),
        };
        var services = Connectors.Services(options);
        return (services, new SproutSource(services.GetRequiredService<IHttpClientFactory>().Sprout("sprout")));
    }

    [Fact]
    public async Task ReadsEveryPageAndMapsTheMetricsGivenAReportLongerThanOnePage()
    {
        _sprout.PageSize = 6;
        var (services, source) = Source();
        await using var _ = services;

        var days = await source.DailyAsync(FakeSprout.CustomerId, [1101, 1102], Jan1, Jan1.AddDays(9), default);

        Assert.Equal(20, days.Count);
        var requests = _sprout.AnalyticsRequests.ToList();
        Assert.Equal(4, requests.Count); // 20 rows, 6 per page
        for (var i = 0; i < 4; i++)
        {
            using var body = System.Text.Json.JsonDocument.Parse(requests[i].Body);
            Assert.Equal(i + 1, body.RootElement.GetProperty("page").GetInt32());
            Assert.Equal(["customer_profile_id.eq(1101, 1102)", "reporting_period.in(2024-01-01...2024-01-10)"],
                body.RootElement.GetProperty("filters").EnumerateArray().Select(f => f.GetString()!).ToArray());
        }
        foreach (var day in days)
        {
            Assert.Equal(_sprout.Value(day.SourceProfileId, "impressions", day.Date), day.Values["impressions"]);
            Assert.Equal(_sprout.Value(day.SourceProfileId, "impressions_unique", day.Date), day.Values["reach"]);
            Assert.Equal(_sprout.Value(day.SourceProfileId, "comments_count", day.Date), day.Values["comments"]);
            Assert.Equal(_sprout.Value(day.SourceProfileId, "lifetime_snapshot.followers_count", day.Date), day.Values["followers"]);
            Assert.Equal(_sprout.Value(day.SourceProfileId, "net_follower_growth", day.Date), day.Values["new_followers"]);
            // Null in the payload (no video views on a LinkedIn page) is a missing value, not a zero.
            Assert.Equal(day.SourceProfileId == 1101, !day.Values.ContainsKey("video_views"));
        }
        Assert.Equal(Enumerable.Range(0, 10).Select(d => Jan1.AddDays(d)), days.Select(d => d.Date).Distinct());
    }

    [Fact]
    public async Task WaitsAsLongAsRetryAfterSaysGivenA429()
    {
        var (services, source) = Source();
        await using var _ = services;
        _sprout.Faults.Enqueue(new Fault.TooManyRequests(RetryAfterSeconds: 1));

        var days = await source.DailyAsync(FakeSprout.CustomerId, [1101], Jan1, Jan1.AddDays(2), default);

        Assert.Equal(3, days.Count);
        var requests = _sprout.AnalyticsRequests.ToList();
        Assert.Equal([429, 200], requests.Select(r => r.Status));
        // The backoff alone would have retried after ~10 ms; Retry-After: 1 wins.
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(950), $"retried after {(requests[1].At - requests[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task RetriesAndSucceedsGivenA500ThenSuccess()
    {
        var (services, source) = Source();
        await using var _ = services;
        _sprout.Faults.Enqueue(new Fault.ServerError());

        var days = await source.DailyAsync(FakeSprout.CustomerId, [1102], Jan1, Jan1, default);

        Assert.Equal(_sprout.Value(1102, "impressions", Jan1), Assert.Single(days).Values["impressions"]);
        Assert.Equal([500, 200], _sprout.AnalyticsRequests.Select(r => r.Status));
    }

    [Theory]
    [InlineData("""{"data":[{"dimensions":{"customer_profile_id":1101,"reporting_period.by(day)":"2024-01-01T00:00:00Z"},"metrics":{"impressions":"12x"}}],"paging":{"current_page":1,"total_pages":1}}""", "metric 'impressions' is \"12x\", not a number")]
    [InlineData("""{"data":[{"dimensions":{"customer_profile_id":1101,"reporting_period.by(day)":"January 1st"},"metrics":{}}],"paging":{"current_page":1,"total_pages":1}}""", "'dimensions.reporting_period.by(day)' is missing or not a date")]
    [InlineData("""{"data":[],"paging":null}""", "no 'paging' object")]
    [InlineData("""{"data":[{"dimensions":{"customer_profile_""", "not the documented JSON")]
    [InlineData("""{"data":[{"dimensions":{"customer_profile_id":999,"reporting_period.by(day)":"2024-01-01"},"metrics":{}}],"paging":{"current_page":1,"total_pages":1}}""", "profile 999 was not asked for")]
    public async Task ThrowsAClearErrorGivenAMalformedPayload(string payload, string expected)
    {
        var (services, source) = Source();
        await using var _ = services;
        _sprout.Faults.Enqueue(new Fault.Body(payload));

        var e = await Assert.ThrowsAsync<SourcePayloadException>(() => source.DailyAsync(FakeSprout.CustomerId, [1101], Jan1, Jan1, default));

        Assert.Contains(expected, e.Message);
        Assert.StartsWith("Sprout analytics/profiles", e.Message);
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

        await Assert.ThrowsAnyAsync<Exception>(() => source.DailyAsync(FakeSprout.CustomerId, [1101], Jan1, Jan1, default));
        var sent = _sprout.AnalyticsRequests.Count();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => source.DailyAsync(FakeSprout.CustomerId, [1101], Jan1, Jan1, default));

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
}
