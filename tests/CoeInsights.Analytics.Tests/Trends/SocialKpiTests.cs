using CoeInsights.Analytics.Kpis;

namespace CoeInsights.Analytics.Tests.Trends;

public class SocialKpiTests
{
    private static readonly TrendVector V = TrendVector.Load("v14_social_kpi_formulas_documented_examples.json");

    private static double In(string item, string key) => V.Inputs.GetProperty(item).GetProperty("values").GetProperty(key).GetDouble();

    private static void Check(string item, double? actual)
        => Approx.Absolute(V.Expected.GetProperty(item).GetDouble(), actual!.Value, V.Tolerance, item);

    [Fact]
    public void ReturnsDocumentedExamplesGivenPublishedInputs()
    {
        // Sources: per-item urls in vectors/trends/v14_social_kpi_formulas_documented_examples.json
        Check("net_sentiment_pct", SocialKpis.NetSentiment(In("net_sentiment_pct", "positive"), In("net_sentiment_pct", "negative"), In("net_sentiment_pct", "total")));
        Check("net_sentiment_pct_of_shares", SocialKpis.NetSentimentFromShares(In("net_sentiment_pct_of_shares", "pct_positive"), In("net_sentiment_pct_of_shares", "pct_negative")));
        Check("sprinklr_product_insights_experience_score_exact", SocialKpis.ExperienceScore(
            In("sprinklr_product_insights_experience_score", "pos"), In("sprinklr_product_insights_experience_score", "neu"), In("sprinklr_product_insights_experience_score", "neg")));
        Check("brand_health_index", SocialKpis.BrandHealthIndex(In("brand_health_index", "pos"), In("brand_health_index", "neg")));
        var competitors = TrendVector.Doubles(V.Inputs.GetProperty("share_of_voice_pct").GetProperty("values").GetProperty("competitors"));
        Check("share_of_voice_pct", SocialKpis.ShareOfVoice(In("share_of_voice_pct", "brand"), competitors));
        Check("engagement_rate_by_impressions_pct", SocialKpis.EngagementRateByImpressions(In("engagement_rate_by_impressions_pct", "engagements"), In("engagement_rate_by_impressions_pct", "impressions")));
        Check("engagement_rate_by_followers_pct", SocialKpis.EngagementRateByFollowers(In("engagement_rate_by_followers_pct", "engagements"), In("engagement_rate_by_followers_pct", "followers")));
        Check("audience_growth_rate_pct", SocialKpis.AudienceGrowthRate(In("audience_growth_rate_pct", "new"), In("audience_growth_rate_pct", "start")));
        Check("period_over_period_change_pct", CoeInsights.Analytics.Trends.Growth.PercentChange(In("period_over_period_change_pct", "cur"), In("period_over_period_change_pct", "prev")));
        Check("frequency", SocialKpis.Frequency(In("frequency", "impressions"), In("frequency", "reach")));
    }

    [Fact]
    public void ReturnsNoValueGivenZeroDenominators()
    {
        Assert.Null(SocialKpis.EngagementRateByReach(10, 0));
        Assert.Null(SocialKpis.CostPerEngagement(100, 0));
        Assert.Null(SocialKpis.Roi(500, 0));
        Assert.Null(SocialKpis.ResponseRate(0, 0));
        Assert.Null(SocialKpis.ShareOfVoice(0, [0, 0]));
    }

    [Fact]
    public void ReturnsRatiosGivenSpendAndRevenue()
    {
        Assert.Equal(50.0, SocialKpis.Roi(1500, 1000)!.Value, 12);
        Assert.Equal(0.25, SocialKpis.CostPerEngagement(100, 400)!.Value, 12);
        Assert.Equal(80.0, SocialKpis.ResponseRate(40, 50)!.Value, 12);
        Assert.Equal(2.0, SocialKpis.EngagementRateByReach(20, 1000)!.Value, 12);
        Assert.Equal(TimeSpan.FromMinutes(15), SocialKpis.MedianResponseTime([TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(5)]));
    }

    [Fact]
    public void ThrowsNamingFieldGivenNegativeOrNaNCounts()
    {
        var ex = Assert.Throws<InvalidInputException>(() => SocialKpis.ShareOfVoice(10, [5, double.NaN, -1]));
        Assert.Equal(["competitor_mentions[1]", "competitor_mentions[2]"], ex.Violations.Select(v => v.Field));
        Assert.Equal("impressions", Assert.Throws<InvalidInputException>(() => SocialKpis.EngagementRateByImpressions(1, -5)).Violations[0].Field);
        Assert.Equal("responded", Assert.Throws<InvalidInputException>(() => SocialKpis.ResponseRate(6, 5)).Violations[0].Field);
    }
}
