using CoeInsights.Analytics.Trends;

namespace CoeInsights.Analytics.Tests.Trends;

public class ValidationTests
{
    private static IEnumerable<string> Fields(Action act) => Assert.Throws<InvalidInputException>(act).Violations.Select(v => v.Field);

    [Fact]
    public void ThrowsNamingIndexGivenNaNAndInfiniteValues()
    {
        double?[] x = [1, double.NaN, 3, double.PositiveInfinity, 5];
        Assert.Equal(["values[1]", "values[3]"], Fields(() => TrendAnalysis.Analyze(x)));
        Assert.Equal(["values[1]", "values[3]"], Fields(() => MannKendall.Test(x)));
        Assert.Equal(["values[1]", "values[3]"], Fields(() => SenSlope.Estimate(x)));
        Assert.Equal(["values[1]", "values[3]"], Fields(() => Growth.PeriodOverPeriod(x)));
    }

    [Fact]
    public void ThrowsNamingDatesGivenUnsortedOrDuplicateDates()
    {
        var d = new DateOnly(2024, 5, 1);
        DatedValue[] duplicate = [new(d, 1), new(d, 2)];
        DatedValue[] unsorted = [new(d.AddDays(2), 1), new(d, double.NaN)];
        var options = new AggregationOptions(Granularity.Day, AggregationMethod.Sum);
        Assert.Equal(["dates"], Fields(() => SeriesAggregator.Aggregate(duplicate, options)));
        Assert.Equal(["values[1]", "dates"], Fields(() => SeriesAggregator.Aggregate(unsorted, options)));
    }

    [Fact]
    public void ThrowsNamingSeasonLengthGivenSeasonLengthBelowTwo()
    {
        double?[] x = [1, 2, 3, 4, 5, 6, 7, 8];
        Assert.Equal(["season_length"], Fields(() => MannKendall.SeasonalTest(x, 1)));
        Assert.Equal(["season_length"], Fields(() => AnomalyDetector.Detect(x, new AnomalyOptions(SeasonLength: 0))));
        Assert.Equal(["season_length"], Fields(() => ExponentialSmoothing.HoltWinters(x, 1, 0.5, 0.1, 0.1)));
    }

    [Fact]
    public void ThrowsNamingParametersGivenOutOfRangeSmoothingInput()
    {
        double?[] x = [1, 2, 3, 4, 5, 6, 7, 8];
        Assert.Equal(["alpha", "beta", "horizon"], Fields(() => ExponentialSmoothing.Holt(x, 0, 1.5, horizon: -1)));
        Assert.Equal(["values[0]"], Fields(() => ExponentialSmoothing.Holt([null, 2, 3, 4], 0.5, 0.5)));
        Assert.Equal(["confidence_level"], Fields(() => SenSlope.Estimate(x, 1.0)));
    }

    [Fact]
    public void ThrowsNamingFieldGivenTooFewValuesOrMismatchedLengths()
    {
        Assert.Equal(["values"], Fields(() => TrendAnalysis.Analyze([1, null, 2])));
        Assert.Equal(["y"], Fields(() => Correlation.Pearson([1, 2, 3], [1, 2])));
        Assert.Equal(["y[2]"], Fields(() => Correlation.Spearman([1, 2, 3, 4], [1, 2, double.NaN, 4])));
        Assert.Equal(["moving_average_window"], Fields(() => TrendAnalysis.Analyze([1, 2, 3, 4], new TrendOptions(MovingAverageWindow: 0))));
    }
}
