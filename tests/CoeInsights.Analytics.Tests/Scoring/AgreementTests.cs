using CoeInsights.Analytics.Scoring;

namespace CoeInsights.Analytics.Tests.Scoring;

public sealed class AgreementTests
{
    /// <summary>
    /// Siegel &amp; Castellan (1988), 3 raters × 8 attributes as in DescTools KendallW.Rd; expected from R irr::kendall and
    /// friedman.test (vectors/mcda/kendall_w_siegel_castellan_1988.json). The file is subjects × raters; our input is raters × items.
    /// </summary>
    [Fact]
    public void ReturnsPublishedWGivenSiegelCastellanRanks()
    {
        var v = Vectors.Load("mcda/kendall_w_siegel_castellan_1988.json");
        var subjectsByRaters = v.GetProperty("inputs").GetProperty("ranks_subjects_x_raters").Matrix();
        var raters = subjectsByRaters[0].Length;
        var scores = Enumerable.Range(0, raters).Select(r => (IReadOnlyList<double>)Vectors.Transposed(subjectsByRaters, r)).ToArray();

        var result = ScoringEngine.ComputeAgreement(new AgreementRequest { Scores = scores });

        var expected = v.GetProperty("expected");
        var tol = v.GetProperty("tolerance");
        Vectors.Near(expected.GetProperty("W").GetDouble(), result.W, tol.GetProperty("W").GetDouble(), "W");
        Vectors.Near(expected.GetProperty("W").GetDouble(), result.WTieCorrected, tol.GetProperty("W").GetDouble(), "W (no ties)");
        Vectors.Near(expected.GetProperty("chi2").GetDouble(), result.ChiSquare, tol.GetProperty("chi2").GetDouble(), "chi2");
        Vectors.Near(expected.GetProperty("p_value").GetDouble(), result.PValue, tol.GetProperty("p_value").GetDouble(), "p");
        Vectors.Near(expected.GetProperty("S_sum_sq_dev_rank_sums").GetDouble(), result.S, 1e-9, "S");
        Assert.Equal(expected.GetProperty("df").GetInt32(), result.DegreesOfFreedom);
        Assert.Equal(0.0, result.TieCorrection);
    }

    /// <summary>
    /// Literature example with ties: Hollander &amp; Wolfe (1973) "Nonparametric Statistical Methods", p. 140ff, rounding first
    /// base (22 players × 3 methods), the data of R's stats::friedman.test help page (RoundingTimes). R prints
    /// "Friedman chi-squared = 11.143, df = 2, p-value = 0.003805" (tie-corrected); Kendall's W_t = χ²/(m(n − 1)) = 0.2532468.
    /// Players are the raters, methods the items.
    /// </summary>
    [Fact]
    public void ReturnsFriedmanTieCorrectedStatisticGivenHollanderWolfeRoundingTimes()
    {
        double[][] roundingTimes =
        [
            [5.40, 5.50, 5.55], [5.85, 5.70, 5.75], [5.20, 5.60, 5.50], [5.55, 5.50, 5.40], [5.90, 5.85, 5.70],
            [5.45, 5.55, 5.60], [5.40, 5.40, 5.35], [5.45, 5.50, 5.35], [5.25, 5.15, 5.00], [5.85, 5.80, 5.70],
            [5.25, 5.20, 5.10], [5.65, 5.55, 5.45], [5.60, 5.35, 5.45], [5.05, 5.00, 4.95], [5.50, 5.50, 5.40],
            [5.45, 5.55, 5.50], [5.55, 5.55, 5.35], [5.45, 5.50, 5.55], [5.50, 5.45, 5.25], [5.65, 5.60, 5.40],
            [5.70, 5.65, 5.55], [6.30, 6.30, 6.25],
        ];

        var result = ScoringEngine.ComputeAgreement(new AgreementRequest { Scores = roundingTimes });

        Vectors.Near(11.143, result.ChiSquare, 0.0005, "Friedman chi-squared (printed to 3 dp)");
        Vectors.Near(0.003805, result.PValue, 5e-7, "p-value (printed to 4 significant digits)");
        Vectors.Near(0.2532468, result.WTieCorrected, 5e-8, "W_t (printed to 7 dp)");
        Assert.Equal(2, result.DegreesOfFreedom);
        Assert.Equal(22, result.Raters);
        Assert.True(result.W < result.WTieCorrected, "the tie correction must raise W when ties exist");
        Assert.Equal(4 * 6.0, result.TieCorrection); // four players with one pair tied: 4 × (2³ − 2)
    }

    [Fact]
    public void ReturnsPerfectAgreementGivenIdenticalRankings()
    {
        var result = ScoringEngine.ComputeAgreement(new AgreementRequest { Scores = [[1, 2, 3, 4], [10, 20, 30, 40], [0.1, 0.2, 0.3, 0.4]] });
        Vectors.Near(1.0, result.WTieCorrected, 1e-12, "W");
    }

    [Fact]
    public void ReturnsUndefinedAgreementGivenEveryRaterTyingEverything()
    {
        var result = ScoringEngine.ComputeAgreement(new AgreementRequest { Scores = [[3, 3, 3], [4, 4, 4]] });
        Assert.False(result.IsDefined);
        Assert.Equal(0.0, result.WTieCorrected);
        Assert.Equal(1.0, result.PValue);
    }
}
