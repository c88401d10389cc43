namespace CoeInsights.Analytics.Scoring;

/// <summary>Each vendor's score within each criterion category, on 0–100.</summary>
/// <param name="Categories">In order of first appearance among the criteria.</param>
/// <param name="CategoryWeights">Sum of the category's criterion weights (the weights sum to 1, so these do too).</param>
/// <param name="Scores">Row per vendor, column per category: Σ w·r / Σ w over the category's criteria, × 100.</param>
public sealed record CategoryScores(IReadOnlyList<string> Categories, IReadOnlyList<double> CategoryWeights, IReadOnlyList<IReadOnlyList<double>> Scores);

/// <summary>One department's (or the balanced) ranking of the vendors.</summary>
/// <param name="Evaluators">The people behind the row: the department's evaluators, or its survey respondents when the
/// row ranks under the department's own survey weights.</param>
/// <param name="Scores">Per vendor, 0–100, in the vendor order given.</param>
/// <param name="Ranks">Competition ranks (1 = best; equal within 1e-9 points share a rank).</param>
/// <param name="Winner">Index of the winner: the best score, ties to the first listed.</param>
/// <param name="Margin">Winner's score minus the runner-up's, in points; 0 for a tie; null with one vendor.</param>
public sealed record DepartmentRanking(string Department, int Evaluators, IReadOnlyList<double> Scores, IReadOnlyList<int> Ranks, int Winner, double? Margin);

/// <summary>Every department's ranking (ordinal order of the name) and the department-balanced one.</summary>
public sealed record DepartmentView(IReadOnlyList<DepartmentRanking> Departments, DepartmentRanking? Balanced);

/// <summary>One vendor's benefit against its cost.</summary>
/// <param name="Benefit">The vendor's overall score (0–100).</param>
/// <param name="ThreeYearCost">3 × annual cost + one-off costs; null without an annual cost.</param>
/// <param name="Pareto">Not dominated on (benefit, 3-year cost); null when the vendor has no cost to compare.</param>
public sealed record VendorValue(string VendorId, double Benefit, double? AnnualCost, double? ThreeYearCost, bool? Pareto);

/// <summary>
/// Views a decision-maker asks for after the ranking: by category, by department, benefit against cost.
/// Pure functions over a scoring result's arrays (vendor rows in the result's vendor order).
/// </summary>
public static class DecisionViews
{
    private const double Tolerance = 1e-9;

    /// <summary>
    /// Scores by category from the primary method's normalised matrix: within a category the criterion weights are
    /// renormalised to sum to 1, so a category score of 100 means best possible on every criterion in it.
    /// A category whose weights are all 0 scores the plain mean of its criteria.
    /// </summary>
    public static CategoryScores ByCategory(IReadOnlyList<string> criterionCategories, IReadOnlyList<double> weights,
        IReadOnlyList<IReadOnlyList<double>> normalised)
    {
        var categories = criterionCategories.Distinct(StringComparer.Ordinal).ToArray();
        var members = categories.Select(c => Enumerable.Range(0, criterionCategories.Count).Where(j => criterionCategories[j] == c).ToArray()).ToArray();
        var categoryWeights = members.Select(m => m.Sum(j => weights[j])).ToArray();
        var scores = normalised.Select(row => (IReadOnlyList<double>)members.Select((m, k) => categoryWeights[k] > 0
            ? 100 * m.Sum(j => weights[j] * row[j]) / categoryWeights[k]
            : 100 * m.Average(j => row[j])).ToArray()).ToArray();
        return new CategoryScores(categories, categoryWeights, scores);
    }

    /// <summary>
    /// The ranking each department's evaluators would give with the common weights. The evaluation carries one set of
    /// weights (per-department survey weights are not kept with it), so a department is told apart by its evaluators'
    /// scores: on each criterion scored by evaluators, the department's mean score on the declared scale mapped to
    /// 0–1 (min → 0, max → 1; reversed for a cost criterion); a cell its evaluators did not score, and every
    /// vendor-fact criterion, keeps the overall normalised value. Score = Σ w·r × 100.
    /// The balanced result is the mean of the department scores, each department counting once however many
    /// evaluators it has.
    /// </summary>
    /// <param name="fromEvaluators">Per criterion: true when evaluators score it (false for vendor facts).</param>
    /// <param name="normalised">The overall normalised matrix, row per vendor (the fallback for facts and gaps).</param>
    public static DepartmentView ByDepartment(IReadOnlyList<string> vendorIds, IReadOnlyList<string> criterionIds,
        IReadOnlyList<CriterionDirection> directions, IReadOnlyList<bool> fromEvaluators, IReadOnlyList<double> weights,
        IReadOnlyList<IReadOnlyList<double>> normalised, ScoreScale scale, IEnumerable<EvaluatorScore> scores,
        IReadOnlyDictionary<string, string> departmentOf)
    {
        var vendorIndex = vendorIds.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i, StringComparer.Ordinal);
        var criterionIndex = criterionIds.Select((c, j) => (c, j)).ToDictionary(p => p.c, p => p.j, StringComparer.Ordinal);
        var span = scale.Max - scale.Min;
        var departments = new List<DepartmentRanking>();
        var byDepartment = scores
            .Where(s => departmentOf.ContainsKey(s.EvaluatorId) && vendorIndex.ContainsKey(s.VendorId) && criterionIndex.ContainsKey(s.CriterionId))
            .GroupBy(s => departmentOf[s.EvaluatorId], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var g in byDepartment)
        {
            var sum = new double[vendorIds.Count, criterionIds.Count];
            var count = new int[vendorIds.Count, criterionIds.Count];
            foreach (var s in g)
            {
                var (i, j) = (vendorIndex[s.VendorId], criterionIndex[s.CriterionId]);
                sum[i, j] += s.Value;
                count[i, j]++;
            }
            var deptScores = new double[vendorIds.Count];
            for (var i = 0; i < vendorIds.Count; i++)
                for (var j = 0; j < criterionIds.Count; j++)
                {
                    var r = normalised[i][j];
                    if (fromEvaluators[j] && count[i, j] > 0 && span > 0)
                    {
                        var unit = Math.Clamp((sum[i, j] / count[i, j] - scale.Min) / span, 0, 1);
                        r = directions[j] == CriterionDirection.Cost ? 1 - unit : unit;
                    }
                    deptScores[i] += 100 * weights[j] * r;
                }
            departments.Add(Rank(g.Key, g.Select(s => s.EvaluatorId).Distinct(StringComparer.Ordinal).Count(), deptScores));
        }
        var balanced = departments.Count == 0 ? null : Rank("Department-balanced", departments.Sum(d => d.Evaluators),
            Enumerable.Range(0, vendorIds.Count).Select(i => departments.Average(d => d.Scores[i])).ToArray());
        return new DepartmentView(departments, balanced);
    }

    /// <summary>
    /// A cost criterion paid once (implementation, set-up, onboarding, migration …) rather than every year: its id or
    /// description says so. One-off costs are added once to the 3-year cost; the annual cost is a recurring one.
    /// </summary>
    public static bool IsOneOffCost(string id, string description) =>
        OneOffWords.Any(w => id.Contains(w, StringComparison.OrdinalIgnoreCase) || description.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static readonly string[] OneOffWords = ["one-off", "one off", "implementation", "setup", "set-up", "onboarding", "migration"];

    /// <summary>
    /// Benefit (overall score) against cost: 3-year total cost of ownership = 3 × annual cost + one-off costs.
    /// A vendor is on the Pareto set when no other costed vendor has at least its benefit at no more than its
    /// 3-year cost, and is strictly better on one of the two (equal within 1e-9).
    /// </summary>
    public static IReadOnlyList<VendorValue> ValueForMoney(IReadOnlyList<string> vendorIds, IReadOnlyList<double> benefit,
        IReadOnlyList<double?> annualCost, IReadOnlyList<double> oneOffCost)
    {
        var tco = vendorIds.Select((_, i) => annualCost[i] is { } a ? 3 * a + oneOffCost[i] : (double?)null).ToArray();
        return vendorIds.Select((v, i) =>
        {
            bool? pareto = tco[i] is { } cost
                ? !Enumerable.Range(0, vendorIds.Count).Any(k => k != i && tco[k] is { } other
                    && benefit[k] >= benefit[i] - Tolerance && other <= cost + Tolerance
                    && (benefit[k] > benefit[i] + Tolerance || other < cost - Tolerance))
                : null;
            return new VendorValue(v, benefit[i], annualCost[i], tco[i], pareto);
        }).ToArray();
    }

    /// <summary>
    /// A ranking of scores computed elsewhere (e.g. the scoring engine run with a department's own weights), on the
    /// method's scale × 100 in vendor order. Lower-is-better methods (VIKOR) rank the smallest first; the margin is
    /// then the runner-up's score minus the winner's, so it is never negative.
    /// </summary>
    public static DepartmentRanking Ranking(string department, int people, IReadOnlyList<double> scores, bool higherIsBetter = true)
    {
        var signed = scores.Select(s => higherIsBetter ? s : -s).ToArray();
        var ranked = Rank(department, people, signed);
        return ranked with { Scores = scores.ToArray() };
    }

    private static DepartmentRanking Rank(string department, int evaluators, double[] scores)
    {
        var ranks = scores.Select(s => 1 + scores.Count(o => o > s + Tolerance)).ToArray();
        var winner = 0;
        for (var i = 1; i < scores.Length; i++)
            if (scores[i] > scores[winner] + Tolerance) winner = i;
        double? margin = scores.Length < 2 ? null
            : scores[winner] - scores.Where((_, i) => i != winner).Max();
        if (margin is < Tolerance) margin = 0;
        return new DepartmentRanking(department, evaluators, scores, ranks, winner, margin);
    }
}
