using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace CoeInsights.Client;

public sealed record CoeClientOptions
{
    /// <summary>gRPC address, e.g. http://127.0.0.1:5080.</summary>
    public required Uri Address { get; init; }
    /// <summary>The bearer secret of an API key (coe_…).</summary>
    public required string ApiKey { get; init; }
    /// <summary>Deadline applied by <see cref="CoeChannel.Options"/> when a call sets none.</summary>
    public TimeSpan DefaultDeadline { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Builds a channel that sends the API key on every call and retries idempotent reads (Get*, List*)
/// on UNAVAILABLE through gRPC's service config, never writes.
/// </summary>
public static class CoeChannel
{
    public static GrpcChannel Create(CoeClientOptions options, HttpMessageHandler? handler = null)
    {
        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", $"Bearer {options.ApiKey}");
            return Task.CompletedTask;
        });
        return GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            Credentials = options.Address.Scheme == Uri.UriSchemeHttps
                ? ChannelCredentials.Create(new SslCredentials(), credentials)
                : ChannelCredentials.Create(ChannelCredentials.Insecure, credentials),
            // The server listens on loopback in cleartext by default; keys still travel only there.
            UnsafeUseInsecureChannelCallCredentials = options.Address.Scheme == Uri.UriSchemeHttp,
            ServiceConfig = new ServiceConfig { MethodConfigs = { IdempotentReads } },
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
    }

    /// <summary>Call options with the default deadline, for callers that do not pass their own.</summary>
    public static CallOptions Options(CoeClientOptions options, CancellationToken ct = default) =>
        new(deadline: DateTime.UtcNow + options.DefaultDeadline, cancellationToken: ct);

    private static MethodConfig IdempotentReads => new()
    {
        Names =
        {
            new MethodName { Service = "coeinsights.v1.ServerInfoService" },
            new MethodName { Service = "coeinsights.v1.AdminService", Method = "ListTenants" },
            new MethodName { Service = "coeinsights.v1.AdminService", Method = "ListApiKeys" },
            new MethodName { Service = "coeinsights.v1.KpiService", Method = "ListProfiles" },
            new MethodName { Service = "coeinsights.v1.KpiService", Method = "ListMetrics" },
            new MethodName { Service = "coeinsights.v1.KpiService", Method = "ListObservationVersions" },
            new MethodName { Service = "coeinsights.v1.KpiService", Method = "QuerySeries" },
            new MethodName { Service = "coeinsights.v1.KpiService", Method = "GetTrend" },
            new MethodName { Service = "coeinsights.v1.KpiService", Method = "DetectAnomalies" },
            new MethodName { Service = "coeinsights.v1.KpiService", Method = "Forecast" },
            new MethodName { Service = "coeinsights.v1.KpiService", Method = "CorrelateMetrics" },
            new MethodName { Service = "coeinsights.v1.KpiService", Method = "AnalyzeSeries" },
            new MethodName { Service = "coeinsights.v1.KpiService", Method = "QueryDerivedKpis" },
            new MethodName { Service = "coeinsights.v1.KpiService", Method = "CompareNetworks" },
            new MethodName { Service = "coeinsights.v1.KpiService", Method = "BenchmarkCompetitors" },
            new MethodName { Service = "coeinsights.v1.EvaluationService", Method = "GetEvaluation" },
            new MethodName { Service = "coeinsights.v1.EvaluationService", Method = "ListEvaluations" },
            new MethodName { Service = "coeinsights.v1.EvaluationService", Method = "GetEvaluationHistory" },
            new MethodName { Service = "coeinsights.v1.SurveyService", Method = "GetSurvey" },
            new MethodName { Service = "coeinsights.v1.SurveyService", Method = "ListSurveys" },
            new MethodName { Service = "coeinsights.v1.SurveyService", Method = "GetSurveyResults" },
            new MethodName { Service = "coeinsights.v1.SurveyService", Method = "DeriveWeights" },
        },
        RetryPolicy = new RetryPolicy
        {
            MaxAttempts = 4,
            InitialBackoff = TimeSpan.FromMilliseconds(200),
            MaxBackoff = TimeSpan.FromSeconds(2),
            BackoffMultiplier = 2,
            RetryableStatusCodes = { StatusCode.Unavailable },
        },
    };
}
