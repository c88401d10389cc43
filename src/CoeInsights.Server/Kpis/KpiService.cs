using CoeInsights.Analytics;
using CoeInsights.Analytics.Trends;
using CoeInsights.Common;
using CoeInsights.Kpis;
using CoeInsights.Kpis.BenchmarkingCompetitors;
using CoeInsights.Kpis.ComparingNetworks;
using CoeInsights.Kpis.CorrectingKpi;
using CoeInsights.Kpis.ListingProfiles;
using CoeInsights.Kpis.QueryingDerivedKpis;
using CoeInsights.Kpis.QueryingSeries;
using CoeInsights.Kpis.RecordingKpis;
using CoeInsights.Kpis.RegisteringProfile;
using CoeInsights.Kpis.WatchingAlerts;
using CoeInsights.Server.Auth;
using CoeInsights.Server.Numbers;
using CoeInsights.Server.Validation;
using CoeInsights.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;
using static CoeInsights.Server.Kpis.KpiMapping;
using Role = CoeInsights.Access.Role;
using AggregationOptions = CoeInsights.Analytics.Trends.AggregationOptions;

namespace CoeInsights.Server.Kpis;

/// <summary>Adapter: proto ⇄ Kpis slices and the trend statistics. Reads: any role; writes: ingest; profiles: committee.</summary>
public sealed class KpiService(IDocumentStore store, IQuerySession query, CallerContext caller, TimeProvider clock)
    : V1.KpiService.KpiServiceBase
{
    /// <summary>How often WatchAlerts looks for newly recorded KPI events.</summary>
    public static TimeSpan AlertPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    [RequireRole(Role.Committee)]
    public override async Task<Profile> RegisterProfile(RegisterProfileRequest request, ServerCallContext context)
    {
        await using var session = store.LightweightSession(caller.Caller.TenantId);
        var profile = await RegisterProfileHandler.Handle(session, new RegisterProfile(FromProto(request.Network), request.Handle,
            request.BusinessUnit, FromProto(request.Ownership), request.DisplayName, request.RequestId, clock.GetUtcNow()), context.CancellationToken);
        return ToProto(profile);
    }

    public override async Task<ListProfilesResponse> ListProfiles(ListProfilesRequest request, ServerCallContext context)
    {
        var v = new Validator();
        RequireKnown(request.Network, "network", v);
        RequireKnown(request.Ownership, "ownership", v);
        v.ThrowIfInvalid();
        var (profiles, next) = await ListProfilesHandler.Handle(query,
            new ProfileFilter(FromProto(request.Network), request.BusinessUnit, FromProto(request.Ownership)),
            PageRequest.From(request), context.CancellationToken);
        return new ListProfilesResponse { Profiles = { profiles.Select(ToProto) }, NextPageToken = next };
    }

    public override Task<ListMetricsResponse> ListMetrics(ListMetricsRequest request, ServerCallContext context) =>
        Task.FromResult(new ListMetricsResponse { Metrics = { MetricCatalogue.Default.Select(ToProto) } });

    [RequireRole(Role.Ingest)]
    public override async Task RecordKpis(IAsyncStreamReader<RecordKpisRequest> requestStream, IServerStreamWriter<RecordKpisResponse> responseStream,
        ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // Cancels the read-ahead when a batch fails: no read may be left pending when the call ends.
        using var readAhead = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var known = new HashSet<Guid>();
        var principal = caller.Caller.Principal;
        var index = 0;

        async Task<RecordKpiBatch?> ReadNext()
        {
            if (!await requestStream.MoveNext(readAhead.Token)) return null;
            var batch = requestStream.Current;
            var observations = new SentObservation[batch.Observations.Count];
            for (var i = 0; i < observations.Length; i++)
            {
                var o = batch.Observations[i];
                observations[i] = new SentObservation(o.ProfileId, o.Metric, o.Date?.Year ?? 0, o.Date?.Month ?? 0, o.Date?.Day ?? 0, o.Value);
            }
            return new RecordKpiBatch(index++, batch.IdempotencyKey, batch.Source, batch.SourceTimeZone, observations, principal, clock.GetUtcNow());
        }

        var next = ReadNext();
        while (await next is { } command)
        {
            // Receive and map the next batch while this one is written: batches are still stored and acked in order.
            next = ReadNext();
            try
            {
                // A session per batch: each batch is its own transaction, acked once committed.
                await using var session = store.LightweightSession(caller.Caller.TenantId);
                var ack = await RecordKpiBatchHandler.Handle(session, command, known, ct);
                await responseStream.WriteAsync(new RecordKpisResponse
                {
                    IdempotencyKey = ack.IdempotencyKey,
                    BatchId = ack.BatchId.ToString(),
                    ObservationCount = ack.ObservationCount,
                    RecordTime = Timestamp.FromDateTimeOffset(ack.RecordedAt),
                    Replayed = ack.Replayed,
                }, ct);
            }
            catch
            {
                await readAhead.CancelAsync();
                try
                {
                    await next;
                }
                catch (Exception) when (readAhead.IsCancellationRequested)
                {
                    // The read-ahead's own failure (cancelled, or a bad message) is not this call's error.
                }
                throw;
            }
        }
    }

    [RequireRole(Role.Ingest)]
    public override async Task<ObservationHistory> CorrectKpi(CorrectKpiRequest request, ServerCallContext context)
    {
        await using var session = store.LightweightSession(caller.Caller.TenantId);
        var versions = await CorrectKpiHandler.Handle(session, new CorrectKpi(request.ProfileId, request.Metric, request.Date?.Year ?? 0,
            request.Date?.Month ?? 0, request.Date?.Day ?? 0, request.Value, request.Reason, caller.Caller.Principal, clock.GetUtcNow()),
            context.CancellationToken);
        return ToProto(versions[0].ProfileId, versions[0].Metric, versions[0].Date, versions);
    }

    public override async Task<ObservationHistory> ListObservationVersions(ListObservationVersionsRequest request, ServerCallContext context)
    {
        var v = new Validator();
        v.Require(Guid.TryParse(request.ProfileId, out var profileId), "profile_id", "must be a profile id as returned by RegisterProfile");
        v.Require(MetricCatalogue.Find(request.Metric) is not null, "metric", $"unknown metric '{request.Metric}' (see ListMetrics)");
        var date = ToStoredDate(request.Date, "date", v);
        if (request.Date is null or { Year: 0, Month: 0, Day: 0 }) v.Add("date", "is required");
        v.ThrowIfInvalid();
        _ = await query.LoadAsync<KpiProfile>(profileId, context.CancellationToken) ?? throw new NotFoundException("Profile", request.ProfileId);
        var rows = await ObservationTable.VersionsAsync(query, profileId, request.Metric, date!.Value, context.CancellationToken);
        return ToProto(profileId, request.Metric, date.Value, rows);
    }

    public override async Task QuerySeries(QuerySeriesRequest request, IServerStreamWriter<V1.KpiSeries> responseStream, ServerCallContext context)
    {
        var v = new Validator();
        var networks = Networks(request.Networks, v);
        RequireKnown(request.Ownership, "ownership", v);
        RequireKnown(request.Granularity, "granularity", v);
        var from = ToStoredDate(request.StartDate, "start_date", v);
        var to = ToStoredDate(request.EndDate, "end_date", v);
        v.ThrowIfInvalid();
        var series = await QuerySeriesHandler.Handle(query, new SeriesQuery(request.ProfileIds, networks, request.BusinessUnits,
            FromProto(request.Ownership), request.Metrics, from, to, FromProto(request.Granularity), request.RequireCompletePeriods),
            context.CancellationToken);
        foreach (var s in series) await responseStream.WriteAsync(ToProto(s), context.CancellationToken);
    }

    private async Task<CoeInsights.Kpis.QueryingSeries.KpiSeries> Load(SeriesSelector? selector, string field, CancellationToken ct)
    {
        var v = new Validator();
        if (selector is null) v.Add(field, "is required");
        v.ThrowIfInvalid();
        RequireKnown(selector!.Granularity, $"{field}.granularity", v);
        var from = ToStoredDate(selector.StartDate, $"{field}.start_date", v);
        var to = ToStoredDate(selector.EndDate, $"{field}.end_date", v);
        if (from is { } f && to is { } t && f > t) v.Add($"{field}.end_date", "must not be before start_date");
        v.ThrowIfInvalid();
        return await QuerySeriesHandler.One(query, selector.ProfileId, selector.Metric, from, to, FromProto(selector.Granularity), ct, field);
    }

    public override async Task<V1.TrendReport> GetTrend(GetTrendRequest request, ServerCallContext context)
    {
        var s = await Load(request.Series, "series", context.CancellationToken);
        try
        {
            // Whole periods only, as in AnalyzeSeries and the KPI deck (SeriesAggregator.WholePeriods).
            var series = SeriesAggregator.WholePeriods(s.Series);
            var report = TrendAnalysis.Analyze(series.Values, ToOptions(request.Options, series.Granularity));
            return ToProto(report, series);
        }
        catch (InvalidInputException e)
        {
            throw Readdress(e, "series", "options.");
        }
    }

    public override async Task<DetectAnomaliesResponse> DetectAnomalies(DetectAnomaliesRequest request, ServerCallContext context)
    {
        var s = await Load(request.Series, "series", context.CancellationToken);
        AnomalyResult result;
        try
        {
            result = AnomalyDetector.Detect(s.Series.Values,
                new AnomalyOptions(request.HasThreshold ? request.Threshold : 3.5, request.HasSeasonLength ? request.SeasonLength : null));
        }
        catch (InvalidInputException e)
        {
            throw Readdress(e, "series", "");
        }
        return ToProto(result, s.Series);
    }

    public override async Task<ForecastResponse> Forecast(ForecastRequest request, ServerCallContext context)
    {
        var v = new Validator();
        RequireKnown(request.Method, "method", v);
        RequireKnown(request.GammaConvention, "gamma_convention", v);
        v.ThrowIfInvalid();
        var s = await Load(request.Series, "series", context.CancellationToken);
        var values = s.Series.Values;
        var confidence = request.HasConfidenceLevel ? request.ConfidenceLevel : 0.95;
        var convention = request.GammaConvention == V1.GammaConvention.Statsmodels
            ? Analytics.Trends.GammaConvention.Statsmodels : Analytics.Trends.GammaConvention.R;
        try
        {
            var result = request.Method switch
            {
                ForecastMethod.Simple => ExponentialSmoothing.Simple(values, request.Alpha, request.Horizon, confidence),
                ForecastMethod.HoltWinters => ExponentialSmoothing.HoltWinters(values, request.SeasonLength, request.Alpha, request.Beta, request.Gamma,
                    convention, request.Horizon, confidence),
                _ => ExponentialSmoothing.Holt(values, request.Alpha, request.Beta, request.Horizon, confidence),
            };
            return ToProto(result, s.Series);
        }
        catch (InvalidInputException e)
        {
            throw Readdress(e, "series", "");
        }
    }

    public override async Task<CorrelateMetricsResponse> CorrelateMetrics(CorrelateMetricsRequest request, ServerCallContext context)
    {
        var x = await Load(request.X, "x", context.CancellationToken);
        var y = await Load(request.Y, "y", context.CancellationToken);
        // Profile-level (activity in the period) and post-level (lifetime of posts published in it) are different populations.
        if (x.Metric.Scope != y.Metric.Scope)
            throw new InvalidInputException("y.metric",
                $"'{y.Metric.Name}' is a {y.Metric.Scope.ToString().ToLowerInvariant()}-level figure and '{x.Metric.Name}' a " +
                $"{x.Metric.Scope.ToString().ToLowerInvariant()}-level one: they count different things and are not compared");
        var (xs, ys) = Align(x.Series, y.Series);
        var response = new CorrelateMetricsResponse();
        var u = new FiniteFields(response.UndefinedStatistics);
        response.Pearson = ToProto(Correlation.Pearson(xs, ys, request.HasConfidenceLevel ? request.ConfidenceLevel : 0.95), u, "pearson");
        response.Spearman = ToProto(Correlation.Spearman(xs, ys), u, "spearman");
        response.KendallTauB = ToProto(Correlation.KendallTauB(xs, ys), u, "kendall_tau_b");
        return response;
    }

    /// <summary>Puts two series on the same slots (by period start); a slot only one of them has is missing in the other.</summary>
    private static (double?[] X, double?[] Y) Align(RegularSeries x, RegularSeries y)
    {
        if (x.Granularity != y.Granularity) throw new InvalidInputException("y.granularity", "must equal x.granularity");
        var starts = x.PeriodStarts.Union(y.PeriodStarts).Order().ToList();
        var xi = x.PeriodStarts.Select((d, i) => (d, i)).ToDictionary(p => p.d, p => x.Values[p.i]);
        var yi = y.PeriodStarts.Select((d, i) => (d, i)).ToDictionary(p => p.d, p => y.Values[p.i]);
        return (starts.Select(d => xi.GetValueOrDefault(d)).ToArray(), starts.Select(d => yi.GetValueOrDefault(d)).ToArray());
    }

    public override Task<V1.TrendReport> AnalyzeSeries(AnalyzeSeriesRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var points = new List<DatedValue>(request.Points.Count);
        for (var i = 0; i < request.Points.Count; i++)
        {
            var p = request.Points[i];
            var date = ToDate(p.PeriodStart, $"points[{i}].period_start", v);
            if (p.PeriodStart is null or { Year: 0, Month: 0, Day: 0 }) v.Add($"points[{i}].period_start", "is required");
            if (p.HasValue) v.RequireFinite(p.Value, $"points[{i}].value");
            if (date is { } d) points.Add(new DatedValue(d, p.HasValue ? p.Value : null));
        }
        RequireKnown(request.Granularity, "granularity", v);
        RequireKnown(request.Rollup, "rollup", v);
        v.ThrowIfInvalid();
        var granularity = FromProto(request.Granularity);
        try
        {
            var series = SeriesAggregator.WholePeriods(SeriesAggregator.Aggregate(points, new AggregationOptions(granularity, FromProto(request.Rollup))));
            var report = TrendAnalysis.Analyze(series.Values, ToOptions(request.Options, granularity));
            return Task.FromResult(ToProto(report, series));
        }
        catch (InvalidInputException e)
        {
            throw Readdress(e, "points", "options.");
        }
    }

    public override async Task<QueryDerivedKpisResponse> QueryDerivedKpis(QueryDerivedKpisRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var networks = Networks(request.Networks, v);
        var kpis = new List<CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpi>();
        for (var i = 0; i < request.Kpis.Count; i++)
            if (FromProto(request.Kpis[i]) is { } k) kpis.Add(k);
            else v.Add($"kpis[{i}]", "must be a known derived KPI");
        RequireKnown(request.Ownership, "ownership", v);
        RequireKnown(request.Granularity, "granularity", v);
        var from = ToStoredDate(request.StartDate, "start_date", v);
        var to = ToStoredDate(request.EndDate, "end_date", v);
        v.ThrowIfInvalid();
        var series = await QueryDerivedKpisHandler.Handle(query, new DerivedKpiQuery(request.ProfileIds, networks, request.BusinessUnits,
            FromProto(request.Ownership), kpis, from, to, FromProto(request.Granularity)), context.CancellationToken);
        var response = new QueryDerivedKpisResponse();
        var u = new FiniteFields(response.UndefinedStatistics);
        for (var i = 0; i < series.Count; i++) response.Series.Add(ToProto(series[i], u, $"series[{i}]"));
        return response;
    }

    public override async Task<CompareNetworksResponse> CompareNetworks(CompareNetworksRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var from = ToStoredDate(request.StartDate, "start_date", v);
        var to = ToStoredDate(request.EndDate, "end_date", v);
        if (from is { } f && to is { } t && f > t) v.Add("end_date", "must not be before start_date");
        v.ThrowIfInvalid();
        var networks = await CompareNetworksHandler.Handle(query, from, to, request.BusinessUnits, context.CancellationToken);
        var response = new CompareNetworksResponse();
        var u = new FiniteFields(response.UndefinedStatistics);
        for (var i = 0; i < networks.Count; i++) response.Networks.Add(ToProto(networks[i], u, $"networks[{i}]"));
        return response;
    }

    public override async Task<BenchmarkCompetitorsResponse> BenchmarkCompetitors(BenchmarkCompetitorsRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var networks = Networks(request.Networks, v);
        var from = ToStoredDate(request.StartDate, "start_date", v);
        var to = ToStoredDate(request.EndDate, "end_date", v);
        v.ThrowIfInvalid();
        var rows = await BenchmarkCompetitorsHandler.Handle(query, request.Metrics, networks, request.BusinessUnits, from, to, context.CancellationToken);
        var response = new BenchmarkCompetitorsResponse();
        var u = new FiniteFields(response.UndefinedStatistics);
        for (var i = 0; i < rows.Count; i++) response.Profiles.Add(ToProto(rows[i], u, $"profiles[{i}]"));
        return response;
    }

    /// <summary>Polls the tenant's KPI events (as WatchEvaluation polls its stream) and sends each alert until the client cancels.</summary>
    public override async Task WatchAlerts(WatchAlertsRequest request, IServerStreamWriter<V1.KpiAlert> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var v = new Validator();
        var networks = Networks(request.Networks, v);
        var direction = FromProto(request.Direction);
        v.Require(direction is not null, "direction", "must be ALERT_DIRECTION_UP, ALERT_DIRECTION_DOWN or ALERT_DIRECTION_BOTH");
        v.ThrowIfInvalid();
        var cursor = await WatchAlertsHandler.StartAsync(query, new CoeInsights.Kpis.WatchingAlerts.WatchAlerts(request.Metrics, request.ProfileIds,
            networks, request.BusinessUnits, direction!.Value, request.HasThreshold ? request.Threshold : null, request.Seasonal,
            request.HasBaselineDays ? request.BaselineDays : null), ct);
        // Headers now: the client knows the watch is established (and from where it looks) before the first alert.
        await context.WriteResponseHeadersAsync([]);
        try
        {
            while (true)
            {
                foreach (var alert in await WatchAlertsHandler.NextAsync(query, cursor, clock.GetUtcNow(), ct))
                    await responseStream.WriteAsync(ToProto(alert), ct);
                await Task.Delay(AlertPollInterval, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: the watch ends normally.
        }
    }
}
