using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

public class ExponentialSmoothingTests
{
    private static readonly TrendVector V = TrendVector.Load("v10_holt_linear_ses_fixed_wwwusage.json");

    private static double?[] Y => TrendVector.NullableDoubles(V.Inputs.GetProperty("y"));

    [Fact]
    public void ReturnsRHoltWintersValuesGivenHoltOnWwwUsage()
    {
        // Source: R 4.2.2 HoltWinters(WWWusage, alpha=0.5, beta=0.3, gamma=FALSE) (v10_holt_linear_ses_fixed_wwwusage.json)
        var p = V.Inputs.GetProperty("holt");
        var e = V.Expected.GetProperty("holt");
        var r = ExponentialSmoothing.Holt(Y, p.GetProperty("alpha").GetDouble(), p.GetProperty("beta").GetDouble(), horizon: 5);

        Approx.Relative(e.GetProperty("SSE").GetDouble(), r.Sse, V.Tolerance, "SSE");
        Approx.Relative(e.GetProperty("level_n").GetDouble(), r.Level, V.Tolerance, "level");
        Approx.Relative(e.GetProperty("trend_n").GetDouble(), r.Trend!.Value, V.Tolerance, "trend");
        var f = TrendVector.Doubles(e.GetProperty("forecast_h1_5"));
        for (var h = 0; h < 5; h++) Approx.Relative(f[h], r.Forecast[h].Mean, V.Tolerance, $"forecast[{h + 1}]");
        var rows = e.GetProperty("first_fitted_rows_xhat_level_trend").EnumerateArray().Select(TrendVector.Doubles).ToArray();
        for (var i = 0; i < rows.Length; i++) Approx.Relative(rows[i][0], r.Fitted[i + 2]!.Value, V.Tolerance, $"xhat[{i + 3}]");
        Assert.Null(r.Fitted[0]);
        Assert.Null(r.Fitted[1]);
    }

    [Fact]
    public void ReturnsRHoltWintersValuesGivenSesOnWwwUsage()
    {
        // Source: R 4.2.2 HoltWinters(WWWusage, alpha=0.3, beta=FALSE, gamma=FALSE); pandas ewm adjust=False last value (v10)
        var e = V.Expected.GetProperty("ses");
        var r = ExponentialSmoothing.Simple(Y, V.Inputs.GetProperty("ses").GetProperty("alpha").GetDouble(), horizon: 1);
        Approx.Relative(e.GetProperty("SSE").GetDouble(), r.Sse, V.Tolerance, "SSE");
        Approx.Relative(e.GetProperty("level_n").GetDouble(), r.Level, V.Tolerance, "level");
        Approx.Relative(e.GetProperty("level_n").GetDouble(), r.Forecast[0].Mean, V.Tolerance, "forecast");
    }

    [Fact]
    public void ReturnsRPredictionIntervalsGivenHolt()
    {
        // R predict.HoltWinters: var(h) = var(residuals)·(1 + Σ_{j<h} (α(1 + jβ))²), normal quantile
        var r = ExponentialSmoothing.Holt(Y, 0.5, 0.3, horizon: 3, confidenceLevel: 0.95);
        var residuals = Y.Select((y, i) => y!.Value - r.Fitted[i]).Skip(2).Select(d => d!.Value).ToArray();
        var mean = residuals.Average();
        var variance = residuals.Sum(d => (d - mean) * (d - mean)) / (residuals.Length - 1);
        var z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.975);
        double[] factors = [1, 1 + Math.Pow(0.5 * 1.3, 2), 1 + Math.Pow(0.5 * 1.3, 2) + Math.Pow(0.5 * 1.6, 2)];
        for (var h = 0; h < 3; h++)
        {
            var half = z * Math.Sqrt(variance * factors[h]);
            Assert.Equal(r.Forecast[h].Mean + half, r.Forecast[h].PredictionInterval.Upper, 9);
            Assert.Equal(r.Forecast[h].Mean - half, r.Forecast[h].PredictionInterval.Lower, 9);
        }
    }

    [Fact]
    public void ReturnsSameFitGivenStatsmodelsGammaConvertedFromR()
    {
        // γ_sm = γ_R·(1 − α): the statsmodels recursion with the converted γ must reproduce R's filtering exactly
        var rng = new Random(3);
        var y = Enumerable.Range(0, 60).Select(i => (double?)(50 + 0.5 * i + 10 * Math.Sin(2 * Math.PI * i / 7) + rng.NextDouble())).ToArray();
        const double alpha = 0.4, beta = 0.1, gammaR = 0.3;
        var r = ExponentialSmoothing.HoltWinters(y, 7, alpha, beta, gammaR, GammaConvention.R, horizon: 7);
        var sm = ExponentialSmoothing.HoltWinters(y, 7, alpha, beta, gammaR * (1 - alpha), GammaConvention.Statsmodels, horizon: 7);
        Assert.Equal(r.Sse, sm.Sse, 9);
        for (var h = 0; h < 7; h++) Assert.Equal(r.Forecast[h].Mean, sm.Forecast[h].Mean, 9);
        Assert.Equal(gammaR, sm.Gamma!.Value, 12);
    }

    [Fact]
    public void ReturnsRDecomposeStartGivenPerfectAdditiveSeries()
    {
        // y = 10 + 2t + s(t mod 4), s = (3, −1, −4, 2). R's decompose: centred 2×4 MA trend is exactly 10 + 2t on
        // slots 2..5; lm(trend ~ 1..4) has intercept 10 + 2·1 = 12 (the trend one slot before slot 2), slope 2.
        double[] s = [3, -1, -4, 2];
        var y = Enumerable.Range(0, 8).Select(t => (double?)(10 + 2 * t + s[t % 4])).ToArray();
        var (level, trend, seasonals) = ExponentialSmoothing.DecomposeStart(y, 4);
        Assert.Equal(12.0, level, 12);
        Assert.Equal(2.0, trend, 12);
        for (var k = 0; k < 4; k++) Assert.Equal(s[k], seasonals[k], 12);
    }

    [Fact]
    public void ForecastsSeasonalPatternGivenLongPerfectAdditiveSeries()
    {
        // the start error decays: after 400 slots the forecast reproduces the exact pattern
        double[] s = [3, -1, -4, 2];
        var y = Enumerable.Range(0, 400).Select(t => (double?)(10 + 2 * t + s[t % 4])).ToArray();
        var r = ExponentialSmoothing.HoltWinters(y, 4, 0.3, 0.2, 0.4, horizon: 8);
        for (var h = 1; h <= 8; h++)
        {
            var t = 399 + h;
            Assert.Equal(10 + 2 * t + s[t % 4], r.Forecast[h - 1].Mean, 6);
        }
        Assert.True(r.Forecast[7].PredictionInterval.Upper - r.Forecast[7].PredictionInterval.Lower
            > r.Forecast[0].PredictionInterval.Upper - r.Forecast[0].PredictionInterval.Lower);
    }
}
