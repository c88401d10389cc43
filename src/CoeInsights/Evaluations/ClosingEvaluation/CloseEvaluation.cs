using CoeInsights.Access;
using CoeInsights.Common;
using CoeInsights.Evaluations.GettingDetails;
using Marten;

namespace CoeInsights.Evaluations.ClosingEvaluation;

public sealed record CloseEvaluation(Guid EvaluationId, long? ExpectedVersion, string By, DateTimeOffset Now);

public static class CloseEvaluationHandler
{
    /// <summary>Load → decide → append at the command's evaluation and expected version (its etag), then the evaluation as <paramref name="caller"/> may see it.</summary>
    public static Task<T> Handle<T>(ISessionFactory sessions, Caller caller, CloseEvaluation command, Func<EvaluationDetails, T> render, CancellationToken ct)
        where T : class =>
        EvaluationStream.WriteAsync(sessions, caller, command.EvaluationId, command.ExpectedVersion, e => Decide(command, e), render, ct);

    public static IReadOnlyList<object> Decide(CloseEvaluation c, Evaluation e)
    {
        if (e.State != EvaluationState.Open)
            throw new RuleViolationException(ErrorReasons.EvaluationNotOpen, e.Subject, $"The evaluation is {e.State}, not open.");
        Require(e, ErrorReasons.CriteriaRequired, e.Criteria.Count > 0, "Add at least one criterion before closing.");
        Require(e, ErrorReasons.VendorsRequired, e.Vendors.Count >= 2, "Add at least two vendors before closing.");
        Require(e, ErrorReasons.EvaluatorsRequired, e.Evaluators.Count > 0, "Invite at least one evaluator before closing.");
        Require(e, ErrorReasons.WeightsInvalid, WeightsCoverCriteria(e), "Set weights for exactly the current criteria before closing.");
        var missingFacts = (from cr in e.Criteria
                            where cr.Source == CriterionSource.VendorFact
                            from vendor in e.Vendors
                            where vendor.Facts.All(f => f.CriterionId != cr.Id)
                            select $"{vendor.Id}/{cr.Id}").ToList();
        Require(e, ErrorReasons.FactsMissing, missingFacts.Count == 0, $"Vendor facts are missing: {string.Join(", ", missingFacts.Take(10))}.");
        Require(e, ErrorReasons.ScoresRequired, e.Scores.Count > 0, "No scores were submitted yet.");
        return [new EvaluationClosed(c.By, c.Now)];
    }

    public static bool WeightsCoverCriteria(Evaluation e) =>
        e.Weights is { } w && w.Weights.Count == e.Criteria.Count && e.Criteria.All(cr => w.Weights.Any(x => x.CriterionId == cr.Id));

    private static void Require(Evaluation e, string rule, bool condition, string message)
    {
        if (!condition) throw new RuleViolationException(rule, e.Subject, message);
    }
}
