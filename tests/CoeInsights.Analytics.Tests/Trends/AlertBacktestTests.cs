using System.Globalization;
using System.Text;
using CoeInsights.Analytics.Trends;
using CoeInsights.Analytics.Trends.Backtest;

namespace CoeInsights.Analytics.Tests.Trends;

/// <summary>The backtest runner on small hand-made sets, and the shipped set's tuned defaults.</summary>
public class AlertBacktestTests
{
    [Fact]
    public void DefaultsAreWhatTuningPicksOnTheTuneHalf()
    {
        var report = new StringBuilder();
        var mismatches = 0;
        foreach (var metric in AlertBacktest.Metrics)
            foreach (var method in AlertBacktest.Methods)
            {
                var tuned = AlertBacktest.Tune(BacktestSet.Shipped, metric, method);
                if (tuned.Threshold != AlertBacktest.DefaultThreshold(metric, method)) mismatches++;
                report.AppendLine(CultureInfo.InvariantCulture, $"{metric} {method.Name}: picks {tuned.Threshold}, default {AlertBacktest.DefaultThreshold(metric, method)}");
                foreach (var r in tuned.Tried)
                    report.AppendLine(CultureInfo.InvariantCulture,
                        $"  {r.Threshold,6}: recall {r.Recall:0.000} precision {r.Precision:0.000} false/profile-month {r.FalseAlertsPerProfileMonth:0.000} lead {r.MeanLeadDays:0.00}");
            }
        if (Environment.GetEnvironmentVariable("COE_TUNING_REPORT") is { Length: > 0 } path) File.WriteAllText(path, report.ToString());
        Assert.True(mismatches == 0, report.ToString());
    }

    /// <summary>
    /// Two profiles of 45 days (10 negative mentions of 100 a day). A: a crisis on days 30–31 (60, 70), a 55 on day 33
    /// and an 80 on day 40, neither a crisis. B: a ramp on days 35–37 (30, 45, 90).
    /// </summary>
    private static BacktestSet HandMade()
    {
        var csv = new StringBuilder(BacktestSet.Header).Append('\n');
        var first = new DateOnly(2026, 1, 1);
        for (var d = 0; d < 45; d++)
        {
            var (a, label) = d switch { 30 => (60, "spike"), 31 => (70, "spike"), 33 => (55, ""), 40 => (80, ""), _ => (10, "") };
            csv.Append(CultureInfo.InvariantCulture, $"a,plain,test,{first.AddDays(d):yyyy-MM-dd},100,{a},{label}\n");
            var (b, ramp) = d switch { 35 => (30, "ramp"), 36 => (45, "ramp"), 37 => (90, "ramp"), _ => (10, "") };
            csv.Append(CultureInfo.InvariantCulture, $"b,plain,tune,{first.AddDays(d):yyyy-MM-dd},100,{b},{ramp}\n");
        }
        return BacktestSet.Parse(csv.ToString());
    }

    private static BacktestResult Level(BacktestHalf half, int? cooldown = null) =>
        Assert.Single(AlertBacktest.Run(HandMade(), new BacktestRequest([AlertBacktest.NegativeMentions],
            [new BacktestMethodChoice(AlertMethod.FixedThreshold, Threshold: 50, MinimumVolume: 0)], half, cooldown)));

    [Fact]
    public void CountsTrueAndFalseAlertsAfterTheCooldown()
    {
        // A, level 50, cooldown 3: day 30 alerts (crisis), 31 and 33 are within 3 days of it, 40 alerts (no crisis)
        var r = Level(BacktestHalf.Test);
        Assert.Equal(1, r.Profiles);
        Assert.Equal((2, 1, 1), (r.Alerts, r.TrueAlerts, r.FalseAlerts));
        Assert.Equal(0.5, r.Precision);
        Assert.Equal(1.0, r.Recall);
        Assert.Equal(0, r.MeanLeadDays);
        Assert.Equal(17 / 30.44, r.ProfileMonths, 12); // days 28…44 replayed
        Assert.Equal(30.44 / 17, r.FalseAlertsPerProfileMonth, 12);
        var crisis = Assert.Single(r.Crises);
        Assert.Equal((new DateOnly(2026, 1, 31), new DateOnly(2026, 2, 1), new DateOnly(2026, 1, 31)), (crisis.Start, crisis.End, crisis.FirstAlert));
    }

    [Fact]
    public void CountsEveryAlertWithoutCooldown()
    {
        var r = Level(BacktestHalf.Test, cooldown: 0); // 30, 31 (crisis), 33, 40 (not)
        Assert.Equal((4, 2, 2), (r.Alerts, r.TrueAlerts, r.FalseAlerts));
    }

    [Fact]
    public void MeasuresLeadFromTheCrisisStart()
    {
        // B: 30 and 45 stay under the level, 90 on the ramp's third day alerts: lead 2
        var r = Level(BacktestHalf.Tune);
        Assert.Equal(2, r.MeanLeadDays);
        Assert.Equal(2, r.MaxLeadDays);
        Assert.Equal((1, 1, 0), (r.Alerts, r.TrueAlerts, r.FalseAlerts));
        // both halves: two crises, both caught
        var all = Level(BacktestHalf.All);
        Assert.Equal((2, 1.0, 1.0), (all.Profiles, all.Recall, all.MeanLeadDays));
    }

    [Fact]
    public void ReportsAMissedCrisisAndNoPrecisionWithoutAlerts()
    {
        var r = Assert.Single(AlertBacktest.Run(HandMade(), new BacktestRequest([AlertBacktest.NegativeMentions],
            [new BacktestMethodChoice(AlertMethod.FixedThreshold, Threshold: 100, MinimumVolume: 0)], BacktestHalf.All)));
        Assert.Equal(0, r.Alerts);
        Assert.Null(r.Precision);
        Assert.Equal(0.0, r.Recall);
        Assert.Null(r.MeanLeadDays);
        Assert.All(r.Crises, c => Assert.Null(c.FirstAlert));
        Assert.Equal(0, r.FalseAlertsPerProfileMonth);
    }

    [Fact]
    public void WatchesTheShareOfNegativeMentions()
    {
        // the share is negative / mentions: A's day 30 is 0.6 against 0.1; above a 0.5 level only days 30, 31 (0.7), 33 (0.55), 40 (0.8)
        var r = Assert.Single(AlertBacktest.Run(HandMade(), new BacktestRequest([AlertBacktest.NegativeShare],
            [new BacktestMethodChoice(AlertMethod.FixedThreshold, Threshold: 0.5)], BacktestHalf.Test, CooldownDays: 0)));
        Assert.Equal((4, 2), (r.Alerts, r.TrueAlerts));
        Assert.Equal(30, r.MinimumVolume); // the default: 30 mentions behind the share, met by 100
    }

    [Fact]
    public void RunsEveryMethodOnBothMetricsByDefault()
    {
        var results = AlertBacktest.Run(HandMade(), new BacktestRequest([], []));
        Assert.Equal(10, results.Count);
        Assert.Equal([.. Enumerable.Repeat(AlertBacktest.NegativeMentions, 5), .. Enumerable.Repeat(AlertBacktest.NegativeShare, 5)], results.Select(r => r.Metric));
        Assert.Equal(AlertBacktest.Methods.Select(m => m.Name), results.Take(5).Select(r => r.Method.Name));
        Assert.All(results, r => Assert.Equal(AlertBacktest.DefaultThreshold(r.Metric, r.Method), r.Threshold));
    }

    [Fact]
    public void RejectsBadRequestsWithFieldPaths()
    {
        var e = Assert.Throws<InvalidInputException>(() => AlertBacktest.Run(HandMade(), new BacktestRequest(["reach"],
            [new BacktestMethodChoice(AlertMethod.RobustZScore), new BacktestMethodChoice(AlertMethod.ChangeVsPreviousPeriod, Threshold: -1)],
            CooldownDays: 31, BaselineDays: 3)));
        Assert.Equal(["metrics[0]", "cooldown_days", "baseline_days"], e.Violations.Select(v => v.Field));
        var method = Assert.Throws<InvalidInputException>(() => AlertBacktest.Run(HandMade(), new BacktestRequest([],
            [new BacktestMethodChoice(AlertMethod.RobustZScore), new BacktestMethodChoice(AlertMethod.ChangeVsPreviousPeriod, Threshold: -1, MinimumVolume: -2)])));
        Assert.Equal(["methods[1].threshold", "methods[1].minimum_volume"], method.Violations.Select(v => v.Field));
    }

    [Fact]
    public void RejectsAMalformedSet()
    {
        Assert.Equal("backtest_set", Assert.Throws<InvalidInputException>(() => BacktestSet.Parse("day,value\n")).Violations[0].Field);
        var e = Assert.Throws<InvalidInputException>(() => BacktestSet.Parse(BacktestSet.Header + "\na,plain,test,2026-01-01,-5,1,\n"));
        Assert.Contains("line 2", e.Violations[0].Description);
    }

    [Fact]
    public void BestMethodMeetsTheGoalOnTheShippedTestHalf()
    {
        // the goal of issue 18 on the half the defaults were not tuned on: recall ≥ 0.9 at ≤ 1 false alert per profile-month
        var results = AlertBacktest.Run(BacktestSet.Shipped, new BacktestRequest([], []));
        var best = results.Where(r => r.FalseAlertsPerProfileMonth <= 1).MaxBy(r => r.Recall);
        Assert.NotNull(best);
        Assert.True(best.Recall >= 0.9, $"{best.Metric} {best.Method.Name}: recall {best.Recall}");
        // the sample's planted spike is caught the same day by it
        var spike = Assert.Single(best.Crises, c => c.Kind == "sample-spike");
        Assert.Equal((new DateOnly(2026, 3, 17), 0), (spike.Start, spike.LeadDays));
    }
}
