using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using CoeInsights.Access;
using CoeInsights.Access.Authenticating;
using Marten;

namespace CoeInsights.Server.Auth;

/// <summary>
/// The one place a bearer secret becomes a caller: every call (and every stream re-check) asks
/// <see cref="LookupAsync"/>, which answers from memory and reads the key record only when its
/// entry is missing or older than <see cref="Ttl"/>. Entries are keyed by the secret's SHA-256,
/// so the secret itself is never kept. A revocation on this replica drops its entries at once
/// (<see cref="Invalidate"/>); other replicas see it when their entry expires, within <see cref="Ttl"/>.
/// Unknown or revoked keys are cached too (so a client retrying a dead key costs no query), in a
/// separate map of at most <see cref="MaxNegativeEntries"/>: random well-formed keys cannot grow memory.
/// </summary>
public sealed class ApiKeyCache(IDocumentStore store, TimeProvider clock)
{
    /// <summary>How long a verdict is trusted: the bound on how late another replica sees a revocation.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(1);

    public const int MaxNegativeEntries = 4_096;

    /// <summary>Real keys are few; the cap only guards against a store full of keys.</summary>
    public const int MaxPositiveEntries = 65_536;

    private readonly ConcurrentDictionary<Digest, Entry> _known = new();
    private readonly ConcurrentDictionary<Digest, DateTimeOffset> _unknown = new();

    public int NegativeCount => _unknown.Count;

    /// <summary>The caller for <paramref name="secret"/>, or null for a malformed, unknown, wrong or revoked key.</summary>
    public async ValueTask<Caller?> LookupAsync(string secret, CancellationToken ct)
    {
        // Malformed secrets never reach the store nor the cache.
        if (!ApiKeySecrets.TryParseKeyId(secret, out _)) return null;
        var digest = Digest.Of(secret);
        var now = clock.GetUtcNow();
        if (_known.TryGetValue(digest, out var entry) && entry.ExpiresAt > now) return entry.Caller;
        if (_unknown.TryGetValue(digest, out var expiresAt) && expiresAt > now) return null;

        Caller? caller;
        await using (var session = store.QuerySession())
            caller = await AuthenticateApiKey.Handle(session, secret, ct);

        var until = now + Ttl;
        if (caller is null)
        {
            _known.TryRemove(digest, out _);
            if (_unknown.Count >= MaxNegativeEntries) _unknown.Clear();
            _unknown[digest] = until;
        }
        else
        {
            _unknown.TryRemove(digest, out _);
            if (_known.Count >= MaxPositiveEntries) _known.Clear();
            _known[digest] = new Entry(caller, until);
        }
        return caller;
    }

    /// <summary>Forgets every verdict about <paramref name="keyId"/> (after a revocation on this replica).</summary>
    public void Invalidate(Guid keyId)
    {
        foreach (var (digest, entry) in _known)
            if (entry.Caller.KeyId == keyId) _known.TryRemove(digest, out _);
    }

    private sealed record Entry(Caller Caller, DateTimeOffset ExpiresAt);

    private readonly record struct Digest(UInt128 Low, UInt128 High)
    {
        public static Digest Of(string secret)
        {
            Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(secret.Length)];
            var n = Encoding.UTF8.GetBytes(secret, utf8);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..n], hash);
            var halves = MemoryMarshal.Cast<byte, UInt128>(hash);
            return new Digest(halves[0], halves[1]);
        }
    }
}
