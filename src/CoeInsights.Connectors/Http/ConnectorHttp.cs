using System.Net.Http.Headers;
using System.Text.Json;
using CoeInsights.Connectors.PowerBi;
using CoeInsights.Connectors.Sprout;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Refit;

namespace CoeInsights.Connectors.Http;

/// <summary>One named HttpClient per configured connector, each with the resilience pipeline; Refit clients on top.</summary>
public static class ConnectorHttp
{
    public static string ClientName(string connector) => "connector:" + connector;

    /// <summary>The client a connector with client credentials asks its token endpoint with (Microsoft Entra, Sprout's identity server).</summary>
    public static string TokenClientName(string connector) => "connector:" + connector + ":token";

    public static readonly RefitSettings Refit = new(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    /// <summary>Registers the HttpClients of every connector in <paramref name="options"/>.</summary>
    public static IServiceCollection AddConnectorHttpClients(this IServiceCollection services, ConnectorsOptions options)
    {
        services.AddHttpClient(); // the factory itself, also when no connector is configured
        services.AddSingleton<EntraTokens>();
        services.TryAddSingleton(sp => new ConnectorDelays(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ISproutRateGate, InProcessSproutRateGate>();
        foreach (var connector in options.All)
        {
            var c = connector;
            ClientCredentials? credentials = c is SproutConnectorOptions { UsesClientCredentials: true } s ? ClientCredentials.For(s) : null;
            var entraApp = c is PowerBiConnectorOptions { UsesClientCredentials: true } pbi ? pbi : null;
            var client = services.AddHttpClient(ClientName(c.Name), http =>
                {
                    http.BaseAddress = c.BaseAddress;
                    // The pipeline's own timeouts govern; HttpClient's 100 s default must not cut them short.
                    http.Timeout = Timeout.InfiniteTimeSpan;
                    if (credentials is null && entraApp is null && !string.IsNullOrEmpty(c.AccessToken))
                        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", c.AccessToken);
                });
            if (c is SproutConnectorOptions sprout)
                // Outermost: pacing and the 202/429 waits stay outside the pipeline's timeouts and breaker.
                client.AddHttpMessageHandler(sp => new SproutPacingHandler(sprout, sp.GetRequiredService<ISproutRateGate>(), sp.GetRequiredService<ConnectorDelays>()));
            client.AddResilienceHandler("connector", builder => Configure(builder, options.Resilience, retryTooManyRequests: c is not SproutConnectorOptions and not PowerBiConnectorOptions));
            if (credentials is null && entraApp is null) continue;
            if (entraApp is { } entra && (string.IsNullOrEmpty(entra.ClientSecret) || string.IsNullOrWhiteSpace(entra.EntraTenantId)))
                throw new InvalidOperationException(
                    $"Power BI connector '{entra.Name}' has a ClientId: it needs a ClientSecret and an EntraTenantId.");
            if (credentials is not null && string.IsNullOrEmpty(credentials.ClientSecret))
                throw new InvalidOperationException($"Sprout connector '{c.Name}' has a ClientId: it needs a ClientSecret.");
            // A service principal has no My workspace (https://learn.microsoft.com/power-bi/developer/embedded/embed-service-principal).
            if (c is PowerBiConnectorOptions principal && !Guid.TryParse(principal.WorkspaceId, out _))
                throw new InvalidOperationException(
                    $"Power BI connector '{principal.Name}' uses a service principal (ClientId): it needs the WorkspaceId (group id) of a workspace " +
                    "the service principal is a member of; service principals cannot use My workspace.");
            // Innermost: every attempt (also a retry after a long wait or Retry-After) carries a current token.
            client.AddHttpMessageHandler(sp => new EntraAuthHandler(entraApp is not null
                ? sp.GetRequiredService<EntraTokens>().For(entraApp)
                : sp.GetRequiredService<EntraTokens>().For(credentials!)));
            services.AddHttpClient(TokenClientName(c.Name), http => http.Timeout = Timeout.InfiniteTimeSpan)
                .AddResilienceHandler("connector-token", builder => Configure(builder, options.Resilience));
        }
        return services;
    }

    /// <summary>
    /// Total timeout → retry (exponential backoff with jitter on 408, 5xx, network errors and, unless the connector paces
    /// itself, 429; a Retry-After header wins over the backoff) → circuit breaker (never on 429: the remote is up, only busy) →
    /// per-attempt timeout.
    /// </summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ConnectorResilienceOptions o, bool retryTooManyRequests = true)
    {
        static bool TooMany(Outcome<HttpResponseMessage> outcome) => outcome.Result?.StatusCode == System.Net.HttpStatusCode.TooManyRequests;
        builder.AddTimeout(o.TotalTimeout);
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = o.MaxRetryAttempts,
            Delay = o.RetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome) && (retryTooManyRequests || !TooMany(args.Outcome))),
        });
        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = o.BreakerFailureRatio,
            MinimumThroughput = o.BreakerMinimumThroughput,
            SamplingDuration = o.BreakerSamplingDuration,
            BreakDuration = o.BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome) && !TooMany(args.Outcome)),
        });
        builder.AddTimeout(o.AttemptTimeout);
    }

    public static ISproutApi Sprout(this IHttpClientFactory factory, string connector) =>
        RestService.For<ISproutApi>(factory.CreateClient(ClientName(connector)), Refit);

    public static IPowerBiPushApi PowerBi(this IHttpClientFactory factory, string connector) =>
        RestService.For<IPowerBiPushApi>(factory.CreateClient(ClientName(connector)), Refit);
}
