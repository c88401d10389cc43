using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

public class SenSlopeTests
{
    [Fact]
    public void ReturnsTrendPackageSlopeAndCiGivenMaxau()
    {
        // Source: R trend 1.1.6 sens.slope(maxau[,"s"]) (vectors/trends/v06_sens_slope_maxau.json)
        var v = TrendVector.Load("v06_sens_slope_maxau.json");
        var x = TrendVector.NullableDoubles(v.Inputs.GetProperty("x"));
        var e = v.Expected;

        var r = SenSlope.Estimate(x);

        Approx.Relative(e.GetProperty("sen_slope").GetDouble(), r.Slope, v.Tolerance, "slope");
        var ci = TrendVector.Doubles(e.GetProperty("ci95_trend_pkg"));
        Approx.Relative(ci[0], r.Ci.Lower, v.Tolerance, "ci lower");
        Approx.Relative(ci[1], r.Ci.Upper, v.Tolerance, "ci upper");
        Approx.Relative(e.GetProperty("intercept_pymannkendall").GetDouble(), r.Intercept, v.Tolerance, "intercept");
    }

    [Fact]
    public void ReturnsTrendPackageSlopeAndCiGivenNile()
    {
        // Source: R trend 1.1.6 sens.slope(Nile) (vectors/trends/v04_mann_kendall_nile.json)
        var v = TrendVector.Load("v04_mann_kendall_nile.json");
        var x = TrendVector.NullableDoubles(v.Inputs.GetProperty("x"));
        var e = v.Expected;

        var r = SenSlope.Estimate(x);

        Approx.Relative(e.GetProperty("sen_slope").GetDouble(), r.Slope, v.Tolerance, "slope");
        var ci = TrendVector.Doubles(e.GetProperty("sen_ci95"));
        Approx.Relative(ci[0], r.Ci.Lower, v.Tolerance, "ci lower");
        Approx.Relative(ci[1], r.Ci.Upper, v.Tolerance, "ci upper");
        Approx.Relative(e.GetProperty("sen_intercept_pymannkendall_conover").GetDouble(), r.Intercept, v.Tolerance, "intercept");
    }

    [Theory]
    [InlineData(1, 2000, false)]
    [InlineData(2, 1500, true)]
    [InlineData(3, 1201, false)]
    [InlineData(4, 900, true)]
    public void ReturnsExactPathResultGivenLongSeriesOnFastPath(int seed, int n, bool integerValues)
    {
        // The O(n log n) counting path must agree bit for bit with materialising every slope
        var rng = new Random(seed);
        var x = new double?[n];
        for (var i = 0; i < n; i++)
        {
            var noise = integerValues ? rng.Next(0, 8) : rng.NextDouble() * 50;
            x[i] = i % 97 == 5 ? null : 0.01 * i + noise + (i % 7 == 0 ? 20 : 0);
        }
        var fast = SenSlope.Estimate(x, 0.95, exactLimit: 0);
        var exact = SenSlope.Estimate(x, 0.95, exactLimit: long.MaxValue);
        Assert.Equal(exact.Slope, fast.Slope);
        Assert.Equal(exact.Ci, fast.Ci);
    }

    [Fact]
    public void ReturnsZeroSlopeGivenMostlyConstantLongSeries()
    {
        // a block of equal values: the zero-slope atom is settled exactly on the fast path
        var x = Enumerable.Range(0, 1500).Select(i => (double?)(i % 50 == 0 ? i % 3 : 1.0)).ToArray();
        var fast = SenSlope.Estimate(x, 0.95, exactLimit: 0);
        var exact = SenSlope.Estimate(x, 0.95, exactLimit: long.MaxValue);
        Assert.Equal(exact.Slope, fast.Slope);
        Assert.Equal(exact.Ci, fast.Ci);
    }
}
