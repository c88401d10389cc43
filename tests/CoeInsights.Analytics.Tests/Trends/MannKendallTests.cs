using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

public class MannKendallTests
{
    [Fact]
    public void ReturnsTrendPackageValuesGivenNile()
    {
        // Source: R trend 1.1.6 mk.test(Nile, continuity = TRUE) (vectors/trends/v04_mann_kendall_nile.json)
        var v = TrendVector.Load("v04_mann_kendall_nile.json");
        var x = TrendVector.NullableDoubles(v.Inputs.GetProperty("x"));
        var e = v.Expected;
        var tol = v.Tolerance;
        var pTol = v.Root.GetProperty("tolerance").GetProperty("p_value_rel").GetDouble();

        var r = MannKendall.Test(x);

        Assert.Equal(e.GetProperty("S").GetDouble(), r.S);
        Approx.Relative(e.GetProperty("varS").GetDouble(), r.VarianceS, tol, "varS");
        Approx.Relative(e.GetProperty("z").GetDouble(), r.Z, tol, "z");
        Approx.Relative(e.GetProperty("p_two_sided").GetDouble(), r.PValue, pTol, "p");
        Approx.Relative(e.GetProperty("tau_trend_pkg_tau_b").GetDouble(), r.TauB, tol, "tau (trend pkg)");
        Approx.Relative(e.GetProperty("tau_pymannkendall_S_over_n(n-1)/2").GetDouble(), r.TauA, tol, "Tau (pymannkendall)");
        Assert.Equal(TrendDirection.Decreasing, r.Direction);
    }

    [Fact]
    public void ReturnsTrendPackageValuesGivenMaxau()
    {
        // Source: R trend 1.1.6 mk.test(maxau[,"s"]) (vectors/trends/v06_sens_slope_maxau.json)
        var v = TrendVector.Load("v06_sens_slope_maxau.json");
        var x = TrendVector.NullableDoubles(v.Inputs.GetProperty("x"));
        var e = v.Expected;

        var r = MannKendall.Test(x);

        Assert.Equal(e.GetProperty("mk_S").GetDouble(), r.S);
        Approx.Relative(e.GetProperty("mk_varS").GetDouble(), r.VarianceS, v.Tolerance, "varS");
        Approx.Relative(e.GetProperty("z").GetDouble(), r.Z, v.Tolerance, "z");
        Approx.Relative(e.GetProperty("p").GetDouble(), r.PValue, 1e-9, "p");
        Approx.Relative(e.GetProperty("mk_tau_trend_pkg").GetDouble(), r.TauB, v.Tolerance, "tau");
    }

    [Fact]
    public void ReturnsSameSAsPairwiseDefinitionGivenRandomSeriesWithTies()
    {
        // S by merge-sort inversion counting must equal the O(n²) definition Σ sign(x_j − x_i)
        var rng = new Random(7);
        for (var trial = 0; trial < 50; trial++)
        {
            var n = rng.Next(3, 300);
            var x = Enumerable.Range(0, n).Select(_ => (double?)rng.Next(0, 20)).ToArray();
            double s = 0;
            for (var i = 0; i < n; i++)
                for (var j = i + 1; j < n; j++)
                    s += Math.Sign(x[j]!.Value - x[i]!.Value);
            Assert.Equal(s, MannKendall.Test(x).S);
        }
    }

    [Fact]
    public void ReturnsSumOfSeasonStatisticsGivenSeasonalTest()
    {
        // Hirsch-Slack: S and Var(S) are the sums over seasons; continuity applied once to the total
        var rng = new Random(11);
        var values = Enumerable.Range(0, 84).Select(i => (double?)(i % 7 * 10 + i * 0.1 + rng.NextDouble())).ToArray();
        var r = MannKendall.SeasonalTest(values, 7);
        double s = 0, varS = 0;
        for (var g = 0; g < 7; g++)
        {
            var season = values.Where((_, i) => i % 7 == g).ToArray();
            var mk = MannKendall.Test(season);
            s += mk.S;
            varS += mk.VarianceS;
        }
        Assert.Equal(s, r.S);
        Assert.Equal(varS, r.VarianceS, 9);
        Assert.Equal((s - Math.Sign(s)) / Math.Sqrt(varS), r.Z, 12);
        Assert.Equal(TrendDirection.Increasing, r.Direction);
    }
}
