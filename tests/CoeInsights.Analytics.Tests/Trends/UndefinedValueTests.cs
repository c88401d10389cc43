using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

/// <summary>docs/trends.md "Undefined and defined values": degenerate series get defined values or a named reason, never a silent NaN.</summary>
public class UndefinedValueTests
{
    private static readonly double?[] Constant = [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5];

    private static double?[] Line(int n, double intercept, double slope) => Enumerable.Range(0, n).Select(i => (double?)(intercept + slope * i)).ToArray();

    private static readonly double?[] Noisy = [3, 7, 4, 9, 8, 12, 10, 15, 13, 14, 18, 16, 21, 19];

    [Fact]
    public void GivesZeroSlopeAndNamesUndefinedTestStatisticsGivenConstantSeries()
    {
        var r = TrendAnalysis.Analyze(Constant, new TrendOptions(SeasonLength: 7));
        Assert.Equal(0, r.Ols.Slope);
        Assert.Equal(5, r.Ols.Intercept);
        Assert.Equal(0, r.Ols.SlopeSe);
        Assert.Equal(new Interval(0, 0), r.Ols.SlopeCi);
        Assert.True(double.IsNaN(r.Ols.SlopeT) && double.IsNaN(r.Ols.SlopePValue) && double.IsNaN(r.Ols.RSquared));
        Assert.Equal(["slope_t", "slope_p_value", "r_squared", "intercept_t", "adjusted_r_squared", "f_statistic", "f_p_value"],
            r.Ols.Undefined.Select(u => u.Field));
        Assert.Equal(double.PositiveInfinity, r.Ols.InterceptT);
        Assert.Equal(0, r.Ols.InterceptPValue);
        Assert.All(r.Ols.Undefined, u => Assert.Contains("constant", u.Reason));

        Assert.Equal(0, r.MannKendall.S);
        Assert.Equal(0, r.MannKendall.VarianceS);
        Assert.Equal(0, r.MannKendall.Z);
        Assert.Equal(1, r.MannKendall.PValue);
        Assert.Equal(0, r.MannKendall.TauA);
        Assert.True(double.IsNaN(r.MannKendall.TauB));
        Assert.Equal("tau_b", Assert.Single(r.MannKendall.Undefined).Field);
        Assert.Equal(TrendDirection.NoTrend, r.MannKendall.Direction);
        // every season constant is an answer (z = 0, p = 1), not bad input
        Assert.Equal(1, r.SeasonalMannKendall!.PValue);
        Assert.Equal("tau_b", Assert.Single(r.SeasonalMannKendall.Undefined).Field);

        Assert.Equal(0, r.SenSlope.Slope);
        Assert.Equal(new Interval(0, 0), r.SenSlope.Ci);
        Assert.Equal(5, r.SenSlope.Intercept);
        Assert.Empty(r.Anomalies.Anomalies);
        Assert.Equal(0, r.Anomalies.Scale);
        Assert.Equal(0, r.Cagr);
    }

    [Fact]
    public void GivesRSquaredOneAndPValueZeroGivenExactLine()
    {
        var r = TrendAnalysis.Analyze(Line(10, 3, 2));
        Assert.Equal(2, r.Ols.Slope);
        Assert.Equal(3, r.Ols.Intercept);
        Assert.Equal(0, r.Ols.SlopeSe);
        Assert.Equal(new Interval(2, 2), r.Ols.SlopeCi);
        Assert.Equal(1, r.Ols.RSquared);
        Assert.Equal(0, r.Ols.SlopePValue);
        Assert.Equal(double.PositiveInfinity, r.Ols.SlopeT);
        Assert.Equal(["slope_t", "intercept_t", "f_statistic"], r.Ols.Undefined.Select(u => u.Field));
        Assert.Equal(1, r.Ols.AdjustedRSquared);
        Assert.Equal(0, r.Ols.FPValue);
        Assert.Equal(1, r.MannKendall.TauB);
        Assert.Empty(r.MannKendall.Undefined);

        var down = TrendAnalysis.Analyze(Line(10, 3, -2));
        Assert.Equal(double.NegativeInfinity, down.Ols.SlopeT);
        Assert.Equal(1, down.Ols.RSquared);
    }

    [Fact]
    public void GivesFiniteTStatisticGivenNoisySeries()
    {
        var r = LinearRegression.Trend(Noisy);
        Assert.True(double.IsFinite(r.SlopeT) && r.SlopePValue is > 0 and < 1e-6 && r.RSquared is > 0.9 and < 1);
        Assert.Empty(r.Undefined);
    }

    public static TheoryData<int> Exponents => [1000, -1000, 600, -600];

    /// <summary>
    /// Independent check of the rescaling: y·2^k is exact, so every statistic of the scaled series must be the
    /// statistic of the plain series times 2^k (slopes, intercepts, errors, medians) or identical (t, p, R², z, scores).
    /// </summary>
    [Theory]
    [MemberData(nameof(Exponents))]
    public void ScalesExactlyGivenValuesNearTheDoubleRange(int k)
    {
        var scaled = Noisy.Select(x => (double?)Math.ScaleB(x!.Value, k)).ToArray();
        var plain = TrendAnalysis.Analyze(Noisy);
        var big = TrendAnalysis.Analyze(scaled);
        double S(double x) => Math.ScaleB(x, k);
        Assert.Equal(S(plain.Ols.Slope), big.Ols.Slope);
        Assert.Equal(S(plain.Ols.Intercept), big.Ols.Intercept);
        Assert.Equal(S(plain.Ols.SlopeSe), big.Ols.SlopeSe);
        Assert.Equal(S(plain.Ols.SlopeCi.Lower), big.Ols.SlopeCi.Lower);
        Assert.Equal(plain.Ols.SlopeT, big.Ols.SlopeT);
        Assert.Equal(plain.Ols.SlopePValue, big.Ols.SlopePValue);
        Assert.Equal(plain.Ols.RSquared, big.Ols.RSquared);
        Assert.Equal(plain.MannKendall.Z, big.MannKendall.Z);
        Assert.Equal(S(plain.SenSlope.Slope), big.SenSlope.Slope);
        Assert.Equal(S(plain.SenSlope.Ci.Upper), big.SenSlope.Ci.Upper);
        Assert.Equal(S(plain.SenSlope.Intercept), big.SenSlope.Intercept);
        Assert.Equal(S(plain.Anomalies.Median), big.Anomalies.Median);
        Assert.Equal(S(plain.Anomalies.Scale), big.Anomalies.Scale);
        Assert.Equal(plain.Anomalies.Points.Select(p => p.Score), big.Anomalies.Points.Select(p => p.Score));
        Assert.Equal(plain.MovingAverage.Select(m => m is { } x ? S(x) : (double?)null), big.MovingAverage);

        var f = ExponentialSmoothing.Holt(Noisy, 0.5, 0.2, horizon: 3);
        var g = ExponentialSmoothing.Holt(scaled, 0.5, 0.2, horizon: 3);
        Assert.Equal(f.Forecast.Select(p => S(p.Mean)), g.Forecast.Select(p => p.Mean));
        Assert.Equal(f.Forecast.Select(p => S(p.PredictionInterval.Upper)), g.Forecast.Select(p => p.PredictionInterval.Upper));

        var line = Line(14, 1, 1);
        Assert.Equal(Correlation.Pearson(Noisy, line).Coefficient, Correlation.Pearson(scaled, line).Coefficient);
    }

    [Fact]
    public void GivesFiniteStatisticsGivenAlternatingExtremes()
    {
        double?[] x = Enumerable.Range(0, 20).Select(i => (double?)(i % 2 == 0 ? 1.7e308 : -1.7e308)).ToArray();
        var r = TrendAnalysis.Analyze(x);
        double[] all = [r.Ols.Slope, r.Ols.Intercept, r.Ols.SlopeSe, r.Ols.SlopeT, r.Ols.SlopePValue, r.Ols.RSquared,
            r.MannKendall.Z, r.MannKendall.PValue, r.MannKendall.TauB, r.SenSlope.Slope, r.SenSlope.Intercept,
            r.Anomalies.Median, r.Anomalies.Scale, .. r.Anomalies.Points.Select(p => p.Score)];
        Assert.All(all, v => Assert.True(double.IsFinite(v)));
        Assert.All(r.MovingAverage.Where(m => m is not null), m => Assert.True(double.IsFinite(m!.Value)));
    }

    [Fact]
    public void NamesInfiniteStatisticGivenPerfectCorrelation()
    {
        var x = Line(10, 0, 1);
        var y = Line(10, 5, 3);
        var p = Correlation.Pearson(x, y);
        Assert.Equal(1, p.Coefficient);
        Assert.Equal(0, p.PValue);
        Assert.Equal("statistic", Assert.Single(p.Undefined).Field);
        Assert.Equal("statistic", Assert.Single(Correlation.Spearman(x, y).Undefined).Field);
    }
}
