namespace CoeInsights.Evaluations.GettingDetails;

/// <summary>How far one invited evaluator is: cells scored of the cells there are to score.</summary>
/// <param name="Scored">Distinct vendor × criterion cells the evaluator has a score for (a revised cell counts once).</param>
/// <param name="Expected">Vendors × criteria scored by evaluators (vendor facts are not scored by people).</param>
/// <param name="LastScoredAt">When the evaluator last submitted a score that still stands; null before the first.</param>
public sealed record EvaluatorProgress(string EvaluatorId, string DisplayName, string Department, int Scored, int Expected, DateTimeOffset? LastScoredAt)
{
    /// <summary>Scored / expected, 0–1; 1 when there is nothing to score.</summary>
    public double Fraction => Expected == 0 ? 1 : (double)Scored / Expected;
}

public static class EvaluatorProgressRules
{
    /// <summary>
    /// Progress of every invited evaluator whose scores <paramref name="e"/> holds, in invitation order. On a copy
    /// filtered for a blind reader (<see cref="Evaluation.ScoresOnlyOf"/>) only that reader's row is given: rows of
    /// zeros for the others would tell an evaluator something untrue.
    /// </summary>
    public static IReadOnlyList<EvaluatorProgress> Of(Evaluation e)
    {
        var vendors = e.Vendors.Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
        var criteria = e.Criteria.Where(c => c.Source == CriterionSource.EvaluatorScores).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var expected = vendors.Count * criteria.Count;
        var byEvaluator = e.Scores
            .Where(s => vendors.Contains(s.VendorId) && criteria.Contains(s.CriterionId))
            .GroupBy(s => s.EvaluatorId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (Cells: g.Select(s => (s.VendorId, s.CriterionId)).Distinct().Count(), Last: g.Max(s => s.At)),
                StringComparer.Ordinal);
        return e.Evaluators
            .Where(x => e.ScoresOnlyOf is null || x.EvaluatorId == e.ScoresOnlyOf)
            .Select(x => byEvaluator.TryGetValue(x.EvaluatorId, out var p)
                ? new EvaluatorProgress(x.EvaluatorId, x.DisplayName, x.Department, p.Cells, expected, p.Last)
                : new EvaluatorProgress(x.EvaluatorId, x.DisplayName, x.Department, 0, expected, null))
            .ToList();
    }
}
