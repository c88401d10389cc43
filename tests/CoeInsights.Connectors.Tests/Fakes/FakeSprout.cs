using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CoeInsights.Connectors.Tests.Fakes;

/// <summary>
/// Sprout Social's public API as its documentation describes it (https://api.sproutsocial.com/docs/; the quotes and where
/// each rule comes from: docs/connectors.md, "Evidence") — written from the documentation, not from our client:
/// <list type="bullet">
/// <item>"Metadata": GET /v1/metadata/client, GET /v1/{customer_id}/metadata/customer → <c>{"data":[…]}</c>.</item>
/// <item>"Analytics: Profiles": POST /v1/{customer_id}/analytics/profiles with <c>filters</c>
/// <c>customer_profile_id.eq(…)</c> and <c>reporting_period.in(a...b)</c> (b excluded: the docs pair <c>...</c> with the first
/// day of the next month), <c>metrics</c>, <c>page</c> → one row per profile and day, <c>paging</c>.</item>
/// <item>Metrics differ per network: a metric not listed for a requested profile's network is a 400.</item>
/// <item>At most 100 profiles and one year per request; results past 10,000 truncated (silently, as documented).</item>
/// <item>"Responses": errors as <c>{"error":"…"}</c>; 202 "not ready, retry"; 400 for a page past total_pages; 403 for
/// customer or profile data the token may not read; 429 past 60 requests per minute (no Retry-After: none is documented).</item>
/// <item>"Messages Endpoint": POST /v1/{customer_id}/messages (FakeSprout.Messages.cs).</item>
/// <item>Every answer carries <c>X-Sprout-Request-ID</c> ("randomly generated UUID to trace a client request and response").</item>
/// </list>
/// Values are a pure function of (profile, metric, day), so tests know what every sync must store.
/// </summary>
public sealed partial class FakeSprout : FakeApi
{
    public const long CustomerId = 4242;
    public const long OtherCustomerId = 4343;
    public const string RequestIdHeader = "X-Sprout-Request-ID";

    public sealed record Profile(long Id, string NetworkType, string Name, string NativeName);

    public List<Profile> Profiles { get; } =
    [
        new(1101, "linkedin_company", "Contoso LinkedIn", "contoso"),
        new(1102, "fb_instagram_account", "Contoso Instagram", "contoso.ig"),
    ];

    /// <summary>
    /// Profile metrics Sprout lists per <c>network_type</c> ("Metrics and Fields"; Threads: changelog 2025-02-19; Instagram views:
    /// changelog 2025-04-21). The fake's own table from the documentation: the client's map must be a subset of it.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> DocumentedMetrics = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["facebook"] =
        [
            "impressions", "impressions_organic", "impressions_paid", "impressions_unique", "reactions", "comments_count", "shares_count",
            "post_link_clicks", "post_content_clicks_other", "video_views", "lifetime_snapshot.followers_count", "lifetime_snapshot.fans_count",
            "net_follower_growth", "followers_gained", "followers_lost", "posts_sent_count",
        ],
        ["fb_instagram_account"] =
        [
            "impressions", "impressions_unique", "impressions_organic", "impressions_paid", "views", "likes", "comments_count", "shares_count",
            "saves", "video_views", "story_replies", "lifetime_snapshot.followers_count", "net_follower_growth", "followers_gained",
            "followers_lost", "posts_sent_count",
        ],
        ["twitter"] =
        [
            "impressions", "likes", "comments_count", "shares_count", "reactions", "post_link_clicks", "post_content_clicks",
            "post_content_clicks_other", "engagements_other", "video_views", "lifetime_snapshot.followers_count", "net_follower_growth",
            "posts_sent_count",
        ],
        ["linkedin_company"] =
        [
            "impressions", "impressions_unique", "reactions", "comments_count", "shares_count", "post_content_clicks",
            "lifetime_snapshot.followers_count", "net_follower_growth", "followers_gained", "followers_lost", "posts_sent_count",
        ],
        // Profile level: follower metrics only.
        ["youtube"] = ["lifetime_snapshot.followers_count", "net_follower_growth", "followers_gained", "followers_lost", "posts_sent_count"],
        ["tiktok"] =
        [
            "lifetime_snapshot.followers_count", "net_follower_growth", "profile_views_total", "video_views_total", "comments_count_total",
            "shares_count_total", "likes_total", "posts_sent_count",
        ],
        // No follower count.
        ["threads"] = ["likes", "profile_views", "quotes_count", "comments_count", "reposts_count", "shares_count"],
    };

    /// <summary>Rows per page (Sprout's default <c>limit</c> for profile analytics is 1,000).</summary>
    public int PageSize { get; set; } = 1_000;
    /// <summary>Documented guardrail: results past this many are truncated (a test may scale it down).</summary>
    public int MaxResults { get; set; } = 10_000;
    /// <summary>Documented: at most this many profiles per request (a test may scale it down).</summary>
    public int MaxProfiles { get; set; } = 100;
    public const int RequestsPerMinute = 60;
    /// <summary>Called with the 1-based number of each analytics request before it is answered.</summary>
    public Func<int, HttpContext, Task>? OnAnalytics { get; set; }
    private int _analytics;

    /// <summary>Seeded chaos: the share of analytics requests answered 202 (not ready) and 429 (too many) although allowed.</summary>
    public double NotReadyRate { get; set; }
    public double TooManyRate { get; set; }
    public int Seed { get; set; } = 17;
    private Random? _random;
    private readonly Lock _lock = new();
    private readonly Queue<DateTimeOffset> _window = new();
    /// <summary>Requests answered 429 because the 60-per-minute limit was hit (not the seeded ones).</summary>
    public int RateLimited { get; private set; }

    /// <summary>Figures the platform has restated since: (profile, Sprout metric, day) → the value now reported.</summary>
    public ConcurrentDictionary<(long ProfileId, string Metric, DateOnly Day), double> Restated { get; } = new();

    /// <summary>Days a profile has no row for (a gap in Sprout's data).</summary>
    public ConcurrentDictionary<(long ProfileId, DateOnly Day), bool> Missing { get; } = new();

    /// <summary>The value the fake reports for a documented metric; null on some days (a metric not available that day).</summary>
    public double? Value(long profileId, string metric, DateOnly day)
    {
        if (Restated.TryGetValue((profileId, metric, day), out var restated)) return restated;
        var profile = Profiles.First(p => p.Id == profileId);
        var list = DocumentedMetrics[profile.NetworkType];
        var i = Array.IndexOf(list, metric);
        if (i < 0) return null;
        if (metric == "video_views" && day.Day % 10 == 0) return null; // not available that day: null, never a zero
        return metric == "lifetime_snapshot.followers_count"
            ? 10_000 + profileId % 100 * 100 + day.DayNumber % 1000
            : (profileId % 100) * 1000 + i * 37 + day.DayNumber % 97 + 0.5 * (i % 2);
    }

    public IEnumerable<SeenRequest> AnalyticsRequests => Requests.Where(r => r.Path.EndsWith("/analytics/profiles", StringComparison.Ordinal));

    /// <summary>Waits until <paramref name="count"/> analytics requests are logged.</summary>
    public async Task AnalyticsLoggedAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (AnalyticsRequests.Count() < count) await Task.Delay(20, timeout.Token);
    }

    [GeneratedRegex(@"^customer_profile_id\.eq\((\d+(?:, ?\d+)*)\)$")]
    private static partial Regex ProfileFilter();

    [GeneratedRegex(@"^reporting_period\.in\((\d{4}-\d{2}-\d{2})\.\.\.(\d{4}-\d{2}-\d{2})\)$")]
    private static partial Regex PeriodFilter();

    protected override void Decorate(HttpContext context) =>
        context.Response.Headers[RequestIdHeader] = Guid.NewGuid().ToString();

    /// <summary>The documented error envelope.</summary>
    public static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    // Every paced POST endpoint refuses in the same order: the per-minute limit, a 202 or 429 now and then,
    // a customer the token cannot see, then a body that is not JSON.
    private async Task<(IResult? Refusal, JsonNode? Body)> AdmitAsync(long customerId, HttpContext context)
    {
        if (Limit() is { } limited) return (limited, null);
        lock (_lock)
        {
            _random ??= new Random(Seed);
            if (_random.NextDouble() < NotReadyRate) return (Results.StatusCode(202), null);
            if (_random.NextDouble() < TooManyRate) return (Error(429, "Too many requests."), null);
        }
        if (customerId != CustomerId) return (Error(403, $"Access to customer {customerId} is not allowed."), null);
        try
        {
            return (null, await JsonNode.ParseAsync(context.Request.Body));
        }
        catch (JsonException)
        {
            return (Error(400, "The request body is not valid JSON."), null);
        }
    }

    private IResult? Limit()
    {
        lock (_lock)
        {
            var now = Clock.GetUtcNow();
            while (_window.Count > 0 && _window.Peek() + TimeSpan.FromMinutes(1) <= now) _window.Dequeue();
            if (_window.Count >= RequestsPerMinute)
            {
                RateLimited++;
                return Error(429, "Too many requests: at most 60 requests per minute.");
            }
            _window.Enqueue(now);
            return null;
        }
    }

    private IEnumerable<(long Id, string Name)> Customers()
    {
        yield return (CustomerId, "Contoso");
        if (SecondCustomer) yield return (OtherCustomerId, "Fabrikam");
    }

    /// <summary>Listening Topics ("Metadata": customer/topics).</summary>
    public List<(long Id, string Name)> Topics { get; } = [(7001, "Contoso brand")];

    /// <summary>
    /// The "Topic Metrics" table of "Metrics and Fields" (https://api.sproutsocial.com/docs/#metrics-and-fields), whole: no share of
    /// voice among them.
    /// </summary>
    public static readonly string[] TopicMetrics =
    [
        "engagements", "likes", "replies", "shares_count", "from.followers_count", "authors_count", "positive_sentiments_count",
        "neutral_sentiments_count", "negative_sentiments_count", "impressions", "messages_count",
    ];

    [GeneratedRegex(@"^created_time\.in\((\d{4}-\d{2}-\d{2})\.\.\.(\d{4}-\d{2}-\d{2})\)$")]
    private static partial Regex CreatedFilter();

    /// <summary>A topic's count on a day; a day with no messages has no row at all (the answer aggregates messages).</summary>
    public double? TopicValue(long topicId, string metric, DateOnly day)
    {
        if (Restated.TryGetValue((topicId, metric, day), out var restated)) return restated;
        if (day.DayNumber % 7 == 3) return null; // a quiet day
        var positive = 5 + day.DayNumber % 11 + (int)(topicId % 7000) * 3; // each topic its own volume
        var negative = 1 + day.DayNumber % 4;
        var neutral = 3 + day.DayNumber % 6;
        return metric switch
        {
            "positive_sentiments_count" => positive,
            "negative_sentiments_count" => negative,
            "neutral_sentiments_count" => neutral,
            "messages_count" => positive + negative + neutral,
            _ => 40 + day.DayNumber % 13,
        };
    }

    /// <summary>The token also sees a second customer (an agency's token).</summary>
    public bool SecondCustomer { get; set; }

    protected override void Map(WebApplication app)
    {
        MapMessages(app);
        // Not scoped to a customer account, so not counted against one.
        app.MapGet("/v1/metadata/client", () => Results.Json(new { data = Customers().Select(c => new { customer_id = c.Id, name = c.Name }) }));
        app.MapGet("/v1/{customerId:long}/metadata/customer", (long customerId) => Limit() ?? (customerId != CustomerId
            ? Error(403, $"Access to customer {customerId} is not allowed.")
            : Results.Json(new
            {
                data = Profiles.Select(p => new
                {
                    customer_profile_id = p.Id, network_type = p.NetworkType, name = p.Name, native_name = p.NativeName,
                    native_id = p.Id.ToString(CultureInfo.InvariantCulture), groups = new[] { 1 },
                }),
            })));
        app.MapGet("/v1/{customerId:long}/metadata/customer/topics", (long customerId) => Limit() ?? (customerId != CustomerId
            ? Error(403, $"Access to customer {customerId} is not allowed.")
            : Results.Json(new { data = Topics.Select(t => new { id = t.Id, name = t.Name, topic_type = "BRAND", group_id = 1 }) })));
        app.MapPost("/v1/{customerId:long}/listening/topics/{topicId:long}/metrics", async (long customerId, long topicId, HttpContext context) =>
        {
            if (Limit() is { } limited) return limited;
            if (customerId != CustomerId || Topics.All(t => t.Id != topicId)) return Error(403, $"Access to topic {topicId} is not allowed.");
            var body = await JsonNode.ParseAsync(context.Request.Body);
            var filters = body?["filters"]?.AsArray().Select(f => f!.GetValue<string>()).ToList() ?? [];
            var metrics = body?["metrics"]?.AsArray().Select(m => m!.GetValue<string>()).ToList() ?? [];
            var dimensions = body?["dimensions"]?.AsArray().Select(m => m!.GetValue<string>()).ToList() ?? [];
            var period = filters.Select(f => CreatedFilter().Match(f)).FirstOrDefault(m => m.Success);
            if (period is null) return Error(400, "filters must hold created_time.in(YYYY-MM-DD...YYYY-MM-DD).");
            if (metrics.FirstOrDefault(m => !TopicMetrics.Contains(m)) is { } bad) return Error(400, $"Metric '{bad}' is not a topic metric.");
            if (dimensions is not ["created_time.by(day)"]) return Error(400, "dimensions: this fake answers created_time.by(day) only.");
            var from = DateOnly.ParseExact(period.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var end = DateOnly.ParseExact(period.Groups[2].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture); // excluded
            var rows = new List<object>();
            for (var day = from; day < end; day = day.AddDays(1))
                if (TopicValue(topicId, "messages_count", day) is not null)
                    rows.Add(new
                    {
                        dimensions = new Dictionary<string, object> { ["created_time.by(day)"] = $"{day:yyyy-MM-dd}" },
                        metrics = metrics.ToDictionary(m => m, m => TopicValue(topicId, m, day)),
                    });
            return Results.Json(new { data = rows });
        });
        app.MapPost("/v1/{customerId:long}/analytics/profiles", async (long customerId, HttpContext context) =>
        {
            var n = Interlocked.Increment(ref _analytics);
            if (OnAnalytics is { } hook) await hook(n, context);
            var (refusal, body) = await AdmitAsync(customerId, context);
            if (refusal is not null) return refusal;
            var filters = body?["filters"]?.AsArray().Select(f => f!.GetValue<string>()).ToList() ?? [];
            var metrics = body?["metrics"]?.AsArray().Select(m => m!.GetValue<string>()).ToList() ?? [];
            var page = body?["page"]?.GetValue<int>() ?? 1;
            var ids = filters.Select(f => ProfileFilter().Match(f)).FirstOrDefault(m => m.Success);
            var period = filters.Select(f => PeriodFilter().Match(f)).FirstOrDefault(m => m.Success);
            if (ids is null || period is null || filters.Count != 2)
                return Error(400, "filters must be customer_profile_id.eq(...) and reporting_period.in(YYYY-MM-DD...YYYY-MM-DD).");
            if (metrics.Count == 0) return Error(400, "metrics must name at least one metric.");
            if (page < 1) return Error(400, "page must be at least 1.");
            var profileIds = ids.Groups[1].Value.Split(',').Select(s => long.Parse(s.Trim(), CultureInfo.InvariantCulture)).Distinct().ToList();
            if (profileIds.Count > MaxProfiles) return Error(400, $"At most {MaxProfiles} profiles per request.");
            if (profileIds.FirstOrDefault(id => Profiles.All(p => p.Id != id)) is var unknown and > 0)
                return Error(403, $"Access to profile {unknown} is not allowed.");
            var from = DateOnly.ParseExact(period.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var end = DateOnly.ParseExact(period.Groups[2].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture); // excluded
            if (end <= from) return Error(400, "reporting_period.in: the end must be after the start.");
            if (end > from.AddYears(1)) return Error(400, "reporting_period.in: at most one year per request.");
            foreach (var id in profileIds)
            {
                var network = Profiles.First(p => p.Id == id).NetworkType;
                if (metrics.FirstOrDefault(m => !DocumentedMetrics[network].Contains(m)) is { } bad)
                    return Error(400, $"Metric '{bad}' is not available for {network} profile {id}.");
            }

            var rows = new List<object>();
            for (var day = from; day < end; day = day.AddDays(1))
                foreach (var id in profileIds.Order())
                    if (!Missing.ContainsKey((id, day)))
                        rows.Add(new Dictionary<string, object>
                        {
                            ["dimensions"] = new Dictionary<string, object> { ["customer_profile_id"] = id, ["reporting_period.by(day)"] = $"{day:yyyy-MM-dd}T00:00:00Z" },
                            ["metrics"] = metrics.ToDictionary(m => m, m => (object?)Value(id, m, day)),
                        });
            if (rows.Count > MaxResults) rows = rows.Take(MaxResults).ToList(); // documented guardrail: silently
            var totalPages = Math.Max(1, (rows.Count + PageSize - 1) / PageSize);
            if (page > totalPages) return Error(400, $"page {page} is past total_pages {totalPages}.");
            return Results.Json(new
            {
                data = rows.Skip((page - 1) * PageSize).Take(PageSize),
                paging = new { current_page = page, total_pages = totalPages },
            });
        });
    }
}

public static class FakeSproutProfiles
{
    /// <summary>Replaces the Instagram profile with a second LinkedIn page.</summary>
    public static FakeSprout TwoLinkedInPages(FakeSprout sprout)
    {
        sprout.Profiles[1] = new FakeSprout.Profile(1102, "linkedin_company", "Contoso Careers", "contoso.careers");
        return sprout;
    }
}
