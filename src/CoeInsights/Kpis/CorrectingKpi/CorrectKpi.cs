using CoeInsights.Analytics;
using CoeInsights.Common;
using Marten;

namespace CoeInsights.Kpis.CorrectingKpi;

/// <summary>A restated value of (profile, metric, day), or with <see cref="Hour"/> of that day's hourly value.</summary>
public sealed record CorrectKpi(string ProfileId, string Metric, int Year, int Month, int Day, double Value, string Reason, string CorrectedBy, DateTimeOffset Now,
    int? Hour = null);

public static class CorrectKpiHandler
{
    /// <summary>Appends the correction to the profile's stream and its row to the observation table; returns every version, oldest first.</summary>
    public static async Task<IReadOnlyList<ObservationRow>> Handle(IDocumentSession session, CorrectKpi command, CancellationToken ct)
    {
        var (profileId, date) = Parse(command);
        var profile = await session.LoadAsync<KpiProfile>(profileId, ct) ?? throw new NotFoundException("Profile", command.ProfileId);
        var versions = await ObservationTable.VersionsAsync(session, profileId, command.Metric, date, ct, command.Hour);
        var corrected = Decide(command, profile, date, versions);
        session.Events.Append(profile.Id, corrected);
        if (corrected.Hour is null) ObservationTable.QueueInsert(session, corrected);
        else HourlyObservationTable.QueueInsert(session, corrected);
        await session.SaveChangesAsync(ct);
        return await ObservationTable.VersionsAsync(session, profileId, command.Metric, date, ct, command.Hour);
    }

    private static (Guid ProfileId, DateOnly Date) Parse(CorrectKpi command)
    {
        var v = new Validator();
        v.Require(Guid.TryParse(command.ProfileId, out var profileId), "profile_id", "must be a profile id as returned by RegisterProfile");
        var validDate = command.Year is >= 1 and <= 9999 && command.Month is >= 1 and <= 12 && command.Day >= 1 &&
                        command.Day <= DateTime.DaysInMonth(command.Year, command.Month);
        v.Require(validDate, "date", "must be a full calendar date (year, month and day)");
        if (command.Hour is { } hour) v.Require(hour is >= 0 and <= 23, "hour", "must be between 0 and 23, or unset for the daily value");
        v.ThrowIfInvalid();
        return (profileId, new DateOnly(command.Year, command.Month, command.Day));
    }

    public static KpiCorrected Decide(CorrectKpi command, KpiProfile profile, DateOnly date, IReadOnlyList<ObservationRow> versions)
    {
        new Validator()
            .Require(MetricCatalogue.Find(command.Metric ?? "") is not null, "metric", $"unknown metric '{command.Metric}' (see ListMetrics)")
            .RequireFinite(command.Value, "value")
            .Require(date >= RecordingKpis.RecordKpiBatchHandler.MinDate && date <= RecordingKpis.RecordKpiBatchHandler.MaxDate, "date",
                "must be between 2000-01-01 and 2100-12-31")
            .Require(!string.IsNullOrWhiteSpace(command.Reason) && command.Reason.Length <= 1000, "reason", "is required, at most 1000 characters")
            .ThrowIfInvalid();
        if (versions.Count == 0)
            throw new RuleViolationException(ErrorReasons.NothingToCorrect,
                $"profiles/{profile.Id}/{command.Metric}/{date:yyyy-MM-dd}{(command.Hour is { } h ? $"/{h:00}" : "")}",
                "There is no recorded value to correct: record it with RecordKpis first.");
        return new KpiCorrected(profile.Id, command.Metric!, date, command.Value, command.Reason.Trim(), command.CorrectedBy, command.Now,
            versions[^1].SourceTimeZone, command.Hour);
    }
}
