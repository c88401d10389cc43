using CoeInsights.Analytics;
using CoeInsights.Analytics.Surveys;
using CoeInsights.Common;
using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace CoeInsights.Surveys;

/// <summary>The outcome of a write: the stream version after it (the new etag) and the events appended (none for a retry).</summary>
public sealed record SurveyWriteResult(Guid SurveyId, long Version, IReadOnlyList<object> Events);

/// <summary>Load → decide → append, in one transaction, the way every Survey write goes (as EvaluationStream).</summary>
public static class SurveyStream
{
    private const int MaxAttempts = 12;

    /// <summary>With an <paramref name="expectedVersion"/> (the etag) the write happens only at that version (stale → ABORTED);
    /// without one (responses) a concurrent append is retried with a fresh read: the decider is idempotent by request id.</summary>
    public static async Task<SurveyWriteResult> AppendAsync(
        Func<IDocumentSession> openSession, Guid id, long? expectedVersion, Func<Survey, IReadOnlyList<object>> decide, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = openSession();
            try
            {
                IEventStream<Survey> stream;
                if (expectedVersion is { } expected)
                {
                    var state = await session.Events.FetchStreamStateAsync(id, ct) ?? throw NotFound(id);
                    if (state.Version != expected) throw new StaleEtagException($"surveys/{id}", expected, state.Version);
                    stream = await session.Events.FetchForWriting<Survey>(id, expected, ct);
                }
                else
                {
                    stream = await session.Events.FetchForWriting<Survey>(id, ct);
                }
                var survey = stream.Aggregate ?? throw NotFound(id);
                var events = decide(survey);
                if (events.Count == 0) return new SurveyWriteResult(id, stream.StartingVersion ?? 0, events);
                stream.AppendMany(events);
                await session.SaveChangesAsync(ct);
                return new SurveyWriteResult(id, (stream.StartingVersion ?? 0) + events.Count, events);
            }
            catch (Exception e) when (expectedVersion is null && attempt < MaxAttempts && IsConcurrentAppend(e))
            {
                await Task.Delay(Random.Shared.Next(5, 10 + 15 * attempt), ct);
            }
            catch (Exception e) when (expectedVersion is { } expected && IsConcurrentAppend(e))
            {
                await using var session2 = openSession();
                var actual = (await session2.Events.FetchStreamStateAsync(id, ct))?.Version ?? expected;
                throw new StaleEtagException($"surveys/{id}", expected, actual);
            }
        }
    }

    public static NotFoundException NotFound(Guid id) => new("Survey", id.ToString());

    public static Guid ParseId(string? text, string field = "survey_id") =>
        Guid.TryParse(text, out var id) ? id : throw new InvalidInputException(field, "must be a survey id as returned by CreateSurvey");

    /// <summary>
    /// Validates questions and answers with the analytics' own rules (one source of truth for field paths).
    /// <paramref name="responsePrefix"/> replaces "responses[0]" in the paths (e.g. "" for a single submitted response).
    /// </summary>
    public static void Validate(IReadOnlyList<SurveyQuestion> questions, IReadOnlyList<SurveyScale> scales, SurveyResponse? response, string responsePrefix)
    {
        try
        {
            SurveyAnalysis.Validate(questions, scales, response is null ? [] : [response]);
        }
        catch (InvalidInputException bad)
        {
            throw new InvalidInputException(bad.Violations.Select(x => x with { Field = Rename(x.Field, responsePrefix) }).ToList());
        }
    }

    private static string Rename(string field, string prefix)
    {
        if (!field.StartsWith("responses[0]", StringComparison.Ordinal)) return field;
        var rest = field["responses[0]".Length..].TrimStart('.');
        return prefix.Length == 0 ? rest : rest.Length == 0 ? prefix : $"{prefix}.{rest}";
    }

    public static string ToEtag(long version) => Common.Etag.Format(version);

    private static bool IsConcurrentAppend(Exception e) =>
        e is ConcurrencyException or EventStreamUnexpectedMaxEventIdException
        || (e.InnerException is { } inner && IsConcurrentAppend(inner))
        || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
