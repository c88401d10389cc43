using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

public class AnomalyTests
{
    [Fact]
    public void ReturnsModifiedZScoreGivenSpike()
    {
        // Iglewicz & Hoaglin (1993): M = 0.6745 (x − median) / MAD; median = 10, MAD = 1
        double?[] x = [9, 10, 11, 10, 9, 11, 10, 40, 10];
        var r = AnomalyDetector.Detect(x);
        Assert.Equal(10, r.Median);
        Assert.Equal(1, r.Scale);
        var spike = Assert.Single(r.Anomalies);
        Assert.Equal(7, spike.Index);
        Assert.Equal(0.6745 * 30, spike.Score, 12);
    }

    [Fact]
    public void IgnoresWeeklyLowGivenSeasonLengthSeven()
    {
        // weekends are always low: not anomalies once compared with their own weekday; a weekday drop is
        var values = Enumerable.Range(0, 70).Select(i => (double?)(i % 7 >= 5 ? 20 : 100) + (i % 3)).ToArray();
        values[30] = 20; // a Wednesday-like slot at weekend level
        var plain = AnomalyDetector.Detect(values);
        var seasonal = AnomalyDetector.Detect(values, new AnomalyOptions(SeasonLength: 7));
        Assert.Contains(plain.Anomalies, p => p.Index % 7 >= 5);
        var only = Assert.Single(seasonal.Anomalies);
        Assert.Equal(30, only.Index);
    }

    [Fact]
    public void SkipsMissingSlotsGivenGaps()
    {
        double?[] x = [5, null, 5, 6, null, 5, 4, 5];
        var r = AnomalyDetector.Detect(x);
        Assert.DoesNotContain(r.Points, p => p.Index is 1 or 4);
        Assert.Equal(6, r.Points.Count);
    }

    [Fact]
    public void UsesMeanAbsoluteDeviationGivenZeroMad()
    {
        // more than half equal → MAD = 0 → M = (x − median)/(1.253314·MeanAD)
        double?[] x = [3, 3, 3, 3, 3, 3, 10];
        var r = AnomalyDetector.Detect(x);
        Assert.True(r.UsedMeanAbsoluteDeviation);
        Assert.Equal(7 / (1.253314 * 1.0), r.Points[6].Score, 12);
    }
}
