using CoeInsights.Access;
using CoeInsights.Access.Authenticating;
using CoeInsights.Common;
using CoeInsights.Server.Errors;
using CoeInsights.Server.Hosting;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace CoeInsights.Server.Auth;

/// <summary>
/// Authenticates every call by its <c>authorization: Bearer &lt;api key&gt;</c> header (gRPC and JSON alike), fixes the
/// caller's tenant for the call and checks the method's required roles. Refusals carry ErrorInfo (reasons in
/// <see cref="ErrorReasons"/>). Streams keep re-checking their key while open (<see cref="StreamKeyGuard"/>).
/// </summary>
public sealed class ApiKeyInterceptor(ApiKeyLookup keys, CallerContext callerContext, IOptions<CoeServerOptions> options, TimeProvider time) : Interceptor
{
    private const string Scheme = "Bearer ";

    private async Task<Caller?> AuthenticateAsync(ServerCallContext context)
    {
        if (AnonymousServices.IsAnonymous(context)) return null;
        var header = context.RequestHeaders.GetValue("authorization");
        if (string.IsNullOrWhiteSpace(header) || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            throw Refuse(Code.Unauthenticated, "Send 'authorization: Bearer <api key>'.", ErrorReasons.ApiKeyMissing);

        var secret = header[Scheme.Length..].Trim();
        var key = ApiKeySecrets.TryParseKeyId(secret, out var keyId) ? await keys.FindAsync(keyId, context.CancellationToken) : null;
        var (caller, refusal) = AuthenticateApiKey.Verify(key, secret);
        if (caller is null)
            throw refusal == KeyRefusal.Revoked
                ? Refuse(Code.Unauthenticated, "The API key was revoked.", ErrorReasons.ApiKeyRevoked)
                : Refuse(Code.Unauthenticated, "The API key is unknown or malformed.", ErrorReasons.ApiKeyInvalid);

        var required = context.GetHttpContext().GetEndpoint()?.Metadata.GetMetadata<RequireRoleAttribute>();
        if (required is not null && !required.Roles.Any(caller.Has))
        {
            var roles = string.Join(",", required.Roles.Select(r => r.ToString().ToLowerInvariant()));
            throw Refuse(Code.PermissionDenied, $"This call needs one of the roles: {roles.Replace(",", ", ", StringComparison.Ordinal)}.",
                ErrorReasons.RoleRequired, new Dictionary<string, string> { ["roles"] = roles });
        }
        callerContext.Set(caller);
        return caller;
    }

    private static RpcException Refuse(Code code, string message, string reason, IReadOnlyDictionary<string, string>? metadata = null) =>
        ErrorMappingInterceptor.Create(code, message, reason, metadata).ToRpcException();

    private StreamKeyGuard Guard(Caller caller, ServerCallContext context) =>
        // Clamped: the docs promise a revoked key ends a stream within 5 s; below 100 ms it would only load the store.
        StreamKeyGuard.Start(caller, keys, context,
            TimeSpan.FromTicks(Math.Clamp(options.Value.StreamKeyCheckInterval.Ticks, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(5).Ticks)), time);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthenticateAsync(context);
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (await AuthenticateAsync(context) is not { } caller) return await continuation(requestStream, context);
        await using var guard = Guard(caller, context);
        return await guard.RunAsync(() => continuation(guard.Guard(requestStream), guard.Context));
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (await AuthenticateAsync(context) is not { } caller)
        {
            await continuation(request, responseStream, context);
            return;
        }
        await using var guard = Guard(caller, context);
        await guard.RunAsync(async () => { await continuation(request, guard.Guard(responseStream), guard.Context); return true; });
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (await AuthenticateAsync(context) is not { } caller)
        {
            await continuation(requestStream, responseStream, context);
            return;
        }
        await using var guard = Guard(caller, context);
        await guard.RunAsync(async () => { await continuation(guard.Guard(requestStream), guard.Guard(responseStream), guard.Context); return true; });
    }
}
