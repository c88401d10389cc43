namespace CoeInsights.Analytics.Scoring;

/// <summary>A decision criterion.</summary>
/// <param name="Id">Unique id.</param>
/// <param name="Direction">Benefit (more is better) or cost (less is better).</param>
/// <param name="Category">Optional grouping used in explanations (e.g. "Analytics").</param>
/// <param name="MustHaveThreshold">
/// Knockout: a benefit value below it, or a cost value above it, ranks the vendor out. Applied to the
/// aggregated evaluator score (or the fact / matrix value).
/// </param>
/// <param name="Source">Evaluator scores (on the scale) or a vendor fact such as annual cost.</param>
public sealed record Criterion(
    string Id,
    CriterionDirection Direction = CriterionDirection.Benefit,
    string? Category = null,
    double? MustHaveThreshold = null,
    CriterionSource Source = CriterionSource.EvaluatorScores);

/// <summary>
/// Stateless scoring of a ready-made alternatives × criteria matrix (what ScoringService.ScoreMatrix carries).
/// Give either <see cref="Weights"/> or <see cref="PairwiseMatrices"/>.
/// </summary>
public sealed record MatrixScoringRequest
{
    public required IReadOnlyList<string> AlternativeIds { get; init; }

    public required IReadOnlyList<Criterion> Criteria { get; init; }

    /// <summary>Row per alternative, column per criterion.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> Matrix { get; init; }

    /// <summary>Direct weights, one per criterion, non-negative, renormalised to sum to 1.</summary>
    public IReadOnlyList<double>? Weights { get; init; }

    /// <summary>One or more criteria pairwise matrices (several = group judgement); AHP weights.</summary>
    public IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>>? PairwiseMatrices { get; init; }

    public ScoringOptions Options { get; init; } = new();

    /// <summary>Null: no robustness analysis.</summary>
    public RobustnessOptions? Robustness { get; init; }
}

/// <summary>A vendor under evaluation.</summary>
public sealed record Vendor(string Id, string? Name = null);

/// <summary>The declared score scale, e.g. 1–5 or 0–10.</summary>
public sealed record ScoreScale(double Min, double Max);

/// <summary>One evaluator's score for one vendor on one criterion.</summary>
public sealed record EvaluatorScore(string EvaluatorId, string VendorId, string CriterionId, double Value);

/// <summary>A numeric fact for a <see cref="CriterionSource.VendorFact"/> criterion (e.g. annual cost).</summary>
public sealed record VendorFact(string VendorId, string CriterionId, double Value);

/// <summary>
/// Scoring of an evaluation: raw scores per evaluator × vendor × criterion on a declared scale, aggregated per
/// vendor × criterion, plus facts. Give either <see cref="Weights"/> or <see cref="PairwiseMatrices"/>.
/// </summary>
public sealed record EvaluationScoringRequest
{
    public required IReadOnlyList<Vendor> Vendors { get; init; }

    public required IReadOnlyList<Criterion> Criteria { get; init; }

    public required IReadOnlyList<string> EvaluatorIds { get; init; }

    public required ScoreScale Scale { get; init; }

    public required IReadOnlyList<EvaluatorScore> Scores { get; init; }

    public IReadOnlyList<VendorFact> Facts { get; init; } = [];

    public IReadOnlyList<double>? Weights { get; init; }

    public IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>>? PairwiseMatrices { get; init; }

    public AggregationOptions Aggregation { get; init; } = new();

    public ScoringOptions Options { get; init; } = new();

    public RobustnessOptions? Robustness { get; init; }
}

/// <summary>AHP on one matrix, or on several (group) combined per <see cref="AhpOptions.GroupAggregation"/>.</summary>
public sealed record AhpRequest
{
    public required IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>> PairwiseMatrices { get; init; }

    public AhpOptions Options { get; init; } = new();
}

/// <summary>Inter-rater agreement input: row per rater, column per item (vendor). Scores are ranked within each rater (mid-ranks for ties).</summary>
public sealed record AgreementRequest
{
    public required IReadOnlyList<IReadOnlyList<double>> Scores { get; init; }
}
