using Marten;

namespace CoeInsights.Access.Authenticating;

/// <summary>Resolves a bearer secret to its caller, or null for a malformed, unknown, wrong or revoked key.</summary>
public static class AuthenticateApiKey
{
    public static async Task<Caller?> Handle(IQuerySession session, string secret, CancellationToken ct)
    {
        if (!ApiKeySecrets.TryParseKeyId(secret, out var keyId)) return null;
        var key = await session.LoadAsync<ApiKeyRecord>(keyId, ct);
        return Decide(key, secret);
    }

    public static Caller? Decide(ApiKeyRecord? key, string secret) =>
        key is null || key.RevokedAt is not null || !ApiKeySecrets.Matches(secret, key.SecretHash)
            ? null
            : new Caller(key.TenantId, key.Id, key.Principal, key.Roles.ToHashSet());
}
