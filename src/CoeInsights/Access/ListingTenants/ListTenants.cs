using CoeInsights.Common;
using Marten;

namespace CoeInsights.Access.ListingTenants;

public static class ListTenantsHandler
{
    public static async Task<(IReadOnlyList<TenantRecord> Tenants, string NextPageToken)> Handle(
        IQuerySession session, Caller caller, Page page, CancellationToken ct)
    {
        IQueryable<TenantRecord> query = session.Query<TenantRecord>();
        if (!caller.IsOperator) query = query.Where(t => t.Id == caller.TenantId);
        var rows = await query.OrderBy(t => t.Id).Skip(page.Offset).Take(page.Size + 1).ToListAsync(ct);
        return (rows.Take(page.Size).ToList(), page.NextToken(rows.Count));
    }
}
