using CoeInsights.Evaluations.GettingDetails;
using CoeInsights.Surveys.GettingDetails;
using Marten;

namespace CoeInsights.Invitations.ListingInvitations;

public sealed record ListInvitations(InvitationKind Kind, Guid ResourceId, DateTimeOffset Now);

public static class ListInvitationsHandler
{
    /// <summary>Every invitation to the survey or evaluation, oldest first, with who answered.</summary>
    public static async Task<IReadOnlyList<InvitationStatus>> Handle(IQuerySession query, ListInvitations command, CancellationToken ct)
    {
        var answered = await AnsweredBy(query, command.Kind, command.ResourceId, ct);
        var rows = await query.Query<Invitation>().Where(i => i.ResourceId == command.ResourceId && i.Kind == command.Kind).OrderBy(i => i.CreatedAt)
            .ToListAsync(ct);
        return [.. rows.Select(i => Status(i, answered, command.Now))];
    }

    /// <summary>One invitation's state, as the list shows it (for the answer of a create, revoke or resend).</summary>
    public static async Task<InvitationStatus> Handle(IQuerySession query, Invitation invitation, DateTimeOffset now, CancellationToken ct) =>
        Status(invitation, await AnsweredBy(query, invitation.Kind, invitation.ResourceId, ct), now);

    private static InvitationStatus Status(Invitation i, IReadOnlyDictionary<string, DateTimeOffset> answered, DateTimeOffset now)
    {
        var at = answered.TryGetValue(i.PersonId, out var t) ? t : (DateTimeOffset?)null;
        return new InvitationStatus(i, InvitationRules.StateOf(i, at is not null, now), at);
    }

    /// <summary>
    /// Who answered, and when: survey respondents with a response, evaluators with at least one score, committee members
    /// who voted on the current proposal.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, DateTimeOffset>> AnsweredBy(IQuerySession query, InvitationKind kind, Guid resource, CancellationToken ct) =>
        kind switch
        {
            InvitationKind.Survey => (await GetSurveyHandler.Load(query, resource, ct)).Survey.Responses.ToDictionary(r => r.RespondentId, r => r.SubmittedAt),
            InvitationKind.Committee => ((await GetEvaluationHandler.Load(query, resource, ct)).Evaluation.Proposal?.Votes ?? [])
                .GroupBy(v => v.Member).ToDictionary(g => g.Key, g => g.Max(v => v.At)),
            _ => (await GetEvaluationHandler.Load(query, resource, ct)).Evaluation.Scores.GroupBy(s => s.EvaluatorId).ToDictionary(g => g.Key, g => g.Max(s => s.At)),
        };
}
