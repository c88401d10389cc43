extern alias server;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Logging.Abstractions;
using server::CoeInsights.Server.Postgres;

namespace CoeInsights.Server.Tests;

/// <summary>A server over a cluster of its own, which the test stops underneath it.</summary>
public sealed class StoreOutageTests : IAsyncLifetime
{
    private EmbeddedPostgres _postgres = null!;
    private OwnClusterServer _server = null!;

    public async Task InitializeAsync()
    {
        _postgres = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions { DataDirectory = TestPostgres.NewFolder("outage"), Ephemeral = true }, NullLogger.Instance);
        _server = new OwnClusterServer(_postgres.ConnectionString);
        await _server.InitializeAsync();
    }

    [Fact]
    public async Task ReportsNotServingAndUnavailableGivenPostgresStopped()
    {
        var health = new Health.HealthClient(_server.AnonymousChannel());
        var info = new ServerInfoService.ServerInfoServiceClient(_server.Channel());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);

        await _postgres.StopAsync();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
        var e = await Assert.ThrowsAsync<RpcException>(() => info.GetServerInfoAsync(new GetServerInfoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Equal("STORE_UNAVAILABLE", CoeInsights.Client.CoeErrors.Reason(e));
    }

    [Fact]
    public async Task StaysLiveButNotReadyGivenPostgresStopped()
    {
        using var http = _server.Http();
        Assert.Equal((System.Net.HttpStatusCode.OK, System.Net.HttpStatusCode.OK),
            ((await http.GetAsync("/healthz")).StatusCode, (await http.GetAsync("/readyz")).StatusCode));

        await _postgres.StopAsync();

        // Liveness must not restart every replica over a database outage; readiness takes the replica out of the balancer.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    private sealed class OwnClusterServer(string connectionString) : TestServer
    {
        protected override Task<string> ConnectionStringAsync() => Task.FromResult(connectionString);
    }
}
