using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

/// <summary>The methods beside the robust z-score, minimum volume and the cooldown, on hand-computed cases.</summary>
public class AlertMethodTests
{
    // 14 days, oldest first; the last is yesterday (40), seven back from the new value is index 7 (20).
    private static readonly double?[] TwoWeeks = [10, 12, 11, 10, 13, 12, 11, 20, 11, 12, 10, 13, 12, 40];

    [Fact]
    public void AlertsAboveFixedLevelOnlyWhenPastIt()
    {
        var rule = new AlertRule(Threshold: 100, Direction: AlertDirection.Up, Method: AlertMethod.FixedThreshold);
        Assert.Null(ObservationAlerts.Decide(TwoWeeks, 100, rule)); // at the level is not above it
        var alert = ObservationAlerts.Decide(TwoWeeks, 150, rule);
        Assert.NotNull(alert);
        Assert.Equal(AlertMethod.FixedThreshold, alert.Method);
        Assert.Equal(100, alert.Expected);
        Assert.Equal(50, alert.Score); // 150 − 100
        Assert.Equal(AlertDirection.Up, alert.Direction);
        Assert.Equal(AlertSeverity.Warning, alert.Severity); // 50 past the level < 100
        Assert.Equal(AlertSeverity.Critical, ObservationAlerts.Decide(TwoWeeks, 200, rule)!.Severity); // 100 past it = |level|
    }

    [Fact]
    public void AlertsBelowFixedLevelWhenWatchingDrops()
    {
        var rule = new AlertRule(Threshold: -0.2, Direction: AlertDirection.Down, Method: AlertMethod.FixedThreshold); // net sentiment below −0.2
        Assert.Null(ObservationAlerts.Decide(TwoWeeks, -0.1, rule));
        var alert = ObservationAlerts.Decide(TwoWeeks, -0.3, rule);
        Assert.NotNull(alert);
        Assert.Equal(AlertDirection.Down, alert.Direction);
        Assert.Equal(-0.1, alert.Score, 12); // −0.3 − (−0.2)
        Assert.Equal(AlertSeverity.Warning, alert.Severity);
        Assert.Equal(AlertSeverity.Critical, ObservationAlerts.Decide(TwoWeeks, -0.45, rule)!.Severity); // 0.25 past ≥ 0.2
    }

    [Fact]
    public void FixedLevelNeedsNoHistory() =>
        Assert.NotNull(ObservationAlerts.Decide([], 5, new AlertRule(Threshold: 1, Direction: AlertDirection.Up, Method: AlertMethod.FixedThreshold)));

    [Fact]
    public void ComparesWithYesterdayInPercent()
    {
        var rule = new AlertRule(Method: AlertMethod.ChangeVsPreviousPeriod); // default 50 %
        Assert.Null(ObservationAlerts.Decide(TwoWeeks, 60, rule)); // (60 − 40) / 40 = +50 %: not beyond 50
        var up = ObservationAlerts.Decide(TwoWeeks, 70, rule);
        Assert.NotNull(up);
        Assert.Equal(40, up.Expected);
        Assert.Equal(75, up.Score, 12); // (70 − 40) / 40
        Assert.Equal(AlertSeverity.Warning, up.Severity);
        Assert.Equal(AlertMethod.ChangeVsPreviousPeriod, up.Method);
        var down = ObservationAlerts.Decide(TwoWeeks, 10, rule);
        Assert.NotNull(down);
        Assert.Equal(-75, down.Score, 12); // (10 − 40) / 40
        Assert.Equal(AlertDirection.Down, down.Direction);
        Assert.Equal(AlertSeverity.Critical, ObservationAlerts.Decide(TwoWeeks, 80, rule)!.Severity); // +100 % ≥ 2 × 50
    }

    [Fact]
    public void ComparesWithTheSameWeekdayLastWeek()
    {
        var rule = new AlertRule(Threshold: 40, Method: AlertMethod.ChangeVsSameWeekdayLastWeek);
        // seven slots back from the new value is 20 (index 14 − 7 = 7): 30 is +50 % > 40
        var alert = ObservationAlerts.Decide(TwoWeeks, 30, rule);
        Assert.NotNull(alert);
        Assert.Equal(20, alert.Expected);
        Assert.Equal(50, alert.Score, 12);
        Assert.Null(ObservationAlerts.Decide(TwoWeeks, 27, rule)); // +35 %
        // against yesterday (40) the same 30 is −25 %: no alert at 40 %
        Assert.Null(ObservationAlerts.Decide(TwoWeeks, 30, rule with { Method = AlertMethod.ChangeVsPreviousPeriod }));
    }

    [Fact]
    public void GivesNoVerdictWithoutABaseline()
    {
        var rule = new AlertRule(Method: AlertMethod.ChangeVsSameWeekdayLastWeek);
        Assert.Null(ObservationAlerts.Decide([10, 10, 10, 10, 10, 10], 100, rule)); // six days: no last week
        Assert.Null(ObservationAlerts.Decide([null, 10, 10, 10, 10, 10, 10], 100, rule)); // last week's day missing
        Assert.Null(ObservationAlerts.Decide([10, 10, 0], 100, rule with { Method = AlertMethod.ChangeVsPreviousPeriod })); // 0: no relative change
        Assert.NotNull(ObservationAlerts.Decide([10, 10, 10], 100, rule with { Method = AlertMethod.ChangeVsPreviousPeriod }));
    }

    [Fact]
    public void KeepsTheWatchedDirectionForChanges()
    {
        var rule = new AlertRule(Method: AlertMethod.ChangeVsPreviousPeriod, Direction: AlertDirection.Up);
        Assert.Null(ObservationAlerts.Decide(TwoWeeks, 10, rule)); // −75 %
        Assert.NotNull(ObservationAlerts.Decide(TwoWeeks, 70, rule));
    }

    [Fact]
    public void NeverAlertsBelowMinimumVolume()
    {
        double?[] low = [1, 1, 2, 1, 1, 1, 2, 1, 1, 1];
        Assert.NotNull(ObservationAlerts.Decide(low, 9)); // MAD 0 → mean-AD fallback: (9 − 1) / (1.253314 × 10/11) = 7.0 > 3.5
        var rule = new AlertRule(MinimumVolume: 10);
        Assert.Null(ObservationAlerts.Decide(low, 9, rule));
        Assert.NotNull(ObservationAlerts.Decide(low, 10, rule)); // at the minimum counts
        // a ratio checked against the volume behind it: 0.9 negative share of 4 mentions never alerts, of 40 it may
        var share = new AlertRule(Threshold: 0.5, Direction: AlertDirection.Up, Method: AlertMethod.FixedThreshold, MinimumVolume: 20);
        Assert.Null(ObservationAlerts.Decide([], 0.9, share, volume: 4));
        Assert.NotNull(ObservationAlerts.Decide([], 0.9, share, volume: 40));
        Assert.Null(ObservationAlerts.Decide([], 0.9, share, volume: double.NaN));
    }

    [Fact]
    public void RobustZScoreIsTheDefaultAndUnchanged()
    {
        var rule = new AlertRule();
        Assert.Equal(AlertMethod.RobustZScore, rule.Method);
        Assert.Equal(3.5, rule.EffectiveThreshold);
        var alert = ObservationAlerts.Decide(TwoWeeks, 40, rule);
        Assert.NotNull(alert);
        Assert.Equal(AlertMethod.RobustZScore, alert.Method);
    }

    [Fact]
    public void RejectsRulesThatCannotBeApplied()
    {
        var level = Assert.Throws<InvalidInputException>(() =>
            ObservationAlerts.Decide(TwoWeeks, 1, new AlertRule(Method: AlertMethod.FixedThreshold)));
        Assert.Equal(["threshold", "direction"], level.Violations.Select(v => v.Field));
        var change = Assert.Throws<InvalidInputException>(() =>
            ObservationAlerts.Decide(TwoWeeks, 1, new AlertRule(Threshold: -5, Method: AlertMethod.ChangeVsPreviousPeriod, MinimumVolume: double.NaN)));
        Assert.Equal(["threshold", "minimum_volume"], change.Violations.Select(v => v.Field));
        var method = Assert.Throws<InvalidInputException>(() => ObservationAlerts.Decide(TwoWeeks, 1, new AlertRule(Method: (AlertMethod)42)));
        Assert.Equal("method", method.Violations[0].Field);
    }

    [Fact]
    public void CooldownSuppressesTheNextPeriodsOnly()
    {
        Assert.False(AlertCooldown.Suppresses((long?)null, 5, 3));
        Assert.False(AlertCooldown.Suppresses(10L, 10, 3)); // its own period
        Assert.True(AlertCooldown.Suppresses(10L, 11, 3));
        Assert.True(AlertCooldown.Suppresses(10L, 13, 3));
        Assert.False(AlertCooldown.Suppresses(10L, 14, 3));
        Assert.False(AlertCooldown.Suppresses(10L, 11, 0));
        var day = new DateOnly(2026, 3, 17);
        Assert.True(AlertCooldown.Suppresses(day, day.AddDays(2), 2));
        Assert.False(AlertCooldown.Suppresses(day, day.AddDays(3), 2));
        var hour = new DateTimeOffset(2026, 3, 17, 9, 59, 0, TimeSpan.Zero);
        Assert.True(AlertCooldown.Suppresses(hour, new DateTimeOffset(2026, 3, 17, 12, 0, 0, TimeSpan.FromHours(1)), 2)); // 11:00 UTC: 2 h later
        Assert.False(AlertCooldown.Suppresses(hour, hour.AddHours(3), 2));
    }

    [Fact]
    public void CooldownKeepsTheFirstOfEachBurst()
    {
        // alerts would fire on days 3, 4, 5, 9, 10, 14 with a 2-day cooldown: 3 (4, 5 suppressed), 9 (10 suppressed), 14
        Assert.Equal([3L, 9L, 14L], AlertCooldown.Apply([3, 4, 5, 9, 10, 14], 2));
        Assert.Equal([3L, 4L, 5L], AlertCooldown.Apply([3, 4, 4, 5], 0));
        var e = Assert.Throws<InvalidInputException>(() => AlertCooldown.Apply([1], -1));
        Assert.Equal("cooldown", e.Violations[0].Field);
    }
}
