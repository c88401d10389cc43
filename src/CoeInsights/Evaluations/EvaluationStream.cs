using CoeInsights.Common;
using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace CoeInsights.Evaluations;

/// <summary>The outcome of a write: the stream version after it (the new etag) and the events appended (none for a retry).</summary>
public sealed record WriteResult(Guid EvaluationId, long Version, IReadOnlyList<object> Events);

/// <summary>Load → decide → append, in one transaction, the way every Evaluation write goes.</summary>
public static class EvaluationStream
{
    private const int MaxAttempts = 12;

    /// <summary>
    /// With an <paramref name="expectedVersion"/> (the client's etag) the write happens only at that version:
    /// stale → <see cref="StaleEtagException"/> (ABORTED), and a change between read and append → ABORTED too.
    /// Without one (score batches, votes) the write is retried on a concurrent append with a fresh read:
    /// the deciders are idempotent (request ids, one vote per member), so a retry never duplicates.
    /// </summary>
    public static async Task<WriteResult> AppendAsync(
        Func<IDocumentSession> openSession, Guid id, long? expectedVersion, Func<Evaluation, IReadOnlyList<object>> decide, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = openSession();
            try
            {
                IEventStream<Evaluation> stream;
                if (expectedVersion is { } expected)
                {
                    var state = await session.Events.FetchStreamStateAsync(id, ct) ?? throw NotFound(id);
                    if (state.Version != expected) throw new StaleEtagException($"evaluations/{id}", expected, state.Version);
                    stream = await session.Events.FetchForWriting<Evaluation>(id, expected, ct);
                }
                else
                {
                    stream = await session.Events.FetchForWriting<Evaluation>(id, ct);
                }
                var evaluation = stream.Aggregate ?? throw NotFound(id);
                var events = decide(evaluation);
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
                await using var session2 = openSession();
                var actual = (await session2.Events.FetchStreamStateAsync(id, ct))?.Version ?? expected;
                throw new StaleEtagException($"evaluations/{id}", expected, actual);
            }
        }
    }

    public static NotFoundException NotFound(Guid id) => new("Evaluation", id.ToString());

    /// <summary>Parses an etag as handed out (<see cref="Common.Etag"/>); empty means "no precondition".</summary>
    public static long? ParseEtag(string? etag) => Common.Etag.Parse(etag);

    public static string ToEtag(long version) => Common.Etag.Format(version);

    /// <summary>Parses an evaluation id from a request.</summary>
    public static Guid ParseId(string? text, string field = "evaluation_id") =>
        Guid.TryParse(text, out var id) ? id : throw new InvalidInputException(field, "must be an evaluation id as returned by CreateEvaluation");

    private static bool IsConcurrentAppend(Exception e) =>
        e is ConcurrencyException or EventStreamUnexpectedMaxEventIdException
        || (e.InnerException is { } inner && IsConcurrentAppend(inner))
        || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
