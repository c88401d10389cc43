using CoeInsights.Analytics.Surveys;
using CoeInsights.Analytics.Tests.Scoring;

namespace CoeInsights.Analytics.Tests.Surveys;

public sealed class RankingTests
{
    private static readonly string[] Cities = ["Memphis", "Nashville", "Chattanooga", "Knoxville"];

    /// <summary>Wikipedia, "Borda count", section "Example" (the Tennessee capital election; same table on electowiki.org
    /// "Borda count"): 42% Memphis > Nashville > Chattanooga > Knoxville, 26% Nashville > Chattanooga > Knoxville > Memphis,
    /// 15% Chattanooga > Knoxville > Nashville > Memphis, 17% Knoxville > Chattanooga > Nashville > Memphis; with n − i points
    /// per 100 voters: Memphis 126, Nashville 194, Chattanooga 173, Knoxville 107; Nashville wins.</summary>
    internal static IReadOnlyList<string>[] TennesseeBallots() =>
    [
        .. Enumerable.Repeat<IReadOnlyList<string>>(["Memphis", "Nashville", "Chattanooga", "Knoxville"], 42),
        .. Enumerable.Repeat<IReadOnlyList<string>>(["Nashville", "Chattanooga", "Knoxville", "Memphis"], 26),
        .. Enumerable.Repeat<IReadOnlyList<string>>(["Chattanooga", "Knoxville", "Nashville", "Memphis"], 15),
        .. Enumerable.Repeat<IReadOnlyList<string>>(["Knoxville", "Chattanooga", "Nashville", "Memphis"], 17),
    ];

    [Fact]
    public void ReturnsPublishedBordaPointsGivenTennesseeExample()
    {
        var result = RankingAggregation.Borda(Cities, TennesseeBallots());

        Vectors.AllNear([126, 194, 173, 107], result.Options.Select(o => o.BordaPoints).ToArray(), 1e-9, "Borda points");
        Assert.Equal(["Nashville", "Chattanooga", "Memphis", "Knoxville"], result.Order);
        Assert.Equal(0, result.PartialRankings);
    }

    /// <summary>Same source: the published rank table (Memphis first 42%, fourth 58%; Nashville 26/42/32/0; Chattanooga
    /// 15/43/42/0; Knoxville 17/15/26/42) gives the mean ranks Σ rank · share.</summary>
    [Fact]
    public void ReturnsMeanRanksFromPublishedRankTableGivenTennesseeExample()
    {
        double[][] shares = [[42, 0, 0, 58], [26, 42, 32, 0], [15, 43, 42, 0], [17, 15, 26, 42]];
        var expected = shares.Select(s => s.Select((p, r) => p / 100 * (r + 1)).Sum()).ToArray();

        var result = RankingAggregation.Borda(Cities, TennesseeBallots());

        Vectors.AllNear(expected, result.Options.Select(o => o.MeanRank).ToArray(), 1e-12, "mean rank");
    }

    /// <summary>No published example for partial rankings; hand-computed with the documented mid-rank convention. 3 options,
    /// one ballot ranks only "a": a gets rank 1 (2 points), b and c share ranks 2–3 (mid-rank 2.5, 0.5 points each).</summary>
    [Fact]
    public void SharesRemainingPointsGivenPartialRanking()
    {
        var result = RankingAggregation.Borda(["a", "b", "c"], [["a"], ["c", "b", "a"]]);

        Vectors.AllNear([2, 1.5, 2.5], result.Options.Select(o => o.BordaPoints).ToArray(), 1e-12, "points");
        Vectors.AllNear([2, 2.25, 1.75], result.Options.Select(o => o.MeanRank).ToArray(), 1e-12, "mean rank");
        Assert.Equal([2, 1, 1], result.Options.Select(o => o.TimesRanked));
        Assert.Equal(1, result.PartialRankings);
        Assert.Equal(6.0, result.Options.Sum(o => o.BordaPoints));
    }

    /// <summary>Hand-computed: department A (3 ballots a > b) vs department B (1 ballot b > a): plain mean rank of a is 1.25,
    /// balanced (each department counts equally) is (1 + 2)/2 = 1.5.</summary>
    [Fact]
    public void ReturnsBalancedMeanRankGivenUnequalDepartments()
    {
        var result = RankingAggregation.Borda(["a", "b"], [["a", "b"], ["a", "b"], ["a", "b"], ["b", "a"]], ["A", "A", "A", "B"]);

        Vectors.Near(1.25, result.Options[0].MeanRank, 1e-12, "plain");
        Vectors.Near(1.5, result.Options[0].BalancedMeanRank, 1e-12, "balanced");
        Vectors.Near(0.5, result.Options[0].BalancedMeanBordaPoints, 1e-12, "balanced points");
    }

    [Fact]
    public void ThrowsInvalidInputGivenUnknownOrRepeatedOption()
    {
        var e = Assert.Throws<InvalidInputException>(() => RankingAggregation.Borda(["a", "b"], [["a", "a"], ["z"], []]));
        Assert.Contains(e.Violations, x => x.Field == "rankings[0][1]");
        Assert.Contains(e.Violations, x => x.Field == "rankings[1][0]");
        Assert.Contains(e.Violations, x => x.Field == "rankings[2]");
    }
}
