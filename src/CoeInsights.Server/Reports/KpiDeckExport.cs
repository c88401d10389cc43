using CoeInsights.Analytics;
using CoeInsights.Analytics.Trends;
using CoeInsights.Exports.Kpis;
using CoeInsights.Kpis;
using CoeInsights.Kpis.BenchmarkingCompetitors;
using CoeInsights.Kpis.ComparingNetworks;
using CoeInsights.Kpis.QueryingSeries;
using Marten;

namespace CoeInsights.Server.Reports;

/// <summary>The caller's tenant's KPIs for a range → the KPI deck (series, trend statistics, ROI, benchmark).</summary>
public static class KpiDeckExport
{
    public const int MaxDays = 3_660;
    public static readonly string[] DefaultMetrics = ["impressions", "engagements", "followers"];

    public sealed record Request(DateOnly From, DateOnly To, Granularity Granularity, IReadOnlyList<string> Metrics, IReadOnlyList<string> BusinessUnits, string Title);

    /// <summary>Everything that can be checked without the data: before rendering, and before a download link is signed.</summary>
    public static void Validate(Request request)
    {
        var v = new Validator()
            .Require(request.From <= request.To, "end_date", "must not be before start_date")
            .Require(request.To.DayNumber - request.From.DayNumber < MaxDays, "end_date", $"the range is at most {MaxDays} days");
        for (var i = 0; i < request.Metrics.Count; i++)
            v.Require(MetricCatalogue.Find(request.Metrics[i]) is not null, $"metrics[{i}]", $"unknown metric '{request.Metrics[i]}' (see ListMetrics)");
        v.ThrowIfInvalid();
    }

    public static async Task<RenderedExport> Render(IQuerySession session, Request request, DateTimeOffset now, CancellationToken ct)
    {
        Validate(request);
        var metrics = request.Metrics.Count > 0 ? request.Metrics : DefaultMetrics;
        var daily = await QuerySeriesHandler.Handle(session,
            new SeriesQuery([], [], request.BusinessUnits, null, metrics, request.From, request.To, Granularity.Day), ct);
        // Trend periods must be whole: a half-observed last week would read as a collapse.
        var rolled = await QuerySeriesHandler.Handle(session,
            new SeriesQuery([], [], request.BusinessUnits, null, metrics, request.From, request.To, request.Granularity, RequireCompletePeriods: true), ct);
        var roi = await CompareNetworksHandler.Handle(session, request.From, request.To, request.BusinessUnits, ct);
        var benchmarks = await BenchmarkCompetitorsHandler.Handle(session, metrics, [], request.BusinessUnits, request.From, request.To, ct);

        var model = new KpiDeckModel
        {
            Title = string.IsNullOrWhiteSpace(request.Title) ? $"Social performance {request.From:yyyy-MM-dd} to {request.To:yyyy-MM-dd}" : request.Title,
            From = request.From,
            To = request.To,
            Granularity = request.Granularity,
            GeneratedAt = now,
            Profiles = daily.Select(s => s.Profile).DistinctBy(p => p.Id)
                .Select(p => new DeckProfile(p.Id.ToString(), p.Network.ToString(), p.Handle, p.BusinessUnit, p.Ownership == Ownership.Owned)).ToList(),
            Metrics = metrics.Select(m => MetricCatalogue.Find(m)!).Select(m => new DeckMetric(m.Name, m.Unit, m.Additive, m.Description)).ToList(),
            Observations = daily.SelectMany(s => s.Series.PeriodStarts.Select((d, i) => (d, v: s.Series.Values[i]))
                .Where(x => x.v is not null).Select(x => new DeckObservation(s.Profile.Id.ToString(), s.Metric.Name, x.d, x.v!.Value))).ToList(),
            Series = rolled.Select(s => new DeckSeries(s.Profile.Id.ToString(), s.Metric.Name, s.Series.PeriodStarts, s.Series.Values, Trend(s.Series))).ToList(),
            NetworkRoi = roi.Select(n => new DeckNetworkRoi(n.Network.ToString(), n.Profiles, n.Spend, n.AttributedRevenue, n.Engagements, n.RoiPct,
                n.CostPerEngagement, n.Rank)).ToList(),
            Benchmarks = benchmarks.Select(b => new DeckBenchmark(b.Profile.Id.ToString(), b.Metric, b.Value, b.SharePct, b.Rank)).ToList(),
        };
        using var stream = new MemoryStream();
        KpiDeck.Write(model, stream);
        return new RenderedExport($"kpi-deck-{request.From:yyyyMMdd}-{request.To:yyyyMMdd}.xlsx", Exports.Evaluations.EvaluationWorkbook.ContentType, stream.ToArray());
    }

    /// <summary>Trend statistics need a few observed periods; a series too short to say anything gets none.</summary>
    private static TrendReport? Trend(RegularSeries series)
    {
        if (series.Values.Count(v => v is not null) < 4) return null;
        try
        {
            return TrendAnalysis.Analyze(series.Values, new TrendOptions(MovingAverageWindow: Math.Min(4, series.Values.Count)));
        }
        catch (InvalidInputException)
        {
            return null;
        }
    }
}
