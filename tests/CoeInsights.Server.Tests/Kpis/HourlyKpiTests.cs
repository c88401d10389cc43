using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Kpis;

/// <summary>
/// Hourly observations end to end (real server, real PostgreSQL, the generated client over 127.0.0.1): recorded beside
/// the daily ones in the same batch, read back as a series of their own, corrected, and watched against the same hour of
/// the days before.
/// </summary>
public sealed class HourlyKpiTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly DateOnly Day0 = new(2026, 5, 1);
    private const string Negative = "negative_mentions";

    private sealed record Clients(KpiService.KpiServiceClient Committee, KpiService.KpiServiceClient Ingest, KpiService.KpiServiceClient Viewer);

    private async Task<Clients> ClientsFor(string tenant) => new(
        new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Committee))),
        new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Ingest))),
        new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Viewer))));

    private static Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    private static async Task<Profile> Register(Clients c, string handle) =>
        await c.Committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = handle, BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = $"reg-{handle}",
        });

    private static KpiObservation Daily(Profile p, int day, string metric, double value) =>
        new() { ProfileId = p.ProfileId, Date = D(Day0.AddDays(day)), Metric = metric, Value = value };

    private static KpiObservation Hourly(Profile p, int day, int hour, string metric, double value) =>
        new() { ProfileId = p.ProfileId, Date = D(Day0.AddDays(day)), Metric = metric, Value = value, Hour = hour };

    private static RecordKpisRequest Batch(string key, params KpiObservation[] observations) =>
        new() { IdempotencyKey = key, Source = "listening", SourceTimeZone = "Europe/Berlin", Observations = { observations } };

    /// <summary>Sends every batch, reading each ack; the error (if any) that ended the call.</summary>
    private static async Task<(List<RecordKpisResponse> Acks, RpcException? Error)> Record(KpiService.KpiServiceClient client, params RecordKpisRequest[] batches)
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

    private static Task<ObservationHistory> Versions(Clients c, Profile p, int day, int? hour)
    {
        var request = new ListObservationVersionsRequest { ProfileId = p.ProfileId, Metric = "impressions", Date = D(Day0.AddDays(day)) };
        if (hour is { } h) request.Hour = h;
        return c.Viewer.ListObservationVersionsAsync(request).ResponseAsync;
    }

    [Fact]
    public async Task RecordsHourlyValuesBesideDailyOnesAndReadsEachSeriesOnItsOwn()
    {
        var c = await ClientsFor("hourly-record");
        var p = await Register(c, "brand");
        // One batch mixing both: the day's value, and hours 0, 9 and 23 of that day and hour 9 of the next.
        var (acks, error) = await Record(c.Ingest, Batch("mixed-1",
            Daily(p, 0, "impressions", 1000), Hourly(p, 0, 0, "impressions", 5), Hourly(p, 0, 9, "impressions", 90.25),
            Hourly(p, 0, 23, "impressions", 7), Hourly(p, 1, 9, "impressions", 91), Daily(p, 1, "impressions", 1100)));
        Assert.Null(error);
        Assert.Equal(6, acks.Single().ObservationCount);

        // The daily series: the two daily values only, not the hours, nor their sum.
        var daily = (await Query(c.Viewer, new QuerySeriesRequest
        {
            ProfileIds = { p.ProfileId }, Metrics = { "impressions" }, StartDate = D(Day0), EndDate = D(Day0.AddDays(1)),
        })).Single();
        Assert.Equal([1000.0, 1100.0], daily.Points.Select(x => x.Value));
        Assert.All(daily.Points, x => Assert.False(x.HasHour));
        Assert.Equal(ObservationResolution.Daily, daily.Resolution);
        // Weekly roll-up of the daily series: still only the daily values.
        var weekly = (await Query(c.Viewer, new QuerySeriesRequest
        {
            ProfileIds = { p.ProfileId }, Metrics = { "impressions" }, StartDate = D(Day0), EndDate = D(Day0.AddDays(1)), Granularity = Granularity.Week,
        })).Single();
        Assert.Equal(2100, weekly.Points.Sum(x => x.Value));

        // The hourly series: 48 hours, the four recorded ones in place, every other hour missing (never zero).
        var hourly = (await Query(c.Viewer, new QuerySeriesRequest
        {
            ProfileIds = { p.ProfileId }, Metrics = { "impressions" }, StartDate = D(Day0), EndDate = D(Day0.AddDays(1)),
            Resolution = ObservationResolution.Hourly,
        })).Single();
        Assert.Equal(ObservationResolution.Hourly, hourly.Resolution);
        Assert.Equal(48, hourly.Points.Count);
        Assert.Equal(Enumerable.Range(0, 48).Select(i => (D(Day0.AddDays(i / 24)), i % 24)), hourly.Points.Select(x => (x.PeriodStart, x.Hour)));
        var recorded = hourly.Points.Where(x => x.HasValue).Select(x => (x.PeriodStart.Day, x.Hour, x.Value, x.ObservationCount)).ToList();
        Assert.Equal([(1, 0, 5.0, 1), (1, 9, 90.25, 1), (1, 23, 7.0, 1), (2, 9, 91.0, 1)], recorded);
        Assert.All(hourly.Points.Where(x => !x.HasValue), x => Assert.Equal(0, x.ObservationCount));

        // Versions: by hour, or the daily value without one.
        var nine = await Versions(c, p, 0, 9);
        Assert.Equal(9, nine.Hour);
        Assert.Equal(90.25, nine.Versions.Single().Value);
        Assert.Equal("Europe/Berlin", nine.Versions.Single().SourceTimeZone);
        var day = await Versions(c, p, 0, null);
        Assert.False(day.HasHour);
        Assert.Equal(1000, day.Versions.Single().Value);
        Assert.Empty((await Versions(c, p, 0, 10)).Versions);

        // A retry of the batch's key (even with other content) stores nothing new.
        var (retried, retryError) = await Record(c.Ingest, Batch("mixed-1", Hourly(p, 0, 9, "impressions", 1), Hourly(p, 0, 10, "impressions", 2)));
        Assert.Null(retryError);
        Assert.True(retried.Single().Replayed);
        Assert.Equal(acks.Single().BatchId, retried.Single().BatchId);
        Assert.Equal(90.25, (await Versions(c, p, 0, 9)).Versions.Single().Value);
        Assert.Empty((await Versions(c, p, 0, 10)).Versions);

        // A re-import of an hour is a new version of that hour only; a correction of an hour restates that hour only.
        Assert.Null((await Record(c.Ingest, Batch("reimport-2", Hourly(p, 0, 9, "impressions", 95)))).Error);
        var corrected = await c.Ingest.CorrectKpiAsync(new CorrectKpiRequest
        {
            ProfileId = p.ProfileId, Metric = "impressions", Date = D(Day0), Hour = 9, Value = 99, Reason = "tool recount",
        });
        Assert.Equal(9, corrected.Hour);
        Assert.Equal([90.25, 95.0, 99.0], corrected.Versions.Select(v => v.Value));
        Assert.Equal("tool recount", corrected.Versions[^1].CorrectionReason);
        Assert.Equal("Europe/Berlin", corrected.Versions[^1].SourceTimeZone);
        Assert.Equal(99, (await Query(c.Viewer, new QuerySeriesRequest
        {
            ProfileIds = { p.ProfileId }, Metrics = { "impressions" }, StartDate = D(Day0), EndDate = D(Day0), Resolution = ObservationResolution.Hourly,
        })).Single().Points[9].Value);
        Assert.Equal(1000, (await Versions(c, p, 0, null)).Versions.Single().Value);
        // An hour never recorded cannot be corrected.
        var nothing = await Assert.ThrowsAsync<RpcException>(() => c.Ingest.CorrectKpiAsync(new CorrectKpiRequest
        {
            ProfileId = p.ProfileId, Metric = "impressions", Date = D(Day0), Hour = 10, Value = 1, Reason = "x",
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, nothing.StatusCode);
        Assert.Equal("NOTHING_TO_CORRECT", nothing.Reason());
    }

    [Fact]
    public async Task RefusesHoursOutsideTheDayAndDuplicateHoursNamingTheField()
    {
        var c = await ClientsFor("hourly-bad");
        var p = await Register(c, "brand");
        foreach (var hour in new[] { 24, -1, int.MaxValue })
        {
            var (acks, error) = await Record(c.Ingest,
                Batch($"good-{hour}", Hourly(p, 0, 1, "impressions", 1)),
                Batch($"bad-{hour}", Daily(p, 0, "impressions", 1), Hourly(p, 0, 2, "impressions", 2), Hourly(p, 0, hour, "impressions", 3)));
            Assert.Single(acks); // the batch before stays stored
            Assert.NotNull(error);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Equal("batches[1].observations[2].hour", error.FieldViolations().Single().Field);
        }
        Assert.Empty((await Versions(c, p, 0, 2)).Versions); // nothing of a bad batch stored
        // The same hour twice is a duplicate; the same day daily and at two hours is not.
        var (_, duplicate) = await Record(c.Ingest, Batch("dup",
            Daily(p, 3, "impressions", 1), Hourly(p, 3, 5, "impressions", 2), Hourly(p, 3, 6, "impressions", 3), Hourly(p, 3, 5, "impressions", 4)));
        Assert.Equal(StatusCode.InvalidArgument, duplicate!.StatusCode);
        var violation = duplicate.FieldViolations().Single();
        Assert.Equal("batches[0].observations[3]", violation.Field);
        Assert.Contains("observations[1]", violation.Description);
        Assert.Empty((await Versions(c, p, 3, 5)).Versions); // nothing of the bad batch stored

        var listing = await Assert.ThrowsAsync<RpcException>(() => Versions(c, p, 0, 24));
        Assert.Equal("hour", listing.FieldViolations().Single().Field);
        var correcting = await Assert.ThrowsAsync<RpcException>(() => c.Ingest.CorrectKpiAsync(new CorrectKpiRequest
        {
            ProfileId = p.ProfileId, Metric = "impressions", Date = D(Day0), Hour = 25, Value = 1, Reason = "x",
        }).ResponseAsync);
        Assert.Equal("hour", correcting.FieldViolations().Single().Field);

        // Hourly series are not rolled up and need their range.
        foreach (var (request, field) in new[]
        {
            (new QuerySeriesRequest { Metrics = { "impressions" }, StartDate = D(Day0), EndDate = D(Day0), Granularity = Granularity.Week }, "granularity"),
            (new QuerySeriesRequest { Metrics = { "impressions" }, StartDate = D(Day0), EndDate = D(Day0), RequireCompletePeriods = true }, "require_complete_periods"),
            (new QuerySeriesRequest { Metrics = { "impressions" }, StartDate = D(Day0) }, "end_date"),
            (new QuerySeriesRequest { Metrics = { "impressions" }, StartDate = D(Day0), EndDate = D(Day0.AddDays(92)) }, "end_date"),
        })
        {
            request.Resolution = ObservationResolution.Hourly;
            var e = await Assert.ThrowsAsync<RpcException>(() => Query(c.Viewer, request));
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.Equal(field, e.FieldViolations().Single().Field);
        }
    }

    /// <summary>A quiet hour: 17…23 negative mentions.</summary>
    private static double Normal(int day) => 20 + day * 3 % 7 - 3;

    /// <summary>
    /// Fourteen days of hourly negative mentions, quiet except a busy 09:00 (ten times as many), and the daily totals.
    /// With baseline_days 14, a 14:00 value is compared with 14:00 of each of the 14 days before: a normal 14:00 (on a
    /// day whose 09:00 was busy as usual) raises nothing — neither against 09:00 nor against the daily totals — and a
    /// spike at 14:00 raises one alert that carries its hour.
    /// </summary>
    [Fact]
    public async Task AlertsOnAnHourlySpikeAgainstTheSameHourOfTheDaysBefore()
    {
        var c = await ClientsFor("hourly-alerts");
        var p = await Register(c, "brand");
        double At(int day, int hour) => hour == 9 ? 10 * Normal(day) : Normal(day + hour);
        var history = Enumerable.Range(0, 14).SelectMany(d =>
            Enumerable.Range(0, 24).Select(h => Hourly(p, d, h, Negative, At(d, h)))
                .Append(Daily(p, d, Negative, Enumerable.Range(0, 24).Sum(h => At(d, h))))).ToArray();
        Assert.Null((await Record(c.Ingest, Batch("history", history))).Error);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = c.Viewer.WatchAlerts(new WatchAlertsRequest { Metrics = { Negative }, BaselineDays = 14 }, cancellationToken: cts.Token);
        await watch.ResponseHeadersAsync;
        Assert.Null((await Record(c.Ingest, Batch("normal-14", Hourly(p, 14, 9, Negative, 205), Hourly(p, 14, 14, Negative, 21)))).Error);
        Assert.Null((await Record(c.Ingest, Batch("spike-15",
            Hourly(p, 15, 9, Negative, 198), Hourly(p, 15, 14, Negative, 300)))).Error);

        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        var alert = watch.ResponseStream.Current;
        Assert.Equal("spike-15", alert.IdempotencyKey); // nothing from the normal 14:00 before it
        Assert.Equal(14, alert.Hour);
        Assert.Equal(D(Day0.AddDays(15)), alert.Date);
        Assert.Equal(300, alert.Value);
        Assert.Equal(AlertDirection.Up, alert.Direction);
        // Its history: 14:00 of the 14 days before, plus the normal 14:00 of day 14 (baseline_days = 14 days before day 15).
        Assert.Equal(14, alert.HistoryCount);
        var window = Enumerable.Range(1, 13).Select(d => At(d, 14)).Append(21).Append(300).Order().ToArray();
        Assert.Equal(window[window.Length / 2], alert.Expected);

        // Nothing else: the 09:00 of the same batch was normal for 09:00.
        var next = watch.ResponseStream.MoveNext(cts.Token);
        await Task.Delay(1_500);
        Assert.False(next.IsCompleted);
        cts.Cancel();
    }
}
