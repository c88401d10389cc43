using CoeInsights.Connectors.Http;
using CoeInsights.Connectors.PowerBi;
using CoeInsights.Connectors.Sync;
using CoeInsights.Connectors;
using Microsoft.Extensions.DependencyInjection;

namespace CoeInsights.Server.Connectors;

public static class ConnectorsRegistration
{
    /// <summary>The configured connectors, their resilient HttpClients and the run coordinator.</summary>
    public static IServiceCollection AddConnectors(this IServiceCollection services, ConnectorsOptions options)
    {
        var names = options.All.Select(c => c.Name).ToList();
        if (names.Any(string.IsNullOrWhiteSpace)) throw new InvalidOperationException($"Every connector in {ConnectorsOptions.Section} needs a Name.");
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new InvalidOperationException($"Connector names in {ConnectorsOptions.Section} must be unique.");
        foreach (var s in options.Sprout)
            if (s.RestateDays is < 0 or > 366 || s.MaxDaysPerRequest < 1)
                throw new InvalidOperationException(
                    $"Sprout connector '{s.Name}': RestateDays must be 0 to 366 and MaxDaysPerRequest at least 1 (got {s.RestateDays} and {s.MaxDaysPerRequest}).");
        services.AddSingleton(options);
        services.AddConnectorHttpClients(options);
        services.AddSingleton<SproutSync>();
        services.AddSingleton<PowerBiPush>();
        services.AddSingleton<ConnectorRuns>();
        return services;
    }
}
