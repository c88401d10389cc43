using CoeInsights.Analytics;
using CoeInsights.Analytics.Trends;

namespace CoeInsights.Kpis;

/// <summary>Flow metrics count activity in a period and add up; level metrics are a stock at a moment and do not.</summary>
public enum MetricKind
{
    Flow,
    Level,
}

/// <summary>
/// What a figure counts. <see cref="Profile"/>: activity on the profile during the reporting day (impressions served
/// that day, whatever the post's age). <see cref="Post"/>: lifetime totals of the posts published on the reporting day
/// (a post from Monday keeps adding to Monday's figure). The two are different populations and are never combined.
/// </summary>
public enum MetricScope
{
    Profile,
    Post,
}

/// <summary>
/// A metric of the catalogue. <see cref="Rollup"/> is how days become weeks, months and quarters:
/// Sum for additive flows, Last for levels, Mean for flows that are not additive (unique reach).
/// <see cref="LowerIsBetter"/>: a rise is bad news (negative mentions, response time) — the deck colours and ranks it that way.
/// </summary>
public sealed record MetricDefinition(string Name, string Unit, MetricKind Kind, AggregationMethod Rollup, string Description,
    MetricScope Scope = MetricScope.Profile, bool LowerIsBetter = false)
{
    public bool Additive => Rollup == AggregationMethod.Sum;
}

/// <summary>
/// The default catalogue every tenant gets. Profile-level figures (activity on the day) unless the name starts with
/// <c>post_</c>: those are post-level (lifetime of the posts published on the day), <see cref="MetricScope.Post"/>.
/// </summary>
public static class MetricCatalogue
{
    public static IReadOnlyList<MetricDefinition> Default { get; } =
    [
        new("impressions", "count", MetricKind.Flow, AggregationMethod.Sum, "Times content was shown on the day."),
        new("reach", "accounts", MetricKind.Flow, AggregationMethod.Mean, "Unique accounts reached on the day; not additive across days (roll-up: mean daily reach)."),
        new("engagements", "count", MetricKind.Flow, AggregationMethod.Sum, "Reactions + comments + shares + clicks on the day."),
        new("reactions", "count", MetricKind.Flow, AggregationMethod.Sum, "Likes and other reactions on the day."),
        new("comments", "count", MetricKind.Flow, AggregationMethod.Sum, "Comments on the day."),
        new("shares", "count", MetricKind.Flow, AggregationMethod.Sum, "Shares, reposts, retweets on the day."),
        new("clicks", "count", MetricKind.Flow, AggregationMethod.Sum, "Link clicks on the day."),
        new("video_views", "count", MetricKind.Flow, AggregationMethod.Sum, "Video views on the day (network's own view definition)."),
        new("views", "count", MetricKind.Flow, AggregationMethod.Sum,
            "Times content was viewed on the day (Meta's views, which replaced Facebook Page impressions on 2025-11-15; not comparable with impressions)."),
        new("posts_published", "count", MetricKind.Flow, AggregationMethod.Sum, "Posts published on the day."),
        new("followers", "accounts", MetricKind.Level, AggregationMethod.Last, "Followers at the end of the day."),
        new("new_followers", "accounts", MetricKind.Flow, AggregationMethod.Sum, "Net new followers on the day (gained − lost)."),
        new("mentions", "count", MetricKind.Flow, AggregationMethod.Sum, "Brand mentions on the day (listening)."),
        new("positive_mentions", "count", MetricKind.Flow, AggregationMethod.Sum, "Mentions classified positive."),
        new("neutral_mentions", "count", MetricKind.Flow, AggregationMethod.Sum, "Mentions classified neutral."),
        new("negative_mentions", "count", MetricKind.Flow, AggregationMethod.Sum, "Mentions classified negative.", LowerIsBetter: true),
        new("messages_received", "count", MetricKind.Flow, AggregationMethod.Sum, "Inbound messages needing an answer."),
        new("messages_answered", "count", MetricKind.Flow, AggregationMethod.Sum, "Inbound messages answered."),
        new("median_response_time", "minutes", MetricKind.Flow, AggregationMethod.Mean,
            "Median minutes from an inbound message to its first reply, over the answered messages received on the day (a late reply restates the day); roll-up: mean of the daily medians, not the period's median.",
            LowerIsBetter: true),
        new("spend", "currency", MetricKind.Flow, AggregationMethod.Sum, "Paid spend on the day, in the tenant's reporting currency."),
        new("attributed_revenue", "currency", MetricKind.Flow, AggregationMethod.Sum, "Revenue attributed to the profile on the day, same currency as spend."),
        new("post_impressions", "count", MetricKind.Flow, AggregationMethod.Sum,
            "Post-level: lifetime impressions of the posts published on the day (grows as the posts age; re-import to restate).", MetricScope.Post),
        new("post_reach", "accounts", MetricKind.Flow, AggregationMethod.Mean,
            "Post-level: lifetime unique accounts reached by the posts published on the day; not additive (roll-up: mean).", MetricScope.Post),
        new("post_engagements", "count", MetricKind.Flow, AggregationMethod.Sum,
            "Post-level: lifetime engagements on the posts published on the day.", MetricScope.Post),
    ];

    private static readonly Dictionary<string, MetricDefinition> ByName = Default.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public static MetricDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>A request's metric list: at least one, each in the catalogue (violations on <c>metrics[i]</c>).</summary>
    public static void RequireKnown(IReadOnlyList<string> metrics, Validator v)
    {
        v.Require(metrics.Count > 0, "metrics", "name at least one metric (see ListMetrics)");
        for (var i = 0; i < metrics.Count; i++)
            v.Require(Find(metrics[i]) is not null, $"metrics[{i}]", $"unknown metric '{metrics[i]}' (see ListMetrics)");
    }
}
