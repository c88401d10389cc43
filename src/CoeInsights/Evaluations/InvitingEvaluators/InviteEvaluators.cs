using CoeInsights.Access;
using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations.GettingDetails;
using Marten;

namespace CoeInsights.Evaluations.InvitingEvaluators;

/// <summary>Evaluator ids are API-key principals: the key that speaks for an evaluator submits their scores.</summary>
public sealed record InviteEvaluators(Guid EvaluationId, long? ExpectedVersion, IReadOnlyList<InvitedEvaluator> Evaluators, string By, DateTimeOffset Now);

public static class InviteEvaluatorsHandler
{
    /// <summary>Load → decide → append at the command's evaluation and expected version (its etag), then the evaluation as <paramref name="caller"/> may see it.</summary>
    public static Task<T> Handle<T>(ISessionFactory sessions, Caller caller, InviteEvaluators command, Func<EvaluationDetails, T> render, CancellationToken ct)
        where T : class =>
        EvaluationStream.WriteAsync(sessions, caller, command.EvaluationId, command.ExpectedVersion, e => Decide(command, e), render, ct);

    public static IReadOnlyList<object> Decide(InviteEvaluators c, Evaluation e)
    {
        var v = new Validator().RequireList(c.Evaluators, "evaluators", 200);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < c.Evaluators.Count; i++)
        {
            var x = c.Evaluators[i];
            var f = $"evaluators[{i}]";
            v.RequireName(x.EvaluatorId, $"{f}.evaluator_id").RequireName(x.Department, $"{f}.department")
                .OptionalText(x.DisplayName, $"{f}.display_name", Inputs.NameMax);
            if (x.EvaluatorId is not null && !seen.Add(x.EvaluatorId.Trim())) v.Add($"{f}.evaluator_id", $"'{x.EvaluatorId}' is given twice");
        }
        v.ThrowIfInvalid();

        if (e.State != EvaluationState.Open)
            throw new RuleViolationException(ErrorReasons.ConfigurationAfterClose, e.Subject, "Evaluators can be invited only while the evaluation is open.");
        if (c.Evaluators.FirstOrDefault(x => e.Evaluators.Any(y => y.EvaluatorId == x.EvaluatorId.Trim())) is { } dup)
            throw new AlreadyExistsException("Evaluator", dup.EvaluatorId);

        return [new EvaluatorsInvited(c.Evaluators.Select(x => new InvitedEvaluator(
            x.EvaluatorId.Trim(), string.IsNullOrWhiteSpace(x.DisplayName) ? x.EvaluatorId.Trim() : x.DisplayName.Trim(), x.Department.Trim())).ToList(), c.By, c.Now)];
    }
}
