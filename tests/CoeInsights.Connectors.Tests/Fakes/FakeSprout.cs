using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CoeInsights.Connectors.Tests.Fakes;

/// <summary>
/// Sprout Social's public API as documented at https://api.sproutsocial.com/docs/ — sections "Metadata"
/// (GET /v1/metadata/client, GET /v1/{customer_id}/metadata/customer: <c>{"data":[…]}</c>) and "Analytics: Profiles"
/// (POST /v1/{customer_id}/analytics/profiles with <c>filters</c> <c>customer_profile_id.eq(…)</c> and
/// <c>reporting_period.in(YYYY-MM-DD...YYYY-MM-DD)</c>, <c>metrics</c>, <c>page</c>; answered with
/// <c>{"data":[{"dimensions":{"customer_profile_id":…,"reporting_period.by(day)":"…"},"metrics":{…}}],
/// "paging":{"current_page":…,"total_pages":…}}</c>). A request outside that shape gets 400 like the real one.
/// Values are a pure function of (profile, metric, day), so tests know what every sync must store.
/// </summary>
public sealed partial class FakeSprout : FakeApi
{
    public const long CustomerId = 4242;

    public sealed record Profile(long Id, string NetworkType, string Name, string NativeName);

    public List<Profile> Profiles { get; } =
    [
        new(1101, "linkedin_company", "Contoso LinkedIn", "contoso"),
        new(1102, "fb_instagram_account", "Contoso Instagram", "contoso.ig"),
    ];

    public int PageSize { get; set; } = 25;
    /// <summary>Called with the 1-based number of each analytics request before it is answered.</summary>
    public Func<int, HttpContext, Task>? OnAnalytics { get; set; }
    private int _analytics;

    public static readonly string[] Metrics =
    [
        "impressions", "impressions_unique", "engagements", "reactions", "comments_count", "shares_count", "post_link_clicks", "video_views",
        "lifetime_snapshot.followers_count", "net_follower_growth",
    ];

    /// <summary>Figures the platform has restated since: (profile, Sprout metric, day) → the value now reported.</summary>
    public ConcurrentDictionary<(long ProfileId, string Metric, DateOnly Day), double> Restated { get; } = new();

    /// <summary>The value the fake reports; null where the network has no such metric (LinkedIn pages: no video views here).</summary>
    public double? Value(long profileId, string metric, DateOnly day)
    {
        if (Restated.TryGetValue((profileId, metric, day), out var restated)) return restated;
        var profile = Profiles.First(p => p.Id == profileId);
        if (metric == "video_views" && profile.NetworkType == "linkedin_company") return null;
        var i = Array.IndexOf(Metrics, metric);
        return metric == "lifetime_snapshot.followers_count"
            ? 10_000 + profileId % 100 * 100 + day.DayNumber % 1000
            : (profileId % 100) * 1000 + i * 37 + day.DayNumber % 97 + 0.5 * (i % 2);
    }

    public IEnumerable<SeenRequest> AnalyticsRequests => Requests.Where(r => r.Path.EndsWith("/analytics/profiles", StringComparison.Ordinal));

    /// <summary>
    /// Waits until <paramref name="count"/> analytics requests are logged. A request answered is logged before its answer
    /// starts; one held in flight and abandoned by its client is logged only when its handler ends, a moment later.
    /// </summary>
    public async Task AnalyticsLoggedAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (AnalyticsRequests.Count() < count) await Task.Delay(20, timeout.Token);
    }

    [GeneratedRegex(@"^customer_profile_id\.eq\((\d+(?:, ?\d+)*)\)$")]
    private static partial Regex ProfileFilter();

    [GeneratedRegex(@"^reporting_period\.in\((\d{4}-\d{2}-\d{2})\.\.\.(\d{4}-\d{2}-\d{2})\)$")]
    private static partial Regex PeriodFilter();

    protected override void Map(WebApplication app)
    {
        app.MapGet("/v1/metadata/client", () => Results.Json(new { data = new[] { new { customer_id = CustomerId, name = "Contoso" } } }));
        app.MapGet("/v1/{customerId:long}/metadata/customer", (long customerId) => customerId != CustomerId
            ? Results.StatusCode(403)
            : Results.Json(new
            {
                data = Profiles.Select(p => new
                {
                    customer_profile_id = p.Id, network_type = p.NetworkType, name = p.Name, native_name = p.NativeName,
                    native_id = p.Id.ToString(CultureInfo.InvariantCulture), groups = new[] { 1 },
                }),
            }));
        app.MapPost("/v1/{customerId:long}/analytics/profiles", async (long customerId, HttpContext context) =>
        {
            var n = Interlocked.Increment(ref _analytics);
            if (OnAnalytics is { } hook) await hook(n, context);
            if (customerId != CustomerId) return Results.StatusCode(403);
            JsonNode? body;
            try
            {
                body = await JsonNode.ParseAsync(context.Request.Body);
            }
            catch (JsonException)
            {
                return Results.BadRequest(new { error = "body is not JSON" });
            }
            var filters = body?["filters"]?.AsArray().Select(f => f!.GetValue<string>()).ToList() ?? [];
            var metrics = body?["metrics"]?.AsArray().Select(m => m!.GetValue<string>()).ToList() ?? [];
            var page = body?["page"]?.GetValue<int>() ?? 1;
            var ids = filters.Select(f => ProfileFilter().Match(f)).FirstOrDefault(m => m.Success);
            var period = filters.Select(f => PeriodFilter().Match(f)).FirstOrDefault(m => m.Success);
            if (ids is null || period is null || filters.Count != 2 || metrics.Count == 0 || metrics.Any(m => !Metrics.Contains(m)) || page < 1)
                return Results.BadRequest(new { error = "invalid filters, metrics or page" });
            var profileIds = ids.Groups[1].Value.Split(',').Select(s => long.Parse(s.Trim(), CultureInfo.InvariantCulture)).ToList();
            if (profileIds.Any(id => Profiles.All(p => p.Id != id))) return Results.BadRequest(new { error = "unknown profile" });
            var from = DateOnly.ParseExact(period.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var to = DateOnly.ParseExact(period.Groups[2].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);

            var rows = new List<object>();
            for (var day = from; day <= to; day = day.AddDays(1))
                foreach (var id in profileIds.Order())
                    rows.Add(new Dictionary<string, object>
                    {
                        ["dimensions"] = new Dictionary<string, object> { ["customer_profile_id"] = id, ["reporting_period.by(day)"] = $"{day:yyyy-MM-dd}T00:00:00Z" },
                        ["metrics"] = metrics.ToDictionary(m => m, m => (object?)Value(id, m, day)),
                    });
            var totalPages = Math.Max(1, (rows.Count + PageSize - 1) / PageSize);
            return Results.Json(new
            {
                data = rows.Skip((page - 1) * PageSize).Take(PageSize),
                paging = new { current_page = page, total_pages = totalPages },
            });
        });
    }
}
