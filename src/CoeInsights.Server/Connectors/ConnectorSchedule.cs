using CoeInsights.Connectors;

namespace CoeInsights.Server.Connectors;

/// <summary>
/// At start, marks failed the runs a killed or crashed server process left "running" (<see cref="ConnectorRuns.RecoverAsync(CancellationToken)"/>);
/// then runs every connector that has a SyncInterval: once at start, then every interval. A run resumes from the stored
/// checkpoints, so a restart neither skips nor repeats a day. Failures are recorded on the run and retried next interval.
/// </summary>
public sealed class ConnectorSchedule(ConnectorRuns runs, TimeProvider clock, ILogger<ConnectorSchedule> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await runs.RecoverAsync(stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // E.g. the store is not reachable yet: the next TriggerSync or scheduled run recovers its connector.
            log.LogWarning("Connectors: could not check for runs left running by a stopped server: {Error}", e.Message);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await Task.WhenAll(runs.Options.All.Where(c => c.SyncInterval > TimeSpan.Zero).Select(c => LoopAsync(c, stoppingToken)));
    }

    /// <summary>Running runs stop (and record how far they got) before the host disposes the HTTP clients and the store.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await runs.StopAsync();
    }

    private async Task LoopAsync(ConnectorOptions connector, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await runs.RunAsync(connector.Tenant, connector.Name, "schedule", ct);
                await Task.Delay(connector.SyncInterval, clock, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // E.g. the store is down: the run could not even be recorded. Try again next interval.
                log.LogWarning("Connector {Connector}: scheduled run not started: {Error}", connector.Name, e.Message);
                try
                {
                    await Task.Delay(connector.SyncInterval, clock, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
