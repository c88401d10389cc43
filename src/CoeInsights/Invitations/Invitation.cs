using CoeInsights.Analytics;
using CoeInsights.Common;
using Marten;

namespace CoeInsights.Invitations;

public enum InvitationKind
{
    Survey = 1,
    Evaluation = 2,

    /// <summary>A committee member of an evaluation: the link opens its decision room (progress, ranking, vote).</summary>
    Committee = 3,
}

/// <summary>
/// One person's invitation to one survey or evaluation (a tenant-scoped document; the link itself is never stored,
/// only what it is checked against). <see cref="Sends"/> is signed into the link: a resend makes every older link of
/// this invitation stale, a revoke all of them.
/// </summary>
public sealed record Invitation
{
    public required Guid Id { get; init; }
    public required InvitationKind Kind { get; init; }
    public required Guid ResourceId { get; init; }
    public required string PersonId { get; init; }
    public required string Department { get; init; }
    public required string DisplayName { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public int Sends { get; init; } = 1;
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevokedBy { get; init; }

    /// <summary>The API key that created the invitation: the decision room's deck links are signed for it, so they die with it.</summary>
    public Guid? CreatedByKeyId { get; init; }

    public string Subject => $"invitations/{Id}";
}

/// <summary>What a person typed on a page but did not submit yet: the form's fields, by name (one document per invitation).</summary>
public enum InvitationState
{
    Invited = 1,
    Answered = 2,
    Expired = 3,
    Revoked = 4,
}

/// <summary>An invitation with its state and, when the person answered, when they last did.</summary>
public sealed record InvitationStatus(Invitation Invitation, InvitationState State, DateTimeOffset? AnsweredAt);

public sealed record InvitationDraft(Guid Id, IReadOnlyDictionary<string, string[]> Fields, DateTimeOffset SavedAt);

/// <summary>Rules every invitation slice shares: link lifetimes, whether a link still opens its page, and an invitation's state.</summary>
public static class InvitationRules
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(14);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(90);

    public static TimeSpan Lifetime(long ttlSeconds, Validator v, string field = "ttl_seconds")
    {
        v.Require(ttlSeconds >= 0 && ttlSeconds <= MaxLifetime.TotalSeconds, field, $"must be 0 (14 days) to {MaxLifetime.TotalSeconds:0} seconds (90 days)");
        return ttlSeconds == 0 ? DefaultLifetime : TimeSpan.FromSeconds(Math.Clamp(ttlSeconds, 1, (long)MaxLifetime.TotalSeconds));
    }

    /// <summary>An invitation's id from the API: one that is not a GUID names no invitation (NOT_FOUND, as an unknown one).</summary>
    public static Guid ParseId(string id) => Guid.TryParse(id, out var guid) ? guid : throw new NotFoundException("Invitation", id);

    public static async Task<Invitation> Load(IQuerySession session, Guid id, CancellationToken ct) =>
        await session.LoadAsync<Invitation>(id, ct) ?? throw new NotFoundException("Invitation", id.ToString());

    /// <summary>Load → decide → store, for the slices that change one invitation (revoke, resend).</summary>
    public static async Task<Invitation> UpdateAsync(ISessionFactory sessions, Guid id, Func<Invitation, Invitation> decide, CancellationToken ct)
    {
        Invitation updated;
        await using (var query = sessions.QuerySession()) updated = decide(await Load(query, id, ct));
        await Save(sessions, updated, ct);
        return updated;
    }

    public static async Task Save(ISessionFactory sessions, Invitation invitation, CancellationToken ct)
    {
        await using var session = sessions.OpenSession();
        session.Store(invitation);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Revoked wins over answered, answered over expired: a person who answered and whose link then ran out did answer.</summary>
    public static InvitationState StateOf(Invitation i, bool answered, DateTimeOffset now) =>
        i.RevokedAt is not null ? InvitationState.Revoked
        : answered ? InvitationState.Answered
        : i.ExpiresAt <= now ? InvitationState.Expired
        : InvitationState.Invited;

    /// <summary>Whether a link with this send number and expiry still opens the page.</summary>
    public static bool Admits(Invitation i, int sends, DateTimeOffset expires, DateTimeOffset now) =>
        i.RevokedAt is null && i.Sends == sends && i.ExpiresAt == expires && expires > now;

    /// <summary>Links carry whole seconds.</summary>
    public static DateTimeOffset Whole(DateTimeOffset t) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());
}

public static class InvitationsModule
{
    /// <summary>Invitations and drafts: tenant-scoped documents (no stream: a link's life is not an audit event of the survey).</summary>
    public static Marten.StoreOptions ConfigureInvitations(this Marten.StoreOptions options)
    {
        options.Schema.For<Invitation>().Index(i => i.ResourceId);
        options.Schema.For<InvitationDraft>();
        return options;
    }
}
