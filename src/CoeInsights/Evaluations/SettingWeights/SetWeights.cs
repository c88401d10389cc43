using CoeInsights.Access;
using CoeInsights.Analytics.Scoring;
using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations.GettingDetails;
using Marten;

namespace CoeInsights.Evaluations.SettingWeights;

/// <summary>Pairwise judgements over <see cref="CriterionIds"/> (several matrices: a group judgement).</summary>
public sealed record AhpInput(IReadOnlyList<string> CriterionIds, IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>> Matrices, AhpOptions Options);

/// <summary>
/// Exactly one source: direct <see cref="Weights"/>; <see cref="Ahp"/> pairwise judgements; or weights derived
/// from a survey (<see cref="Weights"/> plus <see cref="Survey"/>, which the Surveys module computes).
/// </summary>
public sealed record SetWeights(
    Guid EvaluationId, long? ExpectedVersion, WeightSource Source, IReadOnlyList<CriterionWeight> Weights, AhpInput? Ahp,
    SurveyReference? Survey, string By, DateTimeOffset Now);

public static class SetWeightsHandler
{
    /// <summary>Load → decide → append at the command's evaluation and expected version (its etag), then the evaluation as <paramref name="caller"/> may see it.</summary>
    public static Task<T> Handle<T>(ISessionFactory sessions, Caller caller, SetWeights command, Func<EvaluationDetails, T> render, CancellationToken ct)
        where T : class =>
        EvaluationStream.WriteAsync(sessions, caller, command.EvaluationId, command.ExpectedVersion, e => Decide(command, e), render, ct);

    public static IReadOnlyList<object> Decide(SetWeights c, Evaluation e)
    {
        if (e.State != EvaluationState.Open)
            throw new RuleViolationException(ErrorReasons.WeightsLockedAfterClose, e.Subject, "Weights change only while the evaluation is open: reopen it first.");
        if (e.Criteria.Count == 0)
            throw new RuleViolationException(ErrorReasons.WeightsInvalid, e.Subject, "Add the criteria before setting their weights.");

        return c.Source switch
        {
            WeightSource.Direct or WeightSource.Survey => [DecideDirect(c, e)],
            WeightSource.Ahp => [DecideAhp(c, e)],
            _ => throw new InvalidInputException("source", "give direct weights, AHP judgements or survey weights"),
        };
    }

    private static WeightsSet DecideDirect(SetWeights c, Evaluation e)
    {
        var v = new Validator().RequireList(c.Weights, "weights", 200);
        if (c.Source == WeightSource.Survey)
            v.RequireName(c.Survey?.SurveyId, "survey.survey_id").Require(c.Survey is { SurveyVersion: > 0 }, "survey.survey_version", "must be positive");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < c.Weights.Count; i++)
        {
            var w = c.Weights[i];
            var f = $"weights[{i}]";
            v.Require(e.Criteria.Any(x => x.Id == w.CriterionId), $"{f}.criterion_id", $"'{w.CriterionId}' is not a criterion of this evaluation")
                .Require(double.IsFinite(w.Weight) && w.Weight >= 0 && w.Weight <= Validator.MaxMagnitude, $"{f}.weight", "must be a finite number from 0 to 1e15");
            if (!seen.Add(w.CriterionId ?? "")) v.Add($"{f}.criterion_id", "is given twice");
        }
        v.Require(c.Weights.Any(w => double.IsFinite(w.Weight) && w.Weight > 0), "weights", "at least one weight must be positive");
        v.ThrowIfInvalid();

        var missing = e.Criteria.Where(x => !seen.Contains(x.Id)).Select(x => x.Id).ToList();
        if (missing.Count > 0)
            throw new RuleViolationException(ErrorReasons.WeightsInvalid, e.Subject, $"Every criterion needs a weight; missing: {string.Join(", ", missing)}.");
        var sum = c.Weights.Sum(w => w.Weight);
        var byId = c.Weights.ToDictionary(w => w.CriterionId, w => w.Weight / sum);
        return new WeightsSet(e.Criteria.Select(x => new CriterionWeight(x.Id, byId[x.Id])).ToList(), c.Source, null,
            c.Source == WeightSource.Survey ? c.Survey : null, c.By, c.Now);
    }

    private static WeightsSet DecideAhp(SetWeights c, Evaluation e)
    {
        var ahp = c.Ahp ?? throw new InvalidInputException("ahp", "is required for AHP weights");
        var v = new Validator().RequireList(ahp.CriterionIds, "ahp.criterion_ids", 15).RequireList(ahp.Matrices, "ahp.pairwise_matrices", 100);
        v.ThrowIfInvalid();
        if (ahp.CriterionIds.Count != e.Criteria.Count || !e.Criteria.All(x => ahp.CriterionIds.Contains(x.Id)) || ahp.CriterionIds.Distinct().Count() != ahp.CriterionIds.Count)
            throw new RuleViolationException(ErrorReasons.WeightsInvalid, e.Subject,
                $"AHP judgements must compare exactly this evaluation's {e.Criteria.Count} criteria, each once (at most 15).");

        AhpResult result;
        try
        {
            result = ScoringEngine.ComputeAhpWeights(new AhpRequest { PairwiseMatrices = ahp.Matrices, Options = ahp.Options });
        }
        catch (InvalidInputException bad)
        {
            // The engine names pairwise_matrices[k][i][j]; in this request they sit under ahp.
            throw new InvalidInputException(bad.Violations.Select(x => x with { Field = "ahp." + x.Field }).ToList());
        }
        if (!result.IsAcceptablyConsistent)
            throw new RuleViolationException(ErrorReasons.WeightsInconsistent, e.Subject,
                $"The pairwise judgements are inconsistent: CR {result.ConsistencyRatio:0.####} > {ahp.Options.AcceptableConsistencyRatio:0.##}. Revise them.");

        var byId = ahp.CriterionIds.Select((id, i) => (id, w: result.Weights[i])).ToDictionary(x => x.id, x => x.w);
        return new WeightsSet(e.Criteria.Select(x => new CriterionWeight(x.Id, byId[x.Id])).ToList(), WeightSource.Ahp,
            new AhpJudgements(ahp.CriterionIds, ahp.Matrices, result.ConsistencyRatio), null, c.By, c.Now);
    }
}
