using CoeInsights.Access;
using Marten;

namespace CoeInsights.Server.Auth;

/// <summary>
/// The one place a key's record is read for authentication: every call's check and every open stream's re-check
/// come through <see cref="FindAsync"/>. A read cache (short TTL, dropped locally on revoke) belongs here and
/// nowhere else, so both paths see the same answer.
/// </summary>
public class ApiKeyLookup(IDocumentStore store)
{
    public virtual async Task<ApiKeyRecord?> FindAsync(Guid keyId, CancellationToken ct)
    {
        // Keys are single-tenanted documents: the id alone finds them, before any tenant is known.
        await using var session = store.QuerySession();
        return await session.LoadAsync<ApiKeyRecord>(keyId, ct);
    }
}
