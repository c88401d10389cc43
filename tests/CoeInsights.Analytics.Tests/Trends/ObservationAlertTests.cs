using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

public class ObservationAlertTests
{
    private static readonly double?[] Quiet = [10, 11, 9, 10, 12, 10, 9, 11, 10, 10];

    [Fact]
    public void ReturnsCriticalUpAlertGivenSpikeAgainstQuietHistory()
    {
        // history + value sorted: 9,9,10,10,10,10,10,11,11,12,30 → median 10; |deviations| → median 1;
        // Iglewicz & Hoaglin M = 0.6745 (30 − 10) / 1 = 13.49 ≥ 2 × 3.5 → critical
        var alert = ObservationAlerts.Decide(Quiet, 30);
        Assert.NotNull(alert);
        Assert.Equal(AlertDirection.Up, alert.Direction);
        Assert.Equal(10, alert.Expected);
        Assert.Equal(0.6745 * 20, alert.Score, 12);
        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.Equal(10, alert.HistoryCount);
        Assert.Equal(30, alert.Value);
    }

    [Fact]
    public void ReturnsWarningDownAlertGivenModerateDrop()
    {
        // 9,9,10,10,10,10,10,11,11,12 + 4 → median 10, MAD 1; M = 0.6745 × (−6) = −4.05: past 3.5, under 7
        var alert = ObservationAlerts.Decide(Quiet, 4);
        Assert.NotNull(alert);
        Assert.Equal(AlertDirection.Down, alert.Direction);
        Assert.Equal(-0.6745 * 6, alert.Score, 12);
        Assert.Equal(AlertSeverity.Warning, alert.Severity);
    }

    [Fact]
    public void ReturnsNothingGivenNormalValue() => Assert.Null(ObservationAlerts.Decide(Quiet, 12));

    [Fact]
    public void ReturnsNothingGivenSpikeWhenOnlyDropsAreWatched()
    {
        Assert.Null(ObservationAlerts.Decide(Quiet, 30, new AlertRule(Direction: AlertDirection.Down)));
        Assert.NotNull(ObservationAlerts.Decide(Quiet, 30, new AlertRule(Direction: AlertDirection.Up)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void ReturnsNothingGivenBlankValue(double? value) => Assert.Null(ObservationAlerts.Decide(Quiet, value));

    [Fact]
    public void ReturnsNothingGivenTooLittleHistory()
    {
        double?[] sparse = [10, null, 11, null, 9, 10, null, 12, 10]; // 6 observed days < 7
        Assert.Null(ObservationAlerts.Decide(sparse, 1000));
        Assert.NotNull(ObservationAlerts.Decide(sparse, 1000, new AlertRule(MinimumHistory: 6)));
    }

    [Fact]
    public void AgreesWithDetectAnomaliesOnTheWindowEndingAtTheValue()
    {
        var rng = new Random(5);
        var history = Enumerable.Range(0, 60).Select(i => i % 9 == 4 ? null : (double?)(100 + rng.Next(-8, 9))).ToArray();
        var detected = AnomalyDetector.Detect([.. history, 141.0]).Points[^1];
        var alert = ObservationAlerts.Decide(history, 141);
        Assert.Equal(detected.IsAnomaly, alert is not null);
        Assert.NotNull(alert);
        Assert.Equal(detected.Score, alert.Score);
        Assert.Equal(detected.Expected, alert.Expected);
    }

    [Fact]
    public void IgnoresWeeklyHighGivenSeasonal()
    {
        // Every 7th day is a 50 among 10s; the new value falls on that weekday (index 56 = 0 mod 7).
        var history = Enumerable.Range(0, 56).Select(i => (double?)(i % 7 == 0 ? 50 : 10)).ToArray();
        Assert.NotNull(ObservationAlerts.Decide(history, 50));
        Assert.Null(ObservationAlerts.Decide(history, 50, new AlertRule(Seasonal: true)));
        var off = ObservationAlerts.Decide(history, 10, new AlertRule(Seasonal: true)); // a low day where the high day should be
        Assert.NotNull(off);
        Assert.Equal(AlertDirection.Down, off.Direction);
    }

    [Fact]
    public void RejectsNonPositiveThreshold()
    {
        var e = Assert.Throws<InvalidInputException>(() => ObservationAlerts.Decide(Quiet, 30, new AlertRule(Threshold: 0)));
        Assert.Equal("threshold", e.Violations[0].Field);
    }
}
