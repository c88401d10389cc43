using CoeInsights.Analytics.Scoring;

namespace CoeInsights.Analytics.Tests.Scoring;

public sealed class DecisionViewsTests
{
    /// <summary>
    /// c1 (A, w .2), c2 (A, w .3), c3 (B, w .5); V1 r = [1, .5, .4], V2 r = [.5, 1, 1].
    /// A weighs .5: V1 (.2·1 + .3·.5)/.5 = .7, V2 (.2·.5 + .3·1)/.5 = .8; B: V1 .4, V2 1.
    /// Check: .5·.7 + .5·.4 = .55 = V1's overall .2 + .15 + .2.
    /// </summary>
    [Fact]
    public void ScoresEachCategoryWithItsOwnRenormalisedWeights()
    {
        var result = DecisionViews.ByCategory(["A", "A", "B"], [0.2, 0.3, 0.5], [[1, 0.5, 0.4], [0.5, 1, 1]]);

        Assert.Equal(["A", "B"], result.Categories);
        Assert.Equal([0.5, 0.5], result.CategoryWeights.Select(w => Math.Round(w, 12)));
        Assert.Equal([70.0, 40.0], result.Scores[0].Select(s => Math.Round(s, 9)));
        Assert.Equal([80.0, 100.0], result.Scores[1].Select(s => Math.Round(s, 9)));
    }

    /// <summary>
    /// Scale 1–5. q (benefit, scored, w .5) and cost (fact, w .5; normalised X .5, Y 1). Sales = a1, a2; IT = b1.
    /// Sales q means X (5+3)/2 = 4 → .75, Y (1+3)/2 = 2 → .25: X 100(.375 + .25) = 62.5, Y 100(.125 + .5) = 62.5, a tie
    /// → X (first listed), margin 0, both rank 1. IT q X 1 → 0, Y 5 → 1: X 25, Y 100, Y by 75.
    /// Balanced: X (62.5 + 25)/2 = 43.75, Y (62.5 + 100)/2 = 81.25: Y by 37.5, although Sales has twice IT's evaluators.
    /// </summary>
    [Fact]
    public void RanksVendorsPerDepartmentAndBalancesDepartmentsEqually()
    {
        EvaluatorScore[] scores =
        [
            new("a1", "X", "q", 5), new("a1", "Y", "q", 1), new("a2", "X", "q", 3), new("a2", "Y", "q", 3),
            new("b1", "X", "q", 1), new("b1", "Y", "q", 5),
        ];
        var departmentOf = new Dictionary<string, string> { ["a1"] = "Sales", ["a2"] = "Sales", ["b1"] = "IT" };

        var view = DecisionViews.ByDepartment(["X", "Y"], ["q", "cost"], [CriterionDirection.Benefit, CriterionDirection.Cost],
            [true, false], [0.5, 0.5], [[1, 0.5], [0.75, 1]], new ScoreScale(1, 5), scores, departmentOf);

        Assert.Equal(["IT", "Sales"], view.Departments.Select(d => d.Department));
        var it = view.Departments[0];
        Assert.Equal((1, 1, 75.0), (it.Evaluators, it.Winner, Math.Round(it.Margin!.Value, 9)));
        Assert.Equal([25.0, 100.0], it.Scores.Select(s => Math.Round(s, 9)));
        var sales = view.Departments[1];
        Assert.Equal((2, 0, 0.0), (sales.Evaluators, sales.Winner, sales.Margin));
        Assert.Equal([62.5, 62.5], sales.Scores.Select(s => Math.Round(s, 9)));
        Assert.Equal([1, 1], sales.Ranks);
        var balanced = view.Balanced!;
        Assert.Equal((3, 1, 37.5), (balanced.Evaluators, balanced.Winner, Math.Round(balanced.Margin!.Value, 9)));
        Assert.Equal([43.75, 81.25], balanced.Scores.Select(s => Math.Round(s, 9)));
        Assert.Equal([2, 1], balanced.Ranks);
    }

    /// <summary>A cell the department did not score keeps the overall normalised value: IT without X's q → X 100(.5·1 + .5·.5) = 75.</summary>
    [Fact]
    public void KeepsTheOverallValueWhereADepartmentDidNotScore()
    {
        var view = DecisionViews.ByDepartment(["X", "Y"], ["q", "cost"], [CriterionDirection.Benefit, CriterionDirection.Cost],
            [true, false], [0.5, 0.5], [[1, 0.5], [0.75, 1]], new ScoreScale(1, 5), [new EvaluatorScore("b1", "Y", "q", 5)],
            new Dictionary<string, string> { ["b1"] = "IT" });

        Assert.Equal([75.0, 100.0], view.Departments.Single().Scores.Select(s => Math.Round(s, 9)));
    }

    [Fact]
    public void HasNoDepartmentsWithoutScoresOfKnownEvaluators()
    {
        var view = DecisionViews.ByDepartment(["X"], ["q"], [CriterionDirection.Benefit], [true], [1], [[1]], new ScoreScale(1, 5),
            [new EvaluatorScore("nobody", "X", "q", 5)], new Dictionary<string, string>());

        Assert.Empty(view.Departments);
        Assert.Null(view.Balanced);
    }

    /// <summary>
    /// 3-year cost = 3 × annual + one-off: A 300, B 3·50 + 30 = 180, C 180, D 150, E 180, F none.
    /// A (80) has the best benefit; B and C tie on both (neither strictly better) so both stay; D is cheapest;
    /// E (65, 180) is dominated by B (70 ≥ 65, 180 ≤ 180, benefit strictly better); F has no cost to compare.
    /// </summary>
    [Fact]
    public void FlagsTheParetoSetOnBenefitAgainstThreeYearCost()
    {
        var values = DecisionViews.ValueForMoney(["A", "B", "C", "D", "E", "F"], [80, 70, 70, 60, 65, 90],
            [100, 50, 60, 50, 60, null], [0, 30, 0, 0, 0, 0]);

        Assert.Equal([300.0, 180, 180, 150, 180, null], values.Select(v => v.ThreeYearCost));
        Assert.Equal([true, true, true, true, false, null], values.Select(v => v.Pareto));
        Assert.Equal([100.0, 50, 60, 50, 60, null], values.Select(v => v.AnnualCost));
    }
}
