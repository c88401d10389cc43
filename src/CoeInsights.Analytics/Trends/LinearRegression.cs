using MathNet.Numerics.LinearAlgebra;

namespace CoeInsights.Analytics.Trends;

/// <summary>Simple linear least squares y = intercept + slope·x, with inference.</summary>
/// <param name="N">Points used (missing values dropped).</param>
/// <param name="SlopeCi">Two-sided confidence interval of the slope (Student t, df = n − 2).</param>
/// <param name="SlopeT">t statistic of the slope against 0.</param>
/// <param name="SlopePValue">Two-sided p-value, 2·CDF_t(−|t|).</param>
/// <param name="ResidualSd">sqrt(SS_res / (n − 2)).</param>
/// <param name="FStatistic">MS_reg / MS_res (= t² for one regressor).</param>
public sealed record OlsResult(
    int N,
    double Intercept,
    double Slope,
    double InterceptSe,
    double SlopeSe,
    double ConfidenceLevel,
    Interval SlopeCi,
    double SlopeT,
    double SlopePValue,
    double RSquared,
    double ResidualSd,
    double SsRegression,
    double SsResidual,
    double FStatistic,
    int DfResidual)
{
    /// <summary>Statistics that are NaN or ±∞ for this input, with the reason (the API leaves them unset).</summary>
    public IReadOnlyList<UndefinedStatistic> Undefined { get; init; } = [];
}

/// <summary>A closed interval [Lower, Upper].</summary>
public readonly record struct Interval(double Lower, double Upper);

/// <summary>Multiple linear least squares y = B0 + B1·x1 + … (solved by QR, not normal equations).</summary>
public sealed record MultipleRegressionResult(
    int N,
    IReadOnlyList<double> Coefficients,
    IReadOnlyList<double> StandardErrors,
    IReadOnlyList<double> TStatistics,
    IReadOnlyList<double> PValues,
    double RSquared,
    double ResidualSd,
    double SsRegression,
    double SsResidual,
    double FStatistic,
    int DfRegression,
    int DfResidual);

/// <summary>Ordinary least squares.</summary>
public static class LinearRegression
{
    /// <summary>
    /// OLS of a regular series on its slot index (slope per bucket); missing slots are dropped, their index kept.
    /// </summary>
    public static OlsResult Trend(IReadOnlyList<double?> values, double confidenceLevel = 0.95)
        => Trend(Observed.From(values), confidenceLevel);

    /// <summary><see cref="Trend(IReadOnlyList{double?}, double)"/> on already extracted observed points.</summary>
    internal static OlsResult Trend(Observed o, double confidenceLevel) => Fit(o.Times, o.Values, confidenceLevel, "values");

    /// <summary>OLS of y on x with a two-pass, mean-centred formula (NIST StRD Norris certified to 1e-9).</summary>
    /// <exception cref="InvalidInputException">x/y not finite, lengths differ, fewer than 3 points, constant x.</exception>
    public static OlsResult Fit(IReadOnlyList<double> x, IReadOnlyList<double> y, double confidenceLevel = 0.95)
        => Fit(x, y, confidenceLevel, "y");

    private static OlsResult Fit(IReadOnlyList<double> x, IReadOnlyList<double> y, double confidenceLevel, string yField)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var v = new Validator();
        Observed.RequireFinite(x, "x", v);
        Observed.RequireFinite(y, yField, v);
        v.Require(x.Count == y.Count, yField, $"must have as many values as x ({x.Count}), has {y.Count}");
        v.Require(y.Count >= 3, yField, "needs at least 3 observed values for a slope with a standard error");
        StatMath.ValidateConfidence(confidenceLevel, v);
        v.ThrowIfInvalid();

        // Values near ±1e300 would overflow the sums of squares: fit on x / 2^ex and y / 2^ey (exact) and scale back.
        var xa = x as double[] ?? [.. x];
        var ya = y as double[] ?? [.. y];
        var ex = PowerOfTwoScale.Exponent(xa);
        var ey = PowerOfTwoScale.Exponent(ya);
        if (ex != 0) xa = PowerOfTwoScale.Down(xa, ex);
        if (ey != 0) ya = PowerOfTwoScale.Down(ya, ey);
        var r = FitScaled(xa, ya, confidenceLevel);
        if (ex == 0 && ey == 0) return r;
        var es = ey - ex; // slope and its standard error carry y / x
        return r with
        {
            Intercept = PowerOfTwoScale.Up(r.Intercept, ey),
            Slope = PowerOfTwoScale.Up(r.Slope, es),
            InterceptSe = PowerOfTwoScale.Up(r.InterceptSe, ey),
            SlopeSe = PowerOfTwoScale.Up(r.SlopeSe, es),
            SlopeCi = PowerOfTwoScale.Up(r.SlopeCi, es),
            ResidualSd = PowerOfTwoScale.Up(r.ResidualSd, ey),
            SsRegression = PowerOfTwoScale.Up(r.SsRegression, 2 * ey),
            SsResidual = PowerOfTwoScale.Up(r.SsResidual, 2 * ey),
        };
    }

    private static OlsResult FitScaled(double[] x, double[] y, double confidenceLevel)
    {
        var n = x.Length;
        double mx = 0, my = 0;
        for (var i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
        mx /= n;
        my /= n;
        double sxx = 0, sxy = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            var dx = x[i] - mx;
            var dy = y[i] - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (sxx == 0) throw new InvalidInputException("x", "all x values are equal: the slope is undefined");
        // a constant y is decided on the values, not on syy: the rounded mean may differ from them by an ulp
        var constant = true;
        for (var i = 1; i < n && constant; i++) constant = y[i] == y[0];
        var slope = constant ? 0 : sxy / sxx;
        var intercept = constant ? y[0] : my - slope * mx;
        double ssRes = 0;
        for (var i = 0; i < n; i++)
        {
            var r = y[i] - intercept - slope * x[i];
            ssRes += r * r;
        }
        var df = n - 2;
        var msRes = ssRes / df;
        var seSlope = Math.Sqrt(msRes / sxx);
        var seIntercept = Math.Sqrt(msRes * (1.0 / n + mx * mx / sxx));
        var ssReg = slope * slope * sxx;
        var tc = StatMath.TCritical(confidenceLevel, df);
        var undefined = new List<UndefinedStatistic>();
        double t, p, f, rSquared;
        if (constant)
        {
            // a constant series: slope 0 exactly, nothing scattered and nothing explained
            t = p = f = rSquared = double.NaN;
            undefined.Add(new("slope_t", ConstantSeries + ": the slope and its standard error are both 0, so t is 0/0"));
            undefined.Add(new("slope_p_value", ConstantSeries + ": there is no t statistic to test"));
            undefined.Add(new("r_squared", ConstantSeries + ": there is no variance to explain"));
        }
        else if (ssRes == 0)
        {
            // every point on the line: the slope is known exactly (t → ±∞, p → 0) and explains all the variance
            t = slope > 0 ? double.PositiveInfinity : double.NegativeInfinity;
            f = double.PositiveInfinity;
            p = 0;
            rSquared = 1;
            undefined.Add(new("slope_t", "every point lies exactly on the line (residual variance 0): t is infinite; slope_p_value is 0"));
        }
        else
        {
            t = slope / seSlope;
            p = StatMath.TwoSidedT(t, df);
            f = ssReg / msRes;
            rSquared = ssReg / syy;
        }
        return new OlsResult(
            N: n,
            Intercept: intercept,
            Slope: slope,
            InterceptSe: seIntercept,
            SlopeSe: seSlope,
            ConfidenceLevel: confidenceLevel,
            SlopeCi: new Interval(slope - tc * seSlope, slope + tc * seSlope),
            SlopeT: t,
            SlopePValue: p,
            RSquared: rSquared,
            ResidualSd: Math.Sqrt(msRes),
            SsRegression: ssReg,
            SsResidual: ssRes,
            FStatistic: f,
            DfResidual: df)
        { Undefined = undefined };
    }

    internal const string ConstantSeries = "the series is constant";

    /// <summary>
    /// Multiple OLS with an intercept via MathNet's Householder QR (NIST StRD Longley certified to 1e-9).
    /// <paramref name="predictors"/>[i] is row i (one value per regressor).
    /// </summary>
    public static MultipleRegressionResult FitMultiple(IReadOnlyList<IReadOnlyList<double>> predictors, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(predictors);
        ArgumentNullException.ThrowIfNull(y);
        var v = new Validator();
        Observed.RequireFinite(y, "y", v);
        v.Require(predictors.Count == y.Count, "predictors", $"must have one row per y value ({y.Count}), has {predictors.Count}");
        var p = predictors.Count > 0 ? predictors[0].Count : 0;
        v.Require(p >= 1, "predictors", "needs at least one regressor");
        for (var i = 0; i < predictors.Count; i++)
        {
            if (predictors[i].Count != p) { v.Add($"predictors[{i}]", $"must have {p} values"); continue; }
            for (var j = 0; j < p; j++)
                if (!double.IsFinite(predictors[i][j])) v.Add($"predictors[{i}][{j}]", "must be a finite number (not NaN or infinite)");
        }
        v.Require(y.Count > p + 1, "y", $"needs more observations than coefficients ({p + 1})");
        v.ThrowIfInvalid();

        var n = y.Count;
        var k = p + 1;
        var X = Matrix<double>.Build.Dense(n, k, (i, j) => j == 0 ? 1.0 : predictors[i][j - 1]);
        var Y = Vector<double>.Build.Dense(n, i => y[i]);
        var qr = X.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin);
        var r = qr.R;
        for (var j = 0; j < k; j++)
            if (Math.Abs(r[j, j]) <= 1e-13 * Math.Abs(r[0, 0]))
                throw new InvalidInputException("predictors", "regressors are collinear: coefficients are not identifiable");
        var b = qr.Solve(Y);
        var resid = Y - X * b;
        var ssRes = resid.DotProduct(resid);
        var my = Y.Sum() / n;
        var ssTot = (Y - my).DotProduct(Y - my);
        var dfRes = n - k;
        var msRes = ssRes / dfRes;
        // (XᵀX)⁻¹ = R⁻¹R⁻ᵀ
        var rInv = r.Inverse();
        var cov = rInv * rInv.Transpose();
        var se = new double[k];
        var ts = new double[k];
        var ps = new double[k];
        for (var j = 0; j < k; j++)
        {
            se[j] = Math.Sqrt(msRes * cov[j, j]);
            ts[j] = b[j] / se[j];
            ps[j] = StatMath.TwoSidedT(ts[j], dfRes);
        }
        var ssReg = ssTot - ssRes;
        return new MultipleRegressionResult(
            N: n,
            Coefficients: b.ToArray(),
            StandardErrors: se,
            TStatistics: ts,
            PValues: ps,
            RSquared: ssReg / ssTot,
            ResidualSd: Math.Sqrt(msRes),
            SsRegression: ssReg,
            SsResidual: ssRes,
            FStatistic: ssReg / p / msRes,
            DfRegression: p,
            DfResidual: dfRes);
    }
}
