using CoeInsights.Access;
using CoeInsights.Access.CreatingApiKey;
using CoeInsights.Access.CreatingTenant;
using CoeInsights.Access.ListingApiKeys;
using CoeInsights.Access.ListingTenants;
using CoeInsights.Access.RevokingApiKey;
using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Server.Auth;
using CoeInsights.Server.Validation;
using CoeInsights.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;
using Role = CoeInsights.Access.Role;

namespace CoeInsights.Server.Admin;

/// <summary>Adapter: proto ⇄ Access commands. Rules live in the handlers.</summary>
[RequireRole(Role.Admin)]
public sealed class AdminService(IDocumentSession session, CallerContext caller, TimeProvider clock, ApiKeyCache keys)
    : V1.AdminService.AdminServiceBase
{
    public override async Task<Tenant> CreateTenant(CreateTenantRequest request, ServerCallContext context)
    {
        var tenant = await CreateTenantHandler.Handle(session, caller.Caller,
            new CreateTenant(request.TenantId, request.DisplayName, request.RequestId, clock.GetUtcNow()), context.CancellationToken);
        return ToProto(tenant);
    }

    public override async Task<ListTenantsResponse> ListTenants(ListTenantsRequest request, ServerCallContext context)
    {
        var (tenants, next) = await ListTenantsHandler.Handle(session, caller.Caller, PageRequest.From(request), context.CancellationToken);
        return new ListTenantsResponse { Tenants = { tenants.Select(ToProto) }, NextPageToken = next };
    }

    public override async Task<CreateApiKeyResponse> CreateApiKey(CreateApiKeyRequest request, ServerCallContext context)
    {
        var created = await CreateApiKeyHandler.Handle(session, caller.Caller,
            new CreateApiKey(request.TenantId, request.DisplayName, request.Roles.Select((r, i) => FromProto(r, i)).ToList(),
                request.Principal, request.RequestId, clock.GetUtcNow()),
            context.CancellationToken);
        return new CreateApiKeyResponse { ApiKey = ToProto(created.Key), Secret = created.Secret ?? "" };
    }

    public override async Task<ListApiKeysResponse> ListApiKeys(ListApiKeysRequest request, ServerCallContext context)
    {
        var (keys, next) = await ListApiKeysHandler.Handle(session, caller.Caller, request.TenantId,
            PageRequest.From(request), context.CancellationToken);
        return new ListApiKeysResponse { ApiKeys = { keys.Select(ToProto) }, NextPageToken = next };
    }

    public override async Task<ApiKey> RevokeApiKey(RevokeApiKeyRequest request, ServerCallContext context)
    {
        var revoked = await RevokeApiKeyHandler.Handle(session, caller.Caller,
            new RevokeApiKey(request.TenantId, request.KeyId, clock.GetUtcNow()), context.CancellationToken);
        // This replica refuses the key from the next call on; the others once they hear the commit's notification (ApiKeyCache).
        keys.Invalidate(revoked.Id);
        return ToProto(revoked);
    }

    private static Role FromProto(V1.Role role, int index) => role switch
    {
        V1.Role.Admin => Role.Admin,
        V1.Role.Committee => Role.Committee,
        V1.Role.Evaluator => Role.Evaluator,
        V1.Role.Viewer => Role.Viewer,
        V1.Role.Ingest => Role.Ingest,
        _ => throw new InvalidInputException($"roles[{index}]", "must be one of ROLE_ADMIN, ROLE_COMMITTEE, ROLE_EVALUATOR, ROLE_VIEWER, ROLE_INGEST"),
    };

    private static V1.Role ToProto(Role role) => role switch
    {
        Role.Admin => V1.Role.Admin,
        Role.Committee => V1.Role.Committee,
        Role.Evaluator => V1.Role.Evaluator,
        Role.Viewer => V1.Role.Viewer,
        Role.Ingest => V1.Role.Ingest,
        _ => V1.Role.Unspecified,
    };

    private static Tenant ToProto(TenantRecord t) => new()
    {
        TenantId = t.Id, DisplayName = t.DisplayName, CreateTime = Timestamp.FromDateTimeOffset(t.CreatedAt),
    };

    private static ApiKey ToProto(ApiKeyRecord k) => new()
    {
        KeyId = k.Id.ToString(),
        TenantId = k.TenantId,
        DisplayName = k.DisplayName,
        Principal = k.Principal,
        Roles = { k.Roles.Select(ToProto) },
        CreateTime = Timestamp.FromDateTimeOffset(k.CreatedAt),
        RevokeTime = k.RevokedAt is { } r ? Timestamp.FromDateTimeOffset(r) : null,
    };
}
