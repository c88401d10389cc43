using CoeInsights.Common;
using Marten;

namespace CoeInsights.Access.ListingApiKeys;

public static class ListApiKeysHandler
{
    public static async Task<(IReadOnlyList<ApiKeyRecord> Keys, string NextPageToken)> Handle(
        IQuerySession session, Caller caller, string tenantId, Page page, CancellationToken ct)
    {
        if (!caller.CanAdminister(tenantId)) throw new NotFoundException("Tenant", tenantId);
        _ = await session.LoadAsync<TenantRecord>(tenantId, ct) ?? throw new NotFoundException("Tenant", tenantId);
        var rows = await session.Query<ApiKeyRecord>()
            .Where(k => k.TenantId == tenantId)
            .OrderBy(k => k.Id) // version 7 ids sort by creation time
            .Skip(page.Offset).Take(page.Size + 1)
            .ToListAsync(ct);
        return (rows.Take(page.Size).ToList(), page.NextToken(rows.Count));
    }
}
