using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

/// <summary>
/// The statistics issue 21 exposes (intercept inference, F and its p, adjusted R², the Kendall continuity switch with
/// S and Var(S), the anomaly score conventions), each against numbers a published package or paper prints.
/// </summary>
public class PublishedConventionTests
{
    // R datasets::women (height 58..72 in, weight lb), the example of R's lm documentation and countless tutorials.
    internal static readonly double[] WomenHeight = [58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72];
    internal static readonly double[] WomenWeight = [115, 117, 120, 123, 126, 129, 132, 135, 139, 142, 146, 150, 154, 159, 164];

    [Fact]
    public void ReturnsRSummaryLmGivenWomen()
    {
        // R 4.x summary(lm(weight ~ height, data = women)), as printed:
        //   (Intercept) -87.51667  5.93694  -14.74  1.71e-09 (0.0000000017110819 with digits = 17)
        //   height        3.45000  0.09114   37.85  1.09e-14
        //   Residual standard error: 1.525 on 13 degrees of freedom
        //   Multiple R-squared: 0.991, Adjusted R-squared: 0.9903; F-statistic: 1433 on 1 and 13 DF, p-value: 1.091e-14
        // confint(fit): (Intercept) -100.342655 -74.690679; height 3.253112 3.646888
        var r = LinearRegression.Fit(WomenHeight, WomenWeight);

        Approx.Absolute(-87.51667, r.Intercept, 5e-6, "intercept");
        Approx.Absolute(5.93694, r.InterceptSe, 5e-6, "intercept SE");
        Approx.Absolute(-14.74, r.InterceptT, 5e-3, "intercept t");
        Approx.Relative(1.7110819e-09, r.InterceptPValue, 1e-7, "intercept p");
        Approx.Absolute(-100.342655, r.InterceptCi.Lower, 5e-7, "intercept CI lower");
        Approx.Absolute(-74.690679, r.InterceptCi.Upper, 5e-7, "intercept CI upper");
        Approx.Absolute(3.253112, r.SlopeCi.Lower, 5e-7, "slope CI lower");
        Approx.Absolute(3.646888, r.SlopeCi.Upper, 5e-7, "slope CI upper");
        Approx.Absolute(0.09114, r.SlopeSe, 5e-6, "slope SE");
        // printCoefmat rounds t to 3 decimals, then prints 4 significant digits (37.855 → "37.85"): ±0.01
        Approx.Absolute(37.85, r.SlopeT, 1e-2, "slope t");
        Approx.Absolute(1.525, r.ResidualSd, 5e-4, "residual standard error");
        Approx.Absolute(0.991, r.RSquared, 5e-4, "R²");
        Approx.Absolute(0.9903, r.AdjustedRSquared, 5e-5, "adjusted R²");
        Approx.Absolute(1433, r.FStatistic, 0.5, "F");
        Approx.Relative(1.091e-14, r.FPValue, 5e-4, "F p-value");
        Assert.Equal(13, r.DfResidual);
    }

    [Fact]
    public void ReturnsPublishedInferenceGivenLongley()
    {
        // NIST StRD Longley (vectors/trends/v02_nist_longley_ols.json). Published beyond the certified values:
        // statsmodels/regression/tests/results/results_regression.py class Longley: rsquared_adj 0.99246501, pvalues
        // (from R, order x1..x6, const) 0.86314083 0.31268106 0.00253509 0.00094437 0.8262118 0.0030368 0.0035604 and
        // conf_int (Stata) const (-5496529, -1467987), x1 (-177.0291, 207.1524). R summary(lm(Employed ~ ., longley))
        // (the same data in other units; t, p and F do not depend on units): intercept t -3.911, F 330.3 on 6 and 9 DF,
        // p-value 4.984e-10.
        var v = TrendVector.Load("v02_nist_longley_ols.json");
        var rows = v.Inputs.GetProperty("rows").EnumerateArray().Select(TrendVector.Doubles).ToArray();
        var y = rows.Select(r => r[0]).ToArray();
        var xs = rows.Select(r => (IReadOnlyList<double>)r[1..]).ToArray();

        var r = LinearRegression.FitMultiple(xs, y);

        Approx.Absolute(0.99246501, r.AdjustedRSquared, 5e-9, "adjusted R²");
        double[] p = [0.0035604, 0.86314083, 0.31268106, 0.00253509, 0.00094437, 0.8262118, 0.0030368];
        for (var j = 0; j < p.Length; j++) Approx.Relative(p[j], r.PValues[j], 2e-5, $"p[{j}]");
        Approx.Absolute(-3.911, r.TStatistics[0], 5e-4, "intercept t");
        Approx.Relative(-5496529, r.ConfidenceIntervals[0].Lower, 1e-6, "const CI lower");
        Approx.Relative(-1467987, r.ConfidenceIntervals[0].Upper, 1e-6, "const CI upper");
        Approx.Relative(-177.0291, r.ConfidenceIntervals[1].Lower, 1e-6, "x1 CI lower");
        // Stata's printed upper bound is 4e-4 away from its own lower bound + 2·t·SE (7th digit): 2e-6 relative
        Approx.Relative(207.1524, r.ConfidenceIntervals[1].Upper, 2e-6, "x1 CI upper");
        Approx.Relative(4.984e-10, r.FPValue, 1e-3, "F p-value");
        Assert.Empty(r.Undefined);
    }

    [Fact]
    public void RejectsCollinearRegressorsWithFieldNotNaN()
    {
        // x2 = 2·x1: the design matrix has rank 2 of 3
        IReadOnlyList<double>[] rows = [[1, 2], [2, 4], [3, 6], [4, 8], [5, 10]];
        var e = Assert.Throws<InvalidInputException>(() => LinearRegression.FitMultiple(rows, [1, 3, 2, 5, 4]));
        Assert.Equal("predictors", Assert.Single(e.Violations).Field);
    }

    [Fact]
    public void ReturnsKendallScoreAndVarianceGivenKendall1976Example43()
    {
        // Kendall (1976) Rank Correlation Methods, p. 55, Example 4.3, quoted in R Kendall package man/Kendall.Rd:
        // "Kendall obtains S=34 and Var(S)=203.30". With ties, Kendall::Kendall's p-value is the normal approximation
        // with continuity correction (man/Kendall.Rd), z = (S − 1)/√Var(S) = 33/√203.30 (= R cor.test continuity = TRUE).
        double?[] x = [1.5, 1.5, 3, 4, 6, 6, 6, 8, 9.5, 9.5, 11, 12];
        double?[] y = [2.5, 2.5, 7, 4.5, 1, 4.5, 6, 11.5, 11.5, 8.5, 8.5, 10];

        var plain = Correlation.KendallTauB(x, y);
        var corrected = Correlation.KendallTauB(x, y, continuityCorrection: true);

        Assert.Equal(34, plain.S);
        Approx.Absolute(203.30, plain.VarianceS!.Value, 5e-3, "Var(S)");
        Approx.Relative(34 / Math.Sqrt(203.30), plain.Statistic, 2e-5, "z without correction");
        Approx.Relative(33 / Math.Sqrt(203.30), corrected.Statistic, 2e-5, "z with continuity correction");
        Assert.True(corrected.PValue > plain.PValue, "the correction moves z towards 0");
        Assert.True(corrected.ContinuityCorrection);
        Assert.False(plain.ContinuityCorrection);
    }

    [Fact]
    public void ReturnsKendallScoreGivenKendall1976Example34()
    {
        // Kendall (1976) p. 42-43, Example 3.4 (R Kendall man/Kendall.Rd): "Kendall obtains S=34, D=sqrt(116*60), tau=0.41"
        double?[] a = [2.5, 2.5, 2.5, 2.5, 5, 6.5, 6.5, 10, 10, 10, 10, 10, 14, 14, 14, 16, 17];
        double?[] b = [1, 1, 1, 1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 2, 2, 2];
        var r = Correlation.KendallTauB(a, b);
        Assert.Equal(34, r.S);
        Approx.Relative(34 / Math.Sqrt(116.0 * 60), r.Coefficient, 1e-12, "tau-b = S/D");
        Approx.Absolute(0.41, r.Coefficient, 5e-3, "tau as printed");
    }

    [Fact]
    public void SwitchesMannKendallContinuityGivenNile()
    {
        // R trend 1.1.6 mk.test(Nile) (vectors/trends/v04_mann_kendall_nile.json): S = −1387, varS = 112728.333…,
        // z = −4.128066522844101 with continuity = TRUE; continuity = FALSE is z = S/√varS.
        var v = TrendVector.Load("v04_mann_kendall_nile.json");
        var x = TrendVector.Doubles(v.Inputs.GetProperty("x")).Select(d => (double?)d).ToArray();
        var e = v.Expected;
        var s = e.GetProperty("S").GetDouble();
        var varS = e.GetProperty("varS").GetDouble();

        var on = TrendAnalysis.Analyze(x).MannKendall;
        var off = TrendAnalysis.Analyze(x, new TrendOptions(ContinuityCorrection: false)).MannKendall;

        Approx.Relative(e.GetProperty("z").GetDouble(), on.Z, 1e-12, "z (continuity = TRUE)");
        Approx.Relative(s / Math.Sqrt(varS), off.Z, 1e-12, "z (continuity = FALSE)");
        Assert.False(off.ContinuityCorrection);
    }

    [Fact]
    public void ScalesMadByNormalConstantGivenLeys2013Example()
    {
        // Leys, Ley, Klein, Bernard & Licata (2013), J. Exp. Soc. Psychol. 49:764-766, worked example: the series
        // 1, 3, 3, 6, 8, 10, 10, 1000 has median 7 and MAD = 1.4826 × 3.5 = 5.1891 (R stats::mad's constant).
        double?[] x = [1, 3, 3, 6, 8, 10, 10, 1000];
        var r = AnomalyDetector.Detect(x, new AnomalyOptions(Threshold: 3, Method: AnomalyScoreMethod.MadScaled));

        Assert.Equal(7, r.Median);
        Assert.Equal(7, r.Center);
        Approx.Absolute(5.1891, r.Scale, 5e-5, "1.4826·MAD");
        var outlier = Assert.Single(r.Anomalies);
        Assert.Equal(1000, outlier.Value);
        Approx.Relative((1000 - 7) / 5.1891, outlier.Score, 1e-5, "(x − median)/(1.4826·MAD)");
        Assert.Equal(AnomalyScoreMethod.MadScaled, r.Method);
    }

    [Fact]
    public void ReturnsSampleZScoresGivenScipyDocumentationExample()
    {
        // scipy.stats.zscore documentation, "using n-1 degrees of freedom (ddof=1)", stats.zscore(b, axis=1, ddof=1)
        double[][] b =
        [
            [0.3148, 0.0478, 0.6243, 0.4608], [0.7149, 0.0775, 0.6072, 0.9656], [0.6341, 0.1403, 0.9759, 0.4064],
            [0.5918, 0.6948, 0.904, 0.3721], [0.0921, 0.2481, 0.1188, 0.1366],
        ];
        double[][] expected =
        [
            [-0.19264823, -1.28415119, 1.07259584, 0.40420358], [0.33048416, -1.37380874, 0.04251374, 1.00081084],
            [0.26796377, -1.12598418, 1.23283094, -0.37481053], [-0.22095197, 0.24468594, 1.19042819, -1.21416216],
            [-0.82780366, 1.4457416, -0.43867764, -0.1792603],
        ];
        for (var row = 0; row < b.Length; row++)
        {
            var r = AnomalyDetector.Detect(b[row].Select(d => (double?)d).ToArray(), new AnomalyOptions(Method: AnomalyScoreMethod.ZScore));
            for (var i = 0; i < 4; i++) Approx.Absolute(expected[row][i], r.Points[i].Score, 5e-8, $"z[{row}][{i}]");
            Approx.Relative(b[row].Average(), r.Center, 1e-12, "centre = mean");
        }
    }
}

public class SeasonalMannKendallPublishedTests
{
    [Fact]
    public void ReturnsPymannkendallTestSuiteValuesGivenMonthlyRainfallWithGaps()
    {
        // pymannkendall tests/test_pymannkendall.py::test_seasonal_test (vectors/trends/v15_…json): Bogra monthly
        // rainfall 1981-2010 with blank months, period 12: s −399, var_s 34702.333333333336, z −2.136504114534638,
        // p 0.03263834596177739, Tau −0.0794979079497908 (continuity correction once on the summed S).
        var v = TrendVector.Load("v15_seasonal_mann_kendall_pymannkendall_rainfall.json");
        var x = TrendVector.NullableDoubles(v.Inputs.GetProperty("x"));
        var e = v.Expected;

        var r = MannKendall.SeasonalTest(x, 12);

        Assert.Equal(e.GetProperty("s").GetDouble(), r.S);
        Approx.Relative(e.GetProperty("var_s").GetDouble(), r.VarianceS, 1e-12, "var_s");
        Approx.Relative(e.GetProperty("z").GetDouble(), r.Z, 1e-12, "z");
        Approx.Relative(e.GetProperty("p").GetDouble(), r.PValue, 1e-9, "p");
        Approx.Relative(e.GetProperty("Tau").GetDouble(), r.TauA, 1e-12, "Tau");
        Assert.Equal(TrendDirection.Decreasing, r.Direction);
    }

    [Fact]
    public void ReturnsPymannkendallSeasonalSensSlopeGivenMonthlyRainfallWithGapsDroppingIncompleteYears()
    {
        // The same pymannkendall test asserts seasonal_sens_slope == −0.16666666666666666 (drops each year with a blank month).
        var v = TrendVector.Load("v15_seasonal_mann_kendall_pymannkendall_rainfall.json");
        var x = TrendVector.NullableDoubles(v.Inputs.GetProperty("x"));
        var expected = v.Root.GetProperty("expected_seasonal_sens_slope");

        var r = SeasonalSenSlope.Estimate(x, 12, SeasonalSenConvention.DropIncompleteCycles);

        Assert.Equal(expected.GetProperty("slope").GetDouble(), r.Slope!.Value, expected.GetProperty("tolerance_absolute").GetDouble());
        // Hirsch et al. keep every observed pair over its true gap: other pairs, so (on this data) another median.
        var pairwise = SeasonalSenSlope.Estimate(x, 12);
        Assert.True(pairwise.PairCount > r.PairCount, $"{pairwise.PairCount} vs {r.PairCount}");
    }

    /// <summary>
    /// Worked by hand (Hirsch, Slack &amp; Smith 1982): two seasons over three cycles, season 0 = 1, 3, 5 (slopes 2, 2, 2)
    /// and season 1 = 10, 9, 14 (slopes −1, 2, 5); the median of {−1, 2, 2, 2, 2, 5} is 2 per cycle. Without its
    /// middle cycle, season 1 keeps one pair, (14 − 10)/2 = 2 with the true gap; dropping incomplete cycles renumbers
    /// cycle 3 as 2, so both seasons' single pairs are over one cycle: 4 and 4.
    /// </summary>
    [Fact]
    public void ReturnsHandWorkedSeasonalSlopesGivenEachConvention()
    {
        double?[] complete = [1, 10, 3, 9, 5, 14];
        Assert.Equal(2, SeasonalSenSlope.Estimate(complete, 2).Slope);
        Assert.Equal(2, SeasonalSenSlope.Estimate(complete, 2, SeasonalSenConvention.DropIncompleteCycles).Slope);

        double?[] gap = [1, 10, 3, null, 5, 14];
        var pairwise = SeasonalSenSlope.Estimate(gap, 2);
        Assert.Equal((4L, 2.0), (pairwise.PairCount, pairwise.Slope!.Value)); // {2, 2, 2} and {2}
        var dropped = SeasonalSenSlope.Estimate(gap, 2, SeasonalSenConvention.DropIncompleteCycles);
        Assert.Equal((2L, 4.0), (dropped.PairCount, dropped.Slope!.Value));
    }
}
