using CoeInsights.Access;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CoeInsights.Server.Auth;

/// <summary>
/// Authenticates every call by its <c>authorization: Bearer &lt;api key&gt;</c> header (gRPC and
/// JSON alike), fixes the caller's tenant for the call and checks the method's required roles.
/// </summary>
public sealed class ApiKeyInterceptor(ApiKeyCache keys, CallerContext callerContext) : Interceptor
{
    private async Task AuthenticateAsync(ServerCallContext context)
    {
        if (AnonymousServices.IsAnonymous(context)) return;
        var header = context.RequestHeaders.GetValue("authorization");
        if (string.IsNullOrWhiteSpace(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "Send 'authorization: Bearer <api key>'."));

        var caller = await keys.LookupAsync(header["Bearer ".Length..].Trim(), context.CancellationToken);
        if (caller is null)
            throw new RpcException(new Status(StatusCode.Unauthenticated, "The API key is unknown or revoked."));

        var required = context.GetHttpContext().GetEndpoint()?.Metadata.GetMetadata<RequireRoleAttribute>();
        if (required is not null && !required.Roles.Any(caller.Has))
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"This call needs one of the roles: {string.Join(", ", required.Roles.Select(r => r.ToString().ToLowerInvariant()))}."));
        callerContext.Set(caller);
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthenticateAsync(context);
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthenticateAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthenticateAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthenticateAsync(context);
        await continuation(requestStream, responseStream, context);
    }
}
