using CoeInsights.Testing;
using CoeInsights.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace CoeInsights.Cli.Tests;

/// <summary>A real server with one Sprout connector for the tenant cli-connectors, pointing at a closed port on 127.0.0.1.</summary>
public sealed class UnreachableConnectorServer : TestServer
{
    public const string Tenant = "cli-connectors";
    /// <summary>A port nothing listens on: every request is refused at once.</summary>
    public const string Address = "http://127.0.0.1:9/";

    protected override void Configure(WebApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coe:Connectors:Sprout:0:Name"] = "sprout",
            ["Coe:Connectors:Sprout:0:Tenant"] = Tenant,
            ["Coe:Connectors:Sprout:0:BaseAddress"] = Address,
            ["Coe:Connectors:Sprout:0:AccessToken"] = "not-a-real-token",
            ["Coe:Connectors:Sprout:0:StartDate"] = "2026-01-01",
            ["Coe:Connectors:Resilience:MaxRetryAttempts"] = "1",
            ["Coe:Connectors:Resilience:RetryDelay"] = "00:00:00.010",
            ["Coe:Connectors:Resilience:AttemptTimeout"] = "00:00:10",
            ["Coe:Connectors:Resilience:TotalTimeout"] = "00:00:30",
        });
}

/// <summary>`coe connectors list | sync | run` run as a process against a real server.</summary>
public sealed class ConnectorCommandTests(UnreachableConnectorServer server) : IClassFixture<UnreachableConnectorServer>
{
    private Task<(int Code, string Out, string Err)> Coe(string key, params string[] args) => CoeProcess.RunAsync(server.GrpcAddress, key, args);

    [Fact]
    public async Task ListsConfiguredConnectorGivenItsTenant()
    {
        var key = await server.CreateKeyAsync(UnreachableConnectorServer.Tenant, Role.Viewer);
        var other = await server.CreateKeyAsync("cli-connectors-other", Role.Viewer);

        var json = await Coe(key, "connectors", "list", "-o", "json");
        var table = await Coe(key, "connectors", "list");
        var none = await Coe(other, "connectors", "list");

        Assert.True(json.Code == ExitCodes.Ok, json.Err);
        var connector = Assert.Single(ListConnectorsResponse.Parser.ParseJson(json.Out).Connectors);
        Assert.Equal(("sprout", ConnectorKind.SproutSocial, "http://127.0.0.1:9"), (connector.Name, connector.Kind, connector.BaseAddress));
        Assert.DoesNotContain("not-a-real-token", json.Out);
        Assert.Contains("sprout", table.Out);
        Assert.Contains("on demand", table.Out);
        Assert.True(none.Code == ExitCodes.Ok, none.Err);
        Assert.Contains("no connectors configured", none.Out);
    }

    [Fact]
    public async Task ExitsRefusedGivenUnknownConnector()
    {
        var key = await server.CreateKeyAsync(UnreachableConnectorServer.Tenant, Role.Ingest);
        var other = await server.CreateKeyAsync("cli-connectors-other", Role.Ingest);

        var unknown = await Coe(key, "connectors", "sync", "nope");
        var othersTenant = await Coe(other, "connectors", "sync", "sprout");
        var badRunId = await Coe(key, "connectors", "run", "not-a-run");

        Assert.Equal(ExitCodes.Refused, unknown.Code);
        Assert.StartsWith("error: NotFound:", unknown.Err);
        Assert.Equal(ExitCodes.Refused, othersTenant.Code); // another tenant's connector is not there for it
        Assert.Equal(ExitCodes.Refused, badRunId.Code);
        Assert.Contains("InvalidArgument: run_id: must be a run id", badRunId.Err);
    }

    [Fact]
    public async Task ExitsAuthGivenViewerKeyTriggeringSync()
    {
        var viewer = await server.CreateKeyAsync(UnreachableConnectorServer.Tenant, Role.Viewer);

        var (code, _, error) = await Coe(viewer, "connectors", "sync", "sprout");

        Assert.Equal(ExitCodes.Auth, code);
        Assert.Contains("PermissionDenied", error);
    }

    [Fact]
    public async Task PrintsFailedRunAndExitsRunFailedGivenUnreachableSource()
    {
        var key = await server.CreateKeyAsync(UnreachableConnectorServer.Tenant, Role.Ingest);

        var synced = await Coe(key, "connectors", "sync", "sprout", "--wait", "-o", "json");
        var run = SyncRun.Parser.ParseJson(synced.Out);
        var read = await Coe(key, "connectors", "run", run.RunId, "-o", "json");
        var table = await Coe(key, "connectors", "run", run.RunId);
        var listed = await Coe(key, "connectors", "list", "-o", "json");

        Assert.Equal(ExitCodes.RunFailed, synced.Code);
        Assert.Equal((SyncRunState.Failed, "sprout", "api"), (run.State, run.Connector, run.Trigger));
        Assert.NotEmpty(run.Errors);
        Assert.Contains($"run {run.RunId} of sprout failed", synced.Err);
        Assert.Equal(ExitCodes.RunFailed, read.Code);
        Assert.Equal(run, SyncRun.Parser.ParseJson(read.Out));
        Assert.Contains("failed", table.Out);
        Assert.Contains("error: ", table.Out);
        Assert.Equal(run.RunId, Assert.Single(ListConnectorsResponse.Parser.ParseJson(listed.Out).Connectors).LastRun.RunId);
    }
}
