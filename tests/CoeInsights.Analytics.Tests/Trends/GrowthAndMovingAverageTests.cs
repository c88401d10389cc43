using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

public class GrowthAndMovingAverageTests
{
    private static readonly TrendVector V = TrendVector.Load("v13_growth_cagr_moving_average.json");

    private static double?[] X => TrendVector.NullableDoubles(V.Inputs.GetProperty("x"));

    [Fact]
    public void ReturnsPandasPctChangeGivenSeries()
    {
        // Source: pandas 1.5.3 pct_change ×100 (vectors/trends/v13_growth_cagr_moving_average.json)
        var expected = TrendVector.NullableDoubles(V.Expected.GetProperty("pop_pct"));
        Approx.Relative(expected, Growth.PeriodOverPeriod(X), V.Tolerance, "pop_pct");
    }

    [Fact]
    public void ReturnsNoValueGivenPreviousZero()
    {
        // Source: content-pulse#16 acceptance examples (10,000 vs 8,000 → +25%; previous 0 → N/A)
        var examples = V.Inputs.GetProperty("pop_examples").EnumerateArray().Select(TrendVector.Doubles).ToArray();
        var expected = TrendVector.NullableDoubles(V.Expected.GetProperty("pop_examples_pct"));
        var actual = examples.Select(e => Growth.PercentChange(e[0], e[1])).ToArray();
        Approx.Relative(expected, actual, V.Tolerance, "pop_examples_pct");
    }

    [Fact]
    public void ReturnsPublishedCagrGivenNinePeriods()
    {
        // Source: CAGR = (EV/BV)^(1/n) − 1 (inchcalculator, bplans), value (205/100)^(1/9) − 1
        Approx.Relative(V.Expected.GetProperty("cagr_9_periods").GetDouble(), Growth.Cagr(X)!.Value, V.Tolerance, "cagr");
    }

    [Fact]
    public void ReturnsAnnualisedCagrGivenPeriodsPerYear()
    {
        // 8 quarters from 100 to 121 is two years at 10% a year
        double?[] q = [100, null, null, null, null, null, null, null, 121];
        Assert.Equal(0.1, Growth.Cagr(q, periodsPerYear: 4)!.Value, 12);
        Assert.Null(Growth.Cagr([0, 5, 10]));
    }

    [Fact]
    public void ReturnsFullWindowsOnlyGivenTrailingAndCentredWindows()
    {
        // Source: R stats::filter sides = 1 / sides = 2 and pandas rolling(3) (v13): no partial windows, unlike MathNet
        var trailing = TrendVector.NullableDoubles(V.Expected.GetProperty("trailing_ma3"));
        var centred = TrendVector.NullableDoubles(V.Expected.GetProperty("centered_ma3"));
        var w = V.Inputs.GetProperty("ma_window").GetInt32();
        Approx.Relative(trailing, MovingAverages.Simple(X, w), V.Tolerance, "trailing_ma3");
        Approx.Relative(centred, MovingAverages.Simple(X, w, WindowAlignment.Centered), V.Tolerance, "centered_ma3");
    }

    [Fact]
    public void ReturnsPandasEwmAdjustFalseGivenAlpha()
    {
        // Source: pandas ewm(alpha=0.5, adjust=False) (v13)
        var expected = TrendVector.NullableDoubles(V.Expected.GetProperty("ewma_0.5_adjust_false"));
        var alpha = V.Inputs.GetProperty("ewma_alpha").GetDouble();
        Approx.Relative(expected, MovingAverages.Exponential(X, alpha), V.Tolerance, "ewma");
    }

    [Fact]
    public void ReturnsNoAverageGivenWindowWithGap()
    {
        double?[] x = [1, 2, 3, null, 5, 6, 7];
        var ma = MovingAverages.Simple(x, 3);
        Assert.Equal([null, null, 2.0, null, null, null, 6.0], ma);
    }
}
