using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CoeInsights.Server.Numbers;

/// <summary>
/// Runs <see cref="FiniteNumbers.Enforce"/> on every answer (unary and each streamed message) before it is
/// written, on both ports (JSON transcoding runs the same interceptors). A cleared number is logged as an error:
/// the analysis should have decided it (docs/trends.md); the answer still goes out, with the field unset.
/// </summary>
public sealed class FiniteResponseInterceptor(ILogger<FiniteResponseInterceptor> logger) : Interceptor
{
    private T Check<T>(T response, ServerCallContext context)
    {
        if (response is IMessage message)
        {
            var cleared = FiniteNumbers.Enforce(message);
            if (cleared.Count > 0)
                logger.LogError("{Method} answered non-finite numbers; cleared {Fields}", context.Method, string.Join(", ", cleared));
        }
        return response;
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        Check(await continuation(request, context), context);

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        Check(await continuation(requestStream, context), context);

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(request, new CheckedWriter<TResponse>(responseStream, this, context), context);

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(requestStream, new CheckedWriter<TResponse>(responseStream, this, context), context);

    private sealed class CheckedWriter<T>(IServerStreamWriter<T> inner, FiniteResponseInterceptor owner, ServerCallContext context) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(T message) => inner.WriteAsync(owner.Check(message, context));

        public Task WriteAsync(T message, CancellationToken cancellationToken) => inner.WriteAsync(owner.Check(message, context), cancellationToken);
    }
}
