using Microsoft.Extensions.DependencyInjection.Extensions;
using CoeInsights.Alerts;
using CoeInsights.Alerts.Delivery;

namespace CoeInsights.Server.Alerts.Delivery;

public static class DeliveryRegistration
{
    /// <summary>The outbox (IAlertOutbox for the alert module), its dispatcher and senders; settings Coe:Delivery and Coe:Smtp.</summary>
    public static IServiceCollection AddAlertDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DeliveryOptions>(configuration.GetSection(DeliveryOptions.Section));
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        // Try: a host (a test recording notices) that registered its own outbox first keeps it.
        services.TryAddSingleton<IAlertOutbox, MartenAlertOutbox>();
        // No resilience handler: the outbox retries durably (DeliveryPolicy), each attempt recorded. Redirects are not
        // followed: a receiver that moved is a configuration to fix, not a place to send alerts to unseen.
        services.AddHttpClient(NoticeSenders.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddSingleton<NoticeSenders>();
        services.AddSingleton<AlertDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertDispatcher>());
        return services;
    }
}
