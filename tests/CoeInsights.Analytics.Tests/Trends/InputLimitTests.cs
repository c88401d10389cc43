using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

/// <summary>Limits that follow from the input (docs/limits.md): a season fits twice into the series, windows and periods are bounded.</summary>
public sealed class InputLimitTests
{
    private static readonly double?[] FortyDays = Enumerable.Range(0, 40).Select(i => (double?)(100 + i % 7 + i * 0.5)).ToArray();

    private static FieldViolation Violation(Action act) => Assert.Single(Assert.Throws<InvalidInputException>(act).Violations);

    [Theory]
    [InlineData(21)]
    [InlineData(1_000_000_000)]
    [InlineData(int.MaxValue)]
    public void ThrowsNamingSeasonLengthGivenSeasonLongerThanHalfTheSeries(int seasonLength)
    {
        Assert.Equal("season_length", Violation(() => TrendAnalysis.Analyze(FortyDays, new TrendOptions(SeasonLength: seasonLength))).Field);
        Assert.Equal("season_length", Violation(() => AnomalyDetector.Detect(FortyDays, new AnomalyOptions(SeasonLength: seasonLength))).Field);
        Assert.Equal("season_length", Violation(() => MannKendall.SeasonalTest(FortyDays, seasonLength)).Field);
        Assert.Equal("season_length", Violation(() => ExponentialSmoothing.HoltWinters(FortyDays, seasonLength, 0.5, 0.1, 0.1)).Field);
    }

    [Fact]
    public void AnalysesSeasonGivenExactlyHalfTheSeries()
    {
        var report = TrendAnalysis.Analyze(FortyDays, new TrendOptions(SeasonLength: 20));
        var forecast = ExponentialSmoothing.HoltWinters(FortyDays, 20, 0.5, 0.1, 0.1, horizon: 3);

        Assert.Equal(20, report.Anomalies.SeasonLength);
        Assert.NotNull(report.SeasonalMannKendall);
        Assert.Equal(3, forecast.Forecast.Count);
    }

    [Fact]
    public void ThrowsNamingWindowGivenMovingAverageWindowAboveCap()
    {
        Assert.Equal("moving_average_window",
            Violation(() => TrendAnalysis.Analyze(FortyDays, new TrendOptions(MovingAverageWindow: MovingAverages.MaxWindow + 1))).Field);
        Assert.Equal("window", Violation(() => MovingAverages.Simple(FortyDays, int.MaxValue)).Field);
    }

    [Fact]
    public void ReturnsNoMovingAverageGivenWindowLongerThanSeries()
    {
        var report = TrendAnalysis.Analyze(FortyDays, new TrendOptions(MovingAverageWindow: 41));

        Assert.All(report.MovingAverage, Assert.Null);
    }

    [Theory]
    [InlineData(367)]
    [InlineData(1e300)]
    public void ThrowsNamingPeriodsPerYearGivenMoreThanDaysInYear(double periodsPerYear)
    {
        Assert.Equal("periods_per_year", Violation(() => TrendAnalysis.Analyze(FortyDays, new TrendOptions(PeriodsPerYear: periodsPerYear))).Field);
        Assert.Equal("periods_per_year", Violation(() => Growth.Cagr(FortyDays, periodsPerYear)).Field);
    }

    [Fact]
    public void AlertsSeasonallyGivenHistoryShorterThanTwoWeeks()
    {
        // The alert rule's weekly season is fixed: a short history is compared as before, not refused.
        var history = Enumerable.Range(0, 9).Select(i => (double?)(100 + i % 3)).ToArray();

        var alert = ObservationAlerts.Decide(history, 400, new AlertRule(Seasonal: true));

        Assert.NotNull(alert);
        Assert.Equal((400.0, 9, AlertDirection.Up, AlertSeverity.Critical), (alert.Value, alert.HistoryCount, alert.Direction, alert.Severity));
        Assert.Null(ObservationAlerts.Decide(history, 101, new AlertRule(Seasonal: true))); // an ordinary value on the same short history
    }
}
