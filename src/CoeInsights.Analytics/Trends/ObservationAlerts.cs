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

/// <summary>When a new observation alerts.</summary>
/// <param name="Threshold">|modified z| above which the observation alerts (as <see cref="AnomalyOptions.Threshold"/>, default 3.5).</param>
/// <param name="Seasonal">Compare with the same weekday (season length 7 on the daily history).</param>
/// <param name="MinimumHistory">Observed days the history must hold before anything alerts (too little history: no verdict).</param>
public sealed record AlertRule(double Threshold = 3.5, bool Seasonal = false, AlertDirection Direction = AlertDirection.Both, int MinimumHistory = 7)
{
    public const int SeasonLength = 7;
}

/// <summary>A new observation found anomalous against its history.</summary>
/// <param name="Expected">The centre it was compared with (median, or seasonal median + median residual).</param>
/// <param name="Score">Robust (modified) z-score; positive above the expected value.</param>
/// <param name="Direction"><see cref="AlertDirection.Up"/> or <see cref="AlertDirection.Down"/>.</param>
/// <param name="HistoryCount">Observed days of history it was compared with.</param>
public sealed record ObservationAlert(double Value, double Expected, double Score, AlertDirection Direction, AlertSeverity Severity, int HistoryCount);

/// <summary>
/// The crisis early warning's rule: is this newly recorded value anomalous against the history before it? Pure; the
/// scoring is <see cref="AnomalyDetector"/>'s, unchanged: the value is scored as the last slot of history + value, so
/// an alert is exactly what <c>DetectAnomalies</c> over the same window would flag on that day.
/// </summary>
public static class ObservationAlerts
{
    /// <param name="history">The daily slots before the new value, oldest first, the day before it last; missing days are null.</param>
    /// <param name="value">The new value; missing (null) or not finite never alerts.</param>
    /// <returns>The alert, or null when the value is not anomalous (or not in the watched direction, or history is too short).</returns>
    public static ObservationAlert? Decide(IReadOnlyList<double?> history, double? value, AlertRule? rule = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        rule ??= new AlertRule();
        new Validator()
            .Require(double.IsFinite(rule.Threshold) && rule.Threshold > 0, "threshold", "must be a positive number")
            .Require(rule.MinimumHistory >= 2, "minimum_history", "must be at least 2")
            .ThrowIfInvalid();
        if (value is not { } x || !double.IsFinite(x)) return null;
        var observed = 0;
        foreach (var h in history) if (h is not null) observed++;
        if (observed < rule.MinimumHistory) return null;

        var slots = new double?[history.Count + 1];
        for (var i = 0; i < history.Count; i++) slots[i] = history[i];
        slots[^1] = x;
        // The weekly season is fixed and the history may be shorter than two weeks: no two-season rule here.
        var result = AnomalyDetector.Detect(Observed.From(slots), new AnomalyOptions(rule.Threshold, rule.Seasonal ? AlertRule.SeasonLength : null));
        var last = result.Points[^1];
        if (!last.IsAnomaly) return null;
        var direction = last.Score > 0 ? AlertDirection.Up : AlertDirection.Down;
        if (rule.Direction != AlertDirection.Both && rule.Direction != direction) return null;
        var severity = Math.Abs(last.Score) >= 2 * rule.Threshold ? AlertSeverity.Critical : AlertSeverity.Warning;
        return new ObservationAlert(x, last.Expected, last.Score, direction, severity, observed);
    }
}
