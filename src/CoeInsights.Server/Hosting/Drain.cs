using CoeInsights.Common;
using CoeInsights.Server.Auth;
using CoeInsights.Server.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CoeInsights.Server.Hosting;

/// <summary>
/// Graceful drain on SIGTERM (or any host stop). The host calls <see cref="StoppingAsync"/> before Kestrel stops
/// listening: from then on gRPC health and /readyz say NOT_SERVING so the balancer moves new calls elsewhere, while
/// this replica keeps answering for <see cref="CoeServerOptions.DrainPeriod"/>. Then open streams end with
/// UNAVAILABLE / SERVER_DRAINING (a client reconnects, reaching another replica, and resumes), and Kestrel lets the
/// unary calls still running finish within <see cref="CoeServerOptions.StopTimeout"/>.
/// </summary>
public sealed class ServerDrain(IOptions<CoeServerOptions> options, ILogger<ServerDrain> logger) : IHostedLifecycleService, IDisposable
{
    private readonly CancellationTokenSource _streams = new();
    private volatile bool _draining;

    public bool Draining => _draining;

    /// <summary>Fires when the drain period is over: every open stream ends.</summary>
    public CancellationToken StreamsEnding => _streams.Token;

    public async Task StoppingAsync(CancellationToken ct)
    {
        _draining = true;
        var period = options.Value.DrainPeriod;
        logger.LogInformation("Draining: health reports NOT_SERVING; calls are served for {DrainPeriod} before open streams end", period);
        try
        {
            // Wall time on purpose: the balancer's probes run on it (a test's fake clock must not hold a stop forever).
            if (period > TimeSpan.Zero) await Task.Delay(period, ct);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout passed first: end the streams now.
        }
        await _streams.CancelAsync();
        logger.LogInformation("Drain period over: open streams end with UNAVAILABLE {Reason}", ErrorReasons.ServerDraining);
    }

    public Task StartingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;

    public void Dispose() => _streams.Dispose();

    public static RpcException DrainingError() => ErrorMappingInterceptor.Create(Google.Rpc.Code.Unavailable,
        "This server is shutting down: reconnect (another replica answers) and resume.", ErrorReasons.ServerDraining).ToRpcException();
}

/// <summary>Readiness: unhealthy while the replica drains (liveness does not ask it).</summary>
public sealed class DrainHealthCheck(ServerDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(drain.Draining ? HealthCheckResult.Unhealthy("The server is draining.") : HealthCheckResult.Healthy());
}

/// <summary>
/// Gives every stream a token that also fires when the drain period ends, and turns the ending into
/// UNAVAILABLE / SERVER_DRAINING (instead of OK, which would tell a watcher it is done, or a reset stream).
/// Unary calls pass untouched: they run to their end.
/// </summary>
public sealed class DrainInterceptor(ServerDrain drain) : Interceptor
{
    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        Run(context, c => continuation(requestStream, c));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        Run(context, async c => { await continuation(request, responseStream, c); return true; });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        Run(context, async c => { await continuation(requestStream, responseStream, c); return true; });

    private async Task<T> Run<T>(ServerCallContext context, Func<ServerCallContext, Task<T>> body)
    {
        if (drain.StreamsEnding.IsCancellationRequested) throw ServerDrain.DrainingError();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, drain.StreamsEnding);
        try
        {
            var result = await body(new StreamKeyGuard.GuardedCallContext(context, cts.Token));
            if (EndedByDrain(context)) throw ServerDrain.DrainingError();
            return result;
        }
        catch (Exception) when (EndedByDrain(context))
        {
            throw ServerDrain.DrainingError();
        }
    }

    private bool EndedByDrain(ServerCallContext context) =>
        drain.StreamsEnding.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested;
}
