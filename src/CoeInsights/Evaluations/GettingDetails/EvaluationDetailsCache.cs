using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Marten;

namespace CoeInsights.Evaluations.GettingDetails;

/// <summary>
/// The deserialised details read model, kept per store and per (tenant, evaluation) with the row's
/// <c>mt_version</c> (the stream version Marten writes with every inline update). A read costs one
/// primary-key lookup of that bigint column (no jsonb leaves PostgreSQL) and, only when the version moved,
/// one full load: the sample evaluation's details are ≈ 205 KB of JSON, and deserialising them was ≈ 40 % of
/// the CPU of every GetEvaluation and ScoreEvaluation (docs/benchmarks.md). Every replica checks the version
/// on every read, so a write on any replica is seen by the next read on all of them (read-your-writes as before).
/// Cached documents are shared between callers: read models are immutable records, never changed after load.
/// </summary>
internal sealed class EvaluationDetailsCache
{
    /// <summary>Bounds memory (≈ 1 MB per sample-sized evaluation); the whole map is dropped when full.</summary>
    public const int MaxEntries = 256;

    private static readonly ConditionalWeakTable<IDocumentStore, EvaluationDetailsCache> PerStore = new();

    private readonly ConcurrentDictionary<(string Tenant, Guid Id), CachedDetails> _entries = new();
    private readonly string _versionSql;

    private EvaluationDetailsCache(IDocumentStore store)
    {
        // Marten's table for the document (default naming: mt_doc_ + the type name, lower case).
        var table = $"{store.Options.DatabaseSchemaName}.mt_doc_{nameof(EvaluationDetails).ToLowerInvariant()}";
        _versionSql = $"select mt_version from {table} where tenant_id = ? and id = ?";
    }

    public static EvaluationDetailsCache For(IDocumentStore store) => PerStore.GetValue(store, s => new EvaluationDetailsCache(s));

    public async Task<CachedDetails?> LoadAsync(IQuerySession session, Guid id, CancellationToken ct)
    {
        var versions = await session.AdvancedSql.QueryAsync<long>(_versionSql, ct, session.TenantId, id);
        if (versions.Count == 0) return null;
        var version = versions[0];
        var key = (session.TenantId, id);
        if (_entries.TryGetValue(key, out var entry) && entry.Version == version) return entry;

        // Loaded after the version was read, so the document is at least that version: an entry is never older than its key.
        var details = await session.LoadAsync<EvaluationDetails>(id, ct);
        if (details is null) return null;
        if (_entries.Count >= MaxEntries) _entries.Clear();
        return _entries[key] = new CachedDetails(version, details);
    }
}

/// <summary>
/// One version of an evaluation's details, and what was computed from exactly that version (e.g. scores per
/// caller visibility and options): a new version is a new entry, so derived results can never be stale.
/// </summary>
internal sealed class CachedDetails(long version, EvaluationDetails details)
{
    /// <summary>Different option sets per version kept at most (then the derived results are dropped).</summary>
    public const int MaxDerived = 64;

    private readonly ConcurrentDictionary<string, object> _derived = new(StringComparer.Ordinal);

    public long Version { get; } = version;
    public EvaluationDetails Details { get; } = details;

    public bool TryGetDerived<T>(string key, out T value) where T : class
    {
        var found = _derived.TryGetValue(key, out var o);
        value = (o as T)!;
        return found && o is T;
    }

    public void AddDerived(string key, object value)
    {
        if (_derived.Count >= MaxDerived) _derived.Clear();
        _derived[key] = value;
    }
}
