using CoeInsights.Testing;
using CoeInsights.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace CoeInsights.Connectors.Tests;

// Inside the namespace: the API's types win over the domain's of the same name.
using SyncRunState = CoeInsights.V1.SyncRunState;

/// <summary>The same server, with the Sprout connector on a schedule.</summary>
public sealed class ScheduledConnectorServer : ConnectorServer
{
    protected override void Configure(WebApplicationBuilder builder)
    {
        base.Configure(builder);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Coe:Connectors:Sprout:0:SyncInterval"] = "01:00:00" });
    }
}

/// <summary>The background service runs a scheduled connector on its own, from start, up to yesterday.</summary>
public sealed class ScheduledSyncTests(ScheduledConnectorServer server) : IClassFixture<ScheduledConnectorServer>
{
    [Fact]
    public async Task SyncsUpToYesterdayGivenASyncInterval()
    {
        var client = new ConnectorService.ConnectorServiceClient(server.Channel(await server.CreateKeyAsync(ConnectorServer.Tenant, Role.Viewer)));

        Connector sprout;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            sprout = (await client.ListConnectorsAsync(new ListConnectorsRequest())).Connectors.Single(c => c.Name == "sprout");
            if (sprout.LastRun is { State: not SyncRunState.Running }) break;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);

        Assert.Equal(TimeSpan.FromHours(1), sprout.SyncInterval.ToTimeSpan());
        Assert.Equal("schedule", sprout.LastRun.Trigger);
        Assert.Equal(SyncRunState.Succeeded, sprout.LastRun.State);
        Assert.Equal(30, sprout.LastRun.Batches); // 10 days × (LinkedIn, Instagram, Instagram's derived engagements)
        var yesterday = server.From.AddDays(9);
        Assert.Equal(["1101", "1102"], sprout.Checkpoints.Select(c => c.SourceProfileId));
        Assert.All(sprout.Checkpoints, c => Assert.Equal(yesterday, new DateOnly(c.LastSyncedDate.Year, c.LastSyncedDate.Month, c.LastSyncedDate.Day)));
        // The Power BI connector has no interval: it never ran on its own.
        Assert.Null((await client.ListConnectorsAsync(new ListConnectorsRequest())).Connectors.Single(c => c.Name == "powerbi").LastRun);
    }
}
