namespace CoeInsights.Analytics.Trends;

/// <summary>Options of the robust anomaly detector.</summary>
/// <param name="Threshold">|modified z| above which a slot is an anomaly (Iglewicz and Hoaglin recommend 3.5).</param>
/// <param name="SeasonLength">
/// When set (7 for weekly patterns in a daily series), each value is first compared with the median of its own
/// season position (e.g. all Mondays), so a quiet Sunday is not an anomaly; the modified z-score is then taken
/// on these deseasonalised residuals.
/// </param>
/// <param name="Method">How a residual becomes a score (default the modified z-score of Iglewicz and Hoaglin).</param>
public sealed record AnomalyOptions(double Threshold = 3.5, int? SeasonLength = null, AnomalyScoreMethod Method = AnomalyScoreMethod.ModifiedZ);

/// <summary>Score conventions; they differ between published packages, so the caller chooses.</summary>
public enum AnomalyScoreMethod
{
    /// <summary>0.6745·(r − median r)/MAD (Iglewicz and Hoaglin 1993; threshold 3.5). The default.</summary>
    ModifiedZ,

    /// <summary>
    /// (r − median r)/(1.4826·MAD): the MAD scaled to estimate the normal sd, as R stats::mad (constant = 1.4826) and
    /// scipy.stats.median_abs_deviation(scale="normal") (Leys et al. 2013). Differs from ModifiedZ by 0.6745·1.4826 = 1.00002.
    /// </summary>
    MadScaled,

    /// <summary>(r − mean r)/sd with the sample sd (n − 1), as R scale() and scipy.stats.zscore(ddof=1). Not robust.</summary>
    ZScore,
}

/// <summary>Robust score of one slot.</summary>
/// <param name="Index">Slot index in the series.</param>
/// <param name="Expected">Centre the value was compared with (median, or seasonal median + median residual).</param>
/// <param name="Score">Modified z-score 0.6745·(r − median r)/MAD (or (r − median)/(1.253314·MeanAD) when MAD = 0).</param>
public sealed record AnomalyPoint(int Index, double Value, double Expected, double Score, bool IsAnomaly);

/// <summary>Scores of all observed slots and the anomalies among them.</summary>
/// <param name="Scale">
/// ModifiedZ: MAD (or 1.253314·MeanAD fallback, see <see cref="UsedMeanAbsoluteDeviation"/>); MadScaled: 1.4826·MAD (same
/// fallback); ZScore: the sample sd. 0 = all residuals equal.
/// </param>
public sealed record AnomalyResult(
    double Threshold,
    int? SeasonLength,
    double Median,
    double Scale,
    bool UsedMeanAbsoluteDeviation,
    IReadOnlyList<AnomalyPoint> Points)
{
    public AnomalyScoreMethod Method { get; init; }

    /// <summary>The centre scores are measured from: the median of the residuals, or their mean for ZScore.</summary>
    public double Center { get; init; }

    public IEnumerable<AnomalyPoint> Anomalies => Points.Where(p => p.IsAnomaly);
}

/// <summary>Median/MAD modified z-score outlier detection (Iglewicz and Hoaglin 1993), optionally seasonal.</summary>
public static class AnomalyDetector
{
    private const double MadToZ = 0.6745;
    private const double MeanAdFactor = 1.253314;
    private const double MadToSd = 1.4826;

    /// <summary>
    /// Scores each observed slot (missing slots are skipped, never scored as 0). M_i = 0.6745·(r_i − median r)/MAD.
    /// When MAD = 0 (more than half the residuals equal) the IBM SPSS convention M_i = (r_i − median r)/(1.253314·MeanAD)
    /// is used; when that is also 0 no slot is scored as an anomaly.
    /// </summary>
    /// <remarks>season_length must be between 2 and half the slot count (two full seasons), as every seasonal statistic here.</remarks>
    public static AnomalyResult Detect(IReadOnlyList<double?> values, AnomalyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Detect(Observed.From(values), options, values.Count);
    }

    /// <summary>
    /// <see cref="Detect(IReadOnlyList{double?}, AnomalyOptions?)"/> on already extracted observed points. With
    /// <paramref name="slots"/> the season must fit twice into them; without (the alert rule's fixed weekly season on a
    /// short history) it only has to be at least 2.
    /// </summary>
    internal static AnomalyResult Detect(Observed o, AnomalyOptions? options, int? slots = null)
    {
        options ??= new AnomalyOptions();
        var v = new Validator();
        v.Require(double.IsFinite(options.Threshold) && options.Threshold > 0, "threshold", "must be a positive number");
        v.Require(Enum.IsDefined(options.Method), "score_method", "must be a known score method");
        if (options.SeasonLength is { } sl)
        {
            v.Require(sl >= 2, "season_length", "must be at least 2");
            if (slots is { } count) SeasonLimit.Require(sl, count, v);
        }
        v.Require(o.Count >= 3, "values", "needs at least 3 observed values");
        v.ThrowIfInvalid();

        // residuals of values near ±1e308 overflow: score values / 2^e (exact; the scores do not depend on the scale)
        var e = PowerOfTwoScale.Exponent(o.Values);
        var original = o.Values;
        if (e != 0) o = new Observed(o.Times, PowerOfTwoScale.Down(o.Values, e));
        var n = o.Count;
        // residuals, deviations and seasonal offsets are work arrays (the points carry their own values): one
        // per-thread set reused across series, with the same bounded retention as Sen's slope's work arrays
        var (seasonal, r, dev) = WorkArrays(n);
        if (options.SeasonLength is { } m)
        {
            // One pass groups the values by season position (in slot order, as before): O(n), not O(m·n).
            var groups = SeasonLimit.Group(o, m);
            var medians = new double[m];
            for (var g = 0; g < m; g++) medians[g] = groups[g] is { Count: > 0 } group ? StatMath.Median(group.ToArray()) : 0;
            for (var i = 0; i < n; i++) seasonal[i] = medians[(int)o.Times[i] % m];
        }
        for (var i = 0; i < n; i++) r[i] = o.Values[i] - seasonal[i];
        var median = StatMath.Median(r.AsSpan(0, n));
        for (var i = 0; i < n; i++) dev[i] = Math.Abs(r[i] - median);
        var mad = StatMath.Median(dev.AsSpan(0, n));
        var useMean = false;
        double factor;
        var scale = mad;
        var center = median;
        if (options.Method == AnomalyScoreMethod.ZScore)
        {
            center = Average(r.AsSpan(0, n));
            double ss = 0;
            for (var i = 0; i < n; i++) ss += (r[i] - center) * (r[i] - center);
            scale = Math.Sqrt(ss / (n - 1));
            factor = scale > 0 ? 1.0 / scale : 0.0;
        }
        else if (mad > 0)
        {
            if (options.Method == AnomalyScoreMethod.MadScaled) scale = MadToSd * mad;
            factor = options.Method == AnomalyScoreMethod.MadScaled ? 1.0 / scale : MadToZ / mad;
        }
        else
        {
            useMean = true;
            scale = MeanAdFactor * Average(dev.AsSpan(0, n));
            factor = scale > 0 ? 1.0 / scale : 0.0;
        }
        var points = new AnomalyPoint[n];
        for (var i = 0; i < n; i++)
        {
            var score = (r[i] - center) * factor;
            points[i] = new AnomalyPoint((int)o.Times[i], original[i], PowerOfTwoScale.Up(seasonal[i] + center, e), score, Math.Abs(score) > options.Threshold);
        }
        return new AnomalyResult(options.Threshold, options.SeasonLength, PowerOfTwoScale.Up(median, e), PowerOfTwoScale.Up(scale, e), useMean, points)
        {
            Method = options.Method, Center = PowerOfTwoScale.Up(center, e),
        };
    }

    [ThreadStatic] private static double[]? t_seasonal, t_residual, t_deviation;

    /// <summary>
    /// Three arrays of at least n elements (only [0, n) is used); the seasonal offsets are zeroed, as they must be
    /// when there is no season.
    /// </summary>
    private static (double[] Seasonal, double[] Residual, double[] Deviation) WorkArrays(int n)
    {
        if (n > PairwiseSlopes.PooledLimit) return (new double[n], new double[n], new double[n]);
        if (t_seasonal is null || t_seasonal.Length < n)
        {
            t_seasonal = new double[n];
            t_residual = new double[n];
            t_deviation = new double[n];
        }
        Array.Clear(t_seasonal, 0, n);
        return (t_seasonal, t_residual!, t_deviation!);
    }

    /// <summary>Mean in index order (the same sum as Enumerable.Average over an array).</summary>
    private static double Average(ReadOnlySpan<double> x)
    {
        double sum = 0;
        foreach (var v in x) sum += v;
        return sum / x.Length;
    }
}
