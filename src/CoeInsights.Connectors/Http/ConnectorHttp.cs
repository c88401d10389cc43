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

    public static readonly RefitSettings Refit = new(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    /// <summary>Registers the HttpClients of every connector in <paramref name="options"/>.</summary>
    public static IServiceCollection AddConnectorHttpClients(this IServiceCollection services, ConnectorsOptions options)
    {
        services.AddHttpClient(); // the factory itself, also when no connector is configured
        foreach (var connector in options.All)
        {
            var c = connector;
            services.AddHttpClient(ClientName(c.Name), http =>
                {
                    http.BaseAddress = c.BaseAddress;
                    // The pipeline's own timeouts govern; HttpClient's 100 s default must not cut them short.
                    http.Timeout = Timeout.InfiniteTimeSpan;
                    if (!string.IsNullOrEmpty(c.AccessToken)) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", c.AccessToken);
                })
                .AddResilienceHandler("connector", builder => Configure(builder, options.Resilience));
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
