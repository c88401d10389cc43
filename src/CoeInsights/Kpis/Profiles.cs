using CoeInsights.Analytics;
using Marten.Events.Aggregation;

namespace CoeInsights.Kpis;

public enum Network
{
    LinkedIn,
    Instagram,
    Facebook,
    X,
    TikTok,
    YouTube,
    Pinterest,
    Threads,
    Other,
}

public enum Ownership
{
    Owned,
    Competitor,
}

/// <summary>A registered profile (read model of the profile stream). <see cref="Version"/> is its etag.</summary>
public sealed record KpiProfile
{
    public Guid Id { get; init; }
    public Network Network { get; init; }
    public string Handle { get; init; } = "";
    public string BusinessUnit { get; init; } = "";
    public Ownership Ownership { get; init; }
    public string DisplayName { get; init; } = "";
    public DateTimeOffset RegisteredAt { get; init; }
    public string? RequestId { get; init; }
    public int CorrectionCount { get; init; }
    public long Version { get; set; }
}

/// <summary>Inline: a registered profile is visible to the next call (read-your-writes).</summary>
public sealed class KpiProfileProjection : SingleStreamProjection<KpiProfile, Guid>
{
    public static KpiProfile Create(ProfileRegistered e) => new()
    {
        Id = e.ProfileId,
        Network = e.Network,
        Handle = e.Handle,
        BusinessUnit = e.BusinessUnit,
        Ownership = e.Ownership,
        DisplayName = e.DisplayName,
        RegisteredAt = e.RegisteredAt,
        RequestId = e.RequestId,
    };

    public static KpiProfile Apply(KpiCorrected e, KpiProfile p) => p with { CorrectionCount = p.CorrectionCount + 1 };
}

public static class ProfileIds
{
    /// <summary>A request's profile filter; each id that is not a profile id is a violation on <c>profile_ids[i]</c>.</summary>
    public static List<Guid> Parse(IReadOnlyList<string> profileIds, Validator v)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < profileIds.Count; i++)
            if (Guid.TryParse(profileIds[i], out var id)) ids.Add(id);
            else v.Add($"profile_ids[{i}]", "must be a profile id as returned by RegisterProfile");
        return ids;
    }
}
