using System.Net;
using System.Text.Json;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Health.V1;

namespace CoeInsights.Server.Tests;

public sealed class ServerInfoTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task ReturnsServerInfoOverGrpcGivenAdminKey()
    {
        var client = new ServerInfoService.ServerInfoServiceClient(server.Channel());

        var info = await client.GetServerInfoAsync(new GetServerInfoRequest());

        Assert.Equal(StoreStatus.Ready, info.StoreStatus);
        Assert.Equal("default", info.TenantId);
        Assert.Contains("admin", info.Roles);
        Assert.Matches(@"^\d+\.\d+\.\d+$", info.Version);
        Assert.StartsWith("9.", info.MartenVersion);
        Assert.Matches(@"^\d+\.\d+", info.StoreVersion);
        Assert.InRange(info.ServerTime.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task ReturnsServerInfoAsJsonOverHttpGivenSameKey()
    {
        using var http = server.Http(server.AdminKey);

        using var response = await http.GetAsync("/v1/serverInfo");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("default", json.RootElement.GetProperty("tenantId").GetString());
        Assert.Equal("STORE_STATUS_READY", json.RootElement.GetProperty("storeStatus").GetString());
    }

    [Fact]
    public async Task CountsOnlyTheCallersTenantEventsGivenEventsInTwoTenants()
    {
        var acmeKey = await server.CreateKeyAsync("acme-events", Role.Viewer);
        var globexKey = await server.CreateKeyAsync("globex-events", Role.Viewer);
        await using (var session = server.Store().LightweightSession("acme-events"))
        {
            session.Events.StartStream<Probe>(Guid.CreateVersion7(), new ProbeRecorded("a"), new ProbeRecorded("b"));
            await session.SaveChangesAsync();
        }

        var acme = await new ServerInfoService.ServerInfoServiceClient(server.Channel(acmeKey)).GetServerInfoAsync(new GetServerInfoRequest());
        var globex = await new ServerInfoService.ServerInfoServiceClient(server.Channel(globexKey)).GetServerInfoAsync(new GetServerInfoRequest());

        Assert.Equal(("acme-events", 2L, 1L), (acme.TenantId, acme.EventCount, acme.StreamCount));
        Assert.Equal(("globex-events", 0L, 0L), (globex.TenantId, globex.EventCount, globex.StreamCount));
    }

    [Fact]
    public async Task ReportsServingWithoutKeyGivenStoreUp()
    {
        var health = new Health.HealthClient(server.AnonymousChannel());

        var reply = await health.CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    public sealed record ProbeRecorded(string Name);

    // The store requires a stream type on every new stream (StoreSafetyTests); the probe stream has its own.
    public sealed class Probe;
}
