using CoeInsights.Analytics;
using CoeInsights.Common;

namespace CoeInsights.Evaluations.Reopening;

/// <summary>Back to open (scores revisable, criteria unlocked); a pending proposal and its votes are dropped.</summary>
public sealed record ReopenEvaluation(Guid EvaluationId, long? ExpectedVersion, string Reason, string By, DateTimeOffset Now);

public static class ReopenEvaluationHandler
{
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
