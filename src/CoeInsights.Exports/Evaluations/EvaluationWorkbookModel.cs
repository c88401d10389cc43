using CoeInsights.Analytics.Scoring;

namespace CoeInsights.Exports.Evaluations;

public sealed record VendorInfo(string Id, string Name, double? AnnualCost = null);

public sealed record CriterionInfo(string Id, string Description, string Category, CriterionDirection Direction, double? MustHaveThreshold = null);

public sealed record EvaluatorInfo(string Id, string Name, string Department);

public sealed record ScoreEntry(string EvaluatorId, string VendorId, string CriterionId, double Value, string? Comment = null, string? Evidence = null);

/// <summary>One recorded fact of a vendor (annual cost, implementation cost, …) on a vendor-fact criterion.</summary>
public sealed record VendorFactEntry(string VendorId, string CriterionId, double Value);

public sealed record AuditEntry(DateTimeOffset Time, string Actor, string Action, string Detail);

/// <summary>Everything the scored vendor workbook shows: the evaluation as recorded, and its scoring result.</summary>
public sealed record EvaluationWorkbookModel
{
    public required string Title { get; init; }

    /// <summary>Carried on every fact row, so the data models of several evaluations append into one.</summary>
    public string EvaluationId { get; init; } = "";

    /// <summary>Every vendor fact recorded (not only the first cost), for FactVendorFact.</summary>
    public IReadOnlyList<VendorFactEntry> VendorFacts { get; init; } = [];
    public string Purpose { get; init; } = "";
    public required DateTimeOffset GeneratedAt { get; init; }
    /// <summary>e.g. "Approved by 3 of 5 committee members", "Proposed", "Not yet proposed".</summary>
    public string ApprovalStatus { get; init; } = "Not yet proposed";
    public required double ScaleMin { get; init; }
    public required double ScaleMax { get; init; }
    public required IReadOnlyList<VendorInfo> Vendors { get; init; }
    public required IReadOnlyList<CriterionInfo> Criteria { get; init; }
    public required IReadOnlyList<EvaluatorInfo> Evaluators { get; init; }
    /// <summary>Where the weights came from, e.g. "Direct", "AHP pairwise (CR 0.04)", "Survey 'Priorities 2026' v3".</summary>
    public required string WeightsSource { get; init; }
    public required IReadOnlyList<ScoreEntry> Scores { get; init; }
    public required ScoringResult Result { get; init; }
    public IReadOnlyList<AuditEntry> AuditTrail { get; init; } = [];

    /// <summary>
    /// Each department's ranking under its own weights (survey respondents per row, scores on 0–100 in the result's
    /// vendor order) and under the department-balanced weights. Null when there are none (the weights were not
    /// elicited per department): the department view then uses the common weights and says so.
    /// </summary>
    public DepartmentView? DepartmentWeightsView { get; init; }

    /// <summary>Where the department weights come from, or why the department view uses the common weights; shown with the view.</summary>
    public string DepartmentWeightsNote { get; init; } = "";
}
