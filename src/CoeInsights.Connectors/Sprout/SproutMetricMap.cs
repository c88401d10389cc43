namespace CoeInsights.Connectors.Sprout;

/// <summary>A catalogue metric Sprout does not report but documents how to calculate: ours = the sum of Sprout's <see cref="Terms"/>.</summary>
public sealed record DerivedMetric(string Metric, IReadOnlyList<string> Terms)
{
    /// <summary>How the value was made, e.g. <c>engagements = reactions + comments_count + shares_count</c>.</summary>
    public string Formula => $"{Metric} = {string.Join(" + ", Terms)}";
}

/// <summary>
/// What Sprout reports for one network at profile level: the documented metric keys we request (Sprout key → our catalogue
/// metric; <c>null</c>: requested only as a term of a derived metric), the derived metrics and the time zone Sprout reports the
/// network's days in. Evidence and quotes: docs/connectors.md, "Evidence".
/// </summary>
public sealed record SproutNetwork(
    string Name,
    IReadOnlyList<string> NetworkTypes,
    string TimeZone,
    IReadOnlyDictionary<string, string?> Metrics,
    IReadOnlyList<DerivedMetric> Derived)
{
    /// <summary>The metric keys to send, in a stable order: every mapped key and every term of a derived metric.</summary>
    public IReadOnlyList<string> Requested => Metrics.Keys.Order(StringComparer.Ordinal).ToList();
}

/// <summary>
/// Sprout profile metrics per network (https://api.sproutsocial.com/docs/, "Metrics and Fields": "available metrics differ per
/// social network"; calculated metrics: "Calculated Metrics" section). Documented keys only: a key Sprout does not list for a
/// network is never sent for it, because one unsupported metric fails the whole request with 400.
/// </summary>
public static class SproutMetricMap
{
    /// <summary>Facebook and Instagram (Meta), YouTube: days in Pacific time; the others in UTC (the docs' "Time zones" note).</summary>
    public const string Pacific = "America/Los_Angeles";

    private const string Followers = "lifetime_snapshot.followers_count";

    public static IReadOnlyList<SproutNetwork> Networks { get; } =
    [
        new("facebook", ["facebook"], Pacific, new Dictionary<string, string?>
        {
            ["impressions"] = "impressions", // from FacebookViewsSince on: "views" (see FacebookViews)
            ["impressions_unique"] = "reach",
            ["reactions"] = "reactions",
            ["comments_count"] = "comments",
            ["shares_count"] = "shares",
            ["post_link_clicks"] = "clicks",
            ["post_content_clicks_other"] = null,
            ["video_views"] = "video_views",
            ["posts_sent_count"] = "posts_published",
            [Followers] = "followers",
            ["net_follower_growth"] = "new_followers",
        }, [new("engagements", ["reactions", "comments_count", "shares_count", "post_link_clicks", "post_content_clicks_other"])]),
        new("instagram", ["fb_instagram_account", "instagram"], Pacific, new Dictionary<string, string?>
        {
            ["impressions"] = "impressions",
            ["impressions_unique"] = "reach",
            ["likes"] = "reactions",
            ["comments_count"] = "comments",
            ["shares_count"] = "shares",
            ["saves"] = null,
            ["story_replies"] = null,
            ["video_views"] = "video_views",
            ["posts_sent_count"] = "posts_published",
            [Followers] = "followers",
            ["net_follower_growth"] = "new_followers",
        }, [new("engagements", ["likes", "comments_count", "saves", "story_replies"])]),
        new("x", ["twitter", "x"], "UTC", new Dictionary<string, string?>
        {
            ["impressions"] = "impressions",
            ["likes"] = "reactions",
            ["comments_count"] = "comments",
            ["shares_count"] = "shares",
            ["post_link_clicks"] = "clicks",
            ["post_content_clicks_other"] = null,
            ["engagements_other"] = null,
            ["video_views"] = "video_views",
            ["posts_sent_count"] = "posts_published",
            [Followers] = "followers",
            ["net_follower_growth"] = "new_followers",
        }, [new("engagements", ["likes", "comments_count", "shares_count", "post_link_clicks", "post_content_clicks_other", "engagements_other"])]),
        new("linkedin", ["linkedin_company", "linkedin"], "UTC", new Dictionary<string, string?>
        {
            ["impressions"] = "impressions",
            ["impressions_unique"] = "reach",
            ["reactions"] = "reactions",
            ["comments_count"] = "comments",
            ["shares_count"] = "shares",
            ["posts_sent_count"] = "posts_published",
            [Followers] = "followers",
            ["net_follower_growth"] = "new_followers",
        }, []),
        new("tiktok", ["tiktok"], "UTC", new Dictionary<string, string?>
        {
            ["video_views_total"] = "video_views",
            ["likes_total"] = "reactions",
            ["comments_count_total"] = "comments",
            ["shares_count_total"] = "shares",
            ["posts_sent_count"] = "posts_published",
            [Followers] = "followers",
            ["net_follower_growth"] = "new_followers",
        }, []),
        // Profile level: follower metrics only (the video metrics are post level).
        new("youtube", ["youtube"], Pacific, new Dictionary<string, string?>
        {
            ["posts_sent_count"] = "posts_published",
            [Followers] = "followers",
            ["net_follower_growth"] = "new_followers",
        }, []),
        // No follower count documented for Threads. Zone: Meta's, like Facebook and Instagram (an assumption; TimeZones overrides).
        new("threads", ["threads"], Pacific, new Dictionary<string, string?>
        {
            ["likes"] = "reactions",
            ["comments_count"] = "comments",
            ["shares_count"] = "shares",
        }, []),
    ];

    /// <summary>
    /// Listening Topic metrics → our listening metrics. Keys as in the "Topic Metrics" table of "Metrics and Fields"
    /// (https://api.sproutsocial.com/docs/#metrics-and-fields): "Volume or Topic Messages <c>messages_count</c>", "Count of
    /// Positive Messages <c>positive_sentiments_count</c>", "Count of Neutral Messages <c>neutral_sentiments_count</c>", "Count of
    /// Negative Messages <c>negative_sentiments_count</c>" (also in the documented Topic messages request example). The table has
    /// no share of voice: it is computed from <c>messages_count</c> of owned and competitor topics (CompetitorTopicIds).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Listening { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["messages_count"] = "mentions",
        ["positive_sentiments_count"] = "positive_mentions",
        ["negative_sentiments_count"] = "negative_mentions",
        ["neutral_sentiments_count"] = "neutral_mentions",
    };

    /// <summary>The network of a Sprout <c>network_type</c>; null: not mapped (e.g. Pinterest — its keys are not confirmed), never requested.</summary>
    public static SproutNetwork? For(string? networkType) =>
        Networks.FirstOrDefault(n => n.NetworkTypes.Contains((networkType ?? "").ToLowerInvariant(), StringComparer.Ordinal));

    /// <summary>
    /// Meta replaced Facebook Page impressions with views (Sprout changelog: "Facebook metric deprecations that occurred on
    /// 2025-11-15"; Sprout keeps the key <c>impressions</c>). From this day on, Facebook's <c>impressions</c> is recorded as our
    /// <c>views</c>, so an impressions trend never silently changes meaning mid-series.
    /// </summary>
    public static readonly DateOnly FacebookViewsSince = new(2025, 11, 15);

    /// <summary>Our metric for a Sprout key of a network on a day; null: not recorded (requested only for a derived metric, or unknown).</summary>
    public static string? Ours(SproutNetwork network, string sproutKey, DateOnly day, DateOnly facebookViewsSince)
    {
        if (!network.Metrics.TryGetValue(sproutKey, out var ours) || ours is null) return null;
        return network.Name == "facebook" && sproutKey == "impressions" && day >= facebookViewsSince ? "views" : ours;
    }
}
