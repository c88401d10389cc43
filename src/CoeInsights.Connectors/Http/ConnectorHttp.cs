using System.Net.Http.Headers;
using System.Text.Json;
using CoeInsights.Connectors.PowerBi;
using CoeInsights.Connectors.Sprout;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Refit;

namespace CoeInsights.Connectors.Http;

/// <summary>One named HttpClient per configured connector, each with the resilience pipeline; Refit clients on top.</summary>
public static class ConnectorHttp
{
    public static string ClientName(string connector) => "connector:" + connector;

    /// <summary>The client a Power BI connector with client credentials asks the Microsoft Entra token endpoint with.</summary>
    public static string TokenClientName(string connector) => "connector:" + connector + ":token";

    public static readonly RefitSettings Refit = new(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    /// <summary>Registers the HttpClients of every connector in <paramref name="options"/>.</summary>
    public static IServiceCollection AddConnectorHttpClients(this IServiceCollection services, ConnectorsOptions options)
    {
        services.AddHttpClient(); // the factory itself, also when no connector is configured
        services.AddSingleton<EntraTokens>();
        foreach (var connector in options.All)
        {
            var c = connector;
            var entra = c is PowerBiConnectorOptions { UsesClientCredentials: true } p ? p : null;
            var client = services.AddHttpClient(ClientName(c.Name), http =>
                {
                    http.BaseAddress = c.BaseAddress;
                    // The pipeline's own timeouts govern; HttpClient's 100 s default must not cut them short.
                    http.Timeout = Timeout.InfiniteTimeSpan;
                    if (entra is null && !string.IsNullOrEmpty(c.AccessToken))
                        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", c.AccessToken);
                });
            client.AddResilienceHandler("connector", builder => Configure(builder, options.Resilience));
            if (entra is null) continue;
            if (string.IsNullOrEmpty(entra.ClientSecret) || (entra.TokenEndpoint is null && string.IsNullOrWhiteSpace(entra.EntraTenantId)))
                throw new InvalidOperationException(
                    $"Power BI connector '{entra.Name}' has a ClientId: it needs a ClientSecret and an EntraTenantId (or a TokenEndpoint).");
            // A service principal has no My workspace (https://learn.microsoft.com/power-bi/developer/embedded/embed-service-principal).
            if (!Guid.TryParse(entra.WorkspaceId, out _))
                throw new InvalidOperationException(
                    $"Power BI connector '{entra.Name}' uses a service principal (ClientId): it needs the WorkspaceId (group id) of a workspace " +
                    "the service principal is a member of; service principals cannot use My workspace.");
            // Innermost: every attempt (also a retry after a long Retry-After) carries a current token.
            client.AddHttpMessageHandler(sp => new EntraAuthHandler(sp.GetRequiredService<EntraTokens>().For(entra)));
            services.AddHttpClient(TokenClientName(c.Name), http => http.Timeout = Timeout.InfiniteTimeSpan)
                .AddResilienceHandler("connector-token", builder => Configure(builder, options.Resilience));
        }
        return services;
    }

    /// <summary>
    /// Total timeout → retry (exponential backoff with jitter on 408, 429, 5xx and network errors; a Retry-After header wins
    /// over the backoff) → circuit breaker → per-attempt timeout.
    /// </summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ConnectorResilienceOptions o)
    {
        builder.AddTimeout(o.TotalTimeout);
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = o.MaxRetryAttempts,
            Delay = o.RetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldRetryAfterHeader = true,
        });
        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = o.BreakerFailureRatio,
            MinimumThroughput = o.BreakerMinimumThroughput,
            SamplingDuration = o.BreakerSamplingDuration,
            BreakDuration = o.BreakDuration,
        });
        builder.AddTimeout(o.AttemptTimeout);
    }

    public static ISproutApi Sprout(this IHttpClientFactory factory, string connector) =>
        RestService.For<ISproutApi>(factory.CreateClient(ClientName(connector)), Refit);

    public static IPowerBiPushApi PowerBi(this IHttpClientFactory factory, string connector) =>
        RestService.For<IPowerBiPushApi>(factory.CreateClient(ClientName(connector)), Refit);
}
