extern alias server;
using CoeInsights.Testing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Net = server::CoeInsights.Server.Numbers.FiniteNumbers;
using S = server::CoeInsights.V1;

namespace CoeInsights.Server.Tests;

/// <summary>The test-side scan (FiniteScan) and the server's safety net (FiniteNumbers) on planted NaN and ±∞.</summary>
public class FiniteNumbersTests
{
    private static S.TrendReport Planted()
    {
        var report = new S.TrendReport
        {
            Ols = new S.OlsTrend { Slope = 1, SlopeCi = new S.Interval { Lower = 0, Upper = 2 } },
            SenSlope = new S.SenSlopeEstimate { Slope = 1 },
        };
        for (var i = 0; i < 4; i++) report.Points.Add(new S.TrendPoint { Value = i, MovingAverage = i });
        for (var i = 0; i < 3; i++) report.Anomalies.Add(new S.Anomaly { Index = i, Value = i, Expected = i, Score = i });
        return report;
    }

    [Fact]
    public void FindsPlantedNaNDeepInsideRepeatedNestedMessage()
    {
        var clean = CoeInsights.V1.TrendReport.Parser.ParseFrom(Planted().ToByteArray());
        Assert.Empty(FiniteScan.NonFinite(clean));

        var planted = clean.Clone();
        planted.Points[2].MovingAverage = double.NaN;
        planted.Anomalies[1].Score = double.NegativeInfinity;
        planted.Ols.SlopeCi.Upper = double.PositiveInfinity;
        Assert.Equal(["ols.slope_ci.upper", "points[2].moving_average", "anomalies[1].score"], FiniteScan.NonFinite(planted));

        var structured = new Struct { Fields = { ["a"] = Value.ForList(Value.ForNumber(1), Value.ForNumber(double.NaN)) } };
        Assert.Equal(["fields[a].list_value.values[1].number_value"], FiniteScan.NonFinite(structured));
    }

    [Fact]
    public void ClearsOptionalFieldsAndEnclosingMessagesAndListsThemAsUndefined()
    {
        var report = Planted();
        report.Points[2].MovingAverage = double.NaN;
        report.Ols.SlopeCi.Upper = double.PositiveInfinity;
        report.SenSlope.Slope = double.NegativeInfinity;
        report.UndefinedStatistics.Add(new S.UndefinedStatistic { Field = "sen_slope.slope", Reason = "decided by the analysis" });

        var cleared = Net.Enforce(report);

        Assert.Equal(["ols.slope_ci", "sen_slope.slope", "points[2].moving_average"], cleared);
        Assert.Null(report.Ols.SlopeCi);
        Assert.True(report.Ols.HasSlope);
        Assert.False(report.SenSlope.HasSlope);
        Assert.False(report.Points[2].HasMovingAverage);
        Assert.True(report.Points[1].HasMovingAverage);
        // listed once each; a reason the analysis gave is kept
        Assert.Equal(["sen_slope.slope", "ols.slope_ci", "points[2].moving_average"], report.UndefinedStatistics.Select(u => u.Field));
        Assert.Equal("decided by the analysis", report.UndefinedStatistics[0].Reason);
        Assert.Equal(Net.Reason, report.UndefinedStatistics[1].Reason);
        Assert.Empty(FiniteScan.NonFinite(CoeInsights.V1.TrendReport.Parser.ParseFrom(report.ToByteArray())));
    }

    [Fact]
    public void FailsGivenNonFiniteNumberThatCannotBeUnset()
    {
        var report = Planted();
        report.Anomalies[1].Value = double.NaN; // plain field of a repeated element
        Assert.Throws<Net.NonFiniteResultException>(() => Net.Enforce(report));

        var weights = new S.AhpResult { Weights = { 0.5, double.NaN } };
        Assert.Throws<Net.NonFiniteResultException>(() => Net.Enforce(weights));

        var top = new S.AgreementResult { W = double.NaN };
        Assert.Throws<Net.NonFiniteResultException>(() => Net.Enforce(top));
    }

    [Fact]
    public void LeavesFiniteAnswersUntouched()
    {
        var report = Planted();
        var before = report.Clone();
        Assert.Empty(Net.Enforce(report));
        Assert.Equal(before, report);
    }

    [Fact]
    public void ClearsNaNDeepInsideLargeAnswerAndRemembersOnlyCleanOnes()
    {
        // Large answers take the fast walk first (and a clean one is remembered); a planted NaN must still be found.
        var large = Planted();
        for (var i = 0; i < 600; i++) large.Points.Add(new S.TrendPoint { Value = i, MovingAverage = i });
        var before = large.Clone();
        Assert.Empty(Net.Enforce(large));
        Assert.Empty(Net.Enforce(large));
        Assert.Equal(before, large);

        var planted = before.Clone();
        planted.Points[550].MovingAverage = double.NaN;
        Assert.Equal(["points[550].moving_average"], Net.Enforce(planted));
        Assert.False(planted.Points[550].HasMovingAverage);
        Assert.Empty(Net.Enforce(planted));
    }
}
