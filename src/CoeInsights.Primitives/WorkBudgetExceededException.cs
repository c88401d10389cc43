namespace CoeInsights.Primitives;

/// <summary>
/// The <see cref="DomainException"/> kind thrown by pure code before it starts a computation whose estimated cost is above its documented cap
/// (docs/limits.md). The server maps it to RESOURCE_EXHAUSTED with ErrorInfo reason <c>WORK_BUDGET_EXCEEDED</c> and a
/// google.rpc.QuotaFailure that states the cost and the limit, so a caller learns what to make smaller.
/// </summary>
public sealed class WorkBudgetExceededException(string subject, long cost, long limit, string message) : DomainException(ErrorReasons.WorkBudgetExceeded, message)
{
    /// <summary>The budget that was exceeded, e.g. <c>scoring.work_units</c>.</summary>
    public string Subject { get; } = subject;

    /// <summary>The request's estimated cost in the budget's units.</summary>
    public long Cost { get; } = cost;

    /// <summary>The cap in the same units.</summary>
    public long Limit { get; } = limit;
}
