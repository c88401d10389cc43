using System.Text.Json;
using CoeInsights.Connectors.Http;
using CoeInsights.Connectors.Sprout;
using CoeInsights.Connectors.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace CoeInsights.Connectors.Tests;

/// <summary>
/// The golden files (Golden/Sprout: Sprout's documented response shapes, docs/connectors.md "Golden files") parsed by the
/// client, and the fake's answers checked against them, so the fake cannot drift from the documented format unnoticed.
/// </summary>
public sealed class SproutGoldenTests : IAsyncLifetime
{
    private readonly FakeSprout _sprout = new();
    private static readonly DateOnly Jan1 = new(2024, 1, 1);

    private static string Golden(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "Sprout", name));

    public Task InitializeAsync() => _sprout.StartAsync();

    public async Task DisposeAsync() => await _sprout.DisposeAsync();

    private (ServiceProvider Services, SproutSource Source) Source()
    {
        var options = new ConnectorsOptions
        {
            Sprout = [new SproutConnectorOptions { Name = "sprout", BaseAddress = _sprout.Address, AccessToken = _sprout.Token }],
            Resilience = Connectors.FastResilience(),
        };
        var services = Connectors.Services(options);
        return (services, new SproutSource(services.GetRequiredService<IHttpClientFactory>().Sprout("sprout")));
    }

    [Fact]
    public async Task ParsesTheDocumentedMetadataAnswers()
    {
        var (services, source) = Source();
        await using var _ = services;
        _sprout.Faults.Enqueue(new Fault.Body(Golden("metadata-client.json")));
        _sprout.Faults.Enqueue(new Fault.Body(Golden("metadata-customer.json")));

        var customer = await source.ResolveCustomerIdAsync(0, default);
        var profiles = await source.ProfilesAsync(customer, default);

        Assert.Equal(4242, customer);
        Assert.Equal([(1101L, "linkedin_company", "contoso"), (1102L, "fb_instagram_account", "contoso.ig")],
            profiles.Select(p => (p.CustomerProfileId, p.NetworkType!, p.NativeName!)));
    }

    [Fact]
    public async Task ParsesTheDocumentedAnalyticsAnswer()
    {
        var (services, source) = Source();
        await using var _ = services;
        _sprout.Faults.Enqueue(new Fault.Body(Golden("analytics-profiles.json")));
        var linkedIn = SproutMetricMap.Networks.Single(n => n.Name == "linkedin");

        var days = await source.DailyAsync(FakeSprout.CustomerId, linkedIn, [1101], Jan1, Jan1.AddDays(1), default);

        Assert.Equal(2, days.Count);
        Assert.Equal(new Dictionary<string, double>
        {
            ["impressions"] = 1209, ["reach"] = 854, ["reactions"] = 31, ["comments"] = 4, ["shares"] = 2, ["posts_published"] = 1,
            ["followers"] = 4812, ["new_followers"] = 12,
        }, days[0].Values);
        Assert.Equal((new DateOnly(2024, 1, 2), 977.0, 0.0), (days[1].Date, days[1].Values["impressions"], days[1].Values["comments"]));
    }

    [Fact]
    public async Task KeepsTheDocumentedErrorText()
    {
        var (services, source) = Source();
        await using var _ = services;
        _sprout.Faults.Enqueue(new Fault.Status(400, Golden("error-400.json")));
        var linkedIn = SproutMetricMap.Networks.Single(n => n.Name == "linkedin");

        var e = await Assert.ThrowsAsync<SourceApiException>(() => source.DailyAsync(FakeSprout.CustomerId, linkedIn, [1101], Jan1, Jan1, default));

        Assert.Equal("Metric 'engagements' is not available for linkedin_company profile 1101.", e.Error);
        Assert.NotNull(e.RequestId); // the fake, like Sprout, sets X-Sprout-Request-ID on every answer
    }

    /// <summary>Every property path of a JSON document, arrays' items merged (e.g. <c>data[].dimensions.customer_profile_id</c>).</summary>
    private static SortedSet<string> Shape(JsonElement e, string path = "")
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    var child = path.Length == 0 ? p.Name : $"{path}.{p.Name}";
                    paths.Add(child);
                    if (p.Name != "metrics") paths.UnionWith(Shape(p.Value, child)); // metric keys differ per request
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray()) paths.UnionWith(Shape(item, path + "[]"));
                break;
        }
        return paths;
    }

    [Fact]
    public async Task AnswersInTheShapeOfTheGoldenFiles()
    {
        using var http = new HttpClient { BaseAddress = _sprout.Address };
        http.DefaultRequestHeaders.Authorization = new("Bearer", _sprout.Token);

        async Task<JsonElement> Json(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        var client = await Json(await http.GetAsync("/v1/metadata/client"));
        var customer = await Json(await http.GetAsync($"/v1/{FakeSprout.CustomerId}/metadata/customer"));
        var analyticsResponse = await http.PostAsync($"/v1/{FakeSprout.CustomerId}/analytics/profiles", new StringContent(
            """{"filters":["customer_profile_id.eq(1101)","reporting_period.in(2024-01-01...2024-01-03)"],"metrics":["impressions"],"page":1}""",
            System.Text.Encoding.UTF8, "application/json"));
        var analytics = await Json(analyticsResponse);
        var errorResponse = await http.PostAsync($"/v1/{FakeSprout.CustomerId}/analytics/profiles", new StringContent(
            """{"filters":["customer_profile_id.eq(1101)","reporting_period.in(2024-01-01...2024-01-03)"],"metrics":["engagements"],"page":1}""",
            System.Text.Encoding.UTF8, "application/json"));
        var error = await Json(errorResponse);

        Assert.Equal(Shape(JsonDocument.Parse(Golden("metadata-client.json")).RootElement), Shape(client));
        Assert.Equal(Shape(JsonDocument.Parse(Golden("metadata-customer.json")).RootElement), Shape(customer));
        Assert.Equal(Shape(JsonDocument.Parse(Golden("analytics-profiles.json")).RootElement), Shape(analytics));
        Assert.Equal(Shape(JsonDocument.Parse(Golden("error-400.json")).RootElement), Shape(error));
        Assert.Equal(400, (int)errorResponse.StatusCode);
        Assert.True(Guid.TryParse(errorResponse.Headers.GetValues(FakeSprout.RequestIdHeader).Single(), out var id) && id != Guid.Empty);
        Assert.Equal(2, analytics.GetProperty("data").GetArrayLength()); // Jan 1 and 2: the end day is excluded
    }

    [Fact]
    public void ParsesTheDocumentedMessagesExample()
    {
        var example = JsonSerializer.Deserialize<SproutMessagesResponse>(Golden("messages.json"))!;

        Assert.Equal("456def==", example.Paging?.NextCursor);
        Assert.Equal(("2022-06-09T22:10:54Z", "placeholder"), (example.Data!.Single().CreatedTime, example.Data!.Single().ProfileGuid));
    }

    [Fact]
    public async Task ReadsReceivedMessagesAndTheirFirstReplyFromAnInboxAnswer()
    {
        var (services, source) = Source();
        await using var _ = services;
        _sprout.Faults.Enqueue(new Fault.Body(Golden("messages-inbox.json")));

        var inbound = await source.InboundAsync(FakeSprout.CustomerId, 1, [1101], Jan1, Jan1, "UTC", default);
        var day = SproutInbox.Daily(inbound, [1101], Jan1, Jan1, TimeZoneInfo.Utc).Single();

        Assert.Equal(["fb:101_201", "fb:101_202"], inbound.Select(m => m.Guid)); // the third is the profile's own (from = profile)
        Assert.Equal(new Dictionary<string, double> { ["messages_received"] = 2, ["messages_answered"] = 1, ["median_response_time"] = 25 }, day.Values);
    }

    [Fact]
    public async Task AnswersMessagesInTheShapeOfTheDocumentedExample()
    {
        using var http = new HttpClient { BaseAddress = _sprout.Address };
        http.DefaultRequestHeaders.Authorization = new("Bearer", _sprout.Token);
        var response = await http.PostAsync($"/v1/{FakeSprout.CustomerId}/messages", new StringContent(
            """{"filters":["group_id.eq(1)","customer_profile_id.eq(1101)","created_time.in(2024-01-01...2024-02-01)"],"fields":["post_category","network","profile_guid","created_time"],"limit":2}""",
            System.Text.Encoding.UTF8, "application/json"));

        var fake = Shape(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
        var documented = Shape(JsonDocument.Parse(Golden("messages.json")).RootElement);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Subset(documented, fake);
        Assert.Contains("paging.next_cursor", fake);
    }
}
