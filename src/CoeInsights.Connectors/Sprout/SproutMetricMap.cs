namespace CoeInsights.Connectors.Sprout;

/// <summary>
/// Sprout profile metrics (https://api.sproutsocial.com/docs/, "Metrics: Profiles") → our catalogue (the metric names of CoeInsights.Kpis.MetricCatalogue).
/// Only metrics with the same meaning on the day are mapped; the rest of Sprout's list is not requested.
/// </summary>
public static class SproutMetricMap
{
    public static IReadOnlyDictionary<string, string> ToCatalogue { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["impressions"] = "impressions",
        ["impressions_unique"] = "reach",
        ["engagements"] = "engagements",
        ["reactions"] = "reactions",
        ["comments_count"] = "comments",
        ["shares_count"] = "shares",
        ["post_link_clicks"] = "clicks",
        ["video_views"] = "video_views",
        ["lifetime_snapshot.followers_count"] = "followers",
        ["net_follower_growth"] = "new_followers",
    };

    /// <summary>The metric names to send in the analytics request, in a stable order.</summary>
    public static IReadOnlyList<string> SproutMetrics { get; } = ToCatalogue.Keys.ToList();
}
