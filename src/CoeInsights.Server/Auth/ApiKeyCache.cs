using System.Collections.Concurrent;
using CoeInsights.Access;
using CoeInsights.Access.Authenticating;
using CoeInsights.Server.Hosting;
using CoeInsights.Store;
using Marten;

namespace CoeInsights.Server.Auth;

/// <summary>
/// The key lookup every call and every open stream's re-check use (<see cref="ApiKeyLookup.FindAsync"/>), answered from
/// memory. The secret is still verified against the record's hash on every call, so the cache holds no secrets. Every
/// commit that stores a key (create, revoke) notifies every replica (<see cref="ChangeNotifications"/>), which drops that
/// key's entry at once, so a revocation reaches every replica within the notification's latency (milliseconds). A record
/// read while this replica was listening, with no key notification during the read, is trusted for
/// <see cref="ListeningTtl"/>; anything else (the LISTEN connection down, or it went down since) for <see cref="Ttl"/>
/// only. Unknown key ids are cached too (a client retrying a dead key costs no query), in a separate map of at most
/// <see cref="MaxNegativeEntries"/>: random well-formed keys cannot grow memory.
/// </summary>
public sealed class ApiKeyCache : ApiKeyLookup
{
    /// <summary>How long a record is trusted while changes are not heard: the bound on how late a revocation is seen then.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(1);

    /// <summary>How long a record is trusted while every key change is heard (a notification drops it sooner).</summary>
    public static readonly TimeSpan ListeningTtl = TimeSpan.FromMinutes(5);

    public const int MaxNegativeEntries = 4_096;

    /// <summary>Real keys are few; the cap only guards against a store full of keys.</summary>
    public const int MaxPositiveEntries = 65_536;

    private readonly TimeProvider _clock;
    private readonly ChangeNotifier _changes;
    private readonly ConcurrentDictionary<Guid, Entry> _known = new();
    private readonly ConcurrentDictionary<Guid, Stamp> _unknown = new();
    private long _heard;

    public ApiKeyCache(IDocumentStore store, TimeProvider clock, ChangeNotifier changes) : base(store)
    {
        _clock = clock;
        _changes = changes;
        changes.Changed += key =>
        {
            if (!key.StartsWith(ChangeKeys.ApiKeyPrefix, StringComparison.Ordinal) ||
                !Guid.TryParseExact(key.AsSpan(ChangeKeys.ApiKeyPrefix.Length), "N", out var id)) return;
            Interlocked.Increment(ref _heard);
            Invalidate(id);
            _unknown.TryRemove(id, out _);
        };
        changes.Interrupted += () =>
        {
            Interlocked.Increment(ref _heard);
            _known.Clear();
            _unknown.Clear();
        };
    }

    public int NegativeCount => _unknown.Count;

    public override async Task<ApiKeyRecord?> FindAsync(Guid keyId, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        if (_known.TryGetValue(keyId, out var entry) && Fresh(entry.Stamp, now)) return entry.Record;
        if (_unknown.TryGetValue(keyId, out var unknown) && Fresh(unknown, now)) return null;

        var (listening, epoch, heard) = (_changes.IsListening, _changes.Epoch, Interlocked.Read(ref _heard));
        var record = await base.FindAsync(keyId, ct);
        // Followed by notifications throughout the read, and none about keys arrived meanwhile: trusted until told otherwise.
        var followed = listening && _changes.IsListening && _changes.Epoch == epoch && Interlocked.Read(ref _heard) == heard;
        var stamp = new Stamp(now, followed ? epoch : null);
        if (record is null)
        {
            _known.TryRemove(keyId, out _);
            if (_unknown.Count >= MaxNegativeEntries) _unknown.Clear();
            _unknown[keyId] = stamp;
        }
        else
        {
            _unknown.TryRemove(keyId, out _);
            if (_known.Count >= MaxPositiveEntries) _known.Clear();
            _known[keyId] = new Entry(record, stamp);
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

    /// <summary>Forgets the record of <paramref name="keyId"/> (after a revocation on this replica, or hearing of one).</summary>
    public void Invalidate(Guid keyId) => _known.TryRemove(keyId, out _);

    private bool Fresh(Stamp stamp, DateTimeOffset now) =>
        now - stamp.ReadAt < (stamp.Epoch is { } e && e == _changes.Epoch && _changes.IsListening ? ListeningTtl : Ttl);

    /// <summary>When the entry was read, and the LISTEN epoch it was followed through (null: not followed).</summary>
    private sealed record Stamp(DateTimeOffset ReadAt, long? Epoch);

    private sealed record Entry(ApiKeyRecord Record, Stamp Stamp);
}
