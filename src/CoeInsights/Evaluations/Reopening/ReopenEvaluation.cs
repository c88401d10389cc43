using CoeInsights.Access;
using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations.GettingDetails;
using Marten;

namespace CoeInsights.Evaluations.Reopening;

/// <summary>Back to open (scores revisable, criteria unlocked); a pending proposal and its votes are dropped.</summary>
public sealed record ReopenEvaluation(Guid EvaluationId, long? ExpectedVersion, string Reason, string By, DateTimeOffset Now);

public static class ReopenEvaluationHandler
{
    /// <summary>Load → decide → append at the command's evaluation and expected version (its etag), then the evaluation as <paramref name="caller"/> may see it.</summary>
    public static Task<T> Handle<T>(ISessionFactory sessions, Caller caller, ReopenEvaluation command, Func<EvaluationDetails, T> render, CancellationToken ct)
        where T : class =>
        EvaluationStream.WriteAsync(sessions, caller, command.EvaluationId, command.ExpectedVersion, e => Decide(command, e), render, ct);

    public static IReadOnlyList<object> Decide(ReopenEvaluation c, Evaluation e)
    {
        new Validator().RequireName(c.Reason, "reason", Inputs.TextMax).ThrowIfInvalid();
        return e.State switch
        {
            EvaluationState.Open => throw new RuleViolationException(ErrorReasons.EvaluationAlreadyOpen, e.Subject, "The evaluation is already open."),
            EvaluationState.Approved => throw new RuleViolationException(ErrorReasons.EvaluationApproved, e.Subject, "The recommendation is approved: the evaluation is final."),
            _ => [new EvaluationReopened(c.Reason.Trim(), c.By, c.Now)],
        };
    }
}
