using CoeInsights.Analytics;
using CoeInsights.Common;
using Marten;

namespace CoeInsights.Kpis.ListingObservationVersions;

/// <summary>Every recorded version of one (profile, metric, day). The date as sent: all three parts 0 = not set.</summary>
public sealed record ListObservationVersions(string ProfileId, string Metric, int Year, int Month, int Day);

public sealed record ObservationVersions(Guid ProfileId, string Metric, DateOnly Date, IReadOnlyList<ObservationRow> Versions);

public static class ListObservationVersionsHandler
{
    /// <summary>The versions oldest first; a profile the tenant does not have is NOT_FOUND (an existing one may have none).</summary>
    public static async Task<ObservationVersions> Handle(IQuerySession session, ListObservationVersions query, CancellationToken ct)
    {
        var v = new Validator();
        v.Require(Guid.TryParse(query.ProfileId, out var profileId), "profile_id", "must be a profile id as returned by RegisterProfile");
        v.Require(MetricCatalogue.Find(query.Metric) is not null, "metric", $"unknown metric '{query.Metric}' (see ListMetrics)");
        var date = ObservationDates.Stored(query.Year, query.Month, query.Day, "date", v);
        if (query is { Year: 0, Month: 0, Day: 0 }) v.Add("date", "is required");
        v.ThrowIfInvalid();
        _ = await session.LoadAsync<KpiProfile>(profileId, ct) ?? throw new NotFoundException("Profile", query.ProfileId);
        return new ObservationVersions(profileId, query.Metric, date!.Value,
            await ObservationTable.VersionsAsync(session, profileId, query.Metric, date.Value, ct));
    }
}
