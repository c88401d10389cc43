using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations;
using CoeInsights.Evaluations.GettingDetails;
using CoeInsights.Surveys;
using CoeInsights.Surveys.GettingDetails;
using Marten;

namespace CoeInsights.Invitations.CreatingInvitation;

/// <summary>
/// Invite one person to one survey (a respondent), evaluation (an evaluator) or evaluation's decision room (a committee
/// member). <see cref="ByKeyId"/> is the API key that creates it: the decision room's deck links are signed for it.
/// </summary>
public sealed record CreateInvitation(
    Guid Id, InvitationKind Kind, Guid ResourceId, string PersonId, string Department, string DisplayName, TimeSpan? Ttl, string By, Guid? ByKeyId,
    DateTimeOffset Now);

public static class CreateInvitationHandler
{
    /// <summary>Load the survey or evaluation → decide → store the invitation.</summary>
    public static async Task<Invitation> Handle(ISessionFactory sessions, CreateInvitation command, CancellationToken ct)
    {
        Invitation invitation;
        await using (var query = sessions.QuerySession())
        {
            invitation = command.Kind == InvitationKind.Survey
                ? Decide(command, (await GetSurveyHandler.Load(query, command.ResourceId, ct)).Survey)
                : Decide(command, (await GetEvaluationHandler.Load(query, command.ResourceId, ct)).Evaluation);
        }
        await InvitationRules.Save(sessions, invitation, ct);
        return invitation;
    }

    /// <summary>A respondent of an open survey, in one of its audience departments.</summary>
    public static Invitation Decide(CreateInvitation c, Survey s)
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

    /// <summary>An evaluator's score sheet or a committee member's decision room, by the command's kind.</summary>
    public static Invitation Decide(CreateInvitation c, Evaluation e) => c.Kind == InvitationKind.Committee ? ForCommittee(c, e) : ForEvaluator(c, e);

    /// <summary>An evaluator already invited to the open evaluation (InviteEvaluators): the link speaks for them.</summary>
    private static Invitation ForEvaluator(CreateInvitation c, Evaluation e)
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
    private static Invitation ForCommittee(CreateInvitation c, Evaluation e)
    {
        var v = new Validator().RequireName(c.PersonId, "person_id").OptionalText(c.DisplayName, "display_name", Inputs.NameMax)
            .OptionalText(c.Department, "department", Inputs.NameMax);
        v.ThrowIfInvalid();
        var member = c.PersonId.Trim();
        if (!e.CommitteeMembers.Contains(member))
            throw new RuleViolationException(ErrorReasons.NotACommitteeMember, e.Subject,
                $"'{member}' is not a committee member of this evaluation ({string.Join(", ", e.CommitteeMembers)}).");
        return New(c, member, string.IsNullOrWhiteSpace(c.Department) ? "Committee" : c.Department.Trim(), c.DisplayName) with { CreatedByKeyId = c.ByKeyId };
    }

    private static Invitation New(CreateInvitation c, string person, string department, string displayName) => new()
    {
        Id = c.Id, Kind = c.Kind, ResourceId = c.ResourceId, PersonId = person, Department = department,
        DisplayName = string.IsNullOrWhiteSpace(displayName) ? person : displayName.Trim(),
        ExpiresAt = InvitationRules.Whole(c.Now + (c.Ttl ?? InvitationRules.DefaultLifetime)), CreatedAt = c.Now, CreatedBy = c.By,
    };
}
