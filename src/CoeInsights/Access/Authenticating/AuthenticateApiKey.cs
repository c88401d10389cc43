using Marten;

namespace CoeInsights.Access.Authenticating;

/// <summary>Why a bearer secret did not authenticate.</summary>
public enum KeyRefusal
{
    /// <summary>Malformed, unknown, or the secret does not match: nothing more is said.</summary>
    Invalid,
    /// <summary>The right secret of a revoked key (only a holder of the secret learns that it was revoked).</summary>
    Revoked,
}

/// <summary>Resolves a bearer secret to its caller, or null for a malformed, unknown, wrong or revoked key.</summary>
public static class AuthenticateApiKey
{
    public static async Task<Caller?> Handle(IQuerySession session, string secret, CancellationToken ct)
    {
        if (!ApiKeySecrets.TryParseKeyId(secret, out var keyId)) return null;
        var key = await session.LoadAsync<ApiKeyRecord>(keyId, ct);
        return Decide(key, secret);
    }

    public static Caller? Decide(ApiKeyRecord? key, string secret) => Verify(key, secret).Caller;

    /// <summary>The caller, or why not. A wrong secret is <see cref="KeyRefusal.Invalid"/> even for a revoked key.</summary>
    public static (Caller? Caller, KeyRefusal? Refusal) Verify(ApiKeyRecord? key, string secret)
    {
        if (key is null || !ApiKeySecrets.Matches(secret, key.SecretHash)) return (null, KeyRefusal.Invalid);
        if (key.RevokedAt is not null) return (null, KeyRefusal.Revoked);
        return (new Caller(key.TenantId, key.Id, key.Principal, key.Roles.ToHashSet()), null);
    }

    /// <summary>Is the key still good for a call it already authenticated (an open stream re-checks this)?</summary>
    public static bool StillValid(ApiKeyRecord? key) => key is not null && key.RevokedAt is null;
}
