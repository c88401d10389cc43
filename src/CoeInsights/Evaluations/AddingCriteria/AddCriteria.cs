using CoeInsights.Access;
using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations.GettingDetails;
using Marten;

namespace CoeInsights.Evaluations.AddingCriteria;

public sealed record AddCriteria(Guid EvaluationId, long? ExpectedVersion, IReadOnlyList<CriterionDefinition> Criteria, string By, DateTimeOffset Now);

public static class AddCriteriaHandler
{
    /// <summary>Load → decide → append at the command's evaluation and expected version (its etag), then the evaluation as <paramref name="caller"/> may see it.</summary>
    public static Task<T> Handle<T>(ISessionFactory sessions, Caller caller, AddCriteria command, Func<EvaluationDetails, T> render, CancellationToken ct)
        where T : class =>
        EvaluationStream.WriteAsync(sessions, caller, command.EvaluationId, command.ExpectedVersion, e => Decide(command, e), render, ct);

    public static IReadOnlyList<object> Decide(AddCriteria c, Evaluation e)
    {
        var v = new Validator().RequireList(c.Criteria, "criteria", 200);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < c.Criteria.Count; i++)
        {
            var x = c.Criteria[i];
            var f = $"criteria[{i}]";
            v.RequireId(x.Id, $"{f}.criterion_id")
                .RequireName(x.Description, $"{f}.description", Inputs.TextMax)
                .OptionalText(x.Category, $"{f}.category", Inputs.NameMax)
                .Require(Enum.IsDefined(x.Direction), $"{f}.direction", "is not a known direction")
                .Require(Enum.IsDefined(x.Source), $"{f}.source", "is not a known source")
                .Require(x.MustHaveThreshold is null || double.IsFinite(x.MustHaveThreshold.Value), $"{f}.must_have_threshold",
                    "must be a finite number (not NaN or infinite)");
            v.ValidLevelDescriptions(x.ScaleLevelDescriptions, $"{f}.scale_level_descriptions", e.ScaleMin, e.ScaleMax);
            if (x.Id is not null && !seen.Add(x.Id)) v.Add($"{f}.criterion_id", $"'{x.Id}' is given twice");
            if (x.Source == CriterionSource.EvaluatorScores && x.MustHaveThreshold is { } t && double.IsFinite(t))
                v.Require(t >= e.ScaleMin && t <= e.ScaleMax, $"{f}.must_have_threshold", $"must be on the score scale [{e.ScaleMin}, {e.ScaleMax}]");
        }
        v.ThrowIfInvalid();

        if (e.State != EvaluationState.Open)
            throw new RuleViolationException(ErrorReasons.ConfigurationAfterClose, e.Subject, "Criteria can be added only while the evaluation is open: reopen it first.");
        if (e.CriteriaLocked)
            throw new RuleViolationException(ErrorReasons.CriteriaLockedAfterScoring, e.Subject,
                "Scoring has started: criteria are locked. Reopen the evaluation (with a reason) to change them.");
        if (c.Criteria.FirstOrDefault(x => e.Criteria.Any(y => y.Id == x.Id)) is { } dup)
            throw new AlreadyExistsException("Criterion", dup.Id);

        return [new CriteriaAdded(c.Criteria.Select(x => x with
        {
            Description = x.Description.Trim(), Category = Inputs.Clean(x.Category), ScaleLevelDescriptions = Inputs.CleanLevels(x.ScaleLevelDescriptions),
        }).ToList(), c.By, c.Now)];
    }
}
