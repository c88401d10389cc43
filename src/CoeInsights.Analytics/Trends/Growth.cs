namespace CoeInsights.Analytics.Trends;

/// <summary>Period-over-period change and compound growth.</summary>
public static class Growth
{
    /// <summary>The finest slot is a day: more periods per year than a leap year's days cannot be meant (docs/limits.md).</summary>
    public const double MaxPeriodsPerYear = 366;

    /// <summary>
    /// Percentage change of each slot against the previous slot: (cur − prev)/prev·100. The first slot, a slot
    /// after a missing one, a missing slot and a previous value of 0 give no value (never a division by zero).
    /// A negative previous value is divided as is (pandas pct_change semantics).
    /// </summary>
    public static double?[] PeriodOverPeriod(IReadOnlyList<double?> values)
    {
        Observed.From(values);
        return PeriodOverPeriodValidated(values);
    }

    /// <summary><see cref="PeriodOverPeriod"/> for values the caller has already validated (TrendAnalysis).</summary>
    internal static double?[] PeriodOverPeriodValidated(IReadOnlyList<double?> values)
    {
        var result = new double?[values.Count];
        for (var i = 1; i < values.Count; i++) result[i] = PercentChange(values[i], values[i - 1]);
        return result;
    }

    /// <summary>(current − previous)/previous·100; no value when either is missing or previous is 0.</summary>
    public static double? PercentChange(double? current, double? previous)
    {
        if (current is not { } c || previous is not { } p || p == 0) return null;
        if (!double.IsFinite(c)) throw new InvalidInputException("current", "must be a finite number (not NaN or infinite)");
        if (!double.IsFinite(p)) throw new InvalidInputException("previous", "must be a finite number (not NaN or infinite)");
        return (c - p) / p * 100.0;
    }

    /// <summary>
    /// Compound growth rate per slot between the first and the last observed slot:
    /// (last/first)^(1/periods) − 1 with periods = slot distance. With <paramref name="periodsPerYear"/> (365.25
    /// for days, 52.1775 for weeks, 12, 4) it is annualised: (last/first)^(periodsPerYear/periods) − 1. No value
    /// when fewer than two observations, first ≤ 0 or last &lt; 0 (growth of a non-positive base is undefined).
    /// </summary>
    public static double? Cagr(IReadOnlyList<double?> values, double? periodsPerYear = null)
        => Cagr(Observed.From(values), periodsPerYear);

    /// <summary><see cref="Cagr(IReadOnlyList{double?}, double?)"/> on already extracted observed points.</summary>
    internal static double? Cagr(Observed o, double? periodsPerYear)
    {
        if (periodsPerYear is { } ppy && !(double.IsFinite(ppy) && ppy > 0 && ppy <= MaxPeriodsPerYear))
            throw new InvalidInputException("periods_per_year", $"must be a positive number of at most {MaxPeriodsPerYear} (slots are at least a day long)");
        if (CagrUndefinedReason(o, periodsPerYear) is not null) return null;
        return Cagr(o.Values[0], o.Values[^1], (o.Times[^1] - o.Times[0]) / (periodsPerYear ?? 1.0));
    }

    /// <summary>
    /// Why <see cref="Cagr(IReadOnlyList{double?}, double?)"/> has no value, or <c>null</c> when it has one. An annualised
    /// rate needs at least a year of periods from the first to the last observation, both counted (365 days, 52 weeks,
    /// 12 months, 4 quarters): compounding four days of growth up to a year gives numbers like 141,504,950 % that
    /// say nothing.
    /// </summary>
    public static string? CagrUndefinedReason(IReadOnlyList<double?> values, double? periodsPerYear = null)
        => CagrUndefinedReason(Observed.From(values), periodsPerYear);

    internal static string? CagrUndefinedReason(Observed o, double? periodsPerYear)
    {
        if (o.Count < 2) return "needs at least two observed periods";
        if (periodsPerYear is { } ppy && o.Times[^1] - o.Times[0] + 1 < Math.Floor(ppy))
            return $"the series covers {o.Times[^1] - o.Times[0] + 1:0} periods, less than a year ({Math.Floor(ppy):0}): too short to annualise";
        if (o.Values[0] <= 0) return "the first observed value is not positive (growth of a non-positive base is undefined)";
        if (o.Values[^1] < 0) return "the last observed value is negative";
        return null;
    }

    /// <summary>(end/begin)^(1/periods) − 1; no value when begin ≤ 0, end &lt; 0 or periods ≤ 0.</summary>
    public static double? Cagr(double begin, double end, double periods)
    {
        var v = new Validator();
        v.RequireFinite(begin, "begin").RequireFinite(end, "end").RequireFinite(periods, "periods");
        v.ThrowIfInvalid();
        if (begin <= 0 || end < 0 || periods <= 0) return null;
        return Math.Pow(end / begin, 1.0 / periods) - 1.0;
    }
}

/// <summary>Where a moving-average window sits relative to its output slot.</summary>
public enum WindowAlignment
{
    /// <summary>Slot i averages i−w+1..i (pandas rolling, R filter sides = 1).</summary>
    Trailing,

    /// <summary>Slot i averages the w slots centred on i; for an even w the window reaches one slot further forward than back (R stats::filter sides = 2).</summary>
    Centered,
}

/// <summary>Moving averages over full windows only.</summary>
public static class MovingAverages
{
    /// <summary>Widest window (work is slots × window; docs/limits.md). A window longer than the series gives no values.</summary>
    public const int MaxWindow = 1_000;

    /// <summary>
    /// Simple moving average over FULL windows only, like pandas rolling(w).mean() and R stats::filter: the first
    /// w−1 trailing slots have no value, and so does every window that contains a missing slot (a blank is not 0).
    /// MathNet's Statistics.MovingAverage differs: it averages partial windows at the start.
    /// </summary>
    public static double?[] Simple(IReadOnlyList<double?> values, int window, WindowAlignment alignment = WindowAlignment.Trailing)
    {
        Observed.From(values);
        return SimpleValidated(values, window, alignment);
    }

    /// <summary><see cref="Simple"/> for values the caller has already validated (TrendAnalysis).</summary>
    internal static double?[] SimpleValidated(IReadOnlyList<double?> values, int window, WindowAlignment alignment)
    {
        if (window < 1) throw new InvalidInputException("window", "must be at least 1");
        if (window > MaxWindow) throw new InvalidInputException("window", $"must be at most {MaxWindow} slots");
        if (!Enum.IsDefined(alignment)) throw new InvalidInputException("alignment", "unknown alignment");
        var n = values.Count;
        var result = new double?[n];
        // offset: output slot i covers [i − before, i + after]
        var before = alignment == WindowAlignment.Trailing ? window - 1 : (window - 1) / 2;
        // window sums of values near ±1e308 overflow: sum values / 2^e (exact) and scale each mean back
        var e = PowerOfTwoScale.Exponent(values);
        if (e != 0) values = PowerOfTwoScale.Down(values, e);
        for (var i = 0; i < n; i++)
        {
            var start = i - before;
            var end = start + window - 1;
            if (start < 0 || end >= n) continue;
            double sum = 0;
            var ok = true;
            for (var j = start; j <= end && ok; j++)
            {
                if (values[j] is { } x) sum += x;
                else ok = false;
            }
            if (ok) result[i] = PowerOfTwoScale.Up(sum / window, e);
        }
        return result;
    }

    /// <summary>
    /// Exponentially weighted moving average with the recursion m_0 = x_0, m_t = α·x_t + (1 − α)·m_{t−1}
    /// (pandas ewm(adjust=False); equal to simple exponential smoothing's level). A missing slot has no value and
    /// the average carries over it unchanged (pandas ignore_na=True).
    /// </summary>
    public static double?[] Exponential(IReadOnlyList<double?> values, double alpha)
    {
        Observed.From(values);
        if (!(alpha > 0 && alpha <= 1)) throw new InvalidInputException("alpha", "must be in (0, 1]");
        var result = new double?[values.Count];
        double? m = null;
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not { } x) continue;
            m = m is { } prev ? alpha * x + (1 - alpha) * prev : x;
            result[i] = m;
        }
        return result;
    }
}
