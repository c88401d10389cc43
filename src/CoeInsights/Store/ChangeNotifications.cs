using System.Security.Cryptography;
using System.Text;
using CoeInsights.Access;
using CoeInsights.Connectors;
using CoeInsights.Kpis;
using Marten;

namespace CoeInsights.Store;

/// <summary>
/// The names of what watches wait for. A commit that touches a watched thing sends its key, in the same transaction, on
/// the store's channel (PostgreSQL NOTIFY, delivered to listeners only when the transaction commits); every server process
/// LISTENs on that channel and wakes its waiters for the key (the server's ChangeNotifier).
/// </summary>
public static class ChangeKeys
{
    /// <summary>PostgreSQL channel names are identifiers: at most 63 bytes.</summary>
    private const int MaxChannelBytes = 63;

    /// <summary>A notification payload must stay under 8,000 bytes; keys are joined by newlines up to this size.</summary>
    public const int MaxPayloadBytes = 7_000;

    /// <summary>One channel per store schema: stores sharing a database never wake each other.</summary>
    public static string Channel(string schema)
    {
        var name = $"coe_changes_{schema}";
        return Encoding.UTF8.GetByteCount(name) <= MaxChannelBytes
            ? name
            : $"coe_changes_{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(schema)))[..40]}";
    }

    /// <summary>Events were appended to the stream (evaluations, surveys, KPI batches: any stream).</summary>
    public static string Stream(Guid id) => $"stream:{id:N}";

    /// <summary>KPI observations were recorded or corrected in the tenant (what alert watches look at).</summary>
    public static string Kpis(string tenant) => $"kpis:{tenant}";

    /// <summary>A connector run was stored (started, progressed, finished).</summary>
    public static string SyncRun(Guid id) => $"syncrun:{id:N}";

    /// <summary>An API key was stored (created or revoked).</summary>
    public static string ApiKey(Guid id) => $"apikey:{id:N}";

    public const string ApiKeyPrefix = "apikey:";

    /// <summary>Alert deliveries were enqueued or requeued (any tenant): the delivery dispatchers look for due rows.</summary>
    public const string AlertDeliveries = "alertdeliveries";

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IDocumentSession, HashSet<string>> Requested = new();

    /// <summary>
    /// Sends <paramref name="key"/> with the session's notification when it commits, for writes the listener cannot see
    /// in the pending changes (raw SQL such as the alert outbox's inserts). The notification is queued last, by
    /// <see cref="ChangeNotifications"/>: a <c>select pg_notify</c> queued mid-batch would hand its result set to the next
    /// operation that reads one (an inline projection's <c>returning mt_version</c>) and fail the write.
    /// </summary>
    public static void SendOnCommit(IDocumentSession session, string key)
    {
        lock (Requested) Requested.GetOrCreateValue(session).Add(key);
    }

    internal static IReadOnlyCollection<string> TakeRequested(IDocumentSession session)
    {
        lock (Requested)
        {
            if (!Requested.TryGetValue(session, out var keys)) return [];
            Requested.Remove(session);
            return keys;
        }
    }

    /// <summary>The keys a notification payload carries (newline-separated).</summary>
    public static IEnumerable<string> Parse(string payload) => payload.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The keys grouped into payloads of at most <see cref="MaxPayloadBytes"/>.</summary>
    public static IEnumerable<string> Payloads(IEnumerable<string> keys)
    {
        var current = new StringBuilder();
        foreach (var key in keys)
        {
            if (current.Length > 0 && Encoding.UTF8.GetByteCount(current.ToString()) + 1 + Encoding.UTF8.GetByteCount(key) > MaxPayloadBytes)
            {
                yield return current.ToString();
                current.Clear();
            }
            if (current.Length > 0) current.Append('\n');
            current.Append(key);
        }
        if (current.Length > 0) yield return current.ToString();
    }
}

/// <summary>
/// Queues <c>pg_notify(channel, keys)</c> into every unit of work that appends events or stores a connector run or an API
/// key. Listeners run after Marten has processed the events and before it builds the batch, so the notification is part
/// of the same transaction: it is sent if and only if the change commits, and only once it is visible to readers.
/// </summary>
public sealed class ChangeNotifications : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        var pending = session.PendingChanges;
        foreach (var stream in pending.Streams())
        {
            if (stream.Events.Count == 0) continue;
            keys.Add(ChangeKeys.Stream(stream.Id));
            if (stream.Events.Any(e => e.Data is KpiBatchRecorded or KpiCorrected)) keys.Add(ChangeKeys.Kpis(stream.TenantId ?? session.TenantId));
        }
        foreach (var run in pending.AllChangedFor<SyncRun>()) keys.Add(ChangeKeys.SyncRun(run.Id));
        foreach (var key in pending.AllChangedFor<ApiKeyRecord>()) keys.Add(ChangeKeys.ApiKey(key.Id));
        keys.UnionWith(ChangeKeys.TakeRequested(session));
        if (keys.Count == 0) return Task.CompletedTask;

        var channel = ChangeKeys.Channel(session.DocumentStore.Options.DatabaseSchemaName);
        foreach (var payload in ChangeKeys.Payloads(keys))
            session.QueueSqlCommand("select pg_notify(?, ?)", channel, payload);
        return Task.CompletedTask;
    }
}
