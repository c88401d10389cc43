using CoeInsights.Analytics;
using CoeInsights.Common;
using Marten;

namespace CoeInsights.Access.RevokingApiKey;

public sealed record RevokeApiKey(string TenantId, string KeyId, DateTimeOffset Now);

public static class RevokeApiKeyHandler
{
    public static async Task<ApiKeyRecord> Handle(IDocumentSession session, Caller caller, RevokeApiKey command, CancellationToken ct)
    {
        if (!Guid.TryParse(command.KeyId, out var keyId)) throw new InvalidInputException("key_id", "must be a key id as returned by CreateApiKey");
        var key = await session.LoadAsync<ApiKeyRecord>(keyId, ct);
        var revoked = Decide(caller, command, key);
        if (ReferenceEquals(revoked, key)) return key!;
        session.Store(revoked);
        await session.SaveChangesAsync(ct);
        return revoked;
    }

    /// <summary>Revoking twice is a no-op that returns the key as it is.</summary>
    public static ApiKeyRecord Decide(Caller caller, RevokeApiKey command, ApiKeyRecord? key)
    {
        if (key is null || key.TenantId != command.TenantId || !caller.CanAdminister(key.TenantId))
            throw new NotFoundException("ApiKey", command.KeyId);
        if (key.Id == caller.KeyId)
            throw new RuleViolationException(ErrorReasons.CannotRevokeOwnKey, $"api_keys/{key.Id}", "A key cannot revoke itself: use another admin key.");
        return key.RevokedAt is not null ? key : key with { RevokedAt = command.Now };
    }
}
