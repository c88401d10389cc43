using System.Net;
using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Kpis;

/// <summary>KpiService end to end: a real server, real PostgreSQL, the generated client. Each test works in a tenant of its own.</summary>
public sealed class KpiServiceTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly DateOnly Jan1 = new(2025, 1, 1);

    private sealed record Clients(KpiService.KpiServiceClient Committee, KpiService.KpiServiceClient Ingest, KpiService.KpiServiceClient Viewer);

    private async Task<Clients> ClientsFor(string tenant) => new(
        new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Committee))),
        new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Ingest))),
        new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Viewer))));

    private static Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    private static async Task<Profile> Register(Clients c, string handle, Network network = Network.Linkedin, Ownership ownership = Ownership.Owned,
        string businessUnit = "Corporate") =>
        await c.Committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = network, Handle = handle, BusinessUnit = businessUnit, Ownership = ownership, RequestId = $"reg-{handle}",
        });

    private static KpiObservation Obs(Profile p, DateOnly d, string metric, double value) =>
        new() { ProfileId = p.ProfileId, Date = D(d), Metric = metric, Value = value };

    private static RecordKpisRequest Batch(string key, IEnumerable<KpiObservation> observations, string tz = "UTC") =>
        new() { IdempotencyKey = key, Source = "test", SourceTimeZone = tz, Observations = { observations } };

    /// <summary>Streams the batches one by one, reading each ack before the next batch goes out.</summary>
    private static async Task<List<RecordKpisResponse>> Record(KpiService.KpiServiceClient client, params RecordKpisRequest[] batches)
    {
        using var call = client.RecordKpis();
        var acks = new List<RecordKpisResponse>();
        foreach (var b in batches)
        {
            await call.RequestStream.WriteAsync(b);
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            acks.Add(call.ResponseStream.Current);
        }
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        return acks;
    }

    /// <summary>Sends every batch, then drains: the call's final status is what a bad batch produces.</summary>
    private static async Task<(List<RecordKpisResponse> Acks, RpcException? Error)> RecordAll(KpiService.KpiServiceClient client, params RecordKpisRequest[] batches)
    {
        using var call = client.RecordKpis();
        var acks = new List<RecordKpisResponse>();
        try
        {
            foreach (var b in batches)
            {
                await call.RequestStream.WriteAsync(b);
                if (!await call.ResponseStream.MoveNext(CancellationToken.None)) break;
                acks.Add(call.ResponseStream.Current);
            }
            await call.RequestStream.CompleteAsync();
            while (await call.ResponseStream.MoveNext(CancellationToken.None)) acks.Add(call.ResponseStream.Current);
            return (acks, null);
        }
        catch (RpcException e)
        {
            // A write can lose the race with a server that already ended the call (a refused role) and
            // fail as Cancelled; the call's own status is what the response stream reports.
            try
            {
                while (await call.ResponseStream.MoveNext(CancellationToken.None)) acks.Add(call.ResponseStream.Current);
            }
            catch (RpcException status)
            {
                return (acks, status);
            }
            return (acks, e);
        }
    }

    private static async Task<List<KpiSeries>> Query(KpiService.KpiServiceClient client, QuerySeriesRequest request)
    {
        using var call = client.QuerySeries(request);
        var result = new List<KpiSeries>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None)) result.Add(call.ResponseStream.Current);
        return result;
    }

    private static DateOnly ToDateOnly(Date d) => new(d.Year, d.Month, d.Day);

    [Fact]
    public async Task ReturnsEveryValueExactlyGivenOneYearOfDailyDataForEightProfiles()
    {
        var c = await ClientsFor("kpi-year");
        var profiles = new List<Profile>();
        for (var i = 0; i < 8; i++)
            profiles.Add(await Register(c, $"brand{i}", (Network)(1 + i % 6), i < 6 ? Ownership.Owned : Ownership.Competitor));
        var rng = new Random(42);
        var expected = new Dictionary<(string, string, DateOnly), double>();
        var all = new List<KpiObservation>();
        foreach (var p in profiles)
        for (var d = 0; d < 365; d++)
        {
            var day = Jan1.AddDays(d);
            var impressions = Math.Round(rng.NextDouble() * 1e6, 3);
            var followers = 10_000 + d * 3.25 + rng.NextDouble(); // full double precision must survive
            expected[(p.ProfileId, "impressions", day)] = impressions;
            expected[(p.ProfileId, "followers", day)] = followers;
            all.Add(Obs(p, day, "impressions", impressions));
            all.Add(Obs(p, day, "followers", followers));
        }
        var batches = all.Chunk(1000).Select((chunk, i) => Batch($"year-{i}", chunk)).ToArray();

        var acks = await Record(c.Ingest, batches);

        Assert.Equal(batches.Length, acks.Count);
        Assert.All(acks, a => Assert.False(a.Replayed));
        Assert.Equal(all.Count, acks.Sum(a => a.ObservationCount));
        var series = await Query(c.Viewer, new QuerySeriesRequest
        {
            Metrics = { "impressions", "followers" }, StartDate = D(Jan1), EndDate = D(new DateOnly(2025, 12, 31)), Granularity = Granularity.Day,
        });
        Assert.Equal(16, series.Count);
        foreach (var s in series)
        {
            Assert.Equal(365, s.Points.Count);
            foreach (var point in s.Points)
                Assert.Equal(expected[(s.ProfileId, s.Metric, ToDateOnly(point.PeriodStart))], point.Value); // exact, not approximately
        }
        // Monthly roll-up: impressions (a flow) add up, followers (a level) take the month's last day.
        var monthly = await Query(c.Viewer, new QuerySeriesRequest
        {
            ProfileIds = { profiles[0].ProfileId }, Metrics = { "impressions", "followers" }, StartDate = D(Jan1),
            EndDate = D(new DateOnly(2025, 12, 31)), Granularity = Granularity.Month,
        });
        var jan = monthly.Single(s => s.Metric == "impressions").Points[0];
        var janDays = Enumerable.Range(0, 31).Select(d => expected[(profiles[0].ProfileId, "impressions", Jan1.AddDays(d))]).ToList();
        Assert.Equal(janDays.Sum(), jan.Value, 6);
        Assert.Equal(31, jan.ObservationCount);
        Assert.Equal(expected[(profiles[0].ProfileId, "followers", new DateOnly(2025, 1, 31))], monthly.Single(s => s.Metric == "followers").Points[0].Value);
        Assert.Equal(Rollup.Last, monthly.Single(s => s.Metric == "followers").Rollup);
        // Filter by network: only that network's profiles come back.
        var linkedIn = await Query(c.Viewer, new QuerySeriesRequest { Networks = { Network.Linkedin }, Metrics = { "impressions" } });
        Assert.Equal(profiles.Count(p => p.Network == Network.Linkedin), linkedIn.Count);
        Assert.All(linkedIn, s => Assert.Equal(Network.Linkedin, s.Network));
    }

    [Fact]
    public async Task KeepsMissingDaysMissingGivenGapsInTheData()
    {
        var c = await ClientsFor("kpi-gaps");
        var p = await Register(c, "gappy");
        await Record(c.Ingest, Batch("gaps-1", [Obs(p, Jan1, "impressions", 10), Obs(p, Jan1.AddDays(3), "impressions", 0)]));

        var series = (await Query(c.Viewer, new QuerySeriesRequest
        {
            ProfileIds = { p.ProfileId }, Metrics = { "impressions" }, StartDate = D(Jan1), EndDate = D(Jan1.AddDays(5)),
        })).Single();

        Assert.Equal(6, series.Points.Count);
        Assert.Equal([true, false, false, true, false, false], series.Points.Select(x => x.HasValue));
        Assert.Equal(0, series.Points[3].Value); // a recorded zero is a zero
        Assert.Equal(0, series.Points[1].ObservationCount);
    }

    [Fact]
    public async Task ReturnsOriginalAckAndStoresNothingGivenRetriedIdempotencyKey()
    {
        var c = await ClientsFor("kpi-retry");
        var p = await Register(c, "retry");
        var first = (await Record(c.Ingest, Batch("retry-1", [Obs(p, Jan1, "impressions", 100)]))).Single();

        // The retry (even with different content) is acknowledged with the original batch and changes nothing.
        var retried = (await Record(c.Ingest, Batch("retry-1", [Obs(p, Jan1, "impressions", 999)]))).Single();

        Assert.True(retried.Replayed);
        Assert.Equal(first.BatchId, retried.BatchId);
        Assert.Equal(first.ObservationCount, retried.ObservationCount);
        var history = await c.Viewer.ListObservationVersionsAsync(new ListObservationVersionsRequest { ProfileId = p.ProfileId, Metric = "impressions", Date = D(Jan1) });
        Assert.Equal(100, history.Versions.Single().Value);
        // Registering the same profile again with the same request id returns it; a different one is ALREADY_EXISTS.
        Assert.Equal(p.ProfileId, (await Register(c, "retry")).ProfileId);
        var e = await Assert.ThrowsAsync<RpcException>(() => c.Committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = "retry", BusinessUnit = "x", Ownership = Ownership.Owned, RequestId = "other",
        }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
    }

    [Fact]
    public async Task ReturnsCorrectedValueAndKeepsBothInHistoryGivenCorrection()
    {
        var c = await ClientsFor("kpi-correct");
        var p = await Register(c, "correct");
        await Record(c.Ingest, Batch("c-1", [Obs(p, Jan1, "followers", 500), Obs(p, Jan1.AddDays(1), "followers", 510)], tz: "America/Los_Angeles"));

        var corrected = await c.Ingest.CorrectKpiAsync(new CorrectKpiRequest
        {
            ProfileId = p.ProfileId, Metric = "followers", Date = D(Jan1), Value = 505, Reason = "network restated the day",
        });

        Assert.Equal([500.0, 505.0], corrected.Versions.Select(v => v.Value));
        Assert.Equal("America/Los_Angeles", corrected.Versions[0].SourceTimeZone);
        Assert.Equal("network restated the day", corrected.Versions[1].CorrectionReason);
        var series = (await Query(c.Viewer, new QuerySeriesRequest { ProfileIds = { p.ProfileId }, Metrics = { "followers" } })).Single();
        Assert.Equal([505.0, 510.0], series.Points.Select(x => x.Value));
        var history = await c.Viewer.ListObservationVersionsAsync(new ListObservationVersionsRequest { ProfileId = p.ProfileId, Metric = "followers", Date = D(Jan1) });
        Assert.Equal(2, history.Versions.Count);
        // A re-import of the same day is a new version too.
        await Record(c.Ingest, Batch("c-2", [Obs(p, Jan1, "followers", 507)]));
        var after = await c.Viewer.ListObservationVersionsAsync(new ListObservationVersionsRequest { ProfileId = p.ProfileId, Metric = "followers", Date = D(Jan1) });
        Assert.Equal([500.0, 505.0, 507.0], after.Versions.Select(v => v.Value));
        // Nothing to correct on a day never recorded: FAILED_PRECONDITION naming the rule.
        var e = await Assert.ThrowsAsync<RpcException>(() => c.Ingest.CorrectKpiAsync(new CorrectKpiRequest
        {
            ProfileId = p.ProfileId, Metric = "followers", Date = D(new DateOnly(2024, 1, 1)), Value = 1, Reason = "x",
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Equal("NOTHING_TO_CORRECT", e.Reason());
    }

    [Fact]
    public async Task RejectsBadBatchWithFieldViolationsAndKeepsBatchesAckedBefore()
    {
        var c = await ClientsFor("kpi-bad");
        var p = await Register(c, "bad");
        var good = Batch("bad-0", [Obs(p, Jan1, "impressions", 1)]);
        var bad = Batch("bad-1",
        [
            Obs(p, Jan1.AddDays(1), "impressions", 2),
            new KpiObservation { ProfileId = Guid.NewGuid().ToString(), Date = D(Jan1), Metric = "impressions", Value = 1 },
            Obs(p, Jan1, "no_such_metric", 1),
            Obs(p, Jan1.AddDays(2), "impressions", double.NaN),
            Obs(p, Jan1.AddDays(3), "impressions", double.PositiveInfinity),
            Obs(p, new DateOnly(1999, 12, 31), "impressions", 1),
            Obs(p, new DateOnly(2101, 1, 1), "impressions", 1),
            Obs(p, Jan1.AddDays(1), "impressions", 3),
            new KpiObservation { ProfileId = p.ProfileId, Date = new Date { Year = 2025, Month = 2, Day = 30 }, Metric = "impressions", Value = 1 },
        ]);
        var after = Batch("bad-2", [Obs(p, Jan1.AddDays(10), "impressions", 1)]);

        var (acks, error) = await RecordAll(c.Ingest, good, bad, after);

        Assert.Single(acks);
        Assert.NotNull(error);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.FieldViolations().Select(v => v.Field).ToList();
        Assert.Equal(
        [
            "batches[1].observations[1].profile_id", "batches[1].observations[2].metric", "batches[1].observations[3].value",
            "batches[1].observations[4].value", "batches[1].observations[5].date", "batches[1].observations[6].date",
            "batches[1].observations[7]", "batches[1].observations[8].date",
        ], fields);
        var series = (await Query(c.Viewer, new QuerySeriesRequest { ProfileIds = { p.ProfileId }, Metrics = { "impressions" } })).Single();
        Assert.Equal([1.0], series.Points.Select(x => x.Value)); // batch 0 stayed, nothing of batch 1 (or after it)
        // The rejected key was not consumed: the fixed batch goes through under it.
        var fixedAck = (await Record(c.Ingest, Batch("bad-1", [Obs(p, Jan1.AddDays(1), "impressions", 2)]))).Single();
        Assert.False(fixedAck.Replayed);
    }

    [Fact]
    public async Task RejectsBatchOverTheSizeLimitAndMissingKey()
    {
        var c = await ClientsFor("kpi-size");
        var p = await Register(c, "size");
        var huge = Batch("size-1", Enumerable.Range(0, 10_001).Select(i => Obs(p, Jan1.AddDays(i % 3000), i < 3000 ? "impressions" : i < 6000 ? "reach" : i < 9000 ? "clicks" : "shares", i)));

        var (_, error) = await RecordAll(c.Ingest, huge);
        var (_, noKey) = await RecordAll(c.Ingest, Batch("", [Obs(p, Jan1, "impressions", 1)]));

        Assert.Equal(StatusCode.InvalidArgument, error!.StatusCode);
        Assert.Equal("batches[0].observations", error.FieldViolations().Single().Field);
        Assert.Equal("batches[0].idempotency_key", noKey!.FieldViolations().Single().Field);
        Assert.Empty(await Query(c.Viewer, new QuerySeriesRequest { ProfileIds = { p.ProfileId }, Metrics = { "impressions" } }));
    }

    [Fact]
    public async Task KeepsTenantsApartGivenTheSameProfileIdAndKey()
    {
        var a = await ClientsFor("kpi-tenant-a");
        var b = await ClientsFor("kpi-tenant-b");
        var pa = await Register(a, "shared-handle");
        await Record(a.Ingest, Batch("same-key", [Obs(pa, Jan1, "impressions", 42)]));

        // Tenant B cannot see A's profile, cannot record against it, and owns its own idempotency keys.
        var notFound = await Assert.ThrowsAsync<RpcException>(() => Query(b.Viewer, new QuerySeriesRequest { ProfileIds = { pa.ProfileId }, Metrics = { "impressions" } }));
        var (_, unknown) = await RecordAll(b.Ingest, Batch("other-key", [Obs(pa, Jan1, "impressions", 1)]));
        var pb = await Register(b, "shared-handle");
        var ackB = (await Record(b.Ingest, Batch("same-key", [Obs(pb, Jan1, "impressions", 7)]))).Single();

        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("batches[0].observations[0].profile_id", unknown!.FieldViolations().Single().Field);
        Assert.False(ackB.Replayed);
        Assert.DoesNotContain((await b.Viewer.ListProfilesAsync(new ListProfilesRequest())).Profiles, x => x.ProfileId == pa.ProfileId);
        var seriesA = (await Query(a.Viewer, new QuerySeriesRequest { Metrics = { "impressions" } })).Single();
        Assert.Equal(42, seriesA.Points.Single().Value);
    }

    [Fact]
    public async Task RefusesWritesGivenRolesThatMayNotWrite()
    {
        var c = await ClientsFor("kpi-roles");
        var p = await Register(c, "roles");

        var viewerRecord = await RecordAll(c.Viewer, Batch("r-1", [Obs(p, Jan1, "impressions", 1)]));
        var ingestRegister = await Assert.ThrowsAsync<RpcException>(() => c.Ingest.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.X, Handle = "x", BusinessUnit = "x", Ownership = Ownership.Owned,
        }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, viewerRecord.Error!.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, ingestRegister.StatusCode);
        Assert.NotEmpty((await c.Ingest.ListMetricsAsync(new ListMetricsRequest())).Metrics); // every role reads
    }

    [Fact]
    public async Task FindsPlantedTrendAndSpike()
    {
        var c = await ClientsFor("kpi-trend");
        var p = await Register(c, "trend");
        var rng = new Random(7);
        var observations = Enumerable.Range(0, 120).Select(d =>
        {
            var value = 1000 + 2.0 * d + (rng.NextDouble() - 0.5) * 10; // +2 per day, small noise
            if (d == 80) value += 400; // the planted spike
            return Obs(p, Jan1.AddDays(d), "engagements", value);
        });
        await Record(c.Ingest, Batch("trend-1", observations));
        var selector = new SeriesSelector { ProfileId = p.ProfileId, Metric = "engagements", Granularity = Granularity.Day };

        var trend = await c.Viewer.GetTrendAsync(new GetTrendRequest { Series = selector });
        var anomalies = await c.Viewer.DetectAnomaliesAsync(new DetectAnomaliesRequest { Series = selector });

        Assert.InRange(2.0, trend.Ols.SlopeCi.Lower, trend.Ols.SlopeCi.Upper);
        Assert.True(trend.Ols.SlopePValue < 1e-12);
        Assert.Equal(TrendDirection.Increasing, trend.MannKendall.Direction);
        Assert.InRange(trend.SenSlope.Slope, 1.9, 2.1);
        Assert.Equal(120, trend.Points.Count);
        // A raw level series with a trend: anomalies on the detrended residual are what the seasonal/MAD detector gives;
        // the spike must be among them and be the strongest.
        Assert.Contains(anomalies.Anomalies, a => ToDateOnly(a.PeriodStart) == Jan1.AddDays(80));
        Assert.Equal(Jan1.AddDays(80), ToDateOnly(anomalies.Anomalies.MaxBy(a => Math.Abs(a.Score))!.PeriodStart));
        var forecast = await c.Viewer.ForecastAsync(new ForecastRequest { Series = selector, Method = ForecastMethod.Holt, Alpha = 0.5, Beta = 0.1, Horizon = 7 });
        Assert.Equal(7, forecast.Forecast.Count);
        Assert.Equal(Jan1.AddDays(120), ToDateOnly(forecast.Forecast[0].PeriodStart));
        Assert.True(forecast.Forecast[0].PredictionInterval.Lower < forecast.Forecast[0].Mean);
    }

    [Fact]
    public async Task CorrelatesAndRanksNetworksByRoi()
    {
        var c = await ClientsFor("kpi-roi");
        var li = await Register(c, "roi-li", Network.Linkedin);
        var ig = await Register(c, "roi-ig", Network.Instagram);
        var rival = await Register(c, "roi-rival", Network.Instagram, Ownership.Competitor);
        var obs = new List<KpiObservation>();
        for (var d = 0; d < 30; d++)
        {
            var day = Jan1.AddDays(d);
            obs.Add(Obs(li, day, "spend", 100));
            obs.Add(Obs(li, day, "attributed_revenue", 300)); // ROI 200%
            obs.Add(Obs(ig, day, "spend", 100));
            obs.Add(Obs(ig, day, "attributed_revenue", 150)); // ROI 50%
            obs.Add(Obs(rival, day, "spend", 1));
            obs.Add(Obs(rival, day, "attributed_revenue", 1000)); // competitors are not in the comparison
            obs.Add(Obs(li, day, "impressions", 1000 + 10 * d));
            obs.Add(Obs(li, day, "engagements", 50 + 0.5 * d + (d % 3)));
        }
        await Record(c.Ingest, Batch("roi-1", obs));

        var compared = await c.Viewer.CompareNetworksAsync(new CompareNetworksRequest { StartDate = D(Jan1), EndDate = D(Jan1.AddDays(29)) });
        var correlation = await c.Viewer.CorrelateMetricsAsync(new CorrelateMetricsRequest
        {
            X = new SeriesSelector { ProfileId = li.ProfileId, Metric = "impressions" },
            Y = new SeriesSelector { ProfileId = li.ProfileId, Metric = "engagements" },
        });

        Assert.Equal([Network.Linkedin, Network.Instagram], compared.Networks.Select(n => n.Network));
        Assert.Equal(200, compared.Networks[0].RoiPct, 9);
        Assert.Equal(50, compared.Networks[1].RoiPct, 9);
        Assert.Equal(3000, compared.Networks[0].Spend);
        Assert.Equal(30, correlation.Pearson.N);
        Assert.True(correlation.Pearson.Coefficient > 0.9);
        Assert.True(correlation.Spearman.PValue < 1e-6);
    }

    [Fact]
    public async Task AnalyzesCallerSeriesOverJson()
    {
        var key = await server.CreateKeyAsync("kpi-json", Role.Viewer);
        using var http = server.Http(key);
        var points = string.Join(",", Enumerable.Range(0, 10).Select(i =>
            i == 4 ? $"{{\"periodStart\":{{\"year\":2025,\"month\":1,\"day\":{i + 1}}}}}"
                   : $"{{\"periodStart\":{{\"year\":2025,\"month\":1,\"day\":{i + 1}}},\"value\":{i * 1.5 + 0.1}}}"));

        var response = await http.PostAsync("/v1/kpi:analyzeSeries",
            new StringContent($"{{\"points\":[{points}],\"granularity\":\"GRANULARITY_DAY\"}}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(10, json.GetProperty("slots").GetInt32());
        Assert.Equal(9, json.GetProperty("observed").GetInt32());
        Assert.Equal(1.5, json.GetProperty("ols").GetProperty("slope").GetDouble(), 12);
        Assert.False(json.GetProperty("points")[4].TryGetProperty("value", out _)); // the missing day stays missing
    }

    [Fact]
    public async Task ListsVersionsAndMetricsOverJson()
    {
        var c = await ClientsFor("kpi-json-read");
        var p = await Register(c, "json-read");
        await Record(c.Ingest, Batch("jr-1", [Obs(p, Jan1, "shares", 3)]));
        var key = await server.CreateKeyAsync("kpi-json-read", Role.Viewer);
        using var http = server.Http(key);

        var versions = await http.GetAsync($"/v1/kpi/observations:versions?profileId={p.ProfileId}&metric=shares&date.year=2025&date.month=1&date.day=1");
        var metrics = await http.GetAsync("/v1/kpi/metrics");

        Assert.Equal(HttpStatusCode.OK, versions.StatusCode);
        var json = System.Text.Json.JsonDocument.Parse(await versions.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, json.GetProperty("versions")[0].GetProperty("value").GetDouble());
        Assert.Contains("\"followers\"", await metrics.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ComparesOwnedWithCompetitorsGivenMentionsAndFollowers()
    {
        var c = await ClientsFor("kpi-bench");
        var ours = await Register(c, "bench-ours", Network.X);
        var rivalA = await Register(c, "bench-rival-a", Network.X, Ownership.Competitor);
        var rivalB = await Register(c, "bench-rival-b", Network.X, Ownership.Competitor);
        var obs = new List<KpiObservation>();
        for (var d = 0; d < 10; d++)
        {
            obs.Add(Obs(ours, Jan1.AddDays(d), "mentions", 30));      // 300 in range
            obs.Add(Obs(rivalA, Jan1.AddDays(d), "mentions", 50));    // 500
            if (d < 5) obs.Add(Obs(rivalB, Jan1.AddDays(d), "mentions", 40)); // 200, five days missing (not zeros)
            obs.Add(Obs(ours, Jan1.AddDays(d), "followers", 1000 + d));
            obs.Add(Obs(rivalA, Jan1.AddDays(d), "followers", 5000 - d));
        }
        await Record(c.Ingest, Batch("bench-1", obs));

        var result = await c.Viewer.BenchmarkCompetitorsAsync(new BenchmarkCompetitorsRequest
        {
            Metrics = { "mentions", "followers" }, StartDate = D(Jan1), EndDate = D(Jan1.AddDays(9)),
        });

        var mentions = result.Profiles.Where(p => p.Metric == "mentions").ToList();
        Assert.Equal([rivalA.ProfileId, ours.ProfileId, rivalB.ProfileId], mentions.Select(p => p.ProfileId));
        Assert.Equal(30, mentions[1].SharePct, 9); // share of voice 300 / (300 + 500 + 200), as docs/trends.md
        Assert.Equal(5, mentions[2].ObservedDays);
        var followers = result.Profiles.Where(p => p.Metric == "followers").ToList();
        Assert.Equal(4991, followers.Single(p => p.ProfileId == rivalA.ProfileId).Value); // a level takes its last day
        Assert.False(followers.Single(p => p.ProfileId == ours.ProfileId).HasSharePct); // no share of a level
        Assert.False(followers.Single(p => p.ProfileId == rivalB.ProfileId).HasValue);
    }
}
