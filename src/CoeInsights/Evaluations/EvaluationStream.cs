using CoeInsights.Access;
using CoeInsights.Common;
using CoeInsights.Evaluations.GettingDetails;
using Marten;

namespace CoeInsights.Evaluations;

/// <summary>Evaluation writes go through <see cref="EventStreamWriter"/>; this names their stream (ids, not found).</summary>
public static class EvaluationStream
{
    /// <summary>Load → decide → append on one evaluation (see <see cref="EventStreamWriter.AppendAsync{TAggregate}"/>).</summary>
    public static Task<WriteResult> AppendAsync(
        Func<IDocumentSession> openSession, Guid id, long? expectedVersion, Func<Evaluation, IReadOnlyList<object>> decide, CancellationToken ct) =>
        EventStreamWriter.AppendAsync(openSession, id, expectedVersion, decide, "evaluations", NotFound, ct);

    /// <summary>
    /// A slice handler's write: load → decide → append at <paramref name="expectedVersion"/> (null: no precondition), then
    /// the evaluation read back as <paramref name="caller"/> may see it, through <see cref="GetEvaluationHandler.Handle{T}"/>.
    /// </summary>
    public static async Task<T> WriteAsync<T>(ISessionFactory sessions, Caller caller, Guid id, long? expectedVersion,
        Func<Evaluation, IReadOnlyList<object>> decide, Func<EvaluationDetails, T> render, CancellationToken ct) where T : class
    {
        await AppendAsync(sessions.OpenSession, id, expectedVersion, decide, ct);
        return await ReadAsync(sessions, caller, id, render, ct);
    }

    /// <summary>The evaluation as <paramref name="caller"/> may see it, in a session of its own (after a write).</summary>
    public static async Task<T> ReadAsync<T>(ISessionFactory sessions, Caller caller, Guid id, Func<EvaluationDetails, T> render, CancellationToken ct)
        where T : class
    {
        await using var session = sessions.QuerySession();
        return await GetEvaluationHandler.Handle(session, caller, id, render, ct);
    }

    public static NotFoundException NotFound(Guid id) => new("Evaluation", id.ToString());

    /// <summary>Parses an evaluation id from a request.</summary>
    public static Guid ParseId(string? text, string field = "evaluation_id") =>
        Guid.TryParse(text, out var id) ? id : throw new InvalidInputException(field, "must be an evaluation id as returned by CreateEvaluation");
}
