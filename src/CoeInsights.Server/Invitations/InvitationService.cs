using CoeInsights.Analytics;
using CoeInsights.Evaluations;
using CoeInsights.Invitations;
using CoeInsights.Invitations.CreatingInvitation;
using CoeInsights.Invitations.ListingInvitations;
using CoeInsights.Invitations.ResendingInvitation;
using CoeInsights.Invitations.RevokingInvitation;
using CoeInsights.Server.Auth;
using CoeInsights.Server.Web;
using CoeInsights.Surveys;
using CoeInsights.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;
using D = CoeInsights.Invitations;
using Role = CoeInsights.Access.Role;

namespace CoeInsights.Server.Invitations;

/// <summary>Adapter: committee creates, lists, revokes and resends per-person links to the web pages (map → handler → map).</summary>
[RequireRole(Role.Committee)]
public sealed class InvitationService(ISessionFactory sessions, IQuerySession query, CallerContext callerContext, TimeProvider clock, InvitationLinks links)
    : V1.InvitationService.InvitationServiceBase
{
    private CoeInsights.Access.Caller Caller => callerContext.Caller;

    public override async Task<V1.Invitation> CreateInvitation(CreateInvitationRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var kind = ToDomain(request.Kind, v);
        var ttl = InvitationRules.Lifetime(request.TtlSeconds, v);
        v.ThrowIfInvalid();
        var resource = ParseResource(kind!.Value, request.ResourceId);
        var now = clock.GetUtcNow();
        var invitation = await CreateInvitationHandler.Handle(sessions, new CreateInvitation(Guid.CreateVersion7(now), kind.Value, resource, request.PersonId,
            request.Department, request.DisplayName, ttl, Caller.Principal, Caller.KeyId, now), context.CancellationToken);
        return await WithLink(invitation, context.CancellationToken);
    }

    public override async Task<ListInvitationsResponse> ListInvitations(ListInvitationsRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var kind = ToDomain(request.Kind, v);
        v.ThrowIfInvalid();
        var rows = await ListInvitationsHandler.Handle(query, new ListInvitations(kind!.Value, ParseResource(kind.Value, request.ResourceId), clock.GetUtcNow()),
            context.CancellationToken);
        var list = rows.Select(r => ToProto(r, "")).ToList();
        return new ListInvitationsResponse
        {
            Invitations = { list }, Invited = list.Count(i => i.State != V1.InvitationState.Revoked), Answered = list.Count(i => i.State == V1.InvitationState.Answered),
        };
    }

    public override async Task<V1.Invitation> RevokeInvitation(RevokeInvitationRequest request, ServerCallContext context)
    {
        var invitation = await RevokeInvitationHandler.Handle(sessions,
            new RevokeInvitation(InvitationRules.ParseId(request.InvitationId), Caller.Principal, clock.GetUtcNow()), context.CancellationToken);
        return ToProto(await ListInvitationsHandler.Handle(query, invitation, clock.GetUtcNow(), context.CancellationToken), "");
    }

    public override async Task<V1.Invitation> ResendInvitation(ResendInvitationRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var ttl = InvitationRules.Lifetime(request.TtlSeconds, v);
        v.ThrowIfInvalid();
        var invitation = await ResendInvitationHandler.Handle(sessions,
            new ResendInvitation(InvitationRules.ParseId(request.InvitationId), ttl, clock.GetUtcNow()), context.CancellationToken);
        return await WithLink(invitation, context.CancellationToken);
    }

    /// <summary>The owning module parses its own ids (INVALID_ARGUMENT on <c>resource_id</c>).</summary>
    private static Guid ParseResource(D.InvitationKind kind, string id) =>
        kind == D.InvitationKind.Survey ? SurveyStream.ParseId(id, "resource_id") : EvaluationStream.ParseId(id, "resource_id");

    private async Task<V1.Invitation> WithLink(D.Invitation invitation, CancellationToken ct) =>
        ToProto(await ListInvitationsHandler.Handle(query, invitation, clock.GetUtcNow(), ct), await links.Url(Caller.TenantId, invitation, ct));

    private static V1.Invitation ToProto(InvitationStatus status, string url)
    {
        var i = status.Invitation;
        var proto = new V1.Invitation
        {
            InvitationId = i.Id.ToString(), Kind = i.Kind switch
            {
                D.InvitationKind.Survey => V1.InvitationKind.Survey,
                D.InvitationKind.Committee => V1.InvitationKind.Committee,
                _ => V1.InvitationKind.Evaluation,
            },
            ResourceId = i.ResourceId.ToString(), PersonId = i.PersonId, Department = i.Department, DisplayName = i.DisplayName, Url = url,
            State = status.State switch
            {
                D.InvitationState.Revoked => V1.InvitationState.Revoked,
                D.InvitationState.Answered => V1.InvitationState.Answered,
                D.InvitationState.Expired => V1.InvitationState.Expired,
                _ => V1.InvitationState.Invited,
            },
            ExpireTime = Timestamp.FromDateTimeOffset(i.ExpiresAt), CreateTime = Timestamp.FromDateTimeOffset(i.CreatedAt), CreatedBy = i.CreatedBy, Sends = i.Sends,
        };
        if (status.AnsweredAt is { } at) proto.AnswerTime = Timestamp.FromDateTimeOffset(at);
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
