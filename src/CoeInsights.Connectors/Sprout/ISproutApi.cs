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

    /// <summary>Inbox messages ("Messages Endpoint"): received by and sent from the profiles, one page per call, next page by cursor.</summary>
    [Post("/v1/{customerId}/messages")]
    Task<SproutMessagesResponse> GetMessages(long customerId, [Body] SproutMessagesRequest request, CancellationToken ct);
}

/// <summary>
/// E.g. <c>{"filters":["group_id.eq(1)","customer_profile_id.eq(1101)","created_time.in(2024-01-01...2024-02-01)"],
/// "fields":["guid","created_time",…],"limit":100,"sort":["created_time:asc"],"timezone":"UTC","page_cursor":"…"}</c>
/// ("Messages Endpoint", "Requests": <c>limit</c> default 50, max 100; <c>timezone</c> "used for period values";
/// <c>page_cursor</c> only "next"; <c>group_id</c> and <c>customer_profile_id</c> are not marked optional).
/// </summary>
public sealed record SproutMessagesRequest(
    [property: JsonPropertyName("filters")] IReadOnlyList<string> Filters,
    [property: JsonPropertyName("fields")] IReadOnlyList<string> Fields,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("sort")] IReadOnlyList<string> Sort,
    [property: JsonPropertyName("timezone")] string TimeZone,
    [property: JsonPropertyName("page_cursor"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PageCursor)
{
    /// <summary>
    /// The fields a response rate needs ("Message Fields"): who wrote it (<c>from.guid</c> equals <c>profile_guid</c> when the
    /// tracked profile did) and the first of each Sprout action on it (<c>activity_metadata</c>, Messages endpoint only).
    /// </summary>
    public static readonly IReadOnlyList<string> ResponseFields = ["guid", "created_time", "customer_profile_id", "profile_guid", "from.guid", "activity_metadata"];

    /// <summary>Documented maximum of <c>limit</c>.</summary>
    public const int MaxLimit = 100;

    public static SproutMessagesRequest Daily(long groupId, IEnumerable<long> profileIds, DateOnly from, DateOnly end, string timeZone, string? cursor) =>
        new([$"group_id.eq({groupId})", $"customer_profile_id.eq({string.Join(", ", profileIds)})", $"created_time.in({from:yyyy-MM-dd}...{end:yyyy-MM-dd})"],
            ResponseFields, MaxLimit, ["created_time:asc"], timeZone, cursor);
}

/// <summary><c>paging</c> is present only while there is a next page ("Responses - Messages Endpoint").</summary>
public sealed record SproutMessagesResponse(
    [property: JsonPropertyName("data")] List<SproutMessage>? Data,
    [property: JsonPropertyName("paging")] SproutCursorPaging? Paging);

public sealed record SproutCursorPaging([property: JsonPropertyName("next_cursor")] string? NextCursor);

/// <summary>One message with the fields of <see cref="SproutMessagesRequest.ResponseFields"/> ("Message Fields").</summary>
public sealed record SproutMessage(
    [property: JsonPropertyName("guid")] string? Guid,
    [property: JsonPropertyName("created_time")] string? CreatedTime,
    [property: JsonPropertyName("customer_profile_id")] long? CustomerProfileId,
    [property: JsonPropertyName("profile_guid")] string? ProfileGuid,
    [property: JsonPropertyName("from")] SproutAuthor? From,
    [property: JsonPropertyName("activity_metadata")] JsonElement? ActivityMetadata);

public sealed record SproutAuthor([property: JsonPropertyName("guid")] string? Guid);

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
    [property: JsonPropertyName("native_id")] string? NativeId,
    [property: JsonPropertyName("groups")] List<long>? Groups = null);

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
