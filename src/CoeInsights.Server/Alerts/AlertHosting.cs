using System.Threading.Channels;
using CoeInsights.Alerts;
using CoeInsights.Server.Hosting;
using CoeInsights.Store;
using Marten;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CoeInsights.Server.Alerts;

public static class AlertsRegistration
{
    /// <summary>The raiser and the escalator; a host that registered its own <see cref="IAlertOutbox"/> first (delivery, a test) keeps it.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.TryAddSingleton<IAlertOutbox, NoAlertOutbox>();
        services.AddSingleton(sp => new AlertRaising(sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<IAlertOutbox>()));
        services.AddHostedService<AlertRaiser>();
        services.AddHostedService<AlertEscalator>();
        return services;
    }
}

/// <summary>
/// Raises alerts in the background, per tenant: woken by the commit notification of the tenant's KPI events
/// (<see cref="ChangeNotifier"/>, the key WatchAlerts waits for), and every fallback interval (and after the LISTEN
/// connection was down) for every tenant with an enabled rule. The work is <see cref="AlertRaising"/>'s.
/// </summary>
public sealed class AlertRaiser(AlertRaising raising, ChangeNotifier changes, TimeProvider clock, ILogger<AlertRaiser> log) : BackgroundService
{
    private const string All = "";
    private readonly Channel<string> _wake = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        const string prefix = "kpis:";
        void OnChanged(string key)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal)) _wake.Writer.TryWrite(key[prefix.Length..]);
        }
        void OnInterrupted() => _wake.Writer.TryWrite(All);
        changes.Changed += OnChanged;
        changes.Interrupted += OnInterrupted;
        try
        {
            _wake.Writer.TryWrite(All);
            while (!stoppingToken.IsCancellationRequested)
            {
                using var fallback = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                fallback.CancelAfter(changes.FallbackInterval);
                string first;
                try
                {
                    first = await _wake.Reader.ReadAsync(fallback.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    first = All;
                }
                // Everything queued meanwhile in one pass per tenant.
                var tenants = new HashSet<string>(StringComparer.Ordinal) { first };
                while (_wake.Reader.TryRead(out var more)) tenants.Add(more);
                await PassAsync(tenants, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            changes.Changed -= OnChanged;
            changes.Interrupted -= OnInterrupted;
        }
    }

    private async Task PassAsync(HashSet<string> tenants, CancellationToken ct)
    {
        try
        {
            if (tenants.Remove(All)) tenants.UnionWith(await raising.TenantsWithRulesAsync(ct));
            foreach (var tenant in tenants)
            {
                var raised = await raising.PassAsync(tenant, clock.GetUtcNow(), ct);
                if (raised > 0) log.LogInformation("Alerts: raised {Count} in tenant {Tenant}", raised, tenant);
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // E.g. the store is down: the stored positions hold, the next wake-up or sweep looks again.
            log.LogWarning("Alerts: raising failed, retrying on the next change or sweep: {Error}", e.Message);
        }
    }
}

/// <summary>
/// Every <see cref="PollInterval"/> on the server's clock, escalates the open alerts whose escalation is due
/// (<see cref="AlertEscalation"/>). A replica that loses the race to escalate an alert skips it.
/// </summary>
public sealed class AlertEscalator(IDocumentStore store, IAlertOutbox outbox, TimeProvider clock, ILogger<AlertEscalator> log) : BackgroundService
{
    public static TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(PollInterval, clock, stoppingToken);
                var moved = await AlertEscalation.PassAsync(store, outbox, clock.GetUtcNow(), stoppingToken);
                if (moved > 0) log.LogInformation("Alerts: escalated {Count}", moved);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning("Alerts: escalation failed, retrying next interval: {Error}", e.Message);
            }
        }
    }
}
