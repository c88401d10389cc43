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
/// Builds a channel that sends the API key on every call and retries, on UNAVAILABLE through gRPC's service config,
/// the methods the protos mark NO_SIDE_EFFECTS or IDEMPOTENT (reads, and writes safe to repeat); never other writes.
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
            ServiceConfig = new ServiceConfig { MethodConfigs = { RetriedMethods } },
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
    }

    /// <summary>Call options with the default deadline, for callers that do not pass their own.</summary>
    public static CallOptions Options(CoeClientOptions options, CancellationToken ct = default) =>
        new(deadline: DateTime.UtcNow + options.DefaultDeadline, cancellationToken: ct);

    /// <summary>Retries on UNAVAILABLE for the methods the protos' idempotency_level marks safe (<see cref="CoeApi.RetriedMethods"/>).</summary>
    public static MethodConfig RetriedMethods
    {
        get
        {
            var config = Retry();
            foreach (var m in CoeApi.RetriedMethods) config.Names.Add(new MethodName { Service = m.Service.FullName, Method = m.Name });
            return config;
        }
    }

    private static MethodConfig Retry() => new()
    {
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
