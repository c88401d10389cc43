using CoeInsights.Analytics;
using CoeInsights.Common;
using Marten;

namespace CoeInsights.Access.CreatingApiKey;

public sealed record CreateApiKey(
    string TenantId, string DisplayName, IReadOnlyList<Role> Roles, string? Principal, string? RequestId, DateTimeOffset Now);

/// <summary>
/// The new key, and its secret when it was created now. The secret is shown once: only its SHA-256 hash is stored, so
/// a call whose request_id finds a key created before (a retry, or a concurrent identical call that lost the race)
/// answers with the same key id and metadata and a null secret. Deriving the secret again (e.g. an HMAC of the
/// request_id with a stored server key) was rejected: anyone who can read the database could then mint every key.
/// A client that lost the one answer with the secret revokes that key and creates another.
/// </summary>
public sealed record CreatedApiKey(ApiKeyRecord Key, string? Secret);

public static class CreateApiKeyHandler
{
    public static async Task<CreatedApiKey> Handle(IDocumentSession session, Caller caller, CreateApiKey command, CancellationToken ct)
    {
        if (!caller.CanAdminister(command.TenantId ?? ""))
            throw caller.Has(Role.Admin) ? new NotFoundException("Tenant", command.TenantId ?? "") : new PermissionDeniedException("api_keys.create", "Only admins create API keys.");
        var tenant = await session.LoadAsync<TenantRecord>(command.TenantId!, ct) ?? throw new NotFoundException("Tenant", command.TenantId!);
        if (await FindRetried(session, tenant.Id, command.RequestId, ct) is { } retried) return new CreatedApiKey(retried, null);
        var created = Decide(command, Guid.CreateVersion7(command.Now));
        if (string.IsNullOrEmpty(command.RequestId))
        {
            session.Insert(created.Key);
            await session.SaveChangesAsync(ct);
            return created;
        }
        // One key per (tenant, request_id), enforced by a claim row in the key's transaction: of N concurrent
        // identical calls (on any server) exactly one stores a key and sees its secret; the others answer
        // like a later retry, with the same key and no secret.
        return await CreateOnce.InsertOrReturn(
            async () =>
            {
                session.Insert(created.Key);
                CreateOnce.Claim(session, ClaimId(tenant.Id, command.RequestId), created.Key.Id.ToString(), command.RequestId, command.Now);
                await session.SaveChangesAsync(ct);
                return created;
            },
            async () =>
            {
                await using var fresh = session.DocumentStore.QuerySession();
                var winner = await FindRetried(fresh, tenant.Id, command.RequestId, ct)
                    ?? throw new InvalidOperationException($"API key request '{command.RequestId}' collided but is not stored.");
                return new CreatedApiKey(winner, null);
            });
    }

    private static string ClaimId(string tenantId, string requestId) => CreateOnce.ClaimId("api-key-request", tenantId, requestId);

    /// <summary>The key an earlier call with this request_id created. Keys stored before claims existed are found too (oldest first).</summary>
    private static async Task<ApiKeyRecord?> FindRetried(IQuerySession session, string tenantId, string? requestId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(requestId)) return null;
        var keys = await session.Query<ApiKeyRecord>()
            .Where(k => k.TenantId == tenantId && k.RequestId == requestId)
            .OrderBy(k => k.Id)
            .Take(1)
            .ToListAsync(ct);
        return keys.Count > 0 ? keys[0] : null;
    }

    public static CreatedApiKey Decide(CreateApiKey command, Guid keyId)
    {
        var v = new Validator()
            .Require(!string.IsNullOrWhiteSpace(command.DisplayName) && command.DisplayName.Length <= 200, "display_name",
                "is required, at most 200 characters")
            .Require(command.Roles.Count > 0, "roles", "at least one role is required")
            .Require(command.Principal is null || command.Principal.Length <= 200, "principal", "at most 200 characters")
            .Require(command.RequestId is null || command.RequestId.Length <= 100, "request_id", "at most 100 characters");
        for (var i = 0; i < command.Roles.Count; i++)
            v.Require(Enum.IsDefined(command.Roles[i]), $"roles[{i}]", "is not a known role");
        v.ThrowIfInvalid();

        var (secret, hash) = ApiKeySecrets.New(keyId);
        var key = new ApiKeyRecord
        {
            Id = keyId,
            TenantId = command.TenantId,
            DisplayName = command.DisplayName.Trim(),
            Principal = string.IsNullOrWhiteSpace(command.Principal) ? keyId.ToString() : command.Principal.Trim(),
            Roles = command.Roles.Distinct().Order().ToArray(),
            SecretHash = hash,
            CreatedAt = command.Now,
            RequestId = string.IsNullOrEmpty(command.RequestId) ? null : command.RequestId,
        };
        return new CreatedApiKey(key, secret);
    }
}
