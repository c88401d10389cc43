using CoeInsights.Analytics.Trends;
using CoeInsights.Kpis.GettingTrend;

namespace CoeInsights.Kpis.AnalyzingSeries;

/// <summary>A caller's own dated values (nothing stored), rolled up to <see cref="Granularity"/> with <see cref="Rollup"/>.</summary>
public sealed record AnalyzeSeries(IReadOnlyList<DatedValue> Points, Granularity Granularity, AggregationMethod Rollup, TrendSettings Options);

public static class AnalyzeSeriesHandler
{
    /// <summary>Rolls the points up, then analyses the whole periods like GetTrend.</summary>
    public static (TrendReport Report, RegularSeries Series) Handle(AnalyzeSeries command) =>
        GetTrendHandler.Decide(SeriesAggregator.Aggregate(command.Points, new AggregationOptions(command.Granularity, command.Rollup)), command.Options);
}
