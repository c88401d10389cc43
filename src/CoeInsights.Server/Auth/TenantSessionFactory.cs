using CoeInsights.Access;
using Marten;

namespace CoeInsights.Server.Auth;

/// <summary>
/// Every session a service gets is bound to the caller's tenant: with conjoined tenancy Marten then
/// filters and tags every row, so one tenant can neither read nor write another's data.
/// </summary>
public sealed class TenantSessionFactory(IDocumentStore store, CallerContext callerContext) : ISessionFactory
{
    public IQuerySession QuerySession() => store.QuerySession(callerContext.Caller.TenantId);

    public IDocumentSession OpenSession() => store.LightweightSession(callerContext.Caller.TenantId);

    /// <summary>Sessions for a caller outside a gRPC call, e.g. the person an invitation link speaks for (the link is the credential).</summary>
    public static TenantSessionFactory For(IDocumentStore store, Caller caller)
    {
        var context = new CallerContext();
        context.Set(caller);
        return new TenantSessionFactory(store, context);
    }
}
