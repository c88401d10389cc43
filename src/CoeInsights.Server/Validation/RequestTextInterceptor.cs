using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CoeInsights.Server.Validation;

/// <summary>
/// Refuses bad text and impossible values at the door, before any service code or store sees it: every unary request
/// and every message of a client or duplex stream goes through <see cref="RequestText"/> and <see cref="RequestValues"/>
/// (unknown enum numbers, the all-zero id). JSON transcoding runs
/// through the same interceptors, so both ports get the same check. A refusal is an
/// <see cref="InvalidInputException"/>, which the error interceptor maps to INVALID_ARGUMENT.
/// </summary>
public sealed class RequestTextInterceptor : Interceptor
{
    /// <param name="prefix">For a streamed message, its position in the call (<c>batches[i].</c>), as the handlers name it.</param>
    private static void Check<TRequest>(TRequest request, string prefix = "")
    {
        if (request is not IMessage message) return;
        var violations = RequestText.Check(message).Concat(RequestValues.Check(message)).Take(RequestText.MaxViolations)
            .Select(v => prefix.Length == 0 ? v : v with { Field = prefix + v.Field }).ToList();
        if (violations.Count > 0) throw new InvalidInputException(violations);
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CheckedReader<TRequest>(requestStream), context);

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CheckedReader<TRequest>(requestStream), responseStream, context);

    /// <summary>Checks each streamed message as the service reads it: a bad one ends the call before the service sees it.</summary>
    private sealed class CheckedReader<T>(IAsyncStreamReader<T> inner) : IAsyncStreamReader<T>
    {
        private int _index;

        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken)) return false;
            Check(inner.Current, $"batches[{_index++}].");
            return true;
        }
    }
}
