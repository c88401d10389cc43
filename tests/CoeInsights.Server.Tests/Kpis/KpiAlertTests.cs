using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Kpis;

/// <summary>WatchAlerts end to end: a real server, real PostgreSQL, live watches over the generated client.</summary>
public sealed class KpiAlertTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly DateOnly Day0 = new(2026, 3, 1);
    private const string Negative = "negative_mentions";

    private static Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    /// <summary>A quiet day: 17…23 negative mentions (median 20, MAD 2 over whole weeks).</summary>
    private static double Normal(int day) => 20 + day * 3 % 7 - 3;

    private async Task<(KpiService.KpiServiceClient Committee, KpiService.KpiServiceClient Ingest, KpiService.KpiServiceClient Viewer)> ClientsFor(string tenant) => (
        new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Committee))),
        new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Ingest))),
        new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Viewer))));

    private static async Task<Profile> Register(KpiService.KpiServiceClient committee, string handle, string businessUnit) =>
        await committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = handle, BusinessUnit = businessUnit, Ownership = Ownership.Owned, RequestId = $"reg-{handle}",
        });

    private static KpiObservation Obs(Profile p, int day, string metric, double value) =>
        new() { ProfileId = p.ProfileId, Date = D(Day0.AddDays(day)), Metric = metric, Value = value };

    private static Task Record(KpiService.KpiServiceClient ingest, string key, params KpiObservation[] observations) => ingest.RecordBatchAsync(key, observations);

    /// <summary>60 quiet days (days 0…59) of negative mentions and mentions for each profile.</summary>
    private static Task RecordHistory(KpiService.KpiServiceClient ingest, string key, params Profile[] profiles) =>
        Record(ingest, key, profiles.SelectMany(p => Enumerable.Range(0, 60).SelectMany(d =>
            new[] { Obs(p, d, Negative, Normal(d)), Obs(p, d, "mentions", 10 * Normal(d)) })).ToArray());

    private static async Task<KpiAlert> Next(AsyncServerStreamingCall<KpiAlert> watch, CancellationToken ct)
    {
        Assert.True(await watch.ResponseStream.MoveNext(ct));
        return watch.ResponseStream.Current;
    }

    private static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    /// <summary>
    /// A client whose watch is cut reconnects with the last alert's resume token: it gets every alert it missed — the
    /// rest of a batch that raised several, and batches recorded while no watch was open — each exactly once, then
    /// new ones live. A token of another watch, or no token at all, is refused on <c>resume_token</c>.
    /// </summary>
    [Fact]
    public async Task ResumesWithEveryMissedAlertOnceGivenLastAlertsToken()
    {
        var a = await ClientsFor("alerts-resume");
        var brand = await Register(a.Committee, "brand", "Corporate");
        var retail = await Register(a.Committee, "retail", "Retail");
        var shop = await Register(a.Committee, "shop", "Retail");
        await RecordHistory(a.Ingest, "history", brand, retail, shop);
        var request = new WatchAlertsRequest { Metrics = { Negative }, Direction = AlertDirection.Up };

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string token;
        using (var first = a.Viewer.WatchAlerts(request, cancellationToken: cts.Token))
        {
            await first.ResponseHeadersAsync;
            // One batch raising three alerts: the client reads the first, then its connection is cut.
            await Record(a.Ingest, "triple-60", Obs(brand, 60, Negative, 300), Obs(retail, 60, Negative, 310), Obs(shop, 60, Negative, 320));
            var got = await Next(first, cts.Token);
            Assert.Equal((brand.ProfileId, "triple-60"), (got.ProfileId, got.IdempotencyKey));
            token = got.ResumeToken;
            Assert.NotEmpty(token);
        }
        // While no watch is open.
        await Record(a.Ingest, "away-61", Obs(retail, 61, Negative, 400));

        var resumedRequest = request.Clone();
        resumedRequest.ResumeToken = token;
        using var resumed = a.Viewer.WatchAlerts(resumedRequest, cancellationToken: cts.Token);
        await resumed.ResponseHeadersAsync;
        await Record(a.Ingest, "live-62", Obs(shop, 62, Negative, 500));
        var missed = new List<KpiAlert>();
        for (var i = 0; i < 4; i++) missed.Add(await Next(resumed, cts.Token));

        // The two the client missed of the first batch, the one recorded while away, the live one: in order, none twice.
        Assert.Equal(
            [(retail.ProfileId, "triple-60"), (shop.ProfileId, "triple-60"), (retail.ProfileId, "away-61"), (shop.ProfileId, "live-62")],
            missed.Select(m => (m.ProfileId, m.IdempotencyKey)));
        // Nothing more: a fifth read only ends when the watch is cancelled.
        var fifth = resumed.ResponseStream.MoveNext(cts.Token);
        await Task.Delay(1_500);
        Assert.False(fifth.IsCompleted);

        // Resuming from the middle alert gives exactly the ones after it.
        var fromMiddle = request.Clone();
        fromMiddle.ResumeToken = missed[1].ResumeToken;
        using var again = a.Viewer.WatchAlerts(fromMiddle, cancellationToken: cts.Token);
        Assert.Equal(missed[2].Sequence, (await Next(again, cts.Token)).Sequence);
        Assert.Equal(missed[3].Sequence, (await Next(again, cts.Token)).Sequence);

        // Another watch's token, or something that is no token, is refused and names the field.
        var other = new WatchAlertsRequest { Metrics = { Negative, "mentions" }, Direction = AlertDirection.Up, ResumeToken = token };
        var garbage = request.Clone();
        garbage.ResumeToken = "not-a-token";
        foreach (var bad in new[] { other, garbage })
        {
            using var refused = a.Viewer.WatchAlerts(bad, cancellationToken: cts.Token);
            var e = await Assert.ThrowsAsync<RpcException>(() => refused.ResponseStream.MoveNext(cts.Token));
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.Contains(e.FieldViolations(), v => v.Field == "resume_token");
        }
        cts.Cancel();
    }

    [Fact]
    public async Task StreamsOneAlertPerAnomalousObservationToEachMatchingWatcherOfTheTenantOnly()
    {
        var a = await ClientsFor("alerts-a");
        var b = await ClientsFor("alerts-b");
        var brand = await Register(a.Committee, "brand", "Corporate");
        var retail = await Register(a.Committee, "retail", "Retail");
        var other = await Register(b.Committee, "brand", "Corporate");
        await RecordHistory(a.Ingest, "history", brand, retail);
        await RecordHistory(b.Ingest, "history", other);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var negative = new WatchAlertsRequest { Metrics = { Negative } };
        using var all = a.Viewer.WatchAlerts(negative, cancellationToken: cts.Token);
        using var brandOnly = a.Committee.WatchAlerts(new WatchAlertsRequest { Metrics = { Negative, "mentions" }, ProfileIds = { brand.ProfileId },
            Direction = AlertDirection.Up }, cancellationToken: cts.Token);
        using var drops = a.Viewer.WatchAlerts(new WatchAlertsRequest { Metrics = { Negative }, Direction = AlertDirection.Down }, cancellationToken: cts.Token);
        using var retailUnit = a.Viewer.WatchAlerts(new WatchAlertsRequest { Metrics = { Negative }, BusinessUnits = { "Retail" } }, cancellationToken: cts.Token);
        using var tenantB = b.Viewer.WatchAlerts(negative, cancellationToken: cts.Token);
        foreach (var w in new[] { all, brandOnly, drops, retailUnit, tenantB }) await w.ResponseHeadersAsync;

        await Record(a.Ingest, "normal-60", Obs(brand, 60, Negative, 21), Obs(brand, 60, "mentions", 205), Obs(retail, 60, Negative, 19));
        await Record(b.Ingest, "b-spike-61", Obs(other, 61, Negative, 900));
        await Record(a.Ingest, "spike-61", Obs(brand, 61, Negative, 400), Obs(brand, 61, "mentions", 210), Obs(retail, 61, Negative, 20));
        await Record(a.Ingest, "normal-62", Obs(brand, 62, Negative, 20), Obs(retail, 62, Negative, 22));
        await a.Ingest.CorrectKpiAsync(new CorrectKpiRequest
        {
            ProfileId = brand.ProfileId, Metric = Negative, Date = D(Day0.AddDays(62)), Value = 0, Reason = "listening tool outage, re-counted",
        });
        await Record(a.Ingest, "retail-spike-63", Obs(retail, 63, Negative, 300));

        // The spike: exactly the fields the history says (median and MAD of the 61 days before + the value itself).
        var spike = await Next(all, cts.Token);
        var window = Enumerable.Range(0, 60).Select(Normal).Append(21).Append(400).ToList();
        var median = Median(window);
        var mad = Median(window.Select(x => Math.Abs(x - median)));
        Assert.Equal(brand.ProfileId, spike.ProfileId);
        Assert.Equal(Negative, spike.Metric);
        Assert.Equal(D(Day0.AddDays(61)), spike.Date);
        Assert.Equal(400, spike.Value);
        Assert.Equal(median, spike.Expected);
        Assert.Equal(0.6745 * (400 - median) / mad, spike.Score, 9);
        Assert.Equal(AlertDirection.Up, spike.Direction);
        Assert.Equal(AlertSeverity.Critical, spike.Severity);
        Assert.Equal("spike-61", spike.IdempotencyKey);
        Assert.NotEmpty(spike.BatchId);
        Assert.Empty(spike.CorrectionReason);
        Assert.Equal(61, spike.HistoryCount);
        Assert.Equal(Network.Linkedin, spike.Network);
        Assert.Equal("brand", spike.Handle);
        Assert.Equal("Corporate", spike.BusinessUnit);

        // Next for the same watch: the correction into 0 (nothing from the normal batches, nor from tenant b).
        var correction = await Next(all, cts.Token);
        Assert.Equal(D(Day0.AddDays(62)), correction.Date);
        Assert.Equal(0, correction.Value);
        Assert.Equal(AlertDirection.Down, correction.Direction);
        Assert.Equal("listening tool outage, re-counted", correction.CorrectionReason);
        Assert.Empty(correction.BatchId);
        Assert.True(correction.Sequence > spike.Sequence);
        Assert.Equal("retail-spike-63", (await Next(all, cts.Token)).IdempotencyKey);

        // A second watcher of the same tenant, only its profile and only spikes: the spike, then nothing of the rest
        // (mentions stayed normal, the drop is not up, retail is not its profile) — cancelled, it ends.
        Assert.Equal(spike.Sequence, (await Next(brandOnly, cts.Token)).Sequence);
        // Drops only: the correction is the first.
        Assert.Equal(correction.Sequence, (await Next(drops, cts.Token)).Sequence);
        // Retail business unit only: its spike is the first.
        var retailAlert = await Next(retailUnit, cts.Token);
        Assert.Equal(retail.ProfileId, retailAlert.ProfileId);
        Assert.Equal("retail-spike-63", retailAlert.IdempotencyKey);
        // Tenant b sees its own spike only.
        var bAlert = await Next(tenantB, cts.Token);
        Assert.Equal(other.ProfileId, bAlert.ProfileId);
        Assert.Equal("b-spike-61", bAlert.IdempotencyKey);

        cts.Cancel();
        foreach (var w in new[] { all, brandOnly, drops, retailUnit, tenantB })
        {
            var ended = await Assert.ThrowsAsync<RpcException>(() => w.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(StatusCode.Cancelled, ended.StatusCode);
        }
    }

    [Fact]
    public async Task SendsNothingGivenNormalDaysOrHistoryRecordedBeforeTheWatch()
    {
        var a = await ClientsFor("alerts-quiet");
        var brand = await Register(a.Committee, "quiet", "Corporate");
        await RecordHistory(a.Ingest, "history", brand);
        await Record(a.Ingest, "old-spike", Obs(brand, 60, Negative, 500)); // before the watch: never alerts

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watch = a.Viewer.WatchAlerts(new WatchAlertsRequest { Metrics = { Negative }, BaselineDays = 30, Seasonal = true }, cancellationToken: cts.Token);
        await watch.ResponseHeadersAsync;
        for (var d = 61; d < 66; d++) await Record(a.Ingest, $"day-{d}", Obs(brand, d, Negative, Normal(d)));
        await Record(a.Ingest, "sentinel", Obs(brand, 66, Negative, 1000));

        var first = await Next(watch, cts.Token);
        Assert.Equal("sentinel", first.IdempotencyKey);
        Assert.Equal(30, first.HistoryCount); // the 30 days before day 66 (36…65, the old spike included), all observed
        cts.Cancel();
    }

    [Fact]
    public async Task ReturnsTypedErrorsGivenBadWatch()
    {
        var a = await ClientsFor("alerts-bad");
        var brand = await Register(a.Committee, "bad", "Corporate");

        async Task<RpcException> Open(WatchAlertsRequest request)
        {
            using var call = a.Viewer.WatchAlerts(request);
            return await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        }

        var none = await Open(new WatchAlertsRequest());
        Assert.Equal(StatusCode.InvalidArgument, none.StatusCode);
        Assert.Equal(["metrics"], none.FieldViolations().Select(v => v.Field));

        var bad = await Open(new WatchAlertsRequest
        {
            Metrics = { Negative, "bad_vibes" }, ProfileIds = { "nope" }, Threshold = -1, BaselineDays = 3,
        });
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Equal(["metrics[1]", "profile_ids[0]", "threshold", "baseline_days"], bad.FieldViolations().Select(v => v.Field));

        var enums = await Open(new WatchAlertsRequest { Metrics = { Negative }, Networks = { (Network)99 }, Direction = (AlertDirection)42 });
        Assert.Equal(["networks[0]", "direction"], enums.FieldViolations().Select(v => v.Field));

        var unknown = await Open(new WatchAlertsRequest { Metrics = { Negative }, ProfileIds = { brand.ProfileId, Guid.NewGuid().ToString() } });
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

        // Another tenant's profile is unknown here too.
        var b = await ClientsFor("alerts-bad-other");
        var foreign = await Open(new WatchAlertsRequest { Metrics = { Negative }, ProfileIds = { (await Register(b.Committee, "x", "Corporate")).ProfileId } });
        Assert.Equal(StatusCode.NotFound, foreign.StatusCode);
    }
}
