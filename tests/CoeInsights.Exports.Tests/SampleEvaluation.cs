using CoeInsights.Analytics.Scoring;
using CoeInsights.Exports.Evaluations;

namespace CoeInsights.Exports.Tests;

/// <summary>A small evaluation scored by the real engine, with hostile user texts in every text field.</summary>
internal static class SampleEvaluation
{
    public const string HostileVendor = "=HYPERLINK(\"http://evil.example\",\"Click\")";
    public const string HostileComment = "+cmd|' /C calc'!A0";
    public const string HostileCriterion = "@SUM(1+1)";

    /// <param name="analyticsMustHave">The analytics must-have threshold; above the scale (5) every vendor is ranked out.</param>
    public static EvaluationWorkbookModel Build(int evaluatorCount = 4, double analyticsMustHave = 2)
    {
        var vendors = new[]
        {
            new VendorInfo("v1", "Northwind Social", 12_000), new VendorInfo("v2", HostileVendor, 18_000),
            new VendorInfo("v3", "Contoso Listen", 9_000), new VendorInfo("v4", "-Fabrikam", 15_000),
        };
        var criteria = new[]
        {
            new CriterionInfo("publishing", "Approval workflows", "Publishing", CriterionDirection.Benefit),
            new CriterionInfo("analytics", "BI connectors", "Analytics", CriterionDirection.Benefit, analyticsMustHave),
            new CriterionInfo(HostileCriterion, "Social listening", "Listening", CriterionDirection.Benefit),
            new CriterionInfo("annual_cost", "Annual licence cost", "Cost", CriterionDirection.Cost),
        };
        var evaluators = Enumerable.Range(1, evaluatorCount)
            .Select(i => new EvaluatorInfo($"e{i}", $"Evaluator {i}", new[] { "Social", "PR", "HR", "BI", "Sales" }[i % 5])).ToArray();
        var random = new Random(7);
        var scores = new List<ScoreEntry>();
        foreach (var e in evaluators)
        foreach (var v in vendors)
        foreach (var c in criteria.Where(c => c.Id != "annual_cost"))
            scores.Add(new ScoreEntry(e.Id, v.Id, c.Id, Math.Clamp(2 + random.Next(0, 3) + (v.Id == "v1" ? 1 : 0), 1, 5),
                c.Id == "publishing" && v.Id == "v2" ? HostileComment : null, c.Id == "analytics" ? "demo video" : null));

        var result = ScoringEngine.ScoreEvaluation(new EvaluationScoringRequest
        {
            Vendors = vendors.Select(v => new Vendor(v.Id, v.Name)).ToArray(),
            Criteria = criteria.Select(c => new Criterion(c.Id, c.Direction, c.Category, c.MustHaveThreshold,
                c.Id == "annual_cost" ? CriterionSource.VendorFact : CriterionSource.EvaluatorScores)).ToArray(),
            EvaluatorIds = evaluators.Select(e => e.Id).ToArray(),
            Scale = new ScoreScale(1, 5),
            Scores = scores.Select(s => new EvaluatorScore(s.EvaluatorId, s.VendorId, s.CriterionId, s.Value)).ToArray(),
            Facts = vendors.Select(v => new VendorFact(v.Id, "annual_cost", v.AnnualCost!.Value)).ToArray(),
            Weights = [0.3, 0.3, 0.2, 0.2],
            Options = new ScoringOptions { Methods = [ScoringMethod.Wsm, ScoringMethod.Topsis] },
            Robustness = new RobustnessOptions { MonteCarloSamples = 2000, BootstrapResamples = 200 },
        });

        return new EvaluationWorkbookModel
        {
            Title = "Social media management platform 2027",
            EvaluationId = "0193a0c4-5b6e-7000-8000-000000000001",
            VendorFacts = vendors.Select(v => new VendorFactEntry(v.Id, "annual_cost", v.AnnualCost!.Value)).ToList(),
            Purpose = "Pick one platform for publishing, listening and analytics across the group.",
            GeneratedAt = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
            ApprovalStatus = "Proposed, 1 of 3 approvals",
            ScaleMin = 1,
            ScaleMax = 5,
            Vendors = vendors,
            Criteria = criteria,
            Evaluators = evaluators,
            WeightsSource = "Direct (committee, 2026-11-01)",
            Scores = scores,
            Result = result,
            AuditTrail =
            [
                new AuditEntry(new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero), "committee-1", "EvaluationOpened", "Opened"),
                new AuditEntry(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), "e1", "ScoresSubmitted", HostileComment),
            ],
        };
    }
}
