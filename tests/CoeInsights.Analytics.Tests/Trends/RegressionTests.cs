using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

public class RegressionTests
{
    [Fact]
    public void ReturnsNistCertifiedValuesGivenNorris()
    {
        // Source: NIST/ITL StRD Norris.dat certified values (vectors/trends/v01_nist_norris_ols.json)
        var v = TrendVector.Load("v01_nist_norris_ols.json");
        var x = TrendVector.Doubles(v.Inputs.GetProperty("x"));
        var y = TrendVector.Doubles(v.Inputs.GetProperty("y"));
        var e = v.Expected;
        var tol = v.Tolerance;

        var r = LinearRegression.Fit(x, y);

        Approx.Relative(e.GetProperty("B0").GetDouble(), r.Intercept, tol, "B0");
        Approx.Relative(e.GetProperty("B1").GetDouble(), r.Slope, tol, "B1");
        Approx.Relative(e.GetProperty("sd_B0").GetDouble(), r.InterceptSe, tol, "sd_B0");
        Approx.Relative(e.GetProperty("sd_B1").GetDouble(), r.SlopeSe, tol, "sd_B1");
        Approx.Relative(e.GetProperty("residual_sd").GetDouble(), r.ResidualSd, tol, "residual_sd");
        Approx.Relative(e.GetProperty("r_squared").GetDouble(), r.RSquared, tol, "r_squared");
        Approx.Relative(e.GetProperty("ss_regression").GetDouble(), r.SsRegression, tol, "ss_regression");
        Approx.Relative(e.GetProperty("ss_residual").GetDouble(), r.SsResidual, tol, "ss_residual");
        Approx.Relative(e.GetProperty("f_statistic").GetDouble(), r.FStatistic, tol, "f_statistic");
        Assert.Equal(e.GetProperty("df_residual").GetInt32(), r.DfResidual);
    }

    [Fact]
    public void ReturnsNistCertifiedValuesGivenLongley()
    {
        // Source: NIST/ITL StRD Longley.dat certified values (vectors/trends/v02_nist_longley_ols.json), QR solve
        var v = TrendVector.Load("v02_nist_longley_ols.json");
        var rows = v.Inputs.GetProperty("rows").EnumerateArray().Select(TrendVector.Doubles).ToArray();
        var y = rows.Select(r => r[0]).ToArray();
        var xs = rows.Select(r => (IReadOnlyList<double>)r[1..]).ToArray();
        var e = v.Expected;
        var tol = v.Tolerance;

        var r = LinearRegression.FitMultiple(xs, y);

        var b = TrendVector.Doubles(e.GetProperty("B"));
        var sd = TrendVector.Doubles(e.GetProperty("sd_B"));
        for (var j = 0; j < b.Length; j++)
        {
            Approx.Relative(b[j], r.Coefficients[j], tol, $"B{j}");
            Approx.Relative(sd[j], r.StandardErrors[j], tol, $"sd_B{j}");
        }
        Approx.Relative(e.GetProperty("residual_sd").GetDouble(), r.ResidualSd, tol, "residual_sd");
        Approx.Relative(e.GetProperty("r_squared").GetDouble(), r.RSquared, tol, "r_squared");
        Approx.Relative(e.GetProperty("ss_regression").GetDouble(), r.SsRegression, tol, "ss_regression");
        Approx.Relative(e.GetProperty("ss_residual").GetDouble(), r.SsResidual, tol, "ss_residual");
        Approx.Relative(e.GetProperty("f_statistic").GetDouble(), r.FStatistic, tol, "f_statistic");
        Assert.Equal(e.GetProperty("df_regression").GetInt32(), r.DfRegression);
        Assert.Equal(e.GetProperty("df_residual").GetInt32(), r.DfResidual);
    }

    [Fact]
    public void ReturnsSlopePerSlotIgnoringGapsGivenSeriesWithMissingValues()
    {
        // y = 3 + 2·t exactly, with two blank slots; a blank is dropped, not read as 0
        double?[] values = [3, 5, null, 9, 11, null, 15];
        var r = LinearRegression.Trend(values);
        Assert.Equal(5, r.N);
        Assert.Equal(2.0, r.Slope, 12);
        Assert.Equal(3.0, r.Intercept, 12);
    }

    [Fact]
    public void ReturnsTwoSidedPValueMatchingTDistributionGivenNoisyLine()
    {
        // p computed as 2·CDF(−|t|): it must equal the Student t tail from MathNet for the same t and df
        double?[] values = [1, 3, 2, 5, 4, 6, 8, 7];
        var r = LinearRegression.Trend(values);
        var expected = 2 * MathNet.Numerics.Distributions.StudentT.CDF(0, 1, r.DfResidual, -Math.Abs(r.SlopeT));
        Assert.Equal(expected, r.SlopePValue, 15);
        Assert.True(r.SlopeCi.Lower < r.Slope && r.Slope < r.SlopeCi.Upper);
    }
}
