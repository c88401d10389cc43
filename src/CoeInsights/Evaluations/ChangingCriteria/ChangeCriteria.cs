using CoeInsights.Access;
using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations.GettingDetails;
using Marten;

namespace CoeInsights.Evaluations.ChangingCriteria;

/// <summary>Replaces a criterion's definition (same id).</summary>
public sealed record UpdateCriterion(Guid EvaluationId, long? ExpectedVersion, CriterionDefinition Criterion, string By, DateTimeOffset Now);

/// <summary>Removes a criterion with its facts and scores; weights must then be set again.</summary>
public sealed record RemoveCriterion(Guid EvaluationId, long? ExpectedVersion, string CriterionId, string By, DateTimeOffset Now);

/// <summary>Criteria change like they are added: while open and before scoring starts (or after a reopen).</summary>
public static class ChangeCriteriaHandler
{
    /// <summary>Load → decide → append at the command's evaluation and expected version (its etag), then the evaluation as <paramref name="caller"/> may see it.</summary>
    public static Task<T> Handle<T>(ISessionFactory sessions, Caller caller, UpdateCriterion command, Func<EvaluationDetails, T> render, CancellationToken ct)
        where T : class =>
        EvaluationStream.WriteAsync(sessions, caller, command.EvaluationId, command.ExpectedVersion, e => Decide(command, e), render, ct);

    /// <summary>Load → decide → append at the command's evaluation and expected version (its etag), then the evaluation as <paramref name="caller"/> may see it.</summary>
    public static Task<T> Handle<T>(ISessionFactory sessions, Caller caller, RemoveCriterion command, Func<EvaluationDetails, T> render, CancellationToken ct)
        where T : class =>
        EvaluationStream.WriteAsync(sessions, caller, command.EvaluationId, command.ExpectedVersion, e => Decide(command, e), render, ct);

    public static IReadOnlyList<object> Decide(UpdateCriterion c, Evaluation e)
    {
        var x = c.Criterion;
        var v = new Validator()
            .RequireId(x.Id, "criterion.criterion_id")
            .RequireName(x.Description, "criterion.description", Inputs.TextMax)
            .OptionalText(x.Category, "criterion.category", Inputs.NameMax)
            .Require(Enum.IsDefined(x.Direction), "criterion.direction", "is not a known direction")
            .Require(Enum.IsDefined(x.Source), "criterion.source", "is not a known source")
            .Require(x.MustHaveThreshold is null || double.IsFinite(x.MustHaveThreshold.Value), "criterion.must_have_threshold",
                "must be a finite number (not NaN or infinite)");
        if (x.Source == CriterionSource.EvaluatorScores && x.MustHaveThreshold is { } t && double.IsFinite(t))
            v.Require(t >= e.ScaleMin && t <= e.ScaleMax, "criterion.must_have_threshold", $"must be on the score scale [{e.ScaleMin}, {e.ScaleMax}]");
        v.ValidLevelDescriptions(x.ScaleLevelDescriptions, "criterion.scale_level_descriptions", e.ScaleMin, e.ScaleMax);
        v.ThrowIfInvalid();
        RequireChangeable(e);
        if (e.Criteria.All(y => y.Id != x.Id)) throw new NotFoundException("Criterion", x.Id);
        return [new CriterionUpdated(x with
        {
            Description = x.Description.Trim(), Category = Inputs.Clean(x.Category), ScaleLevelDescriptions = Inputs.CleanLevels(x.ScaleLevelDescriptions),
        }, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(RemoveCriterion c, Evaluation e)
    {
        new Validator().RequireId(c.CriterionId, "criterion_id").ThrowIfInvalid();
        RequireChangeable(e);
        if (e.Criteria.All(y => y.Id != c.CriterionId)) throw new NotFoundException("Criterion", c.CriterionId);
        return [new CriterionRemoved(c.CriterionId, c.By, c.Now)];
    }

    private static void RequireChangeable(Evaluation e)
    {
        if (e.State != EvaluationState.Open)
            throw new RuleViolationException(ErrorReasons.ConfigurationAfterClose, e.Subject, "Criteria change only while the evaluation is open: reopen it first.");
        if (e.CriteriaLocked)
            throw new RuleViolationException(ErrorReasons.CriteriaLockedAfterScoring, e.Subject,
                "Scoring has started: criteria are locked. Reopen the evaluation (with a reason) to change them.");
    }
}
