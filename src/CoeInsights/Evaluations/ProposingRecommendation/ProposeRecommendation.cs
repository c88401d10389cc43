using CoeInsights.Access;
using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations.GettingDetails;
using Marten;

namespace CoeInsights.Evaluations.ProposingRecommendation;

public sealed record ProposeRecommendation(Guid EvaluationId, long? ExpectedVersion, string VendorId, string Rationale, string By, DateTimeOffset Now);

public static class ProposeRecommendationHandler
{
    /// <summary>Load → decide → append at the command's evaluation and expected version (its etag), then the evaluation as <paramref name="caller"/> may see it.</summary>
    public static Task<T> Handle<T>(ISessionFactory sessions, Caller caller, ProposeRecommendation command, Func<EvaluationDetails, T> render, CancellationToken ct)
        where T : class =>
        EvaluationStream.WriteAsync(sessions, caller, command.EvaluationId, command.ExpectedVersion, e => Decide(command, e), render, ct);

    public static IReadOnlyList<object> Decide(ProposeRecommendation c, Evaluation e)
    {
        switch (e.State)
        {
            case EvaluationState.Open:
                throw new RuleViolationException(ErrorReasons.RecommendationRequiresClose, e.Subject, "Close the evaluation before proposing a recommendation.");
            case EvaluationState.RecommendationProposed:
                throw new RuleViolationException(ErrorReasons.RecommendationAlreadyProposed, e.Subject,
                    "A recommendation is already awaiting votes: it must be rejected, or the evaluation reopened, first.");
            case EvaluationState.Approved:
                throw new RuleViolationException(ErrorReasons.EvaluationApproved, e.Subject, "The recommendation is approved: the evaluation is final.");
        }
        new Validator()
            .Require(e.Vendors.Any(x => x.Id == c.VendorId), "vendor_id", $"'{c.VendorId}' is not a vendor of this evaluation")
            .OptionalText(c.Rationale, "rationale")
            .ThrowIfInvalid();
        return [new RecommendationProposed(c.VendorId, Inputs.Clean(c.Rationale), c.By, c.Now)];
    }
}
