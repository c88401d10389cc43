using CoeInsights.Testing;
using CoeInsights.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace CoeInsights.Connectors.Tests;

using SyncRunState = CoeInsights.V1.SyncRunState;

/// <summary>Two servers on one store with the same connectors (a replica shares the first's schema, key and fakes).</summary>
public sealed class ConnectorReplicas : IAsyncLifetime
{
    public ConnectorServer First { get; } = new();
    public TestServer Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await First.InitializeAsync();
        Second = new Replica(First);
        await Second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Second.DisposeAsync();
        await First.DisposeAsync();
    }

    private sealed class Replica(ConnectorServer first) : TestServer(first)
    {
        protected override void Configure(WebApplicationBuilder builder) => builder.Configuration.AddInMemoryCollection(first.Settings());
    }
}

/// <summary>
/// A run started on one replica, asked about on the other: TriggerSync answers the run that is running (not an earlier
/// finished one) and GetSyncRun with wait returns only once that run has finished in the other process.
/// </summary>
public sealed class ConnectorReplicaTests(ConnectorReplicas servers) : IClassFixture<ConnectorReplicas>
{
    [Fact]
    public async Task AnswersAndWaitsForTheRunningRunGivenItRunsOnTheOtherReplica()
    {
        var key = await servers.First.CreateKeyAsync(ConnectorServer.Tenant, Role.Ingest);
        var onFirst = new ConnectorService.ConnectorServiceClient(servers.First.Channel(key));
        var onSecond = new ConnectorService.ConnectorServiceClient(servers.Second.Channel(key));
        var earlier = await onFirst.TriggerSyncAsync(new TriggerSyncRequest { Connector = "sprout", Wait = true });
        Assert.Equal(SyncRunState.Succeeded, earlier.State);

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        servers.First.Sprout.OnAnalytics = async (_, _) =>
        {
            entered.TrySetResult();
            await gate.Task;
        };
        try
        {
            var running = await onFirst.TriggerSyncAsync(new TriggerSyncRequest { Connector = "sprout" });
            await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

            var answered = await onSecond.TriggerSyncAsync(new TriggerSyncRequest { Connector = "sprout" });
            Assert.Equal((running.RunId, SyncRunState.Running), (answered.RunId, answered.State));

            var waited = onSecond.GetSyncRunAsync(new GetSyncRunRequest { RunId = running.RunId, Wait = true }).ResponseAsync;
            var triggeredAndWaited = onSecond.TriggerSyncAsync(new TriggerSyncRequest { Connector = "sprout", Wait = true }).ResponseAsync;
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.False(waited.IsCompleted, "GetSyncRun(wait) on the other replica answered while the run was still going");
            Assert.False(triggeredAndWaited.IsCompleted, "TriggerSync(wait) on the other replica answered while the run was still going");

            gate.SetResult();
            var finished = await waited.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal((running.RunId, SyncRunState.Succeeded), (finished.RunId, finished.State));
            var alsoFinished = await triggeredAndWaited.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal((running.RunId, SyncRunState.Succeeded), (alsoFinished.RunId, alsoFinished.State));
        }
        finally
        {
            servers.First.Sprout.OnAnalytics = null;
            gate.TrySetResult();
        }
    }
}
