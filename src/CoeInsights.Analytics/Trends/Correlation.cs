namespace CoeInsights.Analytics.Trends;

/// <summary>A correlation coefficient with its two-sided test.</summary>
/// <param name="Coefficient">r, rho or tau-b.</param>
/// <param name="Statistic">t (Pearson, Spearman; df = n − 2) or z (Kendall).</param>
/// <param name="PValue">Two-sided: 2·CDF_t(−|t|) or 2·Φ(−|z|).</param>
/// <param name="Ci">Fisher-z interval (Pearson only).</param>
public sealed record CorrelationResult(
    int N,
    double Coefficient,
    double Statistic,
    double? DegreesOfFreedom,
    double PValue,
    Interval? Ci)
{
    /// <summary>Statistics that are ±∞ or NaN for this input (t of a perfect correlation), with the reason.</summary>
    public IReadOnlyList<UndefinedStatistic> Undefined { get; init; } = [];

    /// <summary>Kendall only: the score S = Σ_{i&lt;j} sign(x_j − x_i)·sign(y_j − y_i) (R Kendall::Kendall "S").</summary>
    public double? S { get; init; }

    /// <summary>Kendall only: Var(S) with ties in both rankings, Kendall (1976) eq. 4.4 (R Kendall::Kendall "varS").</summary>
    public double? VarianceS { get; init; }

    /// <summary>Kendall only: whether z was taken as (S − sign S)/√Var(S).</summary>
    public bool ContinuityCorrection { get; init; }
}

/// <summary>Pearson, Spearman and Kendall tau-b correlations.</summary>
public static class Correlation
{
    /// <summary>Pearson r; p from t = r·√((n−2)/(1−r²)); CI via Fisher z (atanh r ± z/√(n−3)), as R cor.test and scipy.</summary>
    public static CorrelationResult Pearson(IReadOnlyList<double?> x, IReadOnlyList<double?> y, double confidenceLevel = 0.95)
    {
        var (a, b) = Pair(x, y, 3);
        var v = new Validator();
        StatMath.ValidateConfidence(confidenceLevel, v);
        v.ThrowIfInvalid();
        var r = PearsonR(a, b);
        var n = a.Length;
        var (t, p) = TTest(r, n);
        Interval? ci = null;
        if (n > 3)
        {
            var z = Math.Atanh(r);
            var h = StatMath.ZCritical(confidenceLevel) / Math.Sqrt(n - 3);
            ci = new Interval(Math.Tanh(z - h), Math.Tanh(z + h));
        }
        return new CorrelationResult(n, r, t, n - 2, p, ci) { Undefined = PerfectUndefined(t) };
    }

    /// <summary>Spearman rho = Pearson r of mid-ranks; p from the t approximation (df = n − 2), as scipy and R with ties.</summary>
    public static CorrelationResult Spearman(IReadOnlyList<double?> x, IReadOnlyList<double?> y)
    {
        var (a, b) = Pair(x, y, 3);
        var rho = PearsonR(StatMath.MidRanks(a), StatMath.MidRanks(b));
        var (t, p) = TTest(rho, a.Length);
        return new CorrelationResult(a.Length, rho, t, a.Length - 2, p, null) { Undefined = PerfectUndefined(t) };
    }

    /// <summary>
    /// Kendall tau-b = (C − D)/√((N − T_x)(N − T_y)); z = S/√Var(S) with the tie-corrected variance and, by default,
    /// no continuity correction (scipy.stats.kendalltau method="asymptotic", R cor.test exact = FALSE). With
    /// <paramref name="continuityCorrection"/> z = (S − sign S)/√Var(S): R cor.test(exact = FALSE, continuity = TRUE) and
    /// the normal approximation R Kendall::Kendall uses when there are ties.
    /// </summary>
    public static CorrelationResult KendallTauB(IReadOnlyList<double?> x, IReadOnlyList<double?> y, bool continuityCorrection = false)
    {
        var (a, b) = Pair(x, y, 3);
        var n = a.Length;
        double s = 0;
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
                s += Math.Sign(a[j] - a[i]) * Math.Sign(b[j] - b[i]);
        var (xt, x3, x5) = StatMath.TieSums(a);
        var (yt, y3, y5) = StatMath.TieSums(b);
        double dn = n;
        var tot = dn * (dn - 1) / 2;
        var tau = s / Math.Sqrt(tot - xt) / Math.Sqrt(tot - yt);
        var m = dn * (dn - 1);
        var variance = (m * (2 * dn + 5) - x5 - y5) / 18 + 2 * xt * yt / m + x3 * y3 / (9 * m * (dn - 2));
        var z = (continuityCorrection ? s - Math.Sign(s) : s) / Math.Sqrt(variance);
        var undefined = new List<UndefinedStatistic>();
        if (!double.IsFinite(tau)) undefined.Add(new("coefficient", "x or y is constant (all its pairs tied): tau-b is 0/0"));
        if (!double.IsFinite(z)) undefined.Add(new("statistic", "the variance of S is 0: z is undefined"));
        if (!double.IsFinite(z)) undefined.Add(new("p_value", "the variance of S is 0: there is no z to test"));
        return new CorrelationResult(n, tau, z, null, StatMath.TwoSidedZ(z), null)
        {
            Undefined = undefined, S = s, VarianceS = variance, ContinuityCorrection = continuityCorrection,
        };
    }

    private static IReadOnlyList<UndefinedStatistic> PerfectUndefined(double t) => double.IsFinite(t)
        ? []
        : [new UndefinedStatistic("statistic", "the correlation is perfect (|coefficient| = 1): t is infinite; p_value is 0")];

    private static (double T, double P) TTest(double r, int n)
    {
        var df = n - 2;
        var denom = 1 - r * r;
        if (denom <= 0) return (r > 0 ? double.PositiveInfinity : double.NegativeInfinity, 0.0);
        var t = r * Math.Sqrt(df / denom);
        return (t, StatMath.TwoSidedT(t, df));
    }

    private static double PearsonR(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        // r does not depend on either scale: values near ±1e308 are divided by a power of two (exact) so squares fit
        var ea = PowerOfTwoScale.Exponent(a);
        var eb = PowerOfTwoScale.Exponent(b);
        if (ea != 0) a = PowerOfTwoScale.Down(a, ea);
        if (eb != 0) b = PowerOfTwoScale.Down(b, eb);
        var n = a.Length;
        double ma = 0, mb = 0;
        for (var i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < n; i++)
        {
            var da = a[i] - ma;
            var db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        if (saa == 0) throw new InvalidInputException("x", "is constant: correlation is undefined");
        if (sbb == 0) throw new InvalidInputException("y", "is constant: correlation is undefined");
        return Math.Clamp(sab / Math.Sqrt(saa * sbb), -1.0, 1.0);
    }

    /// <summary>Pairs slot by slot; a slot missing in either series is dropped (pairwise complete).</summary>
    private static (double[] A, double[] B) Pair(IReadOnlyList<double?> x, IReadOnlyList<double?> y, int minimum)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var v = new Validator();
        for (var i = 0; i < x.Count; i++) if (x[i] is { } xi && !double.IsFinite(xi)) v.Add($"x[{i}]", "must be a finite number (not NaN or infinite)");
        for (var i = 0; i < y.Count; i++) if (y[i] is { } yi && !double.IsFinite(yi)) v.Add($"y[{i}]", "must be a finite number (not NaN or infinite)");
        v.Require(x.Count == y.Count, "y", $"must have as many slots as x ({x.Count}), has {y.Count}");
        v.ThrowIfInvalid();
        var a = new List<double>();
        var b = new List<double>();
        for (var i = 0; i < x.Count; i++)
        {
            if (x[i] is { } xi && y[i] is { } yi)
            {
                a.Add(xi);
                b.Add(yi);
            }
        }
        if (a.Count < minimum) throw new InvalidInputException("y", $"needs at least {minimum} slots where both series have a value");
        return (a.ToArray(), b.ToArray());
    }
}
