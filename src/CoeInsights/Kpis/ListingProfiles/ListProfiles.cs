using CoeInsights.Common;
using Marten;

namespace CoeInsights.Kpis.ListingProfiles;

public sealed record ProfileFilter(Network? Network, string? BusinessUnit, Ownership? Ownership);

public static class ListProfilesHandler
{
    public static async Task<(IReadOnlyList<KpiProfile> Profiles, string NextPageToken)> Handle(
        IQuerySession session, ProfileFilter filter, Page page, CancellationToken ct)
    {
        var rows = await Filtered(session, filter)
            .OrderBy(p => p.Id) // version 7 ids sort by registration time
            .Skip(page.Offset).Take(page.Size + 1)
            .ToListAsync(ct);
        return (rows.Take(page.Size).ToList(), page.NextToken(rows.Count));
    }

    public static IQueryable<KpiProfile> Filtered(IQuerySession session, ProfileFilter filter)
    {
        IQueryable<KpiProfile> q = session.Query<KpiProfile>();
        if (filter.Network is { } n) q = q.Where(p => p.Network == n);
        if (!string.IsNullOrEmpty(filter.BusinessUnit)) q = q.Where(p => p.BusinessUnit == filter.BusinessUnit);
        if (filter.Ownership is { } o) q = q.Where(p => p.Ownership == o);
        return q;
    }
}
