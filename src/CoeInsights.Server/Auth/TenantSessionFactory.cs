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
}
