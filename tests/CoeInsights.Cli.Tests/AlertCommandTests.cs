using CoeInsights.Testing;
using CoeInsights.V1;

namespace CoeInsights.Cli.Tests;

/// <summary>`coe alerts rules …` and `coe alerts list|show|ack|resolve` run as processes against a real server.</summary>
public sealed class AlertCommandTests(TestServer server) : IClassFixture<TestServer>
{
    private const string Approver = "lead@coe.example";

    private static Task<(int Code, string Out, string Err)> Coe(TestServer s, string key, params string[] args) => CoeProcess.RunAsync(s.GrpcAddress, key, args);

    private static KpiObservation Obs(Profile p, int day, string metric, double value)
    {
        var d = new DateOnly(2026, 3, 1).AddDays(day);
        return new KpiObservation { ProfileId = p.ProfileId, Date = new Google.Type.Date { Year = d.Year, Month = d.Month, Day = d.Day }, Metric = metric, Value = value };
    }

    private static async Task Record(KpiService.KpiServiceClient ingest, string key, IEnumerable<KpiObservation> observations)
    {
        using var call = ingest.RecordKpis();
        await call.RequestStream.WriteAsync(new RecordKpisRequest { IdempotencyKey = key, Source = "cli-test", Observations = { observations } });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        await call.RequestStream.CompleteAsync();
    }

    [Fact]
    public async Task CreatesARuleAndAnApproverAcknowledgesItsAlert()
    {
        const string tenant = "cli-alerts";
        var committee = await server.CreateKeyAsync(tenant, Role.Committee);
        var approver = await server.CreateKeyAsync(tenant, Approver, Role.Viewer);
        var kpis = new KpiService.KpiServiceClient(server.Channel(committee));
        var ingest = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Ingest)));
        var brand = await kpis.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Instagram, Handle = "brand", BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = "reg-brand",
        });
        await Record(ingest, "history", Enumerable.Range(0, 60).Select(d => Obs(brand, d, "negative_mentions", 20 + d * 3 % 7 - 3)));

        var created = await Coe(server, committee, "alerts", "rules", "create", "--name", "Negative spike", "--metric", "negative_mentions",
            "--approver", Approver, "--approver", "head@coe.example", "--escalate-after", "00:30:00", "--cooldown", "3", "--protocol", "Hold statement A",
            "-o", "json");
        Assert.True(created.Code == ExitCodes.Ok, created.Err);
        var rule = V1.AlertRule.Parser.ParseJson(created.Out);
        Assert.Equal(("negative_mentions", AlertDirection.Up, 1800L), (rule.Metric, rule.Direction, rule.EscalateAfter.Seconds));

        var listed = await Coe(server, committee, "alerts", "rules", "list");
        Assert.Contains("Negative spike", listed.Out);
        Assert.Contains($"{Approver} → head@coe.example", listed.Out);
        var bad = await Coe(server, committee, "alerts", "rules", "create", "--name", "x", "--metric", "negative_mentions", "--approver", Approver,
            "--method", "crystal-ball");
        Assert.Equal(ExitCodes.Usage, bad.Code);

        await Record(ingest, "spike", [Obs(brand, 60, "negative_mentions", 300)]);
        var alerts = new AlertService.AlertServiceClient(server.Channel(committee));
        var until = DateTime.UtcNow.AddSeconds(20);
        while ((await alerts.ListAlertsAsync(new ListAlertsRequest())).Alerts.Count == 0 && DateTime.UtcNow < until) await Task.Delay(100);
        var alert = Assert.Single((await alerts.ListAlertsAsync(new ListAlertsRequest())).Alerts);

        var open = await Coe(server, committee, "alerts", "list", "--state", "open");
        Assert.Contains(alert.AlertId, open.Out);
        Assert.Contains("2026-04-30", open.Out);
        var notApprover = await Coe(server, committee, "alerts", "ack", alert.AlertId);
        Assert.NotEqual(ExitCodes.Ok, notApprover.Code);
        Assert.Contains("is not a designated approver", notApprover.Err);
        var acked = await Coe(server, approver, "alerts", "ack", alert.AlertId, "--note", "on it");
        Assert.True(acked.Code == ExitCodes.Ok, acked.Err);
        Assert.Contains("acknowledged", acked.Out);
        var shown = await Coe(server, committee, "alerts", "show", alert.AlertId);
        Assert.Contains("raised", shown.Out);
        Assert.Contains("on it", shown.Out);
        var resolved = await Coe(server, approver, "alerts", "resolve", alert.AlertId);
        Assert.Contains("resolved", resolved.Out);
    }
}
