namespace CoeInsights.Analytics.Trends;

/// <summary>Which way a watched metric must move to alert.</summary>
public enum AlertDirection
{
    /// <summary>Spikes up and drops alike.</summary>
    Both,
    /// <summary>Spikes up only (e.g. negative mentions).</summary>
    Up,
    /// <summary>Drops only (e.g. reach).</summary>
    Down,
}

/// <summary>How far past the threshold: warning below twice the threshold, critical at or above it.</summary>
public enum AlertSeverity
{
    Warning,
    Critical,
}

/// <summary>How a new observation is compared with what came before it.</summary>
public enum AlertMethod
{
    /// <summary>
    /// Robust (modified) z-score of the value against its history (<see cref="AnomalyDetector"/>); the threshold is a
    /// |z| (default 3.5). The method in place before there was a choice.
    /// </summary>
    RobustZScore,
    /// <summary>
    /// The value against a fixed level: the threshold is the level (no default), <see cref="AlertRule.Direction"/> says
    /// whether above (<see cref="AlertDirection.Up"/>) or below (<see cref="AlertDirection.Down"/>) alerts.
    /// </summary>
    FixedThreshold,
    /// <summary>Relative change against the period before (yesterday for daily data), in percent (default 50).</summary>
    ChangeVsPreviousPeriod,
    /// <summary>Relative change against the same weekday last week (seven periods back), in percent (default 50).</summary>
    ChangeVsSameWeekdayLastWeek,
}

/// <summary>When a new observation alerts.</summary>
/// <param name="Threshold">
/// The method's sensitivity; null takes <see cref="DefaultThreshold"/>. <see cref="AlertMethod.RobustZScore"/>: |modified z|
/// above which the value alerts (as <see cref="AnomalyOptions.Threshold"/>, default 3.5). <see cref="AlertMethod.FixedThreshold"/>:
/// the level itself (required, any bounded number). The change methods: the relative change in percent beyond which the
/// value alerts (default 50, i.e. +50 % or −50 %).
/// </param>
/// <param name="Seasonal">Robust z-score only: compare with the same weekday (season length 7 on the daily history).</param>
/// <param name="MinimumHistory">Robust z-score only: observed periods the history must hold before anything alerts (too little history: no verdict).</param>
/// <param name="Method">How the value is compared (default the robust z-score, as before).</param>
/// <param name="MinimumVolume">
/// When set: a value (or the volume passed beside it, e.g. the mentions behind a negative share) below it never alerts,
/// so a profile with 2 negative mentions instead of 1 does not page anyone.
/// </param>
public sealed record AlertRule(
    double? Threshold = null, bool Seasonal = false, AlertDirection Direction = AlertDirection.Both, int MinimumHistory = 7,
    AlertMethod Method = AlertMethod.RobustZScore, double? MinimumVolume = null)
{
    public const int SeasonLength = 7;

    /// <summary>The threshold a rule without one uses: 3.5 (z), 50 (% change); null for a fixed threshold, which must name its level.</summary>
    public static double? DefaultThreshold(AlertMethod method) => method switch
    {
        AlertMethod.RobustZScore => 3.5,
        AlertMethod.FixedThreshold => null,
        _ => 50,
    };

    /// <summary>The threshold in force: <see cref="Threshold"/> or the method's default.</summary>
    public double? EffectiveThreshold => Threshold ?? DefaultThreshold(Method);
}

/// <summary>A new observation found alerting against its history.</summary>
/// <param name="Expected">
/// What it was compared with: the robust centre (median, or seasonal median + median residual) for the z-score, the level
/// for a fixed threshold, the previous period's or last week's same-weekday value for the change methods.
/// </param>
/// <param name="Score">
/// Positive above the expected value: the modified z-score, the distance past the level (value − level), or the relative
/// change in percent (100·(value − baseline)/|baseline|), by <see cref="Method"/>.
/// </param>
/// <param name="Direction"><see cref="AlertDirection.Up"/> or <see cref="AlertDirection.Down"/>.</param>
/// <param name="HistoryCount">Observed periods of history it was compared with.</param>
public sealed record ObservationAlert(double Value, double Expected, double Score, AlertDirection Direction, AlertSeverity Severity, int HistoryCount,
    AlertMethod Method = AlertMethod.RobustZScore);

/// <summary>
/// The crisis early warning's rule: does this newly recorded value alert against the history before it? Pure. The
/// robust z-score is <see cref="AnomalyDetector"/>'s, unchanged: the value is scored as the last slot of history + value,
/// so an alert is exactly what <c>DetectAnomalies</c> over the same window would flag on that day.
/// </summary>
public static class ObservationAlerts
{
    /// <param name="history">The slots before the new value (days, or hours for hourly data), oldest first, the one before it last; missing slots are null.</param>
    /// <param name="value">The new value; missing (null) or not finite never alerts.</param>
    /// <param name="rule">The method and its sensitivity (default: robust z-score 3.5, both directions).</param>
    /// <param name="volume">
    /// What <see cref="AlertRule.MinimumVolume"/> is checked against when the value is a ratio (e.g. the mention count
    /// behind a negative share); null checks the value itself. Not finite never alerts when a minimum volume is set.
    /// </param>
    /// <returns>The alert, or null when the value does not alert (or not in the watched direction, or its baseline is missing).</returns>
    /// <remarks>
    /// A relative change needs a non-zero baseline: a missing or zero baseline (yesterday, or the same weekday last
    /// week) gives no verdict rather than an infinite change; pair the change methods with a minimum volume.
    /// </remarks>
    public static ObservationAlert? Decide(IReadOnlyList<double?> history, double? value, AlertRule? rule = null, double? volume = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        rule ??= new AlertRule();
        Validate(rule);
        if (value is not { } x || !double.IsFinite(x)) return null;
        if (rule.MinimumVolume is { } minimum && !((volume ?? x) >= minimum)) return null;
        var threshold = rule.EffectiveThreshold!.Value;
        var verdict = rule.Method switch
        {
            AlertMethod.RobustZScore => ZScore(history, x, rule, threshold),
            AlertMethod.FixedThreshold => Level(history, x, rule, threshold),
            AlertMethod.ChangeVsPreviousPeriod => Change(history, x, rule, threshold, lag: 1),
            _ => Change(history, x, rule, threshold, lag: AlertRule.SeasonLength),
        };
        if (verdict is null) return null;
        if (rule.Direction != AlertDirection.Both && rule.Direction != verdict.Direction) return null;
        return verdict;
    }

    /// <summary>INVALID_ARGUMENT (field paths as in the protos) when the rule cannot be applied.</summary>
    public static void Validate(AlertRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var v = new Validator();
        v.Require(Enum.IsDefined(rule.Method), "method", "must be a known method");
        switch (rule.Method)
        {
            case AlertMethod.FixedThreshold:
                if (rule.Threshold is { } level) v.RequireBounded(level, "threshold");
                else v.Add("threshold", "is required for a fixed threshold (the level)");
                v.Require(rule.Direction != AlertDirection.Both, "direction", "must be up (above the level) or down (below it) for a fixed threshold");
                break;
            case AlertMethod.RobustZScore:
                if (rule.Threshold is { } z) v.Require(double.IsFinite(z) && z > 0, "threshold", "must be a positive number");
                v.Require(rule.MinimumHistory >= 2, "minimum_history", "must be at least 2");
                break;
            default:
                if (rule.Threshold is { } pct) v.Require(double.IsFinite(pct) && pct > 0 && pct <= Validator.MaxMagnitude, "threshold", "must be a positive percentage");
                break;
        }
        if (rule.MinimumVolume is { } m) v.Require(double.IsFinite(m) && m >= 0 && m <= Validator.MaxMagnitude, "minimum_volume", "must be a number of at least 0");
        v.ThrowIfInvalid();
    }

    private static int CountObserved(IReadOnlyList<double?> history)
    {
        var observed = 0;
        foreach (var h in history) if (h is not null) observed++;
        return observed;
    }

    private static ObservationAlert? ZScore(IReadOnlyList<double?> history, double x, AlertRule rule, double threshold)
    {
        var observed = CountObserved(history);
        if (observed < rule.MinimumHistory) return null;
        var slots = new double?[history.Count + 1];
        for (var i = 0; i < history.Count; i++) slots[i] = history[i];
        slots[^1] = x;
        // The weekly season is fixed and the history may be shorter than two weeks: no two-season rule here.
        var result = AnomalyDetector.Detect(Observed.From(slots), new AnomalyOptions(threshold, rule.Seasonal ? AlertRule.SeasonLength : null));
        var last = result.Points[^1];
        if (!last.IsAnomaly) return null;
        var direction = last.Score > 0 ? AlertDirection.Up : AlertDirection.Down;
        var severity = Math.Abs(last.Score) >= 2 * threshold ? AlertSeverity.Critical : AlertSeverity.Warning;
        return new ObservationAlert(x, last.Expected, last.Score, direction, severity, observed);
    }

    /// <remarks>Critical when the value is at least as far past the level as the level is from 0 (twice a positive level going up, 0 or less going down); a level of 0 only warns.</remarks>
    private static ObservationAlert? Level(IReadOnlyList<double?> history, double x, AlertRule rule, double level)
    {
        var crossed = rule.Direction == AlertDirection.Up ? x > level : x < level;
        if (!crossed) return null;
        var excess = x - level;
        var severity = level != 0 && Math.Abs(excess) >= Math.Abs(level) ? AlertSeverity.Critical : AlertSeverity.Warning;
        return new ObservationAlert(x, level, excess, rule.Direction, severity, CountObserved(history), AlertMethod.FixedThreshold);
    }

    private static ObservationAlert? Change(IReadOnlyList<double?> history, double x, AlertRule rule, double threshold, int lag)
    {
        if (history.Count < lag || history[history.Count - lag] is not { } baseline || !double.IsFinite(baseline) || baseline == 0) return null;
        var change = 100 * ((x - baseline) / Math.Abs(baseline));
        if (!double.IsFinite(change) || !(Math.Abs(change) > threshold)) return null;
        var direction = change > 0 ? AlertDirection.Up : AlertDirection.Down;
        var severity = Math.Abs(change) >= 2 * threshold ? AlertSeverity.Critical : AlertSeverity.Warning;
        return new ObservationAlert(x, baseline, change, direction, severity, CountObserved(history), rule.Method);
    }
}

/// <summary>
/// Cooldown: after an alert on a series (a profile's metric), no new alert on that series for the next N periods. Pure;
/// the caller keeps the period of the series' last raised alert (a suppressed alert does not restart the cooldown).
/// </summary>
public static class AlertCooldown
{
    /// <summary>
    /// True when <paramref name="period"/> falls within the <paramref name="cooldownPeriods"/> periods after the last
    /// alert (last &lt; period ≤ last + N). No last alert, N = 0, the alert's own period or an earlier one: false.
    /// </summary>
    public static bool Suppresses(long? lastAlertPeriod, long period, int cooldownPeriods)
    {
        Require(cooldownPeriods);
        return lastAlertPeriod is { } last && period > last && period - last <= cooldownPeriods;
    }

    /// <summary><see cref="Suppresses(long?, long, int)"/> on days.</summary>
    public static bool Suppresses(DateOnly? lastAlertDay, DateOnly day, int cooldownDays) =>
        Suppresses(lastAlertDay?.DayNumber, day.DayNumber, cooldownDays);

    /// <summary><see cref="Suppresses(long?, long, int)"/> on whole hours (UTC; minutes and seconds are dropped).</summary>
    public static bool Suppresses(DateTimeOffset? lastAlertHour, DateTimeOffset hour, int cooldownHours) =>
        Suppresses(lastAlertHour is { } l ? HourNumber(l) : null, HourNumber(hour), cooldownHours);

    /// <summary>
    /// The periods among <paramref name="alertPeriods"/> (ascending periods at which a method would alert) that are
    /// raised once the cooldown is applied; a repeated or earlier period is dropped.
    /// </summary>
    public static IReadOnlyList<long> Apply(IEnumerable<long> alertPeriods, int cooldownPeriods)
    {
        ArgumentNullException.ThrowIfNull(alertPeriods);
        Require(cooldownPeriods);
        var raised = new List<long>();
        long? last = null;
        foreach (var p in alertPeriods)
        {
            if (last is { } l && p <= l) continue; // not ascending: the same or an earlier period is already decided
            if (Suppresses(last, p, cooldownPeriods)) continue;
            raised.Add(p);
            last = p;
        }
        return raised;
    }

    private static long HourNumber(DateTimeOffset t) => t.ToUniversalTime().Ticks / TimeSpan.TicksPerHour;

    private static void Require(int cooldownPeriods) =>
        new Validator().Require(cooldownPeriods >= 0, "cooldown", "must be 0 or more periods").ThrowIfInvalid();
}
