namespace CoeInsights.Analytics.Trends.Backtest;

/// <summary>A method as the backtest names it: the alert method, and for the robust z-score whether it is seasonal.</summary>
public sealed record BacktestMethod(AlertMethod Method, bool Seasonal = false)
{
    public string Name => Method switch
    {
        AlertMethod.RobustZScore => Seasonal ? "robust-z-seasonal" : "robust-z",
        AlertMethod.FixedThreshold => "fixed-threshold",
        AlertMethod.ChangeVsPreviousPeriod => "change-vs-previous-day",
        _ => "change-vs-same-weekday",
    };
}

/// <summary>One method of a backtest request; null sensitivity takes the metric's tuned default.</summary>
public sealed record BacktestMethodChoice(AlertMethod Method, bool Seasonal = false, double? Threshold = null, double? MinimumVolume = null);

/// <summary>What to replay: metrics (empty = both), methods (empty = every method at its defaults), half, cooldown and history length.</summary>
public sealed record BacktestRequest(
    IReadOnlyList<string> Metrics, IReadOnlyList<BacktestMethodChoice> Methods, BacktestHalf Half = BacktestHalf.Test,
    int? CooldownDays = null, int? BaselineDays = null);

/// <summary>One labelled crisis and the first alert on one of its days (null: missed).</summary>
public sealed record CrisisOutcome(string Profile, string Kind, DateOnly Start, DateOnly End, DateOnly? FirstAlert)
{
    /// <summary>Days from the crisis's first day to its first alert (0 = the same day).</summary>
    public int? LeadDays => FirstAlert is { } a ? a.DayNumber - Start.DayNumber : null;
}

/// <summary>What one method did on one metric of the set.</summary>
/// <param name="ProfileMonths">Replayed days (after the warm-up) of all profiles, in months of <see cref="AlertBacktest.DaysPerMonth"/> days.</param>
public sealed record BacktestResult(
    string Metric, BacktestMethod Method, double Threshold, double MinimumVolume, int CooldownDays, int Profiles, int Alerts, int TrueAlerts,
    double ProfileMonths, IReadOnlyList<CrisisOutcome> Crises)
{
    public int FalseAlerts => Alerts - TrueAlerts;
    public int Detected => Crises.Count(c => c.FirstAlert is not null);

    /// <summary>True alerts among all alerts; null when nothing alerted.</summary>
    public double? Precision => Alerts == 0 ? null : (double)TrueAlerts / Alerts;

    /// <summary>Detected crises among all; null when the profiles hold none.</summary>
    public double? Recall => Crises.Count == 0 ? null : (double)Detected / Crises.Count;

    public double? MeanLeadDays => Detected == 0 ? null : Crises.Where(c => c.LeadDays is not null).Average(c => (double)c.LeadDays!.Value);
    public int? MaxLeadDays => Detected == 0 ? null : Crises.Max(c => c.LeadDays);
    public double FalseAlertsPerProfileMonth => ProfileMonths == 0 ? 0 : FalseAlerts / ProfileMonths;
}

/// <summary>A tuning run: the threshold chosen and the result of every threshold tried (on the tune half).</summary>
public sealed record TuningResult(double Threshold, IReadOnlyList<BacktestResult> Tried);

/// <summary>
/// The measured detector: replays each series of a labelled set day by day through <see cref="ObservationAlerts.Decide"/>
/// (the history as WatchAlerts reads it: the <c>BaselineDays</c> days before the day, missing days null) and
/// <see cref="AlertCooldown"/>, watching for rises (<see cref="AlertDirection.Up"/>), and counts the alerts on a labelled
/// crisis day (true) and elsewhere (false). Pure. Defaults and how they were chosen: docs/alerts.md, "Detector".
/// </summary>
public static class AlertBacktest
{
    /// <summary>Days at the start of each series that are history only: nothing alerting there is counted.</summary>
    public const int WarmUpDays = 28;
    public const int DefaultCooldownDays = 3;
    public const int MaxCooldownDays = 30;
    public const int DefaultBaselineDays = 90;
    public const int MinBaselineDays = 7;
    public const int MaxBaselineDays = 730;
    public const double DaysPerMonth = 30.44;
    public const string NegativeMentions = "negative_mentions";
    public const string NegativeShare = "negative_share";

    /// <summary>The target the defaults were tuned to on the tune half: the most crises caught at most this many false alerts per profile and month.</summary>
    public const double TuningTarget = 0.5;

    public static IReadOnlyList<string> Metrics { get; } = [NegativeMentions, NegativeShare];

    public static IReadOnlyList<BacktestMethod> Methods { get; } =
    [
        new(AlertMethod.RobustZScore), new(AlertMethod.RobustZScore, Seasonal: true), new(AlertMethod.FixedThreshold),
        new(AlertMethod.ChangeVsPreviousPeriod), new(AlertMethod.ChangeVsSameWeekdayLastWeek),
    ];

    /// <summary>Volume below which nothing alerts: 10 negative mentions a day; a negative share on fewer than 30 mentions. Chosen, not tuned.</summary>
    public static double DefaultMinimumVolume(string metric) => metric == NegativeMentions ? 10 : 30;

    /// <summary>The thresholds <see cref="Tune"/> picks on the shipped set's tune half (a test keeps them equal).</summary>
    public static double DefaultThreshold(string metric, BacktestMethod method) => (metric, method.Name) switch
    {
        (NegativeMentions, "robust-z") => 4,
        (NegativeMentions, "robust-z-seasonal") => 3.5,
        (NegativeMentions, "fixed-threshold") => 150,
        (NegativeMentions, "change-vs-previous-day") => 200,
        (NegativeMentions, "change-vs-same-weekday") => 150,
        (_, "robust-z") => 3,
        (_, "robust-z-seasonal") => 3.5,
        (_, "fixed-threshold") => 0.25,
        (_, "change-vs-previous-day") => 150,
        _ => 150,
    };

    /// <summary>The thresholds <see cref="Tune"/> tries, least sensitive last.</summary>
    public static IReadOnlyList<double> Grid(string metric, BacktestMethod method) => method.Method switch
    {
        AlertMethod.RobustZScore => [2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 10],
        AlertMethod.FixedThreshold => metric == NegativeMentions ? [20, 30, 50, 75, 100, 150, 200, 300, 500] : [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6],
        _ => [25, 50, 75, 100, 150, 200, 300, 400],
    };

    /// <summary>The half's profiles and the crises a run can catch (those starting after the warm-up days of history).</summary>
    public static (int Profiles, int Crises) Scope(BacktestSet set, BacktestHalf half)
    {
        ArgumentNullException.ThrowIfNull(set);
        var profiles = set.Profiles.Where(p => half == BacktestHalf.All || p.Half == half).ToArray();
        return (profiles.Length, profiles.Sum(p => p.Crises.Count(c => c.Start >= WarmUpDays)));
    }

    /// <summary>
    /// Validates the request (INVALID_ARGUMENT with the proto's field paths) and runs every (metric, method) on the half.
    /// </summary>
    public static IReadOnlyList<BacktestResult> Run(BacktestSet set, BacktestRequest request)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        for (var i = 0; i < request.Metrics.Count; i++)
            v.Require(Metrics.Contains(request.Metrics[i]), $"metrics[{i}]", $"must be one of {string.Join(", ", Metrics)}");
        v.Require(Enum.IsDefined(request.Half), "half", "must be tune, test or all");
        if (request.CooldownDays is { } c) v.Require(c is >= 0 and <= MaxCooldownDays, "cooldown_days", $"must be between 0 and {MaxCooldownDays} (default {DefaultCooldownDays})");
        if (request.BaselineDays is { } b)
            v.Require(b is >= MinBaselineDays and <= MaxBaselineDays, "baseline_days", $"must be between {MinBaselineDays} and {MaxBaselineDays} (default {DefaultBaselineDays})");
        var metrics = request.Metrics.Count == 0 ? Metrics : request.Metrics.Distinct().ToArray();
        var choices = request.Methods.Count == 0 ? Methods.Select(m => new BacktestMethodChoice(m.Method, m.Seasonal)).ToArray() : request.Methods;
        var runs = new List<(string Metric, BacktestMethod Method, AlertRule Rule)>();
        for (var i = 0; i < choices.Count; i++)
        {
            var choice = choices[i];
            if (!Enum.IsDefined(choice.Method))
            {
                v.Add($"methods[{i}].method", "must be a known method");
                continue;
            }
            var method = new BacktestMethod(choice.Method, choice.Method == AlertMethod.RobustZScore && choice.Seasonal);
            foreach (var metric in metrics.Where(Metrics.Contains))
            {
                var rule = Rule(metric, method, choice.Threshold, choice.MinimumVolume);
                try
                {
                    ObservationAlerts.Validate(rule);
                    runs.Add((metric, method, rule));
                }
                catch (InvalidInputException e)
                {
                    foreach (var violation in e.Violations) v.Add($"methods[{i}].{violation.Field}", violation.Description);
                    break;
                }
            }
        }
        v.ThrowIfInvalid();
        var cooldown = request.CooldownDays ?? DefaultCooldownDays;
        var baseline = request.BaselineDays ?? DefaultBaselineDays;
        return [.. runs.OrderBy(r => Array.IndexOf([.. Metrics], r.Metric)).Select(r => Replay(set, r.Metric, r.Method, r.Rule, request.Half, cooldown, baseline))];
    }

    /// <summary>
    /// Tries every threshold of <see cref="Grid"/> on the set's tune half and, among those with at most
    /// <paramref name="target"/> false alerts per profile and month, picks the middle one (the lower of two middles) of
    /// those catching the most crises; when none meets the target, the one with the fewest false alerts.
    /// </summary>
    public static TuningResult Tune(BacktestSet set, string metric, BacktestMethod method, double target = TuningTarget,
        int cooldownDays = DefaultCooldownDays, int baselineDays = DefaultBaselineDays)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(method);
        var tried = Grid(metric, method)
            .Select(t => Replay(set, metric, method, Rule(metric, method, t, null), BacktestHalf.Tune, cooldownDays, baselineDays))
            .ToArray();
        var meeting = tried.Where(r => r.FalseAlertsPerProfileMonth <= target).ToArray();
        if (meeting.Length == 0) return new TuningResult(tried.OrderBy(r => r.FalseAlertsPerProfileMonth).ThenByDescending(r => r.Recall ?? 0).First().Threshold, tried);
        // the middle of the best plateau (lower middle of an even count), not its edge: an edge fits this half's noise
        var recall = meeting.Max(r => r.Recall ?? 0);
        var plateau = meeting.Where(r => (r.Recall ?? 0) == recall).OrderBy(r => r.Threshold).ToArray();
        return new TuningResult(plateau[(plateau.Length - 1) / 2].Threshold, tried);
    }

    private static AlertRule Rule(string metric, BacktestMethod method, double? threshold, double? minimumVolume) =>
        new(threshold ?? DefaultThreshold(metric, method), method.Seasonal, AlertDirection.Up, Method: method.Method,
            MinimumVolume: minimumVolume ?? DefaultMinimumVolume(metric));

    private static BacktestResult Replay(BacktestSet set, string metric, BacktestMethod method, AlertRule rule, BacktestHalf half, int cooldown, int baselineDays)
    {
        var profiles = set.Profiles.Where(p => half == BacktestHalf.All || p.Half == half).ToArray();
        var outcomes = new List<CrisisOutcome>();
        var alerts = 0;
        var trueAlerts = 0;
        var replayedDays = 0;
        var slots = new double?[baselineDays];
        foreach (var profile in profiles)
        {
            var (values, volumes) = Series(profile, metric);
            var raised = new List<int>();
            long? last = null;
            for (var t = WarmUpDays; t < set.Days; t++)
            {
                replayedDays++;
                for (var i = 0; i < baselineDays; i++)
                {
                    var index = t - baselineDays + i;
                    slots[i] = index >= 0 ? values[index] : null;
                }
                if (ObservationAlerts.Decide(slots, values[t], rule, volumes?[t]) is null || AlertCooldown.Suppresses(last, t, cooldown)) continue;
                raised.Add(t);
                last = t;
            }
            alerts += raised.Count;
            trueAlerts += raised.Count(t => profile.Crises.Any(c => t >= c.Start && t <= c.End));
            foreach (var crisis in profile.Crises.Where(c => c.Start >= WarmUpDays))
            {
                var first = raised.Where(t => t >= crisis.Start && t <= crisis.End).Select(t => (int?)t).FirstOrDefault();
                outcomes.Add(new CrisisOutcome(profile.Id, crisis.Kind, set.FirstDay.AddDays(crisis.Start), set.FirstDay.AddDays(crisis.End),
                    first is { } f ? set.FirstDay.AddDays(f) : null));
            }
        }
        return new BacktestResult(metric, method, rule.EffectiveThreshold!.Value, rule.MinimumVolume ?? 0, cooldown, profiles.Length, alerts, trueAlerts,
            replayedDays / DaysPerMonth, outcomes);
    }

    /// <summary>The watched values and, for a share, the volume behind each (mentions); a day without mentions has no share.</summary>
    private static (double?[] Values, double?[]? Volumes) Series(BacktestProfile profile, string metric)
    {
        var n = profile.NegativeMentions.Count;
        if (metric == NegativeMentions) return ([.. profile.NegativeMentions], null);
        var share = new double?[n];
        for (var d = 0; d < n; d++)
            share[d] = profile.Mentions[d] is { } m && m > 0 && profile.NegativeMentions[d] is { } neg ? neg / m : null;
        return (share, [.. profile.Mentions]);
    }
}
