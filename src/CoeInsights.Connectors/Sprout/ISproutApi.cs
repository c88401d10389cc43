using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace CoeInsights.Connectors.Sprout;

/// <summary>
/// The slice of Sprout Social's public API a CoE needs: who the customer is, its profiles, and daily profile analytics.
/// Shapes as documented at https://api.sproutsocial.com/docs/ (sections "Metadata" and "Analytics: Profiles").
/// Authentication: <c>Authorization: Bearer &lt;access token&gt;</c>, set on the HttpClient, never in a signature.
/// </summary>
public interface ISproutApi
{
    /// <summary>The customers the access token may read.</summary>
    [Get("/v1/metadata/client")]
    Task<SproutResponse<SproutCustomer>> GetClientMetadata(CancellationToken ct);

    /// <summary>The customer's profiles (one per social network account).</summary>
    [Get("/v1/{customerId}/metadata/customer")]
    Task<SproutResponse<SproutProfile>> GetCustomerProfiles(long customerId, CancellationToken ct);

    /// <summary>Profile analytics: filters (profile ids and reporting period), metrics, one page per call.</summary>
    [Post("/v1/{customerId}/analytics/profiles")]
    Task<SproutAnalyticsResponse> GetProfileAnalytics(long customerId, [Body] SproutAnalyticsRequest request, CancellationToken ct);

    /// <summary>The customer's Listening Topics ("Metadata": customer/topics).</summary>
    [Get("/v1/{customerId}/metadata/customer/topics")]
    Task<SproutResponse<SproutTopic>> GetTopics(long customerId, CancellationToken ct);

    /// <summary>Aggregated metrics of a Listening Topic ("Listening: Topic metrics"), the whole result in one answer (no paging).</summary>
    [Post("/v1/{customerId}/listening/topics/{topicId}/metrics")]
    Task<SproutAnalyticsResponse> GetTopicMetrics(long customerId, long topicId, [Body] SproutTopicMetricsRequest request, CancellationToken ct);
}

public sealed record SproutTopic(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string? Name);

/// <summary>
/// E.g. <c>{"filters":["created_time.in(2024-01-01...2024-02-01)"],"metrics":["messages_count","positive_sentiments_count"],
/// "dimensions":["created_time.by(day)"],"timezone":"UTC"}</c>. The documented <c>timezone</c> parameter sets the zone of the days.
/// </summary>
public sealed record SproutTopicMetricsRequest(
    [property: JsonPropertyName("filters")] IReadOnlyList<string> Filters,
    [property: JsonPropertyName("metrics")] IReadOnlyList<string> Metrics,
    [property: JsonPropertyName("dimensions")] IReadOnlyList<string> Dimensions,
    [property: JsonPropertyName("timezone")] string TimeZone)
{
    public static SproutTopicMetricsRequest Daily(DateOnly from, DateOnly end, IReadOnlyList<string> metrics, string timeZone) =>
        new([$"created_time.in({from:yyyy-MM-dd}...{end:yyyy-MM-dd})"], metrics, ["created_time.by(day)"], timeZone);
}

public sealed record SproutResponse<T>([property: JsonPropertyName("data")] List<T>? Data);

public sealed record SproutCustomer(
    [property: JsonPropertyName("customer_id")] long CustomerId,
    [property: JsonPropertyName("name")] string? Name);

public sealed record SproutProfile(
    [property: JsonPropertyName("customer_profile_id")] long CustomerProfileId,
    [property: JsonPropertyName("network_type")] string? NetworkType,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("native_name")] string? NativeName,
    [property: JsonPropertyName("native_id")] string? NativeId);

/// <summary>
/// E.g. <c>{"filters":["customer_profile_id.eq(1234, 5678)","reporting_period.in(2024-01-01...2024-01-31)"],
/// "metrics":["impressions","lifetime_snapshot.followers_count"],"page":1}</c>.
/// </summary>
public sealed record SproutAnalyticsRequest(
    [property: JsonPropertyName("filters")] IReadOnlyList<string> Filters,
    [property: JsonPropertyName("metrics")] IReadOnlyList<string> Metrics,
    [property: JsonPropertyName("page")] int Page)
{
    public static SproutAnalyticsRequest Daily(IEnumerable<long> profileIds, DateOnly from, DateOnly to, IReadOnlyList<string> metrics, int page) =>
        new([$"customer_profile_id.eq({string.Join(", ", profileIds)})", $"reporting_period.in({from:yyyy-MM-dd}...{to:yyyy-MM-dd})"], metrics, page);
}

/// <summary>One row per profile and day: <c>dimensions</c> (customer_profile_id, reporting_period.by(day)) and <c>metrics</c>.</summary>
public sealed record SproutAnalyticsResponse(
    [property: JsonPropertyName("data")] List<SproutAnalyticsRow>? Data,
    [property: JsonPropertyName("paging")] SproutPaging? Paging);

public sealed record SproutAnalyticsRow(
    [property: JsonPropertyName("dimensions")] Dictionary<string, JsonElement>? Dimensions,
    [property: JsonPropertyName("metrics")] Dictionary<string, JsonElement>? Metrics);

public sealed record SproutPaging(
    [property: JsonPropertyName("current_page")] int CurrentPage,
    [property: JsonPropertyName("total_pages")] int TotalPages);
