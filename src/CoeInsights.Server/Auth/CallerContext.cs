using CoeInsights.Access;
using Grpc.Core;

namespace CoeInsights.Server.Auth;

/// <summary>The authenticated caller of the current call (scoped). Set by <see cref="ApiKeyInterceptor"/>.</summary>
public sealed class CallerContext
{
    private Caller? _caller;

    public Caller Caller => _caller ?? throw new InvalidOperationException("No authenticated caller: is the service missing from the anonymous list by mistake?");

    public bool IsAuthenticated => _caller is not null;

    internal void Set(Caller caller) => _caller = caller;
}

/// <summary>Roles any of which the method requires (admin always passes). On a service class or a method.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequireRoleAttribute(params Role[] roles) : Attribute
{
    public IReadOnlyList<Role> Roles { get; } = roles;
}

/// <summary>Services callable without a key: health probes and reflection carry no credentials.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class AnonymousAttribute : Attribute;

internal static class AnonymousServices
{
    private static readonly string[] Prefixes = ["/grpc.health.v1.", "/grpc.reflection."];

    public static bool Contains(string method) => Prefixes.Any(p => method.StartsWith(p, StringComparison.Ordinal));

    public static bool IsAnonymous(ServerCallContext context) =>
        Contains(context.Method) || context.GetHttpContext().GetEndpoint()?.Metadata.GetMetadata<AnonymousAttribute>() is not null;
}
