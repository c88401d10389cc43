using CoeInsights.Analytics;
using CoeInsights.Common;
using Marten;

namespace CoeInsights.Access.CreatingApiKey;

public sealed record CreateApiKey(
    string TenantId, string DisplayName, IReadOnlyList<Role> Roles, string? Principal, string? RequestId, DateTimeOffset Now);

/// <summary>The new key, and its secret when it was created now (null when a retried request_id found it).</summary>
public sealed record CreatedApiKey(ApiKeyRecord Key, string? Secret);

public static class CreateApiKeyHandler
{
    public static async Task<CreatedApiKey> Handle(IDocumentSession session, Caller caller, CreateApiKey command, CancellationToken ct)
    {
        if (!caller.CanAdminister(command.TenantId ?? ""))
            throw caller.Has(Role.Admin) ? new NotFoundException("Tenant", command.TenantId ?? "") : new PermissionDeniedException("api_keys.create", "Only admins create API keys.");
        var tenant = await session.LoadAsync<TenantRecord>(command.TenantId!, ct) ?? throw new NotFoundException("Tenant", command.TenantId!);
        if (!string.IsNullOrEmpty(command.RequestId))
        {
            var retried = await session.Query<ApiKeyRecord>()
                .FirstOrDefaultAsync(k => k.TenantId == tenant.Id && k.RequestId == command.RequestId, ct);
            if (retried is not null) return new CreatedApiKey(retried, null);
        }
        var created = Decide(command, Guid.CreateVersion7(command.Now));
        session.Insert(created.Key);
        await session.SaveChangesAsync(ct);
        return created;
    }

    public static CreatedApiKey Decide(CreateApiKey command, Guid keyId)
    {
        var v = new Validator()
            .Require(!string.IsNullOrWhiteSpace(command.DisplayName) && command.DisplayName.Length <= 200, "display_name",
                "is required, at most 200 characters")
            .Require(command.Roles.Count > 0, "roles", "at least one role is required")
            .Require(command.Principal is null || command.Principal.Length <= 200, "principal", "at most 200 characters");
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
