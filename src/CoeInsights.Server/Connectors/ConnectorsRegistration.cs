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
        {
            if (s.RestateDays is < 0 or > 366 || s.MaxDaysPerRequest < 1)
                throw new InvalidOperationException(
                    $"Sprout connector '{s.Name}': RestateDays must be 0 to 366 and MaxDaysPerRequest at least 1 (got {s.RestateDays} and {s.MaxDaysPerRequest}).");
            if (s.MaxProfilesPerRequest is < 1 or > 100 || s.MaxResultsPerRequest is < 1 or > 10_000 || s.MaxRequestsPerMinute < 1)
                throw new InvalidOperationException(
                    $"Sprout connector '{s.Name}': MaxProfilesPerRequest must be 1 to 100, MaxResultsPerRequest 1 to 10000 and MaxRequestsPerMinute at least 1 (Sprout's documented limits).");
            foreach (var (network, zone) in s.TimeZones)
                if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
                    throw new InvalidOperationException($"Sprout connector '{s.Name}': TimeZones:{network} '{zone}' is not an IANA time zone id.");
        }
        services.AddSingleton(options);
        // Sprout's 60 requests per minute are per customer account: one slot schedule in PostgreSQL for every process on the store.
        services.AddSingleton<ISproutRateGate>(sp => sp.GetService<Marten.IDocumentStore>() is { } store
            ? new PostgresSproutRateGate(store)
            : new InProcessSproutRateGate());
        services.AddConnectorHttpClients(options);
        services.AddSingleton<SproutSync>();
        services.AddSingleton<PowerBiPush>();
        services.AddSingleton<ConnectorRuns>();
        return services;
    }
}
