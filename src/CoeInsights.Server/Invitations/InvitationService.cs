using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations;
using CoeInsights.Evaluations.GettingDetails;
using CoeInsights.Invitations;
using CoeInsights.Server.Auth;
using CoeInsights.Server.Web;
using CoeInsights.Surveys;
using CoeInsights.Surveys.GettingDetails;
using CoeInsights.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;
using D = CoeInsights.Invitations;
using Role = CoeInsights.Access.Role;

namespace CoeInsights.Server.Invitations;

/// <summary>Adapter: committee creates, lists, revokes and resends per-person links to the web pages. Rules in <see cref="D.InvitationRules"/>.</summary>
[RequireRole(Role.Committee)]
public sealed class InvitationService(IDocumentStore store, IQuerySession query, CallerContext callerContext, TimeProvider clock, InvitationLinks links)
    : V1.InvitationService.InvitationServiceBase
{
    private CoeInsights.Access.Caller Caller => callerContext.Caller;

    public override async Task<V1.Invitation> CreateInvitation(CreateInvitationRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var kind = ToDomain(request.Kind, v);
        var ttl = D.InvitationRules.Lifetime(request.TtlSeconds, v);
        v.ThrowIfInvalid();
        var now = clock.GetUtcNow();
        var command = new CreateInvitation(Guid.CreateVersion7(now), kind, request.ResourceId, request.PersonId, request.Department, request.DisplayName, ttl,
            Caller.Principal, now);
        var invitation = kind == D.InvitationKind.Survey
            ? D.InvitationRules.ForSurvey(command with { ResourceId = SurveyStream.ParseId(request.ResourceId, "resource_id").ToString() },
                (await GetSurveyHandler.Load(query, SurveyStream.ParseId(request.ResourceId, "resource_id"), context.CancellationToken)).Survey)
            : kind == D.InvitationKind.Evaluation
            ? D.InvitationRules.ForEvaluation(command with { ResourceId = EvaluationStream.ParseId(request.ResourceId, "resource_id").ToString() },
                (await GetEvaluationHandler.Load(query, EvaluationStream.ParseId(request.ResourceId, "resource_id"), context.CancellationToken)).Evaluation)
            : D.InvitationRules.ForCommittee(command with { ResourceId = EvaluationStream.ParseId(request.ResourceId, "resource_id").ToString() },
                (await GetEvaluationHandler.Load(query, EvaluationStream.ParseId(request.ResourceId, "resource_id"), context.CancellationToken)).Evaluation)
                with { CreatedByKeyId = Caller.KeyId };
        await Save(invitation, context.CancellationToken);
        return await ToProto(invitation, await links.Url(Caller.TenantId, invitation, context.CancellationToken), context.CancellationToken);
    }

    public override async Task<ListInvitationsResponse> ListInvitations(ListInvitationsRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var kind = ToDomain(request.Kind, v);
        v.ThrowIfInvalid();
        var resource = kind == D.InvitationKind.Survey ? SurveyStream.ParseId(request.ResourceId, "resource_id") : EvaluationStream.ParseId(request.ResourceId, "resource_id");
        var answered = await AnsweredBy(kind!.Value, resource, context.CancellationToken);
        var rows = await query.Query<D.Invitation>().Where(i => i.ResourceId == resource && i.Kind == kind).OrderBy(i => i.CreatedAt).ToListAsync(context.CancellationToken);
        var list = rows.Select(i => ToProto(i, "", answered)).ToList();
        return new ListInvitationsResponse
        {
            Invitations = { list }, Invited = list.Count(i => i.State != InvitationState.Revoked), Answered = list.Count(i => i.State == InvitationState.Answered),
        };
    }

    public override async Task<V1.Invitation> RevokeInvitation(RevokeInvitationRequest request, ServerCallContext context)
    {
        var invitation = D.InvitationRules.Revoke(await Load(request.InvitationId, context.CancellationToken), Caller.Principal, clock.GetUtcNow());
        await Save(invitation, context.CancellationToken);
        return await ToProto(invitation, "", context.CancellationToken);
    }

    public override async Task<V1.Invitation> ResendInvitation(ResendInvitationRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var ttl = D.InvitationRules.Lifetime(request.TtlSeconds, v);
        v.ThrowIfInvalid();
        var invitation = D.InvitationRules.Resend(await Load(request.InvitationId, context.CancellationToken), ttl, clock.GetUtcNow());
        await Save(invitation, context.CancellationToken);
        return await ToProto(invitation, await links.Url(Caller.TenantId, invitation, context.CancellationToken), context.CancellationToken);
    }

    private async Task<D.Invitation> Load(string id, CancellationToken ct) =>
        (Guid.TryParse(id, out var guid) ? await query.LoadAsync<D.Invitation>(guid, ct) : null) ?? throw new NotFoundException("Invitation", id);

    private async Task Save(D.Invitation invitation, CancellationToken ct)
    {
        await using var session = store.LightweightSession(Caller.TenantId);
        session.Store(invitation);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Who answered, and when: survey respondents with a response, evaluators with at least one score, committee members
    /// who voted on the current proposal.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, DateTimeOffset>> AnsweredBy(D.InvitationKind kind, Guid resource, CancellationToken ct) => kind switch
    {
        D.InvitationKind.Survey => (await GetSurveyHandler.Load(query, resource, ct)).Survey.Responses.ToDictionary(r => r.RespondentId, r => r.SubmittedAt),
        D.InvitationKind.Committee => ((await GetEvaluationHandler.Load(query, resource, ct)).Evaluation.Proposal?.Votes ?? [])
            .GroupBy(v => v.Member).ToDictionary(g => g.Key, g => g.Max(v => v.At)),
        _ => (await GetEvaluationHandler.Load(query, resource, ct)).Evaluation.Scores.GroupBy(s => s.EvaluatorId).ToDictionary(g => g.Key, g => g.Max(s => s.At)),
    };

    private async Task<V1.Invitation> ToProto(D.Invitation i, string url, CancellationToken ct) => ToProto(i, url, await AnsweredBy(i.Kind, i.ResourceId, ct));

    private V1.Invitation ToProto(D.Invitation i, string url, IReadOnlyDictionary<string, DateTimeOffset> answered)
    {
        var state = i.RevokedAt is not null ? InvitationState.Revoked
            : answered.ContainsKey(i.PersonId) ? InvitationState.Answered
            : i.ExpiresAt <= clock.GetUtcNow() ? InvitationState.Expired
            : InvitationState.Invited;
        var proto = new V1.Invitation
        {
            InvitationId = i.Id.ToString(), Kind = i.Kind switch
            {
                D.InvitationKind.Survey => V1.InvitationKind.Survey,
                D.InvitationKind.Committee => V1.InvitationKind.Committee,
                _ => V1.InvitationKind.Evaluation,
            },
            ResourceId = i.ResourceId.ToString(), PersonId = i.PersonId, Department = i.Department, DisplayName = i.DisplayName, State = state, Url = url,
            ExpireTime = Timestamp.FromDateTimeOffset(i.ExpiresAt), CreateTime = Timestamp.FromDateTimeOffset(i.CreatedAt), CreatedBy = i.CreatedBy, Sends = i.Sends,
        };
        if (answered.TryGetValue(i.PersonId, out var at)) proto.AnswerTime = Timestamp.FromDateTimeOffset(at);
        return proto;
    }

    private static D.InvitationKind? ToDomain(V1.InvitationKind kind, Validator v)
    {
        D.InvitationKind? result = kind switch
        {
            V1.InvitationKind.Survey => D.InvitationKind.Survey,
            V1.InvitationKind.Evaluation => D.InvitationKind.Evaluation,
            V1.InvitationKind.Committee => D.InvitationKind.Committee,
            _ => null,
        };
        v.Require(result is not null, "kind", "must be INVITATION_KIND_SURVEY, INVITATION_KIND_EVALUATION or INVITATION_KIND_COMMITTEE");
        return result;
    }
}
