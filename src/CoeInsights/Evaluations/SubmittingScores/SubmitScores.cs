using CoeInsights.Access;
using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations.GettingDetails;
using Marten;

namespace CoeInsights.Evaluations.SubmittingScores;

/// <summary>One evaluator's batch of scores. Revisable until close; a retried <see cref="RequestId"/> is stored once.</summary>
public sealed record SubmitScores(Guid EvaluationId, string EvaluatorId, string RequestId, IReadOnlyList<ScoreInput> Scores, string By, DateTimeOffset Now);

public static class SubmitScoresHandler
{
    /// <summary>
    /// Load → decide → append at the command's evaluation, without a precondition: a concurrent append is retried with a
    /// fresh read, and a retried <see cref="SubmitScores.RequestId"/> is stored once.
    /// </summary>
    public static Task<WriteResult> Append(ISessionFactory sessions, SubmitScores command, CancellationToken ct) =>
        EvaluationStream.AppendAsync(sessions.OpenSession, command.EvaluationId, null, e => Decide(command, e), ct);

    /// <summary>As <see cref="Append"/>, then the evaluation as <paramref name="caller"/> may see it.</summary>
    public static Task<T> Handle<T>(ISessionFactory sessions, Caller caller, SubmitScores command, Func<EvaluationDetails, T> render, CancellationToken ct)
        where T : class =>
        EvaluationStream.WriteAsync(sessions, caller, command.EvaluationId, null, e => Decide(command, e), render, ct);

    /// <summary>Whose scores these are: the caller's own, unless an admin submits for an evaluator.</summary>
    public static string ResolveEvaluator(Caller caller, string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested) || requested.Trim() == caller.Principal) return caller.Principal;
        return caller.Roles.Contains(Role.Admin)
            ? requested.Trim()
            : throw new PermissionDeniedException("evaluations.scores.submit", "Evaluators submit only their own scores.");
    }

    public static IReadOnlyList<object> Decide(SubmitScores c, Evaluation e)
    {
        new Validator().Require(!string.IsNullOrWhiteSpace(c.RequestId) && c.RequestId.Length <= 100, "request_id",
            "is required (1 to 100 characters): it makes retries safe").ThrowIfInvalid();
        if (e.ScoreRequestIds.Contains(c.RequestId)) return []; // a retry: already stored

        if (e.State != EvaluationState.Open)
            throw new RuleViolationException(ErrorReasons.ScoresAfterClose, e.Subject, "The evaluation is closed: scores can no longer be submitted or revised.");
        if (e.Evaluators.All(x => x.EvaluatorId != c.EvaluatorId))
            throw new RuleViolationException(ErrorReasons.NotAnInvitedEvaluator, e.Subject, $"'{c.EvaluatorId}' is not invited to score this evaluation.");

        var v = new Validator().RequireList(c.Scores, "scores", 10_000);
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < c.Scores.Count; i++)
        {
            var s = c.Scores[i];
            var f = $"scores[{i}]";
            v.Require(e.Vendors.Any(x => x.Id == s.VendorId), $"{f}.vendor_id", $"'{s.VendorId}' is not a vendor of this evaluation");
            var criterion = e.Criteria.FirstOrDefault(x => x.Id == s.CriterionId);
            if (criterion is null) v.Add($"{f}.criterion_id", $"'{s.CriterionId}' is not a criterion of this evaluation");
            else if (criterion.Source != CriterionSource.EvaluatorScores) v.Add($"{f}.criterion_id", $"'{s.CriterionId}' is a vendor fact, not scored");
            if (!double.IsFinite(s.Value)) v.Add($"{f}.value", "must be a finite number (not NaN or infinite)");
            else v.Require(s.Value >= e.ScaleMin && s.Value <= e.ScaleMax, $"{f}.value", $"must be on the scale [{e.ScaleMin}, {e.ScaleMax}]");
            v.OptionalText(s.Comment, $"{f}.comment").OptionalText(s.Evidence, $"{f}.evidence");
            if (!seen.Add((s.VendorId ?? "", s.CriterionId ?? ""))) v.Add(f, $"vendor '{s.VendorId}' × criterion '{s.CriterionId}' is given twice");
        }
        v.ThrowIfInvalid();

        return [new ScoresSubmitted(c.EvaluatorId, c.RequestId,
            c.Scores.Select(s => s with { Comment = Inputs.Clean(s.Comment), Evidence = Inputs.Clean(s.Evidence) }).ToList(), c.By, c.Now)];
    }
}
