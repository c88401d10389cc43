using CoeInsights.Common;
using Marten;

namespace CoeInsights.Evaluations;

/// <summary>Evaluation writes go through <see cref="EventStreamWriter"/>; this names their stream (ids, not found).</summary>
public static class EvaluationStream
{
    /// <summary>Load → decide → append on one evaluation (see <see cref="EventStreamWriter.AppendAsync{TAggregate}"/>).</summary>
    public static Task<WriteResult> AppendAsync(
        Func<IDocumentSession> openSession, Guid id, long? expectedVersion, Func<Evaluation, IReadOnlyList<object>> decide, CancellationToken ct) =>
        EventStreamWriter.AppendAsync(openSession, id, expectedVersion, decide, "evaluations", NotFound, ct);

    public static NotFoundException NotFound(Guid id) => new("Evaluation", id.ToString());

    /// <summary>Parses an evaluation id from a request.</summary>
    public static Guid ParseId(string? text, string field = "evaluation_id") =>
        Guid.TryParse(text, out var id) ? id : throw new InvalidInputException(field, "must be an evaluation id as returned by CreateEvaluation");
}
