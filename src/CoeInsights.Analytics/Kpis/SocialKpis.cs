namespace CoeInsights.Analytics.Kpis;

/// <summary>
/// Derived social KPIs. Every rate names its denominator; a zero or missing denominator gives no value
/// (<c>null</c>), never a division by zero. Counts must be finite and non-negative (money may not be negative
/// either); violations throw <see cref="InvalidInputException"/> naming the field.
/// </summary>
public static class SocialKpis
{
    /// <summary>Engagement rate by impressions (%) = engagements / impressions × 100 (X Ads API "Engagement Rate").</summary>
    public static double? EngagementRateByImpressions(double engagements, double impressions)
        => Percent(Check(engagements, "engagements"), Check(impressions, "impressions"));

    /// <summary>Engagement rate by reach (%) = engagements / reach (unique accounts reached) × 100.</summary>
    public static double? EngagementRateByReach(double engagements, double reach)
        => Percent(Check(engagements, "engagements"), Check(reach, "reach"));

    /// <summary>Engagement rate by followers (%) = engagements / followers × 100.</summary>
    public static double? EngagementRateByFollowers(double engagements, double followers)
        => Percent(Check(engagements, "engagements"), Check(followers, "followers"));

    /// <summary>Audience growth rate (%) = net new followers in the period / followers at the start of the period × 100.</summary>
    public static double? AudienceGrowthRate(double newFollowers, double startingFollowers)
    {
        if (!double.IsFinite(newFollowers)) throw new InvalidInputException("new_followers", "must be a finite number (not NaN or infinite)");
        return Percent(newFollowers, Check(startingFollowers, "starting_followers"));
    }

    /// <summary>Share of voice (%) = brand mentions / (brand mentions + Σ competitor mentions) × 100.</summary>
    public static double? ShareOfVoice(double brandMentions, IReadOnlyList<double> competitorMentions)
    {
        ArgumentNullException.ThrowIfNull(competitorMentions);
        var v = new Validator();
        CheckInto(brandMentions, "brand_mentions", v);
        for (var i = 0; i < competitorMentions.Count; i++) CheckInto(competitorMentions[i], $"competitor_mentions[{i}]", v);
        v.ThrowIfInvalid();
        return Percent(brandMentions, brandMentions + competitorMentions.Sum());
    }

    /// <summary>Net sentiment (%) = (positive − negative) / total mentions × 100, total including neutral (socialk.it).</summary>
    public static double? NetSentiment(double positive, double negative, double totalMentions)
    {
        var v = new Validator();
        CheckInto(positive, "positive", v);
        CheckInto(negative, "negative", v);
        CheckInto(totalMentions, "total_mentions", v);
        v.Require(!(positive + negative > totalMentions), "total_mentions", "must be at least positive + negative");
        v.ThrowIfInvalid();
        return Percent(positive - negative, totalMentions);
    }

    /// <summary>Net sentiment from shares (percentage points) = % positive − % negative (allears.ai).</summary>
    public static double NetSentimentFromShares(double positivePct, double negativePct)
        => Check(positivePct, "positive_pct") - Check(negativePct, "negative_pct");

    /// <summary>Brand health index = positive / (positive + negative), a fraction in [0, 1] (SentiOne).</summary>
    public static double? BrandHealthIndex(double positive, double negative)
    {
        var p = Check(positive, "positive");
        var d = p + Check(negative, "negative");
        return d == 0 ? null : p / d;
    }

    /// <summary>Response rate (%) = messages answered / messages that needed an answer × 100.</summary>
    public static double? ResponseRate(double responded, double received)
    {
        var v = new Validator();
        CheckInto(responded, "responded", v);
        CheckInto(received, "received", v);
        v.Require(!(responded > received), "responded", "cannot exceed received");
        v.ThrowIfInvalid();
        return Percent(responded, received);
    }

    /// <summary>Median response time over answered messages (unanswered ones are excluded, not counted as 0).</summary>
    public static TimeSpan? MedianResponseTime(IReadOnlyList<TimeSpan> responseTimes)
    {
        ArgumentNullException.ThrowIfNull(responseTimes);
        var v = new Validator();
        for (var i = 0; i < responseTimes.Count; i++) v.Require(responseTimes[i] >= TimeSpan.Zero, $"response_times[{i}]", "must not be negative");
        v.ThrowIfInvalid();
        if (responseTimes.Count == 0) return null;
        var sorted = responseTimes.Select(t => t.Ticks).OrderBy(t => t).ToArray();
        var n = sorted.Length;
        return n % 2 == 1 ? TimeSpan.FromTicks(sorted[n / 2]) : TimeSpan.FromTicks((sorted[n / 2 - 1] + sorted[n / 2]) / 2);
    }

    /// <summary>Cost per engagement = spend / engagements (currency of the spend).</summary>
    public static double? CostPerEngagement(double spend, double engagements)
    {
        var s = Check(spend, "spend");
        var e = Check(engagements, "engagements");
        return e == 0 ? null : s / e;
    }

    /// <summary>ROI (%) = (attributed revenue − spend) / spend × 100.</summary>
    public static double? Roi(double attributedRevenue, double spend)
    {
        var r = Check(attributedRevenue, "attributed_revenue");
        return Percent(r - Check(spend, "spend"), spend);
    }

    /// <summary>Frequency = impressions / reach (average times each reached account saw the content).</summary>
    public static double? Frequency(double impressions, double reach)
    {
        var i = Check(impressions, "impressions");
        var r = Check(reach, "reach");
        return r == 0 ? null : i / r;
    }

    /// <summary>Sprinklr experience score = (100·positive + 50·neutral + 0·negative) / total.</summary>
    public static double? ExperienceScore(double positive, double neutral, double negative)
    {
        var total = Check(positive, "positive") + Check(neutral, "neutral") + Check(negative, "negative");
        return total == 0 ? null : (100 * positive + 50 * neutral) / total;
    }

    private static double? Percent(double numerator, double denominator) => denominator == 0 ? null : numerator / denominator * 100.0;

    private static double Check(double value, string field)
    {
        var v = new Validator();
        CheckInto(value, field, v);
        v.ThrowIfInvalid();
        return value;
    }

    private static void CheckInto(double value, string field, Validator v)
    {
        if (!double.IsFinite(value)) v.Add(field, "must be a finite number (not NaN or infinite)");
        else if (value < 0) v.Add(field, "must not be negative");
    }
}
