using CoeInsights.Analytics;
using CoeInsights.Analytics.Trends;
using CoeInsights.Kpis.QueryingSeries;
using Marten;

namespace CoeInsights.Kpis.CorrelatingMetrics;

/// <summary>Two stored series to correlate; a confidence level left out (Pearson's interval) is 0.95.</summary>
/// <param name="ContinuityCorrection">Kendall's z as (S − sign S)/√Var(S) (R Kendall::Kendall with ties, cor.test continuity = TRUE); default off.</param>
public sealed record CorrelateMetrics(SeriesSelection X, SeriesSelection Y, double? ConfidenceLevel, bool ContinuityCorrection = false);

public sealed record MetricCorrelation(CorrelationResult Pearson, CorrelationResult Spearman, CorrelationResult KendallTauB);

public static class CorrelateMetricsHandler
{
    public const double DefaultConfidenceLevel = 0.95;

    public static async Task<MetricCorrelation> Handle(IQuerySession session, CorrelateMetrics command, CancellationToken ct)
    {
        var x = await QuerySeriesHandler.One(session, command.X, ct);
        var y = await QuerySeriesHandler.One(session, command.Y, ct);
        return Decide(x, y, command);
    }

    public static MetricCorrelation Decide(KpiSeries x, KpiSeries y, CorrelateMetrics command)
    {
        var field = command.Y.Field;
        // Profile-level (activity in the period) and post-level (lifetime of posts published in it) are different populations.
        if (x.Metric.Scope != y.Metric.Scope)
            throw new InvalidInputException($"{field}.metric",
                $"'{y.Metric.Name}' is a {y.Metric.Scope.ToString().ToLowerInvariant()}-level figure and '{x.Metric.Name}' a " +
                $"{x.Metric.Scope.ToString().ToLowerInvariant()}-level one: they count different things and are not compared");
        if (x.Series.Granularity != y.Series.Granularity)
            throw new InvalidInputException($"{field}.granularity", $"must equal {command.X.Field}.granularity");
        var (xs, ys) = Align(x.Series, y.Series);
        return new MetricCorrelation(Correlation.Pearson(xs, ys, command.ConfidenceLevel ?? DefaultConfidenceLevel), Correlation.Spearman(xs, ys),
            Correlation.KendallTauB(xs, ys, command.ContinuityCorrection));
    }

    /// <summary>Puts two series of one granularity on the same slots (by period start); a slot only one of them has is missing in the other.</summary>
    public static (double?[] X, double?[] Y) Align(RegularSeries x, RegularSeries y)
    {
        var starts = x.PeriodStarts.Union(y.PeriodStarts).Order().ToList();
        var xi = x.PeriodStarts.Select((d, i) => (d, i)).ToDictionary(p => p.d, p => x.Values[p.i]);
        var yi = y.PeriodStarts.Select((d, i) => (d, i)).ToDictionary(p => p.d, p => y.Values[p.i]);
        return (starts.Select(d => xi.GetValueOrDefault(d)).ToArray(), starts.Select(d => yi.GetValueOrDefault(d)).ToArray());
    }
}
