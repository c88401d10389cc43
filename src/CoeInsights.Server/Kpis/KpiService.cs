using CoeInsights.Analytics;
using CoeInsights.Analytics.Trends;
using CoeInsights.Common;
using CoeInsights.Kpis;
using CoeInsights.Kpis.BenchmarkingCompetitors;
using CoeInsights.Kpis.ComparingNetworks;
using CoeInsights.Kpis.AnalyzingSeries;
using CoeInsights.Kpis.CorrectingKpi;
using CoeInsights.Kpis.CorrelatingMetrics;
using CoeInsights.Kpis.DetectingAnomalies;
using CoeInsights.Kpis.FittingRegression;
using CoeInsights.Kpis.Forecasting;
using CoeInsights.Kpis.GettingTrend;
using CoeInsights.Kpis.ListingObservationVersions;
using CoeInsights.Kpis.ListingProfiles;
using CoeInsights.Kpis.QueryingDerivedKpis;
using CoeInsights.Kpis.QueryingSeries;
using CoeInsights.Kpis.RecordingKpis;
using CoeInsights.Kpis.RegisteringProfile;
using CoeInsights.Kpis.WatchingAlerts;
using CoeInsights.Server.Auth;
using CoeInsights.Server.Hosting;
using CoeInsights.Server.Numbers;
using CoeInsights.Server.Validation;
using CoeInsights.Store;
using CoeInsights.V1;
using Google.Protobuf.WellKnownTypes;
using CoeInsights.Server.Telemetry;
using Grpc.Core;
using Marten;
using static CoeInsights.Server.Kpis.KpiMapping;
using Role = CoeInsights.Access.Role;

namespace CoeInsights.Server.Kpis;

/// <summary>
/// Adapter: proto ⇄ Kpis slices and the trend statistics. Reads: any role; writes: ingest; profiles: committee.
/// Sessions (the injected query session and <paramref name="sessions"/>, the <see cref="TenantSessionFactory"/>) are bound to the caller's tenant.
/// </summary>
public sealed class KpiService(ISessionFactory sessions, IQuerySession query, CallerContext caller, TimeProvider clock, ChangeNotifier changes)
    : V1.KpiService.KpiServiceBase
{
    [RequireRole(Role.Committee)]
    public override async Task<Profile> RegisterProfile(RegisterProfileRequest request, ServerCallContext context)
    {
        await using var session = sessions.OpenSession();
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
                observations[i] = new SentObservation(o.ProfileId, o.Metric, o.Date?.Year ?? 0, o.Date?.Month ?? 0, o.Date?.Day ?? 0, o.Value,
                    o.HasHour ? o.Hour : null);
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
                await using var session = sessions.OpenSession();
                var ack = await RecordKpiBatchHandler.Handle(session, command, known, ct);
                CoeTelemetry.KpiBatches.Add(1, new KeyValuePair<string, object?>("outcome", ack.Replayed ? "replayed" : "stored"));
                if (!ack.Replayed) CoeTelemetry.KpiObservations.Add(ack.ObservationCount);
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
        await using var session = sessions.OpenSession();
        var versions = await CorrectKpiHandler.Handle(session, new CorrectKpi(request.ProfileId, request.Metric, request.Date?.Year ?? 0,
            request.Date?.Month ?? 0, request.Date?.Day ?? 0, request.Value, request.Reason, caller.Caller.Principal, clock.GetUtcNow(),
            request.HasHour ? request.Hour : null), context.CancellationToken);
        var history = ToProto(versions[0].ProfileId, versions[0].Metric, versions[0].Date, versions);
        if (request.HasHour) history.Hour = request.Hour;
        return history;
    }

    public override async Task<ObservationHistory> ListObservationVersions(ListObservationVersionsRequest request, ServerCallContext context)
    {
        var found = await ListObservationVersionsHandler.Handle(query, new ListObservationVersions(request.ProfileId, request.Metric,
            request.Date?.Year ?? 0, request.Date?.Month ?? 0, request.Date?.Day ?? 0, request.HasHour ? request.Hour : null), context.CancellationToken);
        var history = ToProto(found.ProfileId, found.Metric, found.Date, found.Versions);
        if (found.Hour is { } hour) history.Hour = hour;
        return history;
    }

    public override async Task QuerySeries(QuerySeriesRequest request, IServerStreamWriter<V1.KpiSeries> responseStream, ServerCallContext context)
    {
        var v = new Validator();
        var networks = Networks(request.Networks, v);
        RequireKnown(request.Ownership, "ownership", v);
        RequireKnown(request.Granularity, "granularity", v);
        RequireKnown(request.Resolution, "resolution", v);
        var from = ToStoredDate(request.StartDate, "start_date", v);
        var to = ToStoredDate(request.EndDate, "end_date", v);
        if (request.Resolution == ObservationResolution.Hourly)
        {
            v.Require(request.Granularity is V1.Granularity.Unspecified or V1.Granularity.Day, "granularity",
                "an hourly series is not rolled up: leave granularity unset or DAY");
            v.Require(!request.RequireCompletePeriods, "require_complete_periods", "an hourly series has no periods to complete: leave it false");
        }
        v.ThrowIfInvalid();
        if (request.Resolution == ObservationResolution.Hourly)
        {
            var hourly = await QuerySeriesHandler.HourlyAsync(query, new SeriesQuery(request.ProfileIds, networks, request.BusinessUnits,
                FromProto(request.Ownership), request.Metrics, from, to, Analytics.Trends.Granularity.Day), context.CancellationToken);
            foreach (var s in hourly) await responseStream.WriteAsync(ToProto(s), context.CancellationToken);
            return;
        }
        var series = await QuerySeriesHandler.Handle(query, new SeriesQuery(request.ProfileIds, networks, request.BusinessUnits,
            FromProto(request.Ownership), request.Metrics, from, to, FromProto(request.Granularity), request.RequireCompletePeriods),
            context.CancellationToken);
        foreach (var s in series) await responseStream.WriteAsync(ToProto(s), context.CancellationToken);
    }

    public override async Task<V1.TrendReport> GetTrend(GetTrendRequest request, ServerCallContext context)
    {
        var command = new GetTrend(ToSelection(request.Series, "series"), ToSettings(request.Options));
        var (report, series) = await Readdressed(() => GetTrendHandler.Handle(query, command, context.CancellationToken), "series", "options.");
        return ToProto(report, series);
    }

    public override async Task<DetectAnomaliesResponse> DetectAnomalies(DetectAnomaliesRequest request, ServerCallContext context)
    {
        var v = new Validator();
        RequireKnown(request.ScoreMethod, "score_method", v);
        v.ThrowIfInvalid();
        var command = new DetectAnomalies(ToSelection(request.Series, "series"), request.HasThreshold ? request.Threshold : null,
            request.HasSeasonLength ? request.SeasonLength : null, FromProto(request.ScoreMethod));
        var (result, series) = await Readdressed(() => DetectAnomaliesHandler.Handle(query, command, context.CancellationToken), "series", "");
        return ToProto(result, series);
    }

    public override async Task<ForecastResponse> Forecast(ForecastRequest request, ServerCallContext context)
    {
        var v = new Validator();
        RequireKnown(request.Method, "method", v);
        RequireKnown(request.GammaConvention, "gamma_convention", v);
        v.ThrowIfInvalid();
        var command = new CoeInsights.Kpis.Forecasting.Forecast(ToSelection(request.Series, "series"), FromProto(request.Method), request.Alpha,
            request.Beta, request.Gamma, FromProto(request.GammaConvention), request.SeasonLength, request.Horizon,
            request.HasConfidenceLevel ? request.ConfidenceLevel : null);
        var (result, series) = await Readdressed(() => ForecastHandler.Handle(query, command, context.CancellationToken), "series", "");
        return ToProto(result, series);
    }

    public override async Task<CorrelateMetricsResponse> CorrelateMetrics(CorrelateMetricsRequest request, ServerCallContext context)
    {
        var x = ToSelection(request.X, "x");
        var command = new CorrelateMetrics(x, ToSelection(request.Y, "y"), request.HasConfidenceLevel ? request.ConfidenceLevel : null,
            request.HasContinuityCorrection && request.ContinuityCorrection);
        return ToProto(await CorrelateMetricsHandler.Handle(query, command, context.CancellationToken));
    }

    public override async Task<FitRegressionResponse> FitRegression(FitRegressionRequest request, ServerCallContext context)
    {
        var regressors = request.Regressors.Select((r, j) => new RegressorInput(r.Name,
            r.Series is null ? null : ToSelection(r.Series, $"regressors[{j}].series"), r.Values)).ToList();
        var command = new FitRegression(request.Y is null ? null : ToSelection(request.Y, "y"), request.YValues, regressors,
            request.HasConfidenceLevel ? request.ConfidenceLevel : null);
        return ToProto(await FitRegressionHandler.Handle(query, command, context.CancellationToken));
    }

    public override async Task<V1.TrendReport> AnalyzeSeries(AnalyzeSeriesRequest request, ServerCallContext context)
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
        var command = new AnalyzeSeries(points, FromProto(request.Granularity), FromProto(request.Rollup), ToSettings(request.Options));
        var (report, series) = await Readdressed(() => Task.FromResult(AnalyzeSeriesHandler.Handle(command)), "points", "options.");
        return ToProto(report, series);
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

    /// <summary>
    /// Reads the tenant's new KPI events whenever a commit records or corrects KPIs in the tenant (<see cref="ChangeNotifier"/>,
    /// as WatchEvaluation waits for its stream) and sends each alert until the client cancels.
    /// </summary>
    public override async Task WatchAlerts(WatchAlertsRequest request, IServerStreamWriter<V1.KpiAlert> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var v = new Validator();
        var networks = Networks(request.Networks, v);
        var direction = FromProto(request.Direction);
        v.Require(direction is not null, "direction", "must be ALERT_DIRECTION_UP, ALERT_DIRECTION_DOWN or ALERT_DIRECTION_BOTH");
        v.ThrowIfInvalid();
        // Subscribed before the cursor is placed: a batch committed after it wakes the first wait.
        using var recorded = changes.Subscribe(ChangeKeys.Kpis(query.TenantId));
        var cursor = await WatchAlertsHandler.StartAsync(query, new CoeInsights.Kpis.WatchingAlerts.WatchAlerts(request.Metrics, request.ProfileIds,
            networks, request.BusinessUnits, direction!.Value, request.HasThreshold ? request.Threshold : null, request.Seasonal,
            request.HasBaselineDays ? request.BaselineDays : null, request.ResumeToken), ct, clock);
        // Headers now: the client knows the watch is established (and from where it looks) before the first alert.
        await context.WriteResponseHeadersAsync([]);
        try
        {
            await foreach (var alert in WatchAlertsHandler.FollowAsync(query, cursor, clock, recorded.WaitAsync, ct))
            {
                await responseStream.WriteAsync(ToProto(alert), ct);
                CoeTelemetry.AlertsSent.Add(1);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: the watch ends normally.
        }
    }
}
