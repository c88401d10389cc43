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

    /// <summary>t statistic of the intercept against 0 (intercept / its standard error).</summary>
    public double InterceptT { get; init; }

    /// <summary>Two-sided p-value of <see cref="InterceptT"/>, 2·CDF_t(−|t|), df = n − 2.</summary>
    public double InterceptPValue { get; init; }

    /// <summary>Two-sided confidence interval of the intercept (Student t, df = n − 2), as R confint(lm).</summary>
    public Interval InterceptCi { get; init; }

    /// <summary>1 − (1 − R²)(n − 1)/(n − 2), as R summary.lm "Adjusted R-squared" and statsmodels rsquared_adj.</summary>
    public double AdjustedRSquared { get; init; }

    /// <summary>P(F(1, n − 2) &gt; F); equal to the slope's p-value for one regressor (F = t²).</summary>
    public double FPValue { get; init; }
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
    int DfResidual)
{
    /// <summary>Two-sided confidence interval per coefficient (Student t, df = n − p − 1), as R confint(lm).</summary>
    public IReadOnlyList<Interval> ConfidenceIntervals { get; init; } = [];

    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>1 − (1 − R²)(n − 1)/(n − p − 1) (R summary.lm, statsmodels rsquared_adj).</summary>
    public double AdjustedRSquared { get; init; }

    /// <summary>P(F(p, n − p − 1) &gt; F), computed as the regularised incomplete beta I_{d2/(d2 + d1·F)}(d2/2, d1/2) (no 1 − CDF cancellation).</summary>
    public double FPValue { get; init; }

    /// <summary>
    /// Statistics that are NaN or ±∞ for this input, with the reason; fields are "coefficients[j].t_statistic",
    /// "coefficients[j].p_value", "r_squared", "adjusted_r_squared", "f_statistic", "f_p_value".
    /// </summary>
    public IReadOnlyList<UndefinedStatistic> Undefined { get; init; } = [];
}

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
            InterceptCi = PowerOfTwoScale.Up(r.InterceptCi, ey),
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
        // the intercept's test: with no residual variance its standard error is 0 (t infinite, or 0/0 for a 0 intercept)
        double interceptT, interceptP;
        if (seIntercept > 0)
        {
            interceptT = intercept / seIntercept;
            interceptP = StatMath.TwoSidedT(interceptT, df);
        }
        else if (intercept != 0)
        {
            interceptT = intercept > 0 ? double.PositiveInfinity : double.NegativeInfinity;
            interceptP = 0;
            undefined.Add(new("intercept_t", (constant ? ConstantSeries : "every point lies exactly on the line")
                + " (residual variance 0): the intercept's standard error is 0, so t is infinite; intercept_p_value is 0"));
        }
        else
        {
            interceptT = interceptP = double.NaN;
            var why = constant ? ConstantSeries + " at 0" : "every point lies exactly on a line through 0";
            undefined.Add(new("intercept_t", why + ": the intercept and its standard error are both 0, so t is 0/0"));
            undefined.Add(new("intercept_p_value", why + ": there is no t statistic to test"));
        }
        var adjusted = 1 - (1 - rSquared) * (n - 1) / df;
        if (double.IsNaN(adjusted)) undefined.Add(new("adjusted_r_squared", ConstantSeries + ": there is no variance to explain"));
        if (double.IsNaN(f)) undefined.Add(new("f_statistic", ConstantSeries + ": nothing is explained and nothing scattered, F is 0/0"));
        else if (double.IsInfinity(f)) undefined.Add(new("f_statistic", "every point lies exactly on the line (residual variance 0): F is infinite; f_p_value is 0"));
        if (double.IsNaN(p)) undefined.Add(new("f_p_value", ConstantSeries + ": there is no F statistic to test"));
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
        {
            Undefined = undefined,
            InterceptT = interceptT,
            InterceptPValue = interceptP,
            InterceptCi = new Interval(intercept - tc * seIntercept, intercept + tc * seIntercept),
            AdjustedRSquared = adjusted,
            FPValue = p,
        };
    }

    internal const string ConstantSeries = "the series is constant";

    /// <summary>
    /// Multiple OLS with an intercept via MathNet's Householder QR (NIST StRD Longley certified to 1e-9).
    /// <paramref name="predictors"/>[i] is row i (one value per regressor).
    /// </summary>
    public static MultipleRegressionResult FitMultiple(IReadOnlyList<IReadOnlyList<double>> predictors, IReadOnlyList<double> y,
        double confidenceLevel = 0.95)
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
        StatMath.ValidateConfidence(confidenceLevel, v);
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
        var cis = new Interval[k];
        var tc = StatMath.TCritical(confidenceLevel, dfRes);
        var undefined = new List<UndefinedStatistic>();
        for (var j = 0; j < k; j++)
        {
            se[j] = Math.Sqrt(msRes * cov[j, j]);
            ts[j] = b[j] / se[j];
            ps[j] = StatMath.TwoSidedT(ts[j], dfRes);
            cis[j] = new Interval(b[j] - tc * se[j], b[j] + tc * se[j]);
            if (se[j] > 0) continue;
            // no residual variance: every point on the plane, each standard error 0
            if (b[j] != 0)
            {
                ps[j] = 0;
                undefined.Add(new($"coefficients[{j}].t_statistic", "the residual variance is 0 (every point on the fitted plane): t is infinite; p_value is 0"));
            }
            else
            {
                undefined.Add(new($"coefficients[{j}].t_statistic", "the coefficient and its standard error are both 0: t is 0/0"));
                undefined.Add(new($"coefficients[{j}].p_value", "the coefficient and its standard error are both 0: there is no t statistic to test"));
            }
        }
        var ssReg = ssTot - ssRes;
        double rSquared, adjusted, f, fp;
        if (ssTot == 0)
        {
            rSquared = adjusted = f = fp = double.NaN;
            const string Constant = "y is constant: there is no variance to explain";
            undefined.Add(new("r_squared", Constant));
            undefined.Add(new("adjusted_r_squared", Constant));
            undefined.Add(new("f_statistic", Constant + " (F is 0/0)"));
            undefined.Add(new("f_p_value", Constant + " (there is no F statistic to test)"));
        }
        else
        {
            rSquared = ssReg / ssTot;
            adjusted = 1 - (1 - rSquared) * (n - 1) / dfRes;
            f = ssReg / p / msRes;
            fp = msRes > 0 ? MathNet.Numerics.SpecialFunctions.BetaRegularized(dfRes / 2.0, p / 2.0, dfRes / (dfRes + p * f)) : 0;
            if (!double.IsFinite(f)) undefined.Add(new("f_statistic", "the residual variance is 0 (every point on the fitted plane): F is infinite; f_p_value is 0"));
        }
        return new MultipleRegressionResult(
            N: n,
            Coefficients: b.ToArray(),
            StandardErrors: se,
            TStatistics: ts,
            PValues: ps,
            RSquared: rSquared,
            ResidualSd: Math.Sqrt(msRes),
            SsRegression: ssReg,
            SsResidual: ssRes,
            FStatistic: f,
            DfRegression: p,
            DfResidual: dfRes)
        {
            ConfidenceIntervals = cis,
            ConfidenceLevel = confidenceLevel,
            AdjustedRSquared = adjusted,
            FPValue = fp,
            Undefined = undefined,
        };
    }
}
