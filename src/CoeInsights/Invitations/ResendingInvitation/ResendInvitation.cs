using CoeInsights.Common;
using Marten;

namespace CoeInsights.Invitations.ResendingInvitation;

public sealed record ResendInvitation(Guid InvitationId, TimeSpan Ttl, DateTimeOffset Now);

public static class ResendInvitationHandler
{
    public static Task<Invitation> Handle(ISessionFactory sessions, ResendInvitation command, CancellationToken ct) =>
        InvitationRules.UpdateAsync(sessions, command.InvitationId, i => Decide(command, i), ct);

    /// <summary>A new link: a new expiry and the next send number (older links go stale). A revoked invitation stays revoked.</summary>
    public static Invitation Decide(ResendInvitation c, Invitation i)
    {
        if (i.RevokedAt is not null)
            throw new RuleViolationException(ErrorReasons.InvitationRevoked, i.Subject, "The invitation is revoked: create a new one to invite this person again.");
        return i with { Sends = i.Sends + 1, ExpiresAt = InvitationRules.Whole(c.Now + c.Ttl) };
    }
}
