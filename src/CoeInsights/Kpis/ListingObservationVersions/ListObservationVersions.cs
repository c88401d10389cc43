using CoeInsights.Analytics;
using CoeInsights.Common;
using Marten;

namespace CoeInsights.Kpis.ListingObservationVersions;

/// <summary>
/// Every recorded version of one (profile, metric, day), or with <see cref="Hour"/> of that day's hourly value. The date as
/// sent: all three parts 0 = not set.
/// </summary>
public sealed record ListObservationVersions(string ProfileId, string Metric, int Year, int Month, int Day, int? Hour = null);

public sealed record ObservationVersions(Guid ProfileId, string Metric, DateOnly Date, IReadOnlyList<ObservationRow> Versions, int? Hour = null);

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
        if (query.Hour is { } hour) v.Require(hour is >= 0 and <= 23, "hour", "must be between 0 and 23, or unset for the daily value");
        v.ThrowIfInvalid();
        _ = await session.LoadAsync<KpiProfile>(profileId, ct) ?? throw new NotFoundException("Profile", query.ProfileId);
        return new ObservationVersions(profileId, query.Metric, date!.Value,
            await ObservationTable.VersionsAsync(session, profileId, query.Metric, date.Value, ct, query.Hour), query.Hour);
    }
}
