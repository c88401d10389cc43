namespace CoeInsights.Analytics.Trends;

/// <summary>Options of <see cref="TrendAnalysis.Analyze"/>.</summary>
/// <param name="MovingAverageWindow">Full-window trailing (or centred) simple moving average width.</param>
/// <param name="PeriodsPerYear">Annualises CAGR when set (365.25 daily, 52.1775 weekly, 12 monthly, 4 quarterly).</param>
/// <param name="SeasonLength">When set, also runs the seasonal Mann-Kendall test and seasonal-aware anomaly scoring.</param>
public sealed record TrendOptions(
    double ConfidenceLevel = 0.95,
    double Significance = 0.05,
    bool ContinuityCorrection = true,
    int MovingAverageWindow = 7,
    WindowAlignment MovingAverageAlignment = WindowAlignment.Trailing,
    double? PeriodsPerYear = null,
    int? SeasonLength = null,
    double AnomalyThreshold = 3.5,
    AnomalyScoreMethod AnomalyMethod = AnomalyScoreMethod.ModifiedZ,
    double? EwmaAlpha = null,
    SeasonalSenConvention SeasonalSenConvention = SeasonalSenConvention.PairwiseWithinSeason);

/// <summary>All trend statistics of one regular series (slopes are per slot).</summary>
/// <param name="Cagr">Compound growth, per year when <see cref="TrendOptions.PeriodsPerYear"/> is set; no value with <paramref name="CagrUndefinedReason"/> saying why.</param>
/// <param name="LastPeriodOverPeriodPct">Change of the last slot against the one before (no value if either is missing or the previous is 0).</param>
public sealed record TrendReport(
    int Slots,
    int Observed,
    OlsResult Ols,
    MannKendallResult MannKendall,
    MannKendallResult? SeasonalMannKendall,
    SenSlopeResult SenSlope,
    IReadOnlyList<double?> PeriodOverPeriodPct,
    double? LastPeriodOverPeriodPct,
    double? Cagr,
    IReadOnlyList<double?> MovingAverage,
    AnomalyResult Anomalies,
    string? CagrUndefinedReason = null)
{
    /// <summary>EWMA per slot when <see cref="TrendOptions.EwmaAlpha"/> is set (<see cref="MovingAverages.Exponential"/>).</summary>
    public IReadOnlyList<double?>? Ewma { get; init; }

    /// <summary>Seasonal Sen slope (per cycle) when <see cref="TrendOptions.SeasonLength"/> is set.</summary>
    public SeasonalSenSlopeResult? SeasonalSenSlope { get; init; }
}

/// <summary>The GetTrend / AnalyzeSeries bundle: OLS, Mann-Kendall, Sen's slope, growth, moving average, anomalies.</summary>
public static class TrendAnalysis
{
    /// <summary>Analyses a regular series; <c>null</c> slots are gaps and stay gaps in every statistic.</summary>
    /// <exception cref="InvalidInputException">values[i] not finite, fewer than 3 observed values, bad options (named field).</exception>
    public static TrendReport Analyze(IReadOnlyList<double?> values, TrendOptions? options = null)
    {
        options ??= new TrendOptions();
        var o = Observed.From(values);
        var v = new Validator();
        StatMath.ValidateConfidence(options.ConfidenceLevel, v);
        v.Require(options.Significance is > 0 and < 1, "significance", "must be strictly between 0 and 1");
        v.Require(options.MovingAverageWindow >= 1, "moving_average_window", "must be at least 1");
        v.Require(options.MovingAverageWindow <= MovingAverages.MaxWindow, "moving_average_window",
            $"must be at most {MovingAverages.MaxWindow} slots (a window longer than the series gives no values)");
        if (options.SeasonLength is { } sl)
        {
            v.Require(sl >= 2, "season_length", "must be at least 2");
            SeasonLimit.Require(sl, values.Count, v);
        }
        if (options.EwmaAlpha is { } alpha)
            v.Require(alpha is > 0 and <= 1, "ewma_alpha", "must be in (0, 1]");
        v.Require(Enum.IsDefined(options.MovingAverageAlignment), "moving_average_alignment", "must be a known alignment");
        if (options.PeriodsPerYear is { } ppy)
            v.Require(double.IsFinite(ppy) && ppy > 0 && ppy <= Growth.MaxPeriodsPerYear, "periods_per_year",
                $"must be a positive number of at most {Growth.MaxPeriodsPerYear} (slots are at least a day long)");
        v.Require(o.Count >= 3, "values", "needs at least 3 observed values");
        v.ThrowIfInvalid();

        // every statistic below works on `o` (or on values already validated by Observed.From above) instead of
        // extracting and validating the observed points again: five fewer pairs of n-sized arrays per series
        var pop = Growth.PeriodOverPeriodValidated(values);
        var mannKendall = MannKendall.Test(o, options.ContinuityCorrection, options.Significance);
        return new TrendReport(
            Slots: values.Count,
            Observed: o.Count,
            Ols: LinearRegression.Trend(o, options.ConfidenceLevel),
            MannKendall: mannKendall,
            SeasonalMannKendall: options.SeasonLength is { } m
                ? MannKendall.SeasonalTest(values, m, options.ContinuityCorrection, options.Significance)
                : null,
            SenSlope: SenSlope.Estimate(o, options.ConfidenceLevel, PairwiseSlopes.DefaultExactLimit, mannKendall.VarianceS),
            PeriodOverPeriodPct: pop,
            LastPeriodOverPeriodPct: pop.Length > 0 ? pop[^1] : null,
            Cagr: Growth.Cagr(o, options.PeriodsPerYear),
            MovingAverage: MovingAverages.SimpleValidated(values, options.MovingAverageWindow, options.MovingAverageAlignment),
            Anomalies: AnomalyDetector.Detect(o, new AnomalyOptions(options.AnomalyThreshold, options.SeasonLength, options.AnomalyMethod), values.Count),
            CagrUndefinedReason: Growth.CagrUndefinedReason(o, options.PeriodsPerYear))
        {
            Ewma = options.EwmaAlpha is { } a ? MovingAverages.Exponential(values, a) : null,
            SeasonalSenSlope = options.SeasonLength is { } season ? SeasonalSenSlope.Estimate(values, season, options.SeasonalSenConvention) : null,
        };
    }
}
