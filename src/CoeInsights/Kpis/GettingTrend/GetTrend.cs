using CoeInsights.Analytics.Trends;
using CoeInsights.Kpis.QueryingSeries;
using Marten;

namespace CoeInsights.Kpis.GettingTrend;

/// <summary>The trend options a caller set; each one left out takes the trend library's default.</summary>
public sealed record TrendSettings(
    double? ConfidenceLevel = null, double? Significance = null, int? MovingAverageWindow = null, double? PeriodsPerYear = null,
    int? SeasonLength = null, double? AnomalyThreshold = null, bool? ContinuityCorrection = null, AnomalyScoreMethod? AnomalyMethod = null,
    WindowAlignment? MovingAverageAlignment = null, double? EwmaAlpha = null, SeasonalSenConvention? SeasonalSenConvention = null)
{
    private static readonly TrendOptions Defaults = new();

    /// <summary>The options to analyse with; CAGR is annualised by the series' granularity unless the caller said otherwise.</summary>
    public TrendOptions Resolve(Granularity granularity) => Defaults with
    {
        ConfidenceLevel = ConfidenceLevel ?? Defaults.ConfidenceLevel,
        Significance = Significance ?? Defaults.Significance,
        MovingAverageWindow = MovingAverageWindow ?? Defaults.MovingAverageWindow,
        PeriodsPerYear = PeriodsPerYear ?? SeriesAggregator.PeriodsPerYear(granularity),
        SeasonLength = SeasonLength,
        AnomalyThreshold = AnomalyThreshold ?? Defaults.AnomalyThreshold,
        ContinuityCorrection = ContinuityCorrection ?? Defaults.ContinuityCorrection,
        AnomalyMethod = AnomalyMethod ?? Defaults.AnomalyMethod,
        MovingAverageAlignment = MovingAverageAlignment ?? Defaults.MovingAverageAlignment,
        EwmaAlpha = EwmaAlpha,
        SeasonalSenConvention = SeasonalSenConvention ?? Defaults.SeasonalSenConvention,
    };
}

public sealed record GetTrend(SeriesSelection Series, TrendSettings Options);

public static class GetTrendHandler
{
    public static async Task<(TrendReport Report, RegularSeries Series)> Handle(IQuerySession session, GetTrend command, CancellationToken ct)
    {
        var stored = await QuerySeriesHandler.One(session, command.Series, ct);
        return Decide(stored.Series, command.Options);
    }

    /// <summary>Whole periods only, as in AnalyzeSeries and the KPI deck (<see cref="SeriesAggregator.WholePeriods"/>).</summary>
    public static (TrendReport Report, RegularSeries Series) Decide(RegularSeries series, TrendSettings options)
    {
        var whole = SeriesAggregator.WholePeriods(series);
        return (TrendAnalysis.Analyze(whole.Values, options.Resolve(whole.Granularity)), whole);
    }
}
