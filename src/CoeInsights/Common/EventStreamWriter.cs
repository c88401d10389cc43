using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace CoeInsights.Common;

/// <summary>The outcome of a write: the stream version after it (the new etag) and the events appended (none for a retry).</summary>
public sealed record WriteResult(Guid StreamId, long Version, IReadOnlyList<object> Events);

/// <summary>Load → decide → append, in one transaction, the way every event-sourced write goes (Evaluations, Surveys).</summary>
public static class EventStreamWriter
{
    private const int MaxAttempts = 12;

    /// <summary>
    /// With an <paramref name="expectedVersion"/> (the client's etag) the write happens only at that version:
    /// stale → <see cref="StaleEtagException"/> (ABORTED), and a change between read and append → ABORTED too.
    /// Without one (score batches, votes, responses) writers take the stream's lock in turn, and a conflict that still
    /// happens (the stream's first append) is retried with a fresh read: the deciders are idempotent (request ids, one vote per member), so a retry never duplicates.
    /// </summary>
    /// <param name="collection">The resource collection in the stale-etag message ("evaluations", "surveys").</param>
    public static async Task<WriteResult> AppendAsync<TAggregate>(
        Func<IDocumentSession> openSession, Guid id, long? expectedVersion, Func<TAggregate, IReadOnlyList<object>> decide,
        string collection, Func<Guid, NotFoundException> notFound, CancellationToken ct) where TAggregate : class
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = openSession();
            try
            {
                IEventStream<TAggregate> stream;
                if (expectedVersion is { } expected)
                {
                    var state = await session.Events.FetchStreamStateAsync(id, ct) ?? throw notFound(id);
                    if (state.Version != expected) throw new StaleEtagException($"{collection}/{id}", expected, state.Version);
                    stream = await session.Events.FetchForWriting<TAggregate>(id, expected, ct);
                }
                else
                {
                    // Writers queue on the stream's advisory lock (held to commit) instead of racing: 32 writers on one
                    // evaluation used to spin through optimistic retries, and one ran out of them under CI load.
                    stream = await session.Events.FetchForExclusiveWriting<TAggregate>(id, ct);
                }
                var aggregate = stream.Aggregate ?? throw notFound(id);
                var events = decide(aggregate);
                if (events.Count == 0) return new WriteResult(id, stream.StartingVersion ?? 0, events);
                stream.AppendMany(events);
                await session.SaveChangesAsync(ct);
                return new WriteResult(id, (stream.StartingVersion ?? 0) + events.Count, events);
            }
            catch (Exception e) when (expectedVersion is null && attempt < MaxAttempts && IsConcurrentAppend(e))
            {
                await Task.Delay(Random.Shared.Next(5, 10 + 15 * attempt), ct);
            }
            catch (Exception e) when (expectedVersion is { } expected && IsConcurrentAppend(e))
            {
                // Another writer got in between our read and our append: the etag went stale while we decided.
                await using var again = openSession();
                var actual = (await again.Events.FetchStreamStateAsync(id, ct))?.Version ?? expected;
                throw new StaleEtagException($"{collection}/{id}", expected, actual);
            }
        }
    }

    private static bool IsConcurrentAppend(Exception e) =>
        e is ConcurrencyException or EventStreamUnexpectedMaxEventIdException
        || (e.InnerException is { } inner && IsConcurrentAppend(inner))
        || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
