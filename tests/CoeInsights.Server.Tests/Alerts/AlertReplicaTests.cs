using CoeInsights.Testing;
using CoeInsights.V1;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Alerts;

/// <summary>Two server processes' worth of state on one database, both raising: a server with the recording outbox, and its replica.</summary>
public sealed class RaisingServer : TestServer
{
    protected override void Configure(WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<CoeInsights.Alerts.IAlertOutbox, RecordingOutbox>();

    public sealed class Replica(TestServer first) : TestServer(first)
    {
        protected override void Configure(WebApplicationBuilder builder)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Coe:DaemonMode"] = "Disabled" });
            builder.Services.AddSingleton<CoeInsights.Alerts.IAlertOutbox, RecordingOutbox>();
        }
    }
}

/// <summary>
/// Both replicas' raisers see every batch; each (rule, profile, metric, day) is raised once, with one notice, and a
/// replica started later (a restart) that looks at the same events again raises nothing twice.
/// </summary>
public sealed class AlertReplicaTests(RaisingServer server) : IClassFixture<RaisingServer>
{
    private static readonly DateOnly Day0 = new(2026, 3, 1);

    private static KpiObservation Obs(Profile p, int day, string metric, double value) => new()
    {
        ProfileId = p.ProfileId, Date = new Date { Year = Day0.AddDays(day).Year, Month = Day0.AddDays(day).Month, Day = Day0.AddDays(day).Day },
        Metric = metric, Value = value,
    };

    private static async Task<List<V1.Alert>> WaitForAlerts(AlertService.AlertServiceClient client, int count)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var alerts = (await client.ListAlertsAsync(new ListAlertsRequest())).Alerts.ToList();
            if (alerts.Count >= count || DateTime.UtcNow > until) return alerts;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task RaisesEachAlertOnceAcrossReplicasAndRestarts()
    {
        const string tenant = "alert-replicas";
        var replica = new RaisingServer.Replica(server);
        await replica.InitializeAsync();
        try
        {
            var committee = await server.CreateKeyAsync(tenant, Role.Committee);
            var kpis = new KpiService.KpiServiceClient(server.Channel(committee));
            var ingest = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Ingest)));
            var alerts = new AlertService.AlertServiceClient(replica.Channel(committee));
            var profiles = new List<Profile>();
            foreach (var handle in new[] { "a", "b" })
                profiles.Add(await kpis.RegisterProfileAsync(new RegisterProfileRequest
                {
                    Network = Network.Linkedin, Handle = handle, BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = $"reg-{handle}",
                }));
            await ingest.RecordBatchAsync("history", profiles.SelectMany(p => Enumerable.Range(0, 60)
                .Select(d => Obs(p, d, "negative_mentions", 20 + d * 3 % 7 - 3))).ToArray());
            await alerts.CreateAlertRuleAsync(new CreateAlertRuleRequest
            {
                Rule = new V1.AlertRule
                {
                    Name = "Spike", Metric = "negative_mentions", Direction = AlertDirection.Up, Enabled = true, Approvers = { "crisis@coe.example" },
                },
            });
            // Several batches, each spiking one day of one profile: both raisers race on every one.
            for (var i = 0; i < 4; i++) await ingest.RecordBatchAsync($"spike-{i}", Obs(profiles[i % 2], 60 + i / 2, "negative_mentions", 300 + i));
            Assert.Equal(4, (await WaitForAlerts(alerts, 4)).Count);

            // A restart: a new process's raiser starts from the stored position and looks at the same batches again.
            await replica.DisposeAsync();
            replica = new RaisingServer.Replica(server);
            await replica.InitializeAsync();
            alerts = new AlertService.AlertServiceClient(replica.Channel(committee));
            await ingest.RecordBatchAsync("spike-late", Obs(profiles[0], 62, "negative_mentions", 400));
            Assert.Equal(5, (await WaitForAlerts(alerts, 5)).Count);
            await Task.Delay(1000);

            var listed = (await new AlertService.AlertServiceClient(server.Channel(committee)).ListAlertsAsync(new ListAlertsRequest())).Alerts;
            Assert.Equal(5, listed.Count);
            Assert.Equal(5, listed.Select(a => (a.ProfileId, a.Date.Day)).Distinct().Count());
            await using var session = server.Store().QuerySession(tenant);
            var notices = await session.Query<RecordedNotice>().ToListAsync();
            Assert.Equal(5, notices.Count);
            Assert.Equal(listed.Select(a => Guid.Parse(a.AlertId)).Order(), notices.Select(n => n.Notice.AlertId).Order());
        }
        finally
        {
            await replica.DisposeAsync();
        }
    }
}
