using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CoeInsights.Testing;
using CoeInsights.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Date = Google.Type.Date;
using Notice = CoeInsights.Alerts.AlertNotice;

namespace CoeInsights.Server.Tests.Alerts;

/// <summary>A notice as the test outbox stored it: a document in the alert event's own session (no mock of the store).</summary>
public sealed record RecordedNotice(string Id, Notice Notice);

/// <summary>The outbox the delivery module will replace: stores each notice as a document in the caller's session.</summary>
public sealed class RecordingOutbox : CoeInsights.Alerts.IAlertOutbox
{
    public void Enqueue(IDocumentSession session, Notice notice) =>
        session.Store(new RecordedNotice($"{notice.AlertId:N}/{notice.Version}", notice));
}

/// <summary>A server with a fake clock (escalation is time-bound) and the recording outbox.</summary>
public sealed class AlertServer : FakeClockServer
{
    protected override void Configure(WebApplicationBuilder builder)
    {
        base.Configure(builder);
        builder.Services.AddSingleton<CoeInsights.Alerts.IAlertOutbox, RecordingOutbox>();
    }
}

/// <summary>
/// Issue 18, rules and lifecycle, end to end: a real server on 127.0.0.1, real PostgreSQL; batches recorded over RecordKpis
/// raise alerts in the background raiser, approvers acknowledge over gRPC, the escalator moves on the server's clock.
/// </summary>
public sealed class AlertRuleTests(AlertServer server) : IClassFixture<AlertServer>
{
    private static readonly DateOnly Day0 = new(2026, 3, 1);
    private const string Negative = "negative_mentions";
    private const string First = "first@coe.example";
    private const string Second = "second@coe.example";

    private static Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    /// <summary>A quiet day: 17…23 negative mentions (as KpiAlertTests).</summary>
    private static double Normal(int day) => 20 + day * 3 % 7 - 3;

    private sealed record Clients(AlertService.AlertServiceClient Committee, AlertService.AlertServiceClient Viewer,
        AlertService.AlertServiceClient FirstApprover, AlertService.AlertServiceClient SecondApprover, KpiService.KpiServiceClient Kpis,
        KpiService.KpiServiceClient Ingest);

    private async Task<Clients> ClientsFor(string tenant) => new(
        new(server.Channel(await server.CreateKeyAsync(tenant, Role.Committee))),
        new(server.Channel(await server.CreateKeyAsync(tenant, Role.Viewer))),
        new(server.Channel(await server.CreateKeyAsync(tenant, First, Role.Viewer))),
        new(server.Channel(await server.CreateKeyAsync(tenant, Second, Role.Viewer))),
        new(server.Channel(await server.CreateKeyAsync(tenant, Role.Committee))),
        new(server.Channel(await server.CreateKeyAsync(tenant, Role.Ingest))));

    private static V1.AlertRule NegativeRule(string name) => new()
    {
        Name = name, Metric = Negative, Method = AlertMethod.RobustZScore, Direction = AlertDirection.Up, Enabled = true,
        Approvers = { First, Second }, EscalateAfter = Duration.FromTimeSpan(TimeSpan.FromMinutes(10)), CooldownDays = 3,
        Protocol = "Hold statement A; legal reviews replies.", ChannelIds = { "0193a5b0-7e1c-7000-8000-000000000001" },
    };

    private static ErrorInfo Info(RpcException e) => e.GetRpcStatus()!.GetDetail<ErrorInfo>()!;

    private static IReadOnlyList<string> Fields(RpcException e) =>
        e.GetRpcStatus()!.GetDetail<BadRequest>()?.FieldViolations.Select(f => f.Field).ToList() ?? [];

    private static KpiObservation Obs(Profile p, int day, string metric, double value) =>
        new() { ProfileId = p.ProfileId, Date = D(Day0.AddDays(day)), Metric = metric, Value = value };

    private static async Task<Profile> Register(KpiService.KpiServiceClient committee, string handle, Ownership ownership = Ownership.Owned) =>
        await committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = handle, BusinessUnit = "Corporate", Ownership = ownership, RequestId = $"reg-{handle}",
        });

    private static Task History(KpiService.KpiServiceClient ingest, params Profile[] profiles) =>
        ingest.RecordBatchAsync("history", profiles.SelectMany(p => Enumerable.Range(0, 60).SelectMany(d =>
            new[] { Obs(p, d, Negative, Normal(d)), Obs(p, d, "mentions", 10 * Normal(d)) })).ToArray());

    private static async Task<List<V1.Alert>> WaitForAlerts(AlertService.AlertServiceClient client, int count, string ruleId = "")
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var alerts = (await client.ListAlertsAsync(new ListAlertsRequest { RuleId = ruleId })).Alerts.ToList();
            if (alerts.Count >= count || DateTime.UtcNow > until) return alerts;
            await Task.Delay(100);
        }
    }

    private async Task<List<Notice>> Notices(string tenant)
    {
        await using var session = server.Store().QuerySession(tenant);
        return (await session.Query<RecordedNotice>().ToListAsync()).Select(n => n.Notice).OrderBy(n => n.At).ThenBy(n => n.Version).ToList();
    }

    [Fact]
    public async Task CreatesReadsUpdatesAndDeletesRulesWithEtags()
    {
        var c = await ClientsFor("alert-rules-crud");
        var created = await c.Committee.CreateAlertRuleAsync(new CreateAlertRuleRequest { Rule = NegativeRule("Negative spike"), RequestId = "r1" });
        Assert.Equal(("Negative spike", "W/\"1\"", true), (created.Name, created.Etag, created.Enabled));
        Assert.Equal([First, Second], created.Approvers);
        Assert.Equal(TimeSpan.FromMinutes(10), created.EscalateAfter.ToTimeSpan());
        // A retry with the same request_id is the same rule.
        var retried = await c.Committee.CreateAlertRuleAsync(new CreateAlertRuleRequest { Rule = NegativeRule("Negative spike"), RequestId = "r1" });
        Assert.Equal(created.RuleId, retried.RuleId);

        Assert.Equal(created, await c.Viewer.GetAlertRuleAsync(new GetAlertRuleRequest { RuleId = created.RuleId }));
        Assert.Equal([created.RuleId], (await c.Viewer.ListAlertRulesAsync(new ListAlertRulesRequest())).Rules.Select(r => r.RuleId));

        // PATCH one field; the rest stays; disabling records the rule disabled.
        var patched = await c.Committee.UpdateAlertRuleAsync(new UpdateAlertRuleRequest
        {
            Rule = new V1.AlertRule { RuleId = created.RuleId, Etag = created.Etag, Threshold = 5, Enabled = false },
            UpdateMask = new FieldMask { Paths = { "threshold", "enabled" } },
        });
        Assert.Equal((5.0, false, "Negative spike", "W/\"3\""), (patched.Threshold, patched.Enabled, patched.Name, patched.Etag));

        // The old etag is stale: ABORTED, nothing written.
        var stale = await Assert.ThrowsAsync<RpcException>(() => c.Committee.UpdateAlertRuleAsync(new UpdateAlertRuleRequest
        {
            Rule = new V1.AlertRule { RuleId = created.RuleId, Etag = created.Etag, Name = "other" }, UpdateMask = new FieldMask { Paths = { "name" } },
        }).ResponseAsync);
        Assert.Equal((StatusCode.Aborted, "STALE_ETAG"), (stale.StatusCode, Info(stale).Reason));

        // Viewers read, they do not write.
        var denied = await Assert.ThrowsAsync<RpcException>(() => c.Viewer.CreateAlertRuleAsync(new CreateAlertRuleRequest { Rule = NegativeRule("x") }).ResponseAsync);
        Assert.Equal((StatusCode.PermissionDenied, "ROLE_REQUIRED"), (denied.StatusCode, Info(denied).Reason));

        await c.Committee.DeleteAlertRuleAsync(new DeleteAlertRuleRequest { RuleId = created.RuleId, Etag = patched.Etag });
        var gone = await Assert.ThrowsAsync<RpcException>(() => c.Viewer.GetAlertRuleAsync(new GetAlertRuleRequest { RuleId = created.RuleId }).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "ALERT_RULE_NOT_FOUND"), (gone.StatusCode, Info(gone).Reason));
        Assert.Empty((await c.Viewer.ListAlertRulesAsync(new ListAlertRulesRequest())).Rules);
    }

    [Fact]
    public async Task RefusesBadRulesNamingEachField()
    {
        var c = await ClientsFor("alert-rules-bad");
        var rule = new V1.AlertRule
        {
            Name = " ", Metric = "negative_vibes", Method = AlertMethod.FixedThreshold, Direction = AlertDirection.Both, CooldownDays = 31,
            BaselineDays = 3, Approvers = { "not-an-email", First, First.ToUpperInvariant() }, EscalateAfter = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)),
            ChannelIds = { "slack" }, ProfileIds = { "p1" },
        };
        var e = await Assert.ThrowsAsync<RpcException>(() => c.Committee.CreateAlertRuleAsync(new CreateAlertRuleRequest { Rule = rule }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(["rule.profile_ids[0]", "rule.channel_ids[0]"], Fields(e));

        rule.ProfileIds.Clear();
        rule.ChannelIds.Clear();
        e = await Assert.ThrowsAsync<RpcException>(() => c.Committee.CreateAlertRuleAsync(new CreateAlertRuleRequest { Rule = rule }).ResponseAsync);
        Assert.Equal(["rule.name", "rule.metric", "rule.cooldown_days", "rule.baseline_days", "rule.approvers[0]", "rule.approvers[2]", "rule.escalate_after"],
            Fields(e));

        // The method's own rules (ObservationAlerts.Validate), under rule.
        e = await Assert.ThrowsAsync<RpcException>(() => c.Committee.CreateAlertRuleAsync(new CreateAlertRuleRequest
        {
            Rule = new V1.AlertRule { Name = "level", Metric = "negative_share", Method = AlertMethod.FixedThreshold, Approvers = { First } },
        }).ResponseAsync);
        Assert.Equal(["rule.threshold", "rule.direction"], Fields(e));

        // Unknown profile: NOT_FOUND; no approver: INVALID_ARGUMENT.
        e = await Assert.ThrowsAsync<RpcException>(() => c.Committee.CreateAlertRuleAsync(new CreateAlertRuleRequest
        {
            Rule = new V1.AlertRule { Name = "p", Metric = Negative, Approvers = { First }, ProfileIds = { Guid.CreateVersion7().ToString() } },
        }).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "PROFILE_NOT_FOUND"), (e.StatusCode, Info(e).Reason));
        e = await Assert.ThrowsAsync<RpcException>(() => c.Committee.CreateAlertRuleAsync(new CreateAlertRuleRequest
        {
            Rule = new V1.AlertRule { Name = "p", Metric = Negative },
        }).ResponseAsync);
        Assert.Equal(["rule.approvers"], Fields(e));
        Assert.Empty((await c.Viewer.ListAlertRulesAsync(new ListAlertRulesRequest())).Rules);
    }

    [Fact]
    public async Task CreatesRuleOverJsonAtV1AlertRules()
    {
        var key = await server.CreateKeyAsync("alert-rules-json", Role.Committee);
        using var http = server.Http(key);
        using var response = await http.PostAsJsonAsync("/v1/alertRules", new
        {
            name = "Net sentiment drop", metric = "net_sentiment", method = "ALERT_METHOD_CHANGE_VS_PREVIOUS_PERIOD", direction = "ALERT_DIRECTION_DOWN",
            threshold = 40, approvers = new[] { First }, escalateAfter = "600s", enabled = true,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("net_sentiment", json.GetProperty("metric").GetString());
        using var got = await http.GetAsync($"/v1/alertRules/{json.GetProperty("ruleId").GetString()}");
        Assert.Equal("600s", (await got.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("escalateAfter").GetString());
    }

    /// <summary>
    /// A spike raises exactly one alert per rule (a catalogue metric and a derived KPI with a minimum volume), the
    /// competitor profile outside the owned-only scope raises none, the cooldown holds back the next day's alert on the
    /// same series, and a second batch re-recording the spike raises nothing new.
    /// </summary>
    [Fact]
    public async Task SpikeRaisesExactlyOneAlertPerRuleWithCooldownAndScope()
    {
        var c = await ClientsFor("alert-raise");
        var brand = await Register(c.Kpis, "brand");
        var rival = await Register(c.Kpis, "rival", Ownership.Competitor);
        await History(c.Ingest, brand, rival);
        var mentions = NegativeRule("Negative mentions");
        mentions.Ownership = Ownership.Owned;
        var byMentions = await c.Committee.CreateAlertRuleAsync(new CreateAlertRuleRequest { Rule = mentions });
        var share = new V1.AlertRule
        {
            Name = "Negative share", Metric = "negative_share", Direction = AlertDirection.Up, MinimumVolume = 100, Enabled = true, Approvers = { First },
        };
        var byShare = await c.Committee.CreateAlertRuleAsync(new CreateAlertRuleRequest { Rule = share });
        var off = NegativeRule("Disabled");
        off.Enabled = false;
        var disabled = await c.Committee.CreateAlertRuleAsync(new CreateAlertRuleRequest { Rule = off });

        await c.Ingest.RecordBatchAsync("spike-60", Obs(brand, 60, Negative, 300), Obs(brand, 60, "mentions", 500),
            Obs(rival, 60, Negative, 300), Obs(rival, 60, "mentions", 500));
        var alerts = await WaitForAlerts(c.Viewer, 3);
        // brand by both rules; rival by the share rule only (the mentions rule watches owned profiles).
        Assert.Equal(3, alerts.Count);
        var mentionAlert = Assert.Single(alerts, a => a.RuleId == byMentions.RuleId);
        Assert.Equal((brand.ProfileId, Negative, 300.0, V1.AlertState.Open, First, V1.AlertSeverity.Critical),
            (mentionAlert.ProfileId, mentionAlert.Metric, mentionAlert.Observed, mentionAlert.State, mentionAlert.CurrentApprover, mentionAlert.Severity));
        Assert.Equal(D(Day0.AddDays(60)), mentionAlert.Date);
        Assert.NotEmpty(mentionAlert.BatchId);
        var shareAlerts = alerts.Where(a => a.RuleId == byShare.RuleId).ToList();
        Assert.Equal([brand.ProfileId, rival.ProfileId], shareAlerts.Select(a => a.ProfileId).Order());
        Assert.All(shareAlerts, a => Assert.Equal(("negative_share", 60.0), (a.Metric, a.Observed)));
        Assert.DoesNotContain(alerts, a => a.RuleId == disabled.RuleId);

        // Day 61: still high. The mentions rule is in its 3-day cooldown; the share rule (no cooldown) alerts again.
        // Re-recording day 60 changes nothing: each (rule, profile, metric, day) is raised once.
        await c.Ingest.RecordBatchAsync("spike-61", Obs(brand, 61, Negative, 320), Obs(brand, 61, "mentions", 520),
            Obs(brand, 60, Negative, 300), Obs(brand, 60, "mentions", 500));
        var after = await WaitForAlerts(c.Viewer, 4);
        await Task.Delay(500);
        after = (await c.Viewer.ListAlertsAsync(new ListAlertsRequest())).Alerts.ToList();
        Assert.Equal(4, after.Count);
        Assert.Single(after, a => a.RuleId == byMentions.RuleId);
        Assert.Contains(after, a => a.RuleId == byShare.RuleId && a.ProfileId == brand.ProfileId && a.Date.Equals(D(Day0.AddDays(61))));

        // Filters and paging.
        Assert.Equal(3, (await c.Viewer.ListAlertsAsync(new ListAlertsRequest { RuleId = byShare.RuleId })).Alerts.Count);
        var page = await c.Viewer.ListAlertsAsync(new ListAlertsRequest { PageSize = 3 });
        Assert.Equal(3, page.Alerts.Count);
        var rest = await c.Viewer.ListAlertsAsync(new ListAlertsRequest { PageSize = 3, PageToken = page.NextPageToken });
        Assert.Equal(after.Select(a => a.AlertId).Order(), page.Alerts.Concat(rest.Alerts).Select(a => a.AlertId).Order());

        // One Raised notice per alert, to the first approver, with the rule's protocol and channels.
        var notices = await Notices("alert-raise");
        Assert.Equal(4, notices.Count(n => n.Kind == CoeInsights.Alerts.AlertNoticeKind.Raised));
        var raised = Assert.Single(notices, n => n.AlertId == Guid.Parse(mentionAlert.AlertId));
        Assert.Equal((First, "Hold statement A; legal reviews replies.", 1L), (string.Join(',', raised.EmailTo), raised.Protocol, raised.Version));
        Assert.Equal([Guid.Parse("0193a5b0-7e1c-7000-8000-000000000001")], raised.ChannelIds);
    }

    /// <summary>
    /// Only a designated approver acknowledges (others: PERMISSION_DENIED, NOT_AN_APPROVER); twice is FAILED_PRECONDITION.
    /// An unacknowledged alert escalates after escalate_after on the server's clock to the next approver, and the audit
    /// trail shows raise → escalation → acknowledgement → resolution with who and when; each step sent its notice.
    /// </summary>
    [Fact]
    public async Task EscalatesToNextApproverAndOnlyApproversAcknowledge()
    {
        var c = await ClientsFor("alert-lifecycle");
        var brand = await Register(c.Kpis, "brand");
        await History(c.Ingest, brand);
        await c.Committee.CreateAlertRuleAsync(new CreateAlertRuleRequest { Rule = NegativeRule("Negative mentions") });
        await c.Ingest.RecordBatchAsync("spike", Obs(brand, 60, Negative, 300));
        var alert = Assert.Single(await WaitForAlerts(c.Viewer, 1));
        var raisedAt = alert.RaiseTime.ToDateTimeOffset();

        // Not yet due: nothing moves.
        server.Clock.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(300);
        Assert.Equal(0, (await c.Viewer.GetAlertAsync(new GetAlertRequest { AlertId = alert.AlertId })).EscalationStep);

        server.Clock.Advance(TimeSpan.FromMinutes(6));
        var escalated = await WaitFor(c.Viewer, alert.AlertId, a => a.EscalationStep == 1);
        Assert.Equal(Second, escalated.CurrentApprover);

        var denied = await Assert.ThrowsAsync<RpcException>(() => c.Viewer.AcknowledgeAlertAsync(new AcknowledgeAlertRequest { AlertId = alert.AlertId }).ResponseAsync);
        Assert.Equal((StatusCode.PermissionDenied, "NOT_AN_APPROVER"), (denied.StatusCode, Info(denied).Reason));
        var acked = await c.SecondApprover.AcknowledgeAlertAsync(new AcknowledgeAlertRequest { AlertId = alert.AlertId, Note = "On it" });
        Assert.Equal(V1.AlertState.Acknowledged, acked.State);
        var twice = await Assert.ThrowsAsync<RpcException>(() => c.FirstApprover.AcknowledgeAlertAsync(new AcknowledgeAlertRequest { AlertId = alert.AlertId }).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "ALERT_ALREADY_ACKNOWLEDGED"), (twice.StatusCode, Info(twice).Reason));

        // Acknowledged: no more escalation, however long it waits.
        server.Clock.Advance(TimeSpan.FromHours(1));
        await Task.Delay(300);
        var resolved = await c.FirstApprover.ResolveAlertAsync(new ResolveAlertRequest { AlertId = alert.AlertId, Note = "Statement out" });
        Assert.Equal(V1.AlertState.Resolved, resolved.State);

        var trail = resolved.AuditTrail.Select(e => (e.Kind, e.Actor, e.Approver, e.Note, e.Version)).ToList();
        Assert.Equal([
            (AlertEventKind.Raised, "system", First, "", 1L),
            (AlertEventKind.Escalated, "system", Second, "", 2L),
            (AlertEventKind.Acknowledged, Second, "", "On it", 3L),
            (AlertEventKind.Resolved, First, "", "Statement out", 4L),
        ], trail);
        Assert.Equal(raisedAt, resolved.AuditTrail[0].Time.ToDateTimeOffset());
        Assert.True(resolved.AuditTrail[1].Time.ToDateTimeOffset() >= raisedAt.AddMinutes(10));
        Assert.Equal([alert.AlertId], (await c.Viewer.ListAlertsAsync(new ListAlertsRequest { State = V1.AlertState.Resolved })).Alerts.Select(a => a.AlertId));
        Assert.Empty((await c.Viewer.ListAlertsAsync(new ListAlertsRequest { State = V1.AlertState.Open })).Alerts);

        var notices = (await Notices("alert-lifecycle")).Where(n => n.AlertId == Guid.Parse(alert.AlertId)).ToList();
        Assert.Equal([
            (CoeInsights.Alerts.AlertNoticeKind.Raised, 1L, First),
            (CoeInsights.Alerts.AlertNoticeKind.Escalated, 2L, Second),
            (CoeInsights.Alerts.AlertNoticeKind.Acknowledged, 3L, $"{First},{Second}"),
            (CoeInsights.Alerts.AlertNoticeKind.Resolved, 4L, $"{First},{Second}"),
        ], notices.Select(n => (n.Kind, n.Version, string.Join(',', n.EmailTo))).ToList());
        Assert.All(notices, n => Assert.Equal("Hold statement A; legal reviews replies.", n.Protocol));
    }

    private static async Task<V1.Alert> WaitFor(AlertService.AlertServiceClient client, string id, Func<V1.Alert, bool> done)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var alert = await client.GetAlertAsync(new GetAlertRequest { AlertId = id });
            if (done(alert) || DateTime.UtcNow > until) return alert;
            await Task.Delay(100);
        }
    }
}
