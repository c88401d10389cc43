using CoeInsights.Analytics.Surveys;
using CoeInsights.Analytics.Tests.Scoring;

namespace CoeInsights.Analytics.Tests.Surveys;

public sealed class NetPromoterTests
{
    /// <summary>whuber, answer to "How can I calculate margin of error in a NPS (Net Promoter Score) result?", Cross Validated
    /// (stats.stackexchange.com, question 18603): p₁ = 1/2 promoters, p₀ = 1/3 passives, p₋₁ = 1/6 detractors give NPS 1/3,
    /// Var = 5/9 per answer (sd ≈ 0.75), and "in a sample of, say, 324, you would expect an NPS around 33% with a standard
    /// error of about 4.1%". 324 answers in those proportions are 162 / 108 / 54.</summary>
    [Fact]
    public void ReturnsPublishedStandardErrorGivenCrossValidatedExample()
    {
        var result = NetPromoter.FromCounts(162, 108, 54);

        Vectors.Near(100.0 / 3, result.Score, 1e-12, "NPS");
        Vectors.Near(4.1, result.StandardError, 0.05, "SE (published to 0.1 point)");
        Vectors.Near(0.75, result.StandardError / 100 * Math.Sqrt(324), 0.005, "sd per answer (published ≈ 0.75)");
        Vectors.Near(5.0 / 9, Math.Pow(result.StandardError / 100, 2) * 324, 1e-12, "variance per answer (published 5/9)");
        Vectors.Near(result.Score - 1.959963984540054 * result.StandardError, result.Lower, 1e-9, "lower");
        Vectors.Near(result.Score + 1.959963984540054 * result.StandardError, result.Upper, 1e-9, "upper");
    }

    /// <summary>Engelhardt, A. (2016). "Net Promoter Score confidence intervals 2: maths and stats", CYBAEA on R (R-bloggers,
    /// 13 January 2016): Var(NPS) = 100² (p(1 − p) + d(1 − d) + 2pd)/n, and for p = d = 1/3 the 95% interval is ≈ 320/√n wide
    /// ("for a confidence interval width of 10, n ≈ 1024"). 900 answers split 300/300/300: width ≈ 320/30.</summary>
    [Fact]
    public void ReturnsPublishedIntervalWidthGivenEngelhardtRuleOfThumb()
    {
        var result = NetPromoter.FromCounts(300, 300, 300);

        Assert.Equal(0, result.Score, 12);
        Vectors.Near(320.0 / 30, result.Upper - result.Lower, 0.5 / 30, "95% interval width (published 320/√n, 3 significant digits)");
        Vectors.Near(100 * Math.Sqrt((2.0 / 9 + 2.0 / 9 + 2.0 / 9) / 900), result.StandardError, 1e-12, "SE by Engelhardt's closed form");
    }

    [Fact]
    public void ClassifiesNineAndTenAsPromotersSevenAndEightAsPassivesAndZeroToSixAsDetractors()
    {
        var result = NetPromoter.FromScores([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

        Assert.Equal((2, 2, 7), (result.Promoters, result.Passives, result.Detractors));
        Vectors.Near(100.0 * (2 - 7) / 11, result.Score, 1e-12, "NPS");
    }

    /// <summary>Hand-computed: everyone a promoter → NPS 100 with zero variance; the interval does not leave [−100, 100].</summary>
    [Fact]
    public void ReturnsZeroStandardErrorGivenUnanimousPromoters()
    {
        var result = NetPromoter.FromScores([9, 10, 10]);

        Assert.Equal(100, result.Score);
        Assert.Equal(0, result.StandardError);
        Assert.Equal((100.0, 100.0), (result.Lower, result.Upper));
    }

    /// <summary>Hand-computed: 1 promoter, 1 detractor of 2 → NPS 0, Var = p + d − (p − d)² = 1, SE = 100/√2; the 95%
    /// Wald interval ±138.6 is clipped to [−100, 100].</summary>
    [Fact]
    public void ClipsIntervalGivenTinySample()
    {
        var result = NetPromoter.FromScores([10, 0]);

        Vectors.Near(100 / Math.Sqrt(2), result.StandardError, 1e-12, "SE");
        Assert.Equal((-100.0, 100.0), (result.Lower, result.Upper));
    }

    [Fact]
    public void ThrowsInvalidInputGivenOutOfRangeOrFractionalScores()
    {
        var e = Assert.Throws<InvalidInputException>(() => NetPromoter.FromScores([11, 7.5, -1, double.NaN], 1.5));
        Assert.Equal(["scores[0]", "scores[1]", "scores[2]", "scores[3]", "confidence_level"], e.Violations.Select(x => x.Field));
    }

    [Fact]
    public void ThrowsInvalidInputGivenNoAnswers()
    {
        Assert.Throws<InvalidInputException>(() => NetPromoter.FromCounts(0, 0, 0));
    }
}
