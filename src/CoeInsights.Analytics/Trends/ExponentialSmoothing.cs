namespace CoeInsights.Analytics.Trends;

/// <summary>Which parameterisation a Holt-Winters seasonal smoothing parameter γ is written in.</summary>
public enum GammaConvention
{
    /// <summary>
    /// R stats::HoltWinters: s_t = γ_R·(y_t − ℓ_t) + (1 − γ_R)·s_{t−m}, with the NEW level ℓ_t.
    /// </summary>
    R,

    /// <summary>
    /// statsmodels ExponentialSmoothing / Hyndman ETS: s_t = γ_sm·(y_t − ℓ_{t−1} − b_{t−1}) + (1 − γ_sm)·s_{t−m}.
    /// The two are the same model with γ_sm = γ_R·(1 − α).
    /// </summary>
    Statsmodels,
}

/// <summary>Kind of exponential smoothing.</summary>
public enum SmoothingMethod
{
    Simple,
    HoltLinear,
    HoltWintersAdditive,
}

/// <summary>One forecast slot: h steps after the last slot of the series.</summary>
public sealed record ForecastPoint(int Step, double Mean, Interval PredictionInterval);

/// <summary>Fitted exponential smoothing model and its forecasts.</summary>
/// <param name="Gamma">Seasonal parameter in R's convention (see <see cref="GammaConvention"/>).</param>
/// <param name="GammaStatsmodels">The same parameter in statsmodels' convention, γ_R·(1 − α).</param>
/// <param name="Fitted">One-step-ahead forecast for each slot (no value before filtering starts).</param>
/// <param name="Sse">Σ(y_t − fitted_t)² over observed filtered slots (R's SSE).</param>
/// <param name="ResidualVariance">Sample variance (n − 1) of the one-step residuals, as R predict.HoltWinters.</param>
/// <param name="Seasonals">Final seasonal terms for the next season_length slots (slot n, n+1, …).</param>
public sealed record SmoothingResult(
    SmoothingMethod Method,
    double Alpha,
    double? Beta,
    double? Gamma,
    double? GammaStatsmodels,
    int? SeasonLength,
    double Level,
    double? Trend,
    IReadOnlyList<double> Seasonals,
    IReadOnlyList<double?> Fitted,
    double Sse,
    double ResidualVariance,
    double ConfidenceLevel,
    IReadOnlyList<ForecastPoint> Forecast)
{
    /// <summary>Level the filter starts from (R HoltWinters l.start: y_1 for SES, y_2 for Holt, the decomposition's for Holt-Winters).</summary>
    public double StartLevel { get; init; }

    /// <summary>Trend the filter starts from (R b.start: y_2 − y_1 for Holt); null for SES.</summary>
    public double? StartTrend { get; init; }

    /// <summary>Seasonal terms the filter starts from (R s.start), in the order they are first used; empty without a season.</summary>
    public IReadOnlyList<double> StartSeasonals { get; init; } = [];
}

/// <summary>
/// Simple, Holt linear and additive Holt-Winters exponential smoothing with fixed parameters, initialised and
/// filtered exactly as R stats::HoltWinters, and prediction intervals as R predict.HoltWinters.
/// A missing slot is not an observation: the state moves on by its own forecast and no residual is counted.
/// </summary>
public static class ExponentialSmoothing
{
    /// <summary>SES: ℓ_1 = y_1, filtering from slot 2 (R HoltWinters(beta = FALSE, gamma = FALSE)).</summary>
    public static SmoothingResult Simple(IReadOnlyList<double?> values, double alpha, int horizon = 0, double confidenceLevel = 0.95)
        => Run(values, SmoothingMethod.Simple, alpha, null, null, GammaConvention.R, null, horizon, confidenceLevel);

    /// <summary>Holt linear: ℓ = y_2, b = y_2 − y_1, filtering from slot 3 (R HoltWinters(gamma = FALSE)).</summary>
    public static SmoothingResult Holt(IReadOnlyList<double?> values, double alpha, double beta, int horizon = 0, double confidenceLevel = 0.95)
        => Run(values, SmoothingMethod.HoltLinear, alpha, beta, null, GammaConvention.R, null, horizon, confidenceLevel);

    /// <summary>
    /// Additive Holt-Winters with season length m: initial level, trend and seasonals from R's decompose() of the
    /// first 2m slots (centred moving average trend; level/trend = intercept/slope of a regression on that trend);
    /// filtering from slot m + 1. <paramref name="gamma"/> is read in <paramref name="convention"/>.
    /// </summary>
    public static SmoothingResult HoltWinters(
        IReadOnlyList<double?> values,
        int seasonLength,
        double alpha,
        double beta,
        double gamma,
        GammaConvention convention = GammaConvention.R,
        int horizon = 0,
        double confidenceLevel = 0.95)
        => Run(values, SmoothingMethod.HoltWintersAdditive, alpha, beta, gamma, convention, seasonLength, horizon, confidenceLevel);

    private static SmoothingResult Run(
        IReadOnlyList<double?> values, SmoothingMethod method, double alpha, double? beta, double? gamma,
        GammaConvention convention, int? seasonLength, int horizon, double confidenceLevel)
    {
        ArgumentNullException.ThrowIfNull(values);
        // The model is linear in y: smooth values near ±1e308 as y / 2^e (exact) so residual squares and level
        // updates do not overflow, then scale every result back (squares by 2^2e, which may still exceed a double).
        var e = PowerOfTwoScale.Exponent(values);
        if (e == 0) return RunScaled(values, method, alpha, beta, gamma, convention, seasonLength, horizon, confidenceLevel);
        var r = RunScaled(PowerOfTwoScale.Down(values, e), method, alpha, beta, gamma, convention, seasonLength, horizon, confidenceLevel);
        return r with
        {
            Level = PowerOfTwoScale.Up(r.Level, e),
            Trend = PowerOfTwoScale.Up(r.Trend, e),
            Seasonals = r.Seasonals.Select(x => PowerOfTwoScale.Up(x, e)).ToArray(),
            StartLevel = PowerOfTwoScale.Up(r.StartLevel, e),
            StartTrend = PowerOfTwoScale.Up(r.StartTrend, e),
            StartSeasonals = r.StartSeasonals.Select(x => PowerOfTwoScale.Up(x, e)).ToArray(),
            Fitted = r.Fitted.Select(x => PowerOfTwoScale.Up(x, e)).ToArray(),
            Sse = PowerOfTwoScale.Up(r.Sse, 2 * e),
            ResidualVariance = PowerOfTwoScale.Up(r.ResidualVariance, 2 * e),
            Forecast = r.Forecast.Select(f => f with { Mean = PowerOfTwoScale.Up(f.Mean, e), PredictionInterval = PowerOfTwoScale.Up(f.PredictionInterval, e) }).ToArray(),
        };
    }

    private static SmoothingResult RunScaled(
        IReadOnlyList<double?> values, SmoothingMethod method, double alpha, double? beta, double? gamma,
        GammaConvention convention, int? seasonLength, int horizon, double confidenceLevel)
    {
        Observed.From(values);
        var v = new Validator();
        v.Require(alpha is > 0 and <= 1, "alpha", "must be in (0, 1]");
        if (beta is { } b0) v.Require(b0 is >= 0 and <= 1, "beta", "must be in [0, 1]");
        if (gamma is { } g0) v.Require(g0 is >= 0 and <= 1, "gamma", "must be in [0, 1]");
        v.Require(Enum.IsDefined(convention), "gamma_convention", "unknown convention");
        v.Require(horizon is >= 0 and <= 10_000, "horizon", "must be between 0 and 10000");
        StatMath.ValidateConfidence(confidenceLevel, v);
        var m = seasonLength ?? 1;
        if (method == SmoothingMethod.HoltWintersAdditive)
        {
            v.Require(m >= 2, "season_length", "must be at least 2");
            // Initialisation needs two full seasons (R decompose), and m·2 must not overflow.
            SeasonLimit.Require(m, values.Count, v);
            if (!v.IsValid) v.ThrowIfInvalid();
        }
        var start = method switch
        {
            SmoothingMethod.Simple => 1,
            SmoothingMethod.HoltLinear => 2,
            _ => m,
        };
        var initWindow = method == SmoothingMethod.HoltWintersAdditive ? 2 * m : start;
        v.Require(values.Count > Math.Max(start, initWindow - 1), "values",
            $"needs more than {Math.Max(start, initWindow - 1)} slots for {method}");
        v.ThrowIfInvalid();
        for (var i = 0; i < initWindow; i++)
            if (values[i] is null)
                throw new InvalidInputException($"values[{i}]", $"the first {initWindow} slots initialise the model and must have values");

        var n = values.Count;
        double level, trend = 0;
        var seas = new double[m]; // seas[i % m] = latest seasonal term for slot position i % m
        if (method == SmoothingMethod.Simple) level = values[0]!.Value;
        else if (method == SmoothingMethod.HoltLinear)
        {
            level = values[1]!.Value;
            trend = values[1]!.Value - values[0]!.Value;
        }
        else (level, trend, seas) = DecomposeStart(values, m);

        var hasTrend = method != SmoothingMethod.Simple;
        var hasSeason = method == SmoothingMethod.HoltWintersAdditive;
        var startLevel = level;
        var startTrend = trend;
        var startSeasonals = hasSeason ? Enumerable.Range(0, m).Select(k => seas[(start + k) % m]).ToArray() : [];
        var a = alpha;
        var bt = hasTrend ? beta!.Value : 0.0;
        double gR = 0, gSm = 0;
        if (hasSeason)
        {
            if (convention == GammaConvention.R) { gR = gamma!.Value; gSm = gR * (1 - a); }
            else
            {
                gSm = gamma!.Value;
                if (a >= 1 && gSm > 0) throw new InvalidInputException("gamma", "with alpha = 1 a statsmodels gamma has no R equivalent");
                gR = a >= 1 ? 0 : gSm / (1 - a);
                if (gR > 1) throw new InvalidInputException("gamma", $"statsmodels gamma must be at most 1 − alpha ({1 - a:R})");
            }
        }

        var fitted = new double?[n];
        double sse = 0;
        var residuals = new List<double>(n);
        for (var i = start; i < n; i++)
        {
            var s = hasSeason ? seas[i % m] : 0.0;
            var xhat = level + trend + s;
            fitted[i] = xhat;
            if (values[i] is not { } y)
            {
                level += trend; // no observation: the state follows its own forecast
                continue;
            }
            var res = y - xhat;
            sse += res * res;
            residuals.Add(res);
            var newLevel = a * (y - s) + (1 - a) * (level + trend);
            if (hasSeason)
            {
                seas[i % m] = convention == GammaConvention.R
                    ? gR * (y - newLevel) + (1 - gR) * s
                    : gSm * (y - level - trend) + (1 - gSm) * s;
            }
            if (hasTrend) trend = bt * (newLevel - level) + (1 - bt) * trend;
            level = newLevel;
        }

        var variance = SampleVariance(residuals);
        var z = StatMath.ZCritical(confidenceLevel);
        var forecast = new ForecastPoint[horizon];
        double psiSum = 0;
        for (var h = 1; h <= horizon; h++)
        {
            if (h > 1)
            {
                var j = h - 1;
                var psi = a * (1 + j * bt) + (hasSeason && j % m == 0 ? gR * (1 - a) : 0.0);
                psiSum += psi * psi;
            }
            var mean = level + h * trend + (hasSeason ? seas[(n - 1 + h) % m] : 0.0);
            var half = z * Math.Sqrt(variance * (1 + psiSum));
            forecast[h - 1] = new ForecastPoint(h, mean, new Interval(mean - half, mean + half));
        }
        var nextSeasonals = hasSeason ? Enumerable.Range(1, m).Select(k => seas[(n - 1 + k) % m]).ToArray() : [];
        return new SmoothingResult(
            method, alpha, hasTrend ? bt : null, hasSeason ? gR : null, hasSeason ? gSm : null, hasSeason ? m : null,
            level, hasTrend ? trend : null, nextSeasonals, fitted, sse, variance, confidenceLevel, forecast)
        {
            StartLevel = startLevel, StartTrend = hasTrend ? startTrend : null, StartSeasonals = startSeasonals,
        };
    }

    private static double SampleVariance(List<double> r)
    {
        if (r.Count < 2) return double.NaN;
        var mean = r.Average();
        return r.Sum(x => (x - mean) * (x - mean)) / (r.Count - 1);
    }

    /// <summary>R HoltWinters start values: decompose(first 2m slots); level/trend from lm(trend ~ 1..k); seasonals = figure.</summary>
    internal static (double Level, double Trend, double[] Seasonals) DecomposeStart(IReadOnlyList<double?> values, int m)
    {
        var w = 2 * m;
        var x = new double[w];
        for (var i = 0; i < w; i++) x[i] = values[i]!.Value;
        // centred moving average: odd m → m equal weights; even m → 2×m MA (weights ½,1,…,1,½)/m
        var weights = m % 2 == 1
            ? Enumerable.Repeat(1.0 / m, m).ToArray()
            : Enumerable.Range(0, m + 1).Select(k => (k == 0 || k == m ? 0.5 : 1.0) / m).ToArray();
        var o = weights.Length / 2;
        var trend = new double?[w];
        for (var i = o; i + weights.Length - 1 - o < w; i++)
        {
            double s = 0;
            for (var k = 0; k < weights.Length; k++) s += weights[k] * x[i - o + k];
            trend[i] = s;
        }
        var sums = new double[m];
        var counts = new int[m];
        for (var i = 0; i < w; i++)
        {
            if (trend[i] is not { } t) continue;
            sums[i % m] += x[i] - t;
            counts[i % m]++;
        }
        var figure = new double[m];
        for (var k = 0; k < m; k++) figure[k] = sums[k] / counts[k];
        var mean = figure.Average();
        for (var k = 0; k < m; k++) figure[k] -= mean;
        var dat = trend.Where(t => t is not null).Select(t => t!.Value).ToArray();
        // lm(dat ~ seq_along(dat)): least squares line through (1, dat[0]), (2, dat[1]), …
        var mx = (dat.Length + 1) / 2.0;
        var my = dat.Average();
        double sxy = 0, sxx = 0;
        for (var i = 0; i < dat.Length; i++)
        {
            sxy += (i + 1 - mx) * (dat[i] - my);
            sxx += (i + 1 - mx) * (i + 1 - mx);
        }
        var slope = sxy / sxx;
        // figure[k] is the seasonal term of positions ≡ k (mod m); filtering starts at slot m (position 0)
        return (my - slope * mx, slope, figure);
    }
}
