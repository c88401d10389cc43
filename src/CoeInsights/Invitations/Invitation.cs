using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations;
using CoeInsights.Surveys;

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
public sealed record InvitationDraft(Guid Id, IReadOnlyDictionary<string, string[]> Fields, DateTimeOffset SavedAt);

public sealed record CreateInvitation(
    Guid Id, InvitationKind? Kind, string ResourceId, string PersonId, string Department, string DisplayName, TimeSpan? Ttl, string By, DateTimeOffset Now);

/// <summary>Pure deciders of the invitation rules; the adapter loads the survey or evaluation the invitation is for.</summary>
public static class InvitationRules
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(14);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(90);

    public static TimeSpan Lifetime(long ttlSeconds, Validator v, string field = "ttl_seconds")
    {
        v.Require(ttlSeconds >= 0 && ttlSeconds <= MaxLifetime.TotalSeconds, field, $"must be 0 (14 days) to {MaxLifetime.TotalSeconds:0} seconds (90 days)");
        return ttlSeconds == 0 ? DefaultLifetime : TimeSpan.FromSeconds(Math.Clamp(ttlSeconds, 1, (long)MaxLifetime.TotalSeconds));
    }

    /// <summary>A respondent of an open survey, in one of its audience departments.</summary>
    public static Invitation ForSurvey(CreateInvitation c, Survey s)
    {
        var v = new Validator().RequireName(c.PersonId, "person_id").RequireName(c.Department, "department")
            .OptionalText(c.DisplayName, "display_name", Inputs.NameMax);
        v.ThrowIfInvalid();
        if (s.State != SurveyState.Open)
            throw new RuleViolationException(ErrorReasons.SurveyClosed, s.Subject, "The survey is closed: nobody can be invited to answer it.");
        var department = c.Department.Trim();
        if (s.Audience.All(a => a.Department != department))
            throw new InvalidInputException("department", $"'{department}' is not in the survey's audience ({string.Join(", ", s.Audience.Select(a => a.Department))})");
        return New(c, c.PersonId.Trim(), department, c.DisplayName);
    }

    /// <summary>An evaluator already invited to the open evaluation (InviteEvaluators): the link speaks for them.</summary>
    public static Invitation ForEvaluation(CreateInvitation c, Evaluation e)
    {
        var v = new Validator().RequireName(c.PersonId, "person_id").OptionalText(c.DisplayName, "display_name", Inputs.NameMax);
        v.ThrowIfInvalid();
        if (e.State != EvaluationState.Open)
            throw new RuleViolationException(ErrorReasons.ScoresAfterClose, e.Subject, "The evaluation is closed: nobody can be invited to score it.");
        var evaluator = e.Evaluators.FirstOrDefault(x => x.EvaluatorId == c.PersonId.Trim())
            ?? throw new RuleViolationException(ErrorReasons.NotAnInvitedEvaluator, e.Subject,
                $"'{c.PersonId.Trim()}' is not an evaluator of this evaluation: invite them (InviteEvaluators) first.");
        return New(c, evaluator.EvaluatorId, evaluator.Department, string.IsNullOrWhiteSpace(c.DisplayName) ? evaluator.DisplayName : c.DisplayName);
    }

    /// <summary>
    /// A committee member of the evaluation, in any state (the decision room follows it from scoring to the vote):
    /// the link speaks for that member, so the vote it casts is theirs, under the same quorum rules as the API.
    /// </summary>
    public static Invitation ForCommittee(CreateInvitation c, Evaluation e)
    {
        var v = new Validator().RequireName(c.PersonId, "person_id").OptionalText(c.DisplayName, "display_name", Inputs.NameMax)
            .OptionalText(c.Department, "department", Inputs.NameMax);
        v.ThrowIfInvalid();
        var member = c.PersonId.Trim();
        if (!e.CommitteeMembers.Contains(member))
            throw new RuleViolationException(ErrorReasons.NotACommitteeMember, e.Subject,
                $"'{member}' is not a committee member of this evaluation ({string.Join(", ", e.CommitteeMembers)}).");
        return New(c, member, string.IsNullOrWhiteSpace(c.Department) ? "Committee" : c.Department.Trim(), c.DisplayName);
    }

    private static Invitation New(CreateInvitation c, string person, string department, string displayName) => new()
    {
        Id = c.Id, Kind = c.Kind!.Value, ResourceId = Guid.Parse(c.ResourceId), PersonId = person, Department = department,
        DisplayName = string.IsNullOrWhiteSpace(displayName) ? person : displayName.Trim(),
        ExpiresAt = Whole(c.Now + (c.Ttl ?? DefaultLifetime)), CreatedAt = c.Now, CreatedBy = c.By,
    };

    public static Invitation Revoke(Invitation i, string by, DateTimeOffset now) =>
        i.RevokedAt is not null ? i : i with { RevokedAt = now, RevokedBy = by };

    /// <summary>A new link: a new expiry and the next send number (older links go stale). A revoked invitation stays revoked.</summary>
    public static Invitation Resend(Invitation i, TimeSpan ttl, DateTimeOffset now)
    {
        if (i.RevokedAt is not null)
            throw new RuleViolationException(ErrorReasons.InvitationRevoked, i.Subject, "The invitation is revoked: create a new one to invite this person again.");
        return i with { Sends = i.Sends + 1, ExpiresAt = Whole(now + ttl) };
    }

    /// <summary>Whether a link with this send number and expiry still opens the page.</summary>
    public static bool Admits(Invitation i, int sends, DateTimeOffset expires, DateTimeOffset now) =>
        i.RevokedAt is null && i.Sends == sends && i.ExpiresAt == expires && expires > now;

    /// <summary>Links carry whole seconds.</summary>
    private static DateTimeOffset Whole(DateTimeOffset t) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());
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
