using Marten;

namespace CoeInsights.Invitations.RevokingInvitation;

public sealed record RevokeInvitation(Guid InvitationId, string By, DateTimeOffset Now);

public static class RevokeInvitationHandler
{
    public static Task<Invitation> Handle(ISessionFactory sessions, RevokeInvitation command, CancellationToken ct) =>
        InvitationRules.UpdateAsync(sessions, command.InvitationId, i => Decide(command, i), ct);

    /// <summary>Every link of the invitation stops opening its page; revoking twice keeps the first who and when.</summary>
    public static Invitation Decide(RevokeInvitation c, Invitation i) => i.RevokedAt is not null ? i : i with { RevokedAt = c.Now, RevokedBy = c.By };
}
