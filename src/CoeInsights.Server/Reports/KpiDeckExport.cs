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

    /// <summary>Metrics where a rise is bad news (the catalogue's <c>LowerIsBetter</c>): the deck reverses their icons and colours.</summary>
    public static readonly IReadOnlySet<string> LowerIsBetter =
        MetricCatalogue.Default.Where(m => m.LowerIsBetter).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

    public static async Task<RenderedExport> Render(IQuerySession session, Request request, DateTimeOffset now, CancellationToken ct)
    {
        Validate(request);
        var metrics = request.Metrics.Count > 0 ? request.Metrics : DefaultMetrics;
        // Every metric, day by day, from a year before the range (the report page compares with the previous period and
        // the same dates a year earlier): the facts, the days that stood out and the derived KPIs read all of them.
        var days = request.To.DayNumber - request.From.DayNumber + 1;
        var historyFrom = new[] { request.From.AddYears(-1), request.From.AddDays(-days) }.Min();
        var everyMetric = MetricCatalogue.Default.Select(m => m.Name).ToList();
        var daily = (await QuerySeriesHandler.Handle(session,
                new SeriesQuery([], [], request.BusinessUnits, null, everyMetric, historyFrom, request.To, Granularity.Day), ct))
            .Where(s => s.Series.Values.Any(v => v is not null)).ToList();
        // Trend periods must be whole: a half-observed first or last week would read as a collapse (or inflate CAGR).
        // The same rule as GetTrend and AnalyzeSeries (SeriesAggregator.WholePeriods).
        var rolled = await QuerySeriesHandler.Handle(session,
            new SeriesQuery([], [], request.BusinessUnits, null, metrics, request.From, request.To, request.Granularity), ct);
        var roi = await CompareNetworksHandler.Handle(session, request.From, request.To, request.BusinessUnits, ct);
        var benchmarks = await BenchmarkCompetitorsHandler.Handle(session, metrics, [], request.BusinessUnits, request.From, request.To, ct);

        var observed = daily.SelectMany(s => s.Series.PeriodStarts.Select((d, i) => (d, v: s.Series.Values[i]))
            .Where(x => x.v is not null).Select(x => new DeckObservation(s.Profile.Id.ToString(), s.Metric.Name, x.d, x.v!.Value))).ToList();
        var inRange = observed.Where(o => o.Date >= request.From).ToList();
        var usedMetrics = metrics.Concat(inRange.Select(o => o.Metric)).ToHashSet(StringComparer.Ordinal);
        var model = new KpiDeckModel
        {
            Title = string.IsNullOrWhiteSpace(request.Title) ? $"Social performance {request.From:yyyy-MM-dd} to {request.To:yyyy-MM-dd}" : request.Title,
            From = request.From,
            To = request.To,
            Granularity = request.Granularity,
            GeneratedAt = now,
            Profiles = daily.Select(s => s.Profile).Concat(rolled.Select(s => s.Profile)).DistinctBy(p => p.Id)
                .OrderBy(p => p.Ownership == Ownership.Owned ? 0 : 1).ThenBy(p => p.Network).ThenBy(p => p.Handle, StringComparer.Ordinal)
                .Select(p => new DeckProfile(p.Id.ToString(), p.Network.ToString(), p.Handle, p.BusinessUnit, p.Ownership == Ownership.Owned, p.DisplayName)).ToList(),
            Metrics = MetricCatalogue.Default.Where(m => usedMetrics.Contains(m.Name))
                .Select(m => new DeckMetric(m.Name, m.Unit, m.Additive, m.Description, m.Rollup, LowerIsBetter.Contains(m.Name))).ToList(),
            // The requested metrics, and negative mentions when recorded: a crisis belongs on the first page.
            CardMetrics = [.. metrics, .. inRange.Any(o => o.Metric == "negative_mentions") && !metrics.Contains("negative_mentions") ? ["negative_mentions"] : Array.Empty<string>()],
            Observations = inRange,
            History = observed.Where(o => o.Date < request.From).ToList(),
            Series = rolled.Where(s => s.Series.Values.Any(v => v is not null))
                .Select(s => (s, whole: SeriesAggregator.WholePeriods(s.Series)))
                .Select(x => new DeckSeries(x.s.Profile.Id.ToString(), x.s.Metric.Name, x.whole.PeriodStarts, x.whole.Values, Trend(x.whole))).ToList(),
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
            // CAGR annualised as in GetTrend (unset, with a reason, for less than a year of whole periods).
            return TrendAnalysis.Analyze(series.Values, new TrendOptions(MovingAverageWindow: Math.Min(4, series.Values.Count),
                PeriodsPerYear: SeriesAggregator.PeriodsPerYear(series.Granularity)));
        }
        catch (InvalidInputException)
        {
            return null;
        }
    }
}
