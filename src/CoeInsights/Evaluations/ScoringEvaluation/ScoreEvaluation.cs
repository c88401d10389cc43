using System.Text.Json;
using System.Text.Json.Serialization;
using CoeInsights.Access;
using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations.ClosingEvaluation;
using CoeInsights.Evaluations.GettingDetails;
using Marten;
using A = CoeInsights.Analytics.Scoring;

namespace CoeInsights.Evaluations.ScoringEvaluation;

/// <param name="WhatIfWeights">Scored instead of the stored weights, and not stored: scenarios for the committee to debate.</param>
public sealed record ScoreEvaluation(
    Guid EvaluationId, IReadOnlyList<CriterionWeight>? WhatIfWeights, A.AggregationOptions Aggregation, A.ScoringOptions Options,
    A.RobustnessOptions? Robustness);

public sealed record EvaluationScore(A.ScoringResult Result, long Version, bool WhatIf, int ScoresUsed);

public static class ScoreEvaluationHandler
{
    public static async Task<EvaluationScore> Handle(IQuerySession session, Caller caller, ScoreEvaluation command, CancellationToken ct)
    {
        var cached = await GetEvaluationHandler.LoadCached(session, command.EvaluationId, ct);
        var details = cached.Details;
        // Scoring is deterministic (seeded), so one version, one visible set of scores and one set of options give
        // one result: computed once, not for every caller of a closed evaluation.
        var key = CacheKey(command, caller, details.Evaluation);
        if (cached.TryGetDerived<EvaluationScore>(key, out var score)) return score;
        var request = BuildRequest(command, details.Evaluation.VisibleTo(caller));
        score = new EvaluationScore(A.ScoringEngine.ScoreEvaluation(request, ct), details.Version, command.WhatIfWeights is { Count: > 0 }, request.Scores.Count);
        cached.AddDerived(key, score);
        return score;
    }

    private static readonly JsonSerializerOptions KeyJson = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Whose scores the caller sees (all, or only their own) and every option, id aside.</summary>
    private static string CacheKey(ScoreEvaluation command, Caller caller, Evaluation e) =>
        "score|" + GetEvaluationHandler.VisibilityKey(caller, e) + "|" +
        JsonSerializer.Serialize(command with { EvaluationId = Guid.Empty }, KeyJson);

    /// <summary>The engine request for what the caller may see (pass the evaluation through <see cref="BlindScoring.VisibleTo"/> first).</summary>
    public static A.EvaluationScoringRequest BuildRequest(ScoreEvaluation c, Evaluation e)
    {
        if (e.Criteria.Count == 0) throw new RuleViolationException(ErrorReasons.CriteriaRequired, e.Subject, "The evaluation has no criteria yet.");
        if (e.Vendors.Count < 2) throw new RuleViolationException(ErrorReasons.VendorsRequired, e.Subject, "Scoring needs at least two vendors.");
        if (e.Scores.Count == 0) throw new RuleViolationException(ErrorReasons.NoVisibleScores, e.Subject, "There are no scores you may see yet.");

        IReadOnlyList<double> weights;
        if (c.WhatIfWeights is { Count: > 0 } whatIf)
        {
            var v = new Validator();
            for (var i = 0; i < whatIf.Count; i++)
                v.Require(e.Criteria.Any(x => x.Id == whatIf[i].CriterionId), $"what_if_weights[{i}].criterion_id", $"'{whatIf[i].CriterionId}' is not a criterion of this evaluation")
                    .Require(double.IsFinite(whatIf[i].Weight) && whatIf[i].Weight >= 0 && whatIf[i].Weight <= Validator.MaxMagnitude, $"what_if_weights[{i}].weight", "must be a finite number from 0 to 1e15");
            var missing = e.Criteria.Where(x => whatIf.All(w => w.CriterionId != x.Id)).Select(x => x.Id).ToList();
            v.Require(missing.Count == 0, "what_if_weights", $"every criterion needs a weight; missing: {string.Join(", ", missing)}")
                .Require(whatIf.Select(w => w.CriterionId).Distinct().Count() == whatIf.Count, "what_if_weights", "a criterion is given twice")
                .Require(whatIf.Any(w => w.Weight > 0), "what_if_weights", "at least one weight must be positive");
            v.ThrowIfInvalid();
            weights = e.Criteria.Select(x => whatIf.First(w => w.CriterionId == x.Id).Weight).ToList();
        }
        else
        {
            if (!CloseEvaluationHandler.WeightsCoverCriteria(e))
                throw new RuleViolationException(ErrorReasons.WeightsInvalid, e.Subject, "Set weights for exactly the current criteria, or give what-if weights.");
            weights = e.Criteria.Select(x => e.Weights!.Weights.First(w => w.CriterionId == x.Id).Weight).ToList();
        }

        var scorers = e.Scores.Select(s => s.EvaluatorId).ToHashSet();
        return new A.EvaluationScoringRequest
        {
            Vendors = e.Vendors.Select(x => new A.Vendor(x.Id, x.Name)).ToList(),
            Criteria = e.Criteria.Select(x => new A.Criterion(
                x.Id,
                x.Direction == CriterionDirection.Cost ? A.CriterionDirection.Cost : A.CriterionDirection.Benefit,
                string.IsNullOrEmpty(x.Category) ? null : x.Category,
                x.MustHaveThreshold,
                x.Source == CriterionSource.VendorFact ? A.CriterionSource.VendorFact : A.CriterionSource.EvaluatorScores)).ToList(),
            // Invited evaluators who scored, in invitation order (a blind caller: only themselves).
            EvaluatorIds = e.Evaluators.Select(x => x.EvaluatorId).Where(scorers.Contains).ToList(),
            Scale = new A.ScoreScale(e.ScaleMin, e.ScaleMax),
            Scores = e.Scores.Select(s => new A.EvaluatorScore(s.EvaluatorId, s.VendorId, s.CriterionId, s.Value)).ToList(),
            Facts = e.Vendors.SelectMany(x => x.Facts.Select(f => new A.VendorFact(x.Id, f.CriterionId, f.Value))).ToList(),
            Weights = weights,
            Aggregation = c.Aggregation,
            Options = c.Options,
            Robustness = c.Robustness,
        };
    }
}
