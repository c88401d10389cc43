using CoeInsights.Analytics.Trends;
using CoeInsights.Kpis.QueryingSeries;
using Marten;

namespace CoeInsights.Kpis.DetectingAnomalies;

/// <summary>Anomalies of a stored series; a threshold left out takes the detector's default.</summary>
public sealed record DetectAnomalies(SeriesSelection Series, double? Threshold, int? SeasonLength,
    AnomalyScoreMethod Method = AnomalyScoreMethod.ModifiedZ);

public static class DetectAnomaliesHandler
{
    private static readonly AnomalyOptions Defaults = new();

    public static async Task<(AnomalyResult Result, RegularSeries Series)> Handle(IQuerySession session, DetectAnomalies command, CancellationToken ct)
    {
        var stored = await QuerySeriesHandler.One(session, command.Series, ct);
        return (AnomalyDetector.Detect(stored.Series.Values, new AnomalyOptions(command.Threshold ?? Defaults.Threshold, command.SeasonLength, command.Method)),
            stored.Series);
    }
}
