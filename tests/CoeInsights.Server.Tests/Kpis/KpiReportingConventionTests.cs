using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Kpis;

/// <summary>
/// What real reporting tools taught their users, end to end over gRPC with real PostgreSQL: missing is not zero,
/// rates say their denominator, profile-level and post-level figures stay apart, restatements keep their time zone,
/// flows and levels roll up differently, and every RPC answers bad input with INVALID_ARGUMENT naming the field.
/// </summary>
public sealed class KpiReportingConventionTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly DateOnly Mon = new(2025, 1, 6); // a Monday

    private sealed record Clients(KpiService.KpiServiceClient Committee, KpiService.KpiServiceClient Ingest, KpiService.KpiServiceClient Viewer);

    private async Task<Clients> ClientsFor(string tenant) => new(
        new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Committee))),
        new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Ingest))),
        new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Viewer))));

    private static Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    private static DateOnly ToDateOnly(Date d) => new(d.Year, d.Month, d.Day);

    private static async Task<Profile> Register(Clients c, string handle, Network network = Network.Linkedin, Ownership ownership = Ownership.Owned) =>
        await c.Committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = network, Handle = handle, BusinessUnit = "Corporate", Ownership = ownership, RequestId = $"reg-{handle}",
        });

    private static KpiObservation Obs(Profile p, DateOnly d, string metric, double value) =>
        new() { ProfileId = p.ProfileId, Date = D(d), Metric = metric, Value = value };

    private static async Task Record(KpiService.KpiServiceClient ingest, string key, IEnumerable<KpiObservation> observations, string tz = "UTC")
    {
        using var call = ingest.RecordKpis();
        await call.RequestStream.WriteAsync(new RecordKpisRequest { IdempotencyKey = key, Source = "test", SourceTimeZone = tz, Observations = { observations } });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
    }

    private static async Task<List<KpiSeries>> Query(KpiService.KpiServiceClient client, QuerySeriesRequest request)
    {
        using var call = client.QuerySeries(request);
        var result = new List<KpiSeries>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None)) result.Add(call.ResponseStream.Current);
        return result;
    }

    [Fact]
    public async Task ComputesDerivedKpisWithTheirDenominatorsGivenPublishedExamples()
    {
        var c = await ClientsFor("kpi-derived");
        var p = await Register(c, "derived");
        // Published worked examples (tests/vectors/trends/v14_social_kpi_formulas_documented_examples.json):
        // engagement rate 100 / 2,000 impressions = 5 % (lookingformarketing.com; X Ads API "Engagement Rate");
        // audience growth 150 new / 12,000 starting followers = 1.25 % (coda.io SMM dashboard);
        // net sentiment (230 − 120) / 500 × 100 = +22 (socialk.it glossary).
        await Record(c.Ingest, "derived-1",
        [
            Obs(p, Mon.AddDays(-1), "followers", 12_000),
            Obs(p, Mon, "engagements", 100), Obs(p, Mon, "impressions", 2_000), Obs(p, Mon, "reach", 800),
            Obs(p, Mon, "new_followers", 150),
            Obs(p, Mon, "positive_mentions", 230), Obs(p, Mon, "negative_mentions", 120), Obs(p, Mon, "neutral_mentions", 150),
            Obs(p, Mon, "mentions", 500),
            Obs(p, Mon, "messages_received", 40), Obs(p, Mon, "messages_answered", 30),
            Obs(p, Mon, "spend", 50), Obs(p, Mon, "attributed_revenue", 200),
            // Tuesday: impressions recorded as 0 (a real zero), engagements missing on Wednesday (a blank day).
            Obs(p, Mon.AddDays(1), "engagements", 7), Obs(p, Mon.AddDays(1), "impressions", 0),
            Obs(p, Mon.AddDays(2), "impressions", 3_000),
            Obs(p, Mon.AddDays(3), "engagements", 60), Obs(p, Mon.AddDays(3), "impressions", 1_000),
        ]);

        var daily = await c.Viewer.QueryDerivedKpisAsync(new QueryDerivedKpisRequest
        {
            ProfileIds = { p.ProfileId }, StartDate = D(Mon), EndDate = D(Mon.AddDays(3)), Granularity = Granularity.Day,
            Kpis =
            {
                DerivedKpi.EngagementRateByImpressions, DerivedKpi.EngagementRateByReach, DerivedKpi.AudienceGrowthRate, DerivedKpi.NetSentiment,
                DerivedKpi.ResponseRate, DerivedKpi.CostPerEngagement, DerivedKpi.Roi,
            },
        });

        DerivedKpiSeries Kpi(DerivedKpi k) => daily.Series.Single(s => s.Kpi == k);
        var er = Kpi(DerivedKpi.EngagementRateByImpressions);
        Assert.Equal("impressions", er.Denominator); // the rate says which denominator it uses
        Assert.Equal("engagements", er.Numerator);
        Assert.Equal("%", er.Unit);
        Assert.Equal(MetricScope.Profile, er.Scope);
        Assert.Equal(5.0, er.Points[0].Value, 12);
        Assert.Equal(100, er.Points[0].Numerator);
        Assert.Equal(2_000, er.Points[0].Denominator);
        Assert.False(er.Points[1].HasValue);        // denominator 0: no value, never a division by zero
        Assert.Equal(0, er.Points[1].Denominator);
        Assert.False(er.Points[2].HasValue);        // engagements missing: no value, not 0 %
        Assert.False(er.Points[2].HasNumerator);
        Assert.Equal(0, er.Points[2].ObservedDays);
        Assert.Equal(6.0, er.Points[3].Value, 12);
        Assert.Equal(12.5, Kpi(DerivedKpi.EngagementRateByReach).Points[0].Value, 12);
        Assert.StartsWith("reach", Kpi(DerivedKpi.EngagementRateByReach).Denominator);
        Assert.Equal(1.25, Kpi(DerivedKpi.AudienceGrowthRate).Points[0].Value, 12);
        Assert.Equal(12_000, Kpi(DerivedKpi.AudienceGrowthRate).Points[0].Denominator);
        Assert.False(Kpi(DerivedKpi.AudienceGrowthRate).Points[1].HasValue); // no followers at the end of Monday recorded
        Assert.Equal(22.0, Kpi(DerivedKpi.NetSentiment).Points[0].Value, 12);
        Assert.Equal(75.0, Kpi(DerivedKpi.ResponseRate).Points[0].Value, 12);
        Assert.Equal(0.5, Kpi(DerivedKpi.CostPerEngagement).Points[0].Value, 12);
        Assert.Equal(300.0, Kpi(DerivedKpi.Roi).Points[0].Value, 12);
        Assert.Equal("spend", Kpi(DerivedKpi.Roi).Denominator);

        // Weekly: only days with both engagements and impressions count (Mon, Tue, Thu): (100 + 7 + 60) / (2000 + 0 + 1000).
        var weekly = await c.Viewer.QueryDerivedKpisAsync(new QueryDerivedKpisRequest
        {
            ProfileIds = { p.ProfileId }, StartDate = D(Mon), EndDate = D(Mon.AddDays(6)), Granularity = Granularity.Week,
            Kpis = { DerivedKpi.EngagementRateByImpressions },
        });
        var week = weekly.Series.Single().Points.Single();
        Assert.Equal(167.0 / 3000 * 100, week.Value, 12);
        Assert.Equal(3, week.ObservedDays);
        Assert.Equal(7, week.DaysInPeriod);
    }

    [Fact]
    public async Task KeepsProfileLevelAndPostLevelFiguresApart()
    {
        var c = await ClientsFor("kpi-scope");
        var p = await Register(c, "scope");
        var obs = new List<KpiObservation>();
        for (var d = 0; d < 10; d++)
        {
            obs.Add(Obs(p, Mon.AddDays(d), "impressions", 1000 + 10 * d));
            obs.Add(Obs(p, Mon.AddDays(d), "engagements", 50 + d));
            obs.Add(Obs(p, Mon.AddDays(d), "post_impressions", 4000 + 7 * d));
            obs.Add(Obs(p, Mon.AddDays(d), "post_engagements", 200 + 3 * d));
        }
        await Record(c.Ingest, "scope-1", obs);

        var metrics = (await c.Viewer.ListMetricsAsync(new ListMetricsRequest())).Metrics;
        var mixed = await Assert.ThrowsAsync<RpcException>(() => c.Viewer.CorrelateMetricsAsync(new CorrelateMetricsRequest
        {
            X = new SeriesSelector { ProfileId = p.ProfileId, Metric = "impressions" },
            Y = new SeriesSelector { ProfileId = p.ProfileId, Metric = "post_engagements" },
        }).ResponseAsync);
        var same = await c.Viewer.CorrelateMetricsAsync(new CorrelateMetricsRequest
        {
            X = new SeriesSelector { ProfileId = p.ProfileId, Metric = "post_impressions" },
            Y = new SeriesSelector { ProfileId = p.ProfileId, Metric = "post_engagements" },
        });
        var series = await Query(c.Viewer, new QuerySeriesRequest { ProfileIds = { p.ProfileId }, Metrics = { "engagements", "post_engagements" } });
        var rates = await c.Viewer.QueryDerivedKpisAsync(new QueryDerivedKpisRequest
        {
            ProfileIds = { p.ProfileId }, StartDate = D(Mon), EndDate = D(Mon), Kpis = { DerivedKpi.EngagementRateByImpressions, DerivedKpi.PostEngagementRateByImpressions },
        });

        Assert.All(metrics, m => Assert.Equal(m.Name.StartsWith("post_", StringComparison.Ordinal) ? MetricScope.Post : MetricScope.Profile, m.Scope));
        Assert.Contains(metrics, m => m.Name == "post_engagements");
        Assert.Equal(StatusCode.InvalidArgument, mixed.StatusCode);
        Assert.Equal("y.metric", mixed.FieldViolations().Single().Field);
        Assert.Equal(10, same.Pearson.N);
        Assert.Equal(2, series.Count); // one series per metric: never summed together
        Assert.Equal(MetricScope.Profile, series.Single(s => s.Metric == "engagements").Scope);
        Assert.Equal(MetricScope.Post, series.Single(s => s.Metric == "post_engagements").Scope);
        // Each rate comes from its own scope: 50/1000 profile-level, 200/4000 post-level (both 5 %, from different rows).
        var profileRate = rates.Series.Single(s => s.Kpi == DerivedKpi.EngagementRateByImpressions);
        var postRate = rates.Series.Single(s => s.Kpi == DerivedKpi.PostEngagementRateByImpressions);
        Assert.Equal((50.0, 1000.0), (profileRate.Points[0].Numerator, profileRate.Points[0].Denominator));
        Assert.Equal((200.0, 4000.0), (postRate.Points[0].Numerator, postRate.Points[0].Denominator));
        Assert.Equal(MetricScope.Post, postRate.Scope);
        // No derived KPI combines components of two scopes.
        Assert.All(global::CoeInsights.Kpis.QueryingDerivedKpis.DerivedKpiDefinition.All, d =>
            Assert.Single(d.Metrics.Select(m => global::CoeInsights.Kpis.MetricCatalogue.Find(m)!.Scope).Distinct()));
    }

    [Fact]
    public async Task KeepsTheSourceTimeZoneOfEveryVersionGivenRestatementsAndCorrections()
    {
        var c = await ClientsFor("kpi-tz");
        var p = await Register(c, "tz");
        await Record(c.Ingest, "tz-1", [Obs(p, Mon, "followers", 500)], tz: "America/Los_Angeles");
        await Record(c.Ingest, "tz-2", [Obs(p, Mon, "followers", 502)], tz: "Europe/Berlin"); // the platform restated the day

        var corrected = await c.Ingest.CorrectKpiAsync(new CorrectKpiRequest
        {
            ProfileId = p.ProfileId, Metric = "followers", Date = D(Mon), Value = 505, Reason = "audited figure",
        });

        Assert.Equal([500.0, 502.0, 505.0], corrected.Versions.Select(v => v.Value));
        // The correction restates the day as last reported: it keeps that version's zone, it does not move the day to UTC.
        Assert.Equal(["America/Los_Angeles", "Europe/Berlin", "Europe/Berlin"], corrected.Versions.Select(v => v.SourceTimeZone));
        Assert.Equal(["", "", "audited figure"], corrected.Versions.Select(v => v.CorrectionReason));
        Assert.True(corrected.Versions[0].Sequence < corrected.Versions[1].Sequence && corrected.Versions[1].Sequence < corrected.Versions[2].Sequence);
        var series = (await Query(c.Viewer, new QuerySeriesRequest { ProfileIds = { p.ProfileId }, Metrics = { "followers" } })).Single();
        Assert.Equal(505, series.Points.Single().Value);
    }

    [Fact]
    public async Task LeavesNetworkSumsUnsetGivenNoObservedDayAndKeepsRecordedZeros()
    {
        var c = await ClientsFor("kpi-roi-missing");
        var li = await Register(c, "rm-li", Network.Linkedin);
        var ig = await Register(c, "rm-ig", Network.Instagram);
        var tt = await Register(c, "rm-tt", Network.Tiktok);
        await Record(c.Ingest, "rm-1",
        [
            Obs(li, Mon, "spend", 100), Obs(li, Mon, "attributed_revenue", 150), Obs(li, Mon, "engagements", 20),
            Obs(ig, Mon, "engagements", 80),                                     // no spend or revenue recorded at all
            Obs(tt, Mon, "spend", 0), Obs(tt, Mon, "attributed_revenue", 10),     // spend recorded as a real 0
        ]);

        var compared = await c.Viewer.CompareNetworksAsync(new CompareNetworksRequest { StartDate = D(Mon), EndDate = D(Mon.AddDays(6)) });

        var byNetwork = compared.Networks.ToDictionary(n => n.Network);
        Assert.Equal(50, byNetwork[Network.Linkedin].RoiPct, 12);
        Assert.Equal(5, byNetwork[Network.Linkedin].CostPerEngagement, 12);
        Assert.False(byNetwork[Network.Instagram].HasSpend);             // missing, not 0
        Assert.False(byNetwork[Network.Instagram].HasAttributedRevenue);
        Assert.Equal(80, byNetwork[Network.Instagram].Engagements);
        Assert.False(byNetwork[Network.Instagram].HasRoiPct);
        Assert.True(byNetwork[Network.Tiktok].HasSpend);                 // a recorded zero is a zero
        Assert.Equal(0, byNetwork[Network.Tiktok].Spend);
        Assert.False(byNetwork[Network.Tiktok].HasRoiPct);               // ROI against 0 spend: no value
        Assert.False(byNetwork[Network.Tiktok].HasEngagements);
        Assert.Equal(Network.Linkedin, compared.Networks[0].Network);
    }

    [Fact]
    public async Task RollsFlowsLevelsAndReachUpByWeekMonthAndQuarter()
    {
        var c = await ClientsFor("kpi-rollup");
        var p = await Register(c, "rollup");
        var obs = new List<KpiObservation>();
        // Days 0…89 from Monday 2025-01-06; day 13 (a Sunday, end of the second week) has nothing recorded.
        for (var d = 0; d < 90; d++)
        {
            if (d == 13) continue;
            obs.Add(Obs(p, Mon.AddDays(d), "impressions", 100 + d));
            obs.Add(Obs(p, Mon.AddDays(d), "followers", 5000 + 2 * d));
            obs.Add(Obs(p, Mon.AddDays(d), "reach", d % 2 == 0 ? 40 : 60));
        }
        await Record(c.Ingest, "rollup-1", obs);

        async Task<Dictionary<string, KpiSeries>> Rolled(Granularity g, bool complete = false) =>
            (await Query(c.Viewer, new QuerySeriesRequest
            {
                ProfileIds = { p.ProfileId }, Metrics = { "impressions", "followers", "reach" }, StartDate = D(Mon), EndDate = D(Mon.AddDays(89)),
                Granularity = g, RequireCompletePeriods = complete,
            })).ToDictionary(s => s.Metric);
        var weeks = await Rolled(Granularity.Week);
        var weeksComplete = await Rolled(Granularity.Week, complete: true);
        var months = await Rolled(Granularity.Month);
        var quarters = await Rolled(Granularity.Quarter);

        double Impressions(int first, int last) => Enumerable.Range(first, last - first + 1).Where(d => d != 13).Sum(d => 100.0 + d);
        // Week 2 (days 7…13): a flow sums the six observed days; a level takes the last observed day (12), not 0 for day 13.
        Assert.Equal(Impressions(7, 13), weeks["impressions"].Points[1].Value);
        Assert.Equal(6, weeks["impressions"].Points[1].ObservationCount);
        Assert.Equal(5000 + 2 * 12, weeks["followers"].Points[1].Value);
        Assert.Equal((4 * 40 + 3 * 60) / 7.0, weeks["reach"].Points[0].Value); // unique reach is not added up: mean daily reach
        Assert.False(weeksComplete["impressions"].Points[1].HasValue);         // with complete periods a blank day blanks the week
        Assert.True(weeksComplete["impressions"].Points[0].HasValue);
        // January 2025 from the 6th (days 0…25), and Q1 2025 from the 6th to the 5th of April (days 0…89).
        Assert.Equal(Impressions(0, 25), months["impressions"].Points[0].Value);
        Assert.Equal(5000 + 2 * 25, months["followers"].Points[0].Value);
        Assert.Equal(new DateOnly(2025, 1, 1), ToDateOnly(quarters["impressions"].Points[0].PeriodStart));
        Assert.Equal(Impressions(0, 84), quarters["impressions"].Points[0].Value); // day 84 = 31 March
        Assert.Equal(5000 + 2 * 84, quarters["followers"].Points[0].Value);
        Assert.Equal(Impressions(85, 89), quarters["impressions"].Points[1].Value);
        Assert.Equal(Rollup.Sum, quarters["impressions"].Rollup);
        Assert.Equal(Rollup.Last, quarters["followers"].Rollup);
        Assert.Equal(Rollup.Mean, quarters["reach"].Rollup);
    }

    [Fact]
    public async Task GivesNoPeriodOverPeriodChangeAgainstZeroOrAMissingPeriod()
    {
        var c = await ClientsFor("kpi-pop");
        var p = await Register(c, "pop");
        // 0, 10, 20, (missing), 5, 8000, 10000: content-pulse#16 prints 8,000 → 10,000 as +25 %.
        await Record(c.Ingest, "pop-1",
        [
            Obs(p, Mon, "clicks", 0), Obs(p, Mon.AddDays(1), "clicks", 10), Obs(p, Mon.AddDays(2), "clicks", 20),
            Obs(p, Mon.AddDays(4), "clicks", 5), Obs(p, Mon.AddDays(5), "clicks", 8_000), Obs(p, Mon.AddDays(6), "clicks", 10_000),
        ]);

        var trend = await c.Viewer.GetTrendAsync(new GetTrendRequest
        {
            Series = new SeriesSelector { ProfileId = p.ProfileId, Metric = "clicks", StartDate = D(Mon), EndDate = D(Mon.AddDays(6)) },
        });

        Assert.Equal([false, false, true, false, false, true, true], trend.Points.Select(x => x.HasPeriodOverPeriodPct));
        Assert.Equal(100, trend.Points[2].PeriodOverPeriodPct, 12);
        Assert.Equal(25, trend.Points[6].PeriodOverPeriodPct, 12);
        Assert.Equal(25, trend.LastPeriodOverPeriodPct, 12);
        Assert.False(trend.Points[3].HasValue); // the blank day stays blank in the report
        Assert.Equal(6, trend.Observed);
    }

    private static async Task<RpcException> Refused(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(e.StatusCode == StatusCode.InvalidArgument, $"{e.StatusCode}: {e.Status.Detail}");
        return e;
    }

    private static async Task AssertField(string field, Func<Task> call)
    {
        var e = await Refused(call);
        Assert.Contains(field, e.FieldViolations().Select(v => v.Field));
    }

    private static async Task Drain<T>(AsyncServerStreamingCall<T> call)
    {
        using (call)
            while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
    }

    [Fact]
    public async Task RejectsBadInputWithTheFieldOnEveryRpc()
    {
        var c = await ClientsFor("kpi-bad-input");
        var p = await Register(c, "bad-input");
        await Record(c.Ingest, "bi-1", [Obs(p, Mon, "clicks", 1), Obs(p, Mon.AddDays(1), "clicks", 2)]);
        var two = new SeriesSelector { ProfileId = p.ProfileId, Metric = "clicks" };
        var points3 = Enumerable.Range(0, 3).Select(i => new SeriesPoint { PeriodStart = D(Mon.AddDays(i)), Value = i }).ToList();

        await AssertField("batches[0].source_time_zone", async () =>
        {
            using var call = c.Ingest.RecordKpis();
            await call.RequestStream.WriteAsync(new RecordKpisRequest
            {
                IdempotencyKey = "bi-tz", SourceTimeZone = "Mars/Olympus_Mons", Observations = { Obs(p, Mon, "clicks", 3) },
            });
            await call.RequestStream.CompleteAsync();
            while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
        });
        await AssertField("network", () => c.Committee.RegisterProfileAsync(new RegisterProfileRequest { Handle = "h", BusinessUnit = "b", Ownership = Ownership.Owned }).ResponseAsync);
        await AssertField("ownership", () => c.Viewer.ListProfilesAsync(new ListProfilesRequest { Ownership = (Ownership)7 }).ResponseAsync);
        await AssertField("network", () => c.Viewer.ListProfilesAsync(new ListProfilesRequest { Network = (Network)99 }).ResponseAsync);
        await AssertField("value", () => c.Ingest.CorrectKpiAsync(new CorrectKpiRequest { ProfileId = p.ProfileId, Metric = "clicks", Date = D(Mon), Value = double.NaN, Reason = "r" }).ResponseAsync);
        await AssertField("date", () => c.Ingest.CorrectKpiAsync(new CorrectKpiRequest { ProfileId = p.ProfileId, Metric = "clicks", Date = D(new DateOnly(1999, 12, 31)), Value = 1, Reason = "r" }).ResponseAsync);
        await AssertField("date", () => c.Viewer.ListObservationVersionsAsync(new ListObservationVersionsRequest { ProfileId = p.ProfileId, Metric = "clicks", Date = D(new DateOnly(2101, 1, 1)) }).ResponseAsync);
        await AssertField("granularity", () => Drain(c.Viewer.QuerySeries(new QuerySeriesRequest { Metrics = { "clicks" }, Granularity = (Granularity)9 })));
        await AssertField("ownership", () => Drain(c.Viewer.QuerySeries(new QuerySeriesRequest { Metrics = { "clicks" }, Ownership = (Ownership)9 })));
        await AssertField("start_date", () => Drain(c.Viewer.QuerySeries(new QuerySeriesRequest { Metrics = { "clicks" }, StartDate = D(new DateOnly(1, 1, 1)), EndDate = D(new DateOnly(9999, 12, 31)) })));
        await AssertField("metrics", () => Drain(c.Viewer.QuerySeries(new QuerySeriesRequest())));
        await AssertField("series", () => c.Viewer.GetTrendAsync(new GetTrendRequest()).ResponseAsync);
        await AssertField("series", () => c.Viewer.GetTrendAsync(new GetTrendRequest { Series = two }).ResponseAsync); // two observed values
        await AssertField("series.granularity", () => c.Viewer.GetTrendAsync(new GetTrendRequest { Series = new SeriesSelector(two) { Granularity = (Granularity)9 } }).ResponseAsync);
        await AssertField("series.end_date", () => c.Viewer.GetTrendAsync(new GetTrendRequest { Series = new SeriesSelector(two) { StartDate = D(Mon.AddDays(1)), EndDate = D(Mon) } }).ResponseAsync);
        await AssertField("threshold", () => c.Viewer.DetectAnomaliesAsync(new DetectAnomaliesRequest { Series = two, Threshold = -1 }).ResponseAsync);
        await AssertField("method", () => c.Viewer.ForecastAsync(new ForecastRequest { Series = two, Method = (ForecastMethod)9, Alpha = 0.5 }).ResponseAsync);
        await AssertField("alpha", () => c.Viewer.ForecastAsync(new ForecastRequest { Series = two, Method = ForecastMethod.Simple, Alpha = 0 }).ResponseAsync);
        await AssertField("season_length", () => c.Viewer.ForecastAsync(new ForecastRequest { Series = two, Method = ForecastMethod.HoltWinters, Alpha = 0.5, Beta = 0.1, Gamma = 0.1 }).ResponseAsync);
        await AssertField("x.metric", () => c.Viewer.CorrelateMetricsAsync(new CorrelateMetricsRequest { X = new SeriesSelector(two) { Metric = "nope" }, Y = two }).ResponseAsync);
        await AssertField("y", () => c.Viewer.CorrelateMetricsAsync(new CorrelateMetricsRequest { X = two, Y = two }).ResponseAsync); // two pairs
        await AssertField("rollup", () => c.Viewer.AnalyzeSeriesAsync(new AnalyzeSeriesRequest { Points = { points3 }, Rollup = (Rollup)9 }).ResponseAsync);
        await AssertField("points", () => c.Viewer.AnalyzeSeriesAsync(new AnalyzeSeriesRequest { Points = { points3.Take(2) } }).ResponseAsync);
        await AssertField("points", () => c.Viewer.AnalyzeSeriesAsync(new AnalyzeSeriesRequest { Points = { points3.AsEnumerable().Reverse() } }).ResponseAsync);
        await AssertField("options.confidence_level", () => c.Viewer.AnalyzeSeriesAsync(new AnalyzeSeriesRequest { Points = { points3 }, Options = new TrendOptions { ConfidenceLevel = 2 } }).ResponseAsync);
        await AssertField("options.anomaly_threshold", () => c.Viewer.AnalyzeSeriesAsync(new AnalyzeSeriesRequest { Points = { points3 }, Options = new TrendOptions { AnomalyThreshold = 0 } }).ResponseAsync);
        await AssertField("end_date", () => c.Viewer.CompareNetworksAsync(new CompareNetworksRequest { StartDate = D(Mon.AddDays(1)), EndDate = D(Mon) }).ResponseAsync);
        await AssertField("start_date", () => c.Viewer.CompareNetworksAsync(new CompareNetworksRequest { StartDate = D(new DateOnly(1999, 1, 1)) }).ResponseAsync);
        await AssertField("metrics", () => c.Viewer.BenchmarkCompetitorsAsync(new BenchmarkCompetitorsRequest()).ResponseAsync);
        await AssertField("networks[0]", () => c.Viewer.BenchmarkCompetitorsAsync(new BenchmarkCompetitorsRequest { Metrics = { "clicks" }, Networks = { (Network)99 } }).ResponseAsync);
        await AssertField("kpis", () => c.Viewer.QueryDerivedKpisAsync(new QueryDerivedKpisRequest { StartDate = D(Mon), EndDate = D(Mon) }).ResponseAsync);
        await AssertField("kpis[0]", () => c.Viewer.QueryDerivedKpisAsync(new QueryDerivedKpisRequest { StartDate = D(Mon), EndDate = D(Mon), Kpis = { DerivedKpi.Unspecified } }).ResponseAsync);
        await AssertField("end_date", () => c.Viewer.QueryDerivedKpisAsync(new QueryDerivedKpisRequest { StartDate = D(Mon), Kpis = { DerivedKpi.Roi } }).ResponseAsync);
        await AssertField("granularity", () => c.Viewer.QueryDerivedKpisAsync(new QueryDerivedKpisRequest { StartDate = D(Mon), EndDate = D(Mon), Kpis = { DerivedKpi.Roi }, Granularity = (Granularity)9 }).ResponseAsync);
        await AssertField("profile_ids[0]", () => c.Viewer.QueryDerivedKpisAsync(new QueryDerivedKpisRequest { ProfileIds = { "x" }, StartDate = D(Mon), EndDate = D(Mon), Kpis = { DerivedKpi.Roi } }).ResponseAsync);
        await AssertField("metrics", () => Drain(c.Viewer.WatchAlerts(new WatchAlertsRequest())));
        await AssertField("direction", () => Drain(c.Viewer.WatchAlerts(new WatchAlertsRequest { Metrics = { "clicks" }, Direction = (AlertDirection)9 })));
    }
}
