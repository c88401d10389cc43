using System.Collections.Concurrent;
using CoeInsights.Access;
using CoeInsights.Access.Authenticating;
using Marten;

namespace CoeInsights.Server.Auth;

/// <summary>
/// The key lookup every call and every open stream's re-check use (<see cref="ApiKeyLookup.FindAsync"/>), answered from
/// memory: a key's record is read from the store only when its entry is missing or older than <see cref="Ttl"/>. The
/// secret is still verified against the record's hash on every call, so the cache holds no secrets. A revocation on
/// this replica drops the key's entry at once (<see cref="Invalidate"/>); other replicas see it when their entry
/// expires, within <see cref="Ttl"/>. Unknown key ids are cached too (a client retrying a dead key costs no query), in a
/// separate map of at most <see cref="MaxNegativeEntries"/>: random well-formed keys cannot grow memory.
/// </summary>
public sealed class ApiKeyCache(IDocumentStore store, TimeProvider clock) : ApiKeyLookup(store)
{
    /// <summary>How long a record is trusted: the bound on how late another replica sees a revocation.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(1);

    public const int MaxNegativeEntries = 4_096;

    /// <summary>Real keys are few; the cap only guards against a store full of keys.</summary>
    public const int MaxPositiveEntries = 65_536;

    private readonly ConcurrentDictionary<Guid, Entry> _known = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _unknown = new();

    public int NegativeCount => _unknown.Count;

    public override async Task<ApiKeyRecord?> FindAsync(Guid keyId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_known.TryGetValue(keyId, out var entry) && entry.ExpiresAt > now) return entry.Record;
        if (_unknown.TryGetValue(keyId, out var expiresAt) && expiresAt > now) return null;

        var record = await base.FindAsync(keyId, ct);
        var until = now + Ttl;
        if (record is null)
        {
            _known.TryRemove(keyId, out _);
            if (_unknown.Count >= MaxNegativeEntries) _unknown.Clear();
            _unknown[keyId] = until;
        }
        else
        {
            _unknown.TryRemove(keyId, out _);
            if (_known.Count >= MaxPositiveEntries) _known.Clear();
            _known[keyId] = new Entry(record, until);
        }
        return record;
    }

    /// <summary>The caller for <paramref name="secret"/>, or null for a malformed, unknown, wrong or revoked key.</summary>
    public async ValueTask<Caller?> LookupAsync(string secret, CancellationToken ct)
    {
        // Malformed secrets never reach the store nor the cache.
        if (!ApiKeySecrets.TryParseKeyId(secret, out var keyId)) return null;
        return AuthenticateApiKey.Verify(await FindAsync(keyId, ct), secret).Caller;
    }

    /// <summary>Forgets the record of <paramref name="keyId"/> (after a revocation on this replica).</summary>
    public void Invalidate(Guid keyId) => _known.TryRemove(keyId, out _);

    private sealed record Entry(ApiKeyRecord Record, DateTimeOffset ExpiresAt);
}
