namespace CoeInsights.Analytics.Scoring;

/// <summary>
/// Everything a scoring run returns. Per-vendor arrays follow <see cref="VendorIds"/> (the vendors that were
/// scored, i.e. not knocked out or excluded, in request order); per-criterion arrays follow <see cref="CriterionIds"/>.
/// Full double precision throughout; no value is ever NaN or infinite.
/// </summary>
public sealed record ScoringResult
{
    public required IReadOnlyList<string> VendorIds { get; init; }

    public required IReadOnlyList<string> CriterionIds { get; init; }

    /// <summary>The weights used, renormalised to sum to 1.</summary>
    public required IReadOnlyList<double> Weights { get; init; }

    /// <summary>Set when the weights came from pairwise matrices.</summary>
    public AhpResult? Ahp { get; init; }

    /// <summary>The decision matrix that was scored (aggregated scores and facts), row per vendor in <see cref="VendorIds"/>.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> DecisionMatrix { get; init; }

    public required IReadOnlyList<MethodResult> Methods { get; init; }

    public required ScoringMethod PrimaryMethod { get; init; }

    /// <summary>Vendors ranked out (knockouts, missing scores), with the reason.</summary>
    public required IReadOnlyList<ExcludedVendor> Excluded { get; init; }

    /// <summary>Criteria whose values were equal for every scored vendor: they cannot separate vendors.</summary>
    public required IReadOnlyList<string> ConstantCriteria { get; init; }

    /// <summary>Set for evaluation scoring: per-cell aggregation, dispersion and agreement.</summary>
    public EvaluatorAggregationResult? Aggregation { get; init; }

    public RobustnessResult? Robustness { get; init; }

    public required Recommendation Recommendation { get; init; }

    /// <summary>Every convention that changes a number, named: "normalisation.TOPSIS=Vector", "tie_break=FirstListed", ….</summary>
    public required IReadOnlyList<string> Decisions { get; init; }

    /// <summary>Entropy and CRITIC weights of the ranked vendors' matrix, beside the stakeholders' (null with fewer than two ranked vendors).</summary>
    public ObjectiveWeightsResult? ObjectiveWeights { get; init; }
}

/// <summary>
/// Objective weights as a comparison: what the data alone would weigh, and whom the primary method would then pick.
/// A list is null when it is undefined for the matrix (entropy: a negative value, or a zero on a cost criterion; both:
/// every criterion constant), with the winner then null too.
/// </summary>
public sealed record ObjectiveWeightsResult(
    IReadOnlyList<double>? Entropy, string? EntropyWinnerId, IReadOnlyList<double>? Critic, string? CriticWinnerId);

/// <summary>Why a vendor is not ranked.</summary>
public sealed record ExcludedVendor(string VendorId, string CriterionId, string Reason);

/// <summary>One method's result.</summary>
public sealed record MethodResult
{
    public required ScoringMethod Method { get; init; }

    /// <summary>The normalisation actually applied (after resolving the method default).</summary>
    public required NormalisationMethod Normalisation { get; init; }

    /// <summary>True for WSM, WPM, TOPSIS and PROMETHEE II; false for VIKOR (lower Q is better).</summary>
    public required bool HigherIsBetter { get; init; }

    /// <summary>WSM total, WPM product, TOPSIS closeness, VIKOR Q or PROMETHEE II net flow.</summary>
    public required IReadOnlyList<double> Scores { get; init; }

    /// <summary>Competition ranks (1 = best; equal scores within 1e-12 relative share a rank).</summary>
    public required IReadOnlyList<int> Ranks { get; init; }

    /// <summary>Normalised, benefit-oriented matrix (row per vendor).</summary>
    public required IReadOnlyList<IReadOnlyList<double>> NormalisedMatrix { get; init; }

    /// <summary>
    /// Per-criterion contribution, row per vendor. WSM: w·r (sums to the score). WPM: w·ln r (sums to ln score).
    /// TOPSIS: weighted normalised value w·r. VIKOR: w·(f* − f)/(f* − f⁻) (sums to S).
    /// PROMETHEE II: w·φ_j, the weighted unicriterion net flow (sums to the net flow).
    /// </summary>
    public required IReadOnlyList<IReadOnlyList<double>> Contributions { get; init; }

    public TopsisDetails? Topsis { get; init; }

    public VikorDetails? Vikor { get; init; }

    public PrometheeDetails? Promethee { get; init; }
}

/// <summary>
/// PROMETHEE internals: leaving flow φ⁺ and entering flow φ⁻ per vendor (the net flow is the score), and the
/// preference function applied to each criterion. The normalised matrix holds the unicriterion net flows φ_j.
/// </summary>
public sealed record PrometheeDetails(IReadOnlyList<double> LeavingFlow, IReadOnlyList<double> EnteringFlow, IReadOnlyList<CriterionPreference> Preferences);

/// <summary>TOPSIS internals on the weighted normalised matrix.</summary>
public sealed record TopsisDetails(
    IReadOnlyList<double> DistanceToIdeal,
    IReadOnlyList<double> DistanceToAntiIdeal,
    IReadOnlyList<double> Ideal,
    IReadOnlyList<double> AntiIdeal);

/// <summary>VIKOR internals. Compromise set holds vendor ids, best Q first.</summary>
public sealed record VikorDetails(
    IReadOnlyList<double> S,
    IReadOnlyList<double> R,
    IReadOnlyList<double> Q,
    double V,
    bool AcceptableAdvantage,
    bool AcceptableStability,
    IReadOnlyList<string> CompromiseSet);

/// <summary>AHP result for one matrix or a group.</summary>
public sealed record AhpResult
{
    /// <summary>Principal right eigenvector, normalised to sum to 1 (group: per <see cref="GroupAggregation"/>).</summary>
    public required IReadOnlyList<double> Weights { get; init; }

    /// <summary>Principal eigenvalue of the (group) matrix. For AIP groups: of the geometric-mean matrix.</summary>
    public required double LambdaMax { get; init; }

    /// <summary>CI = (λmax − n)/(n − 1); 0 for n ≤ 2.</summary>
    public required double ConsistencyIndex { get; init; }

    /// <summary>CR = CI / RI(n); 0 when RI(n) = 0 (n ≤ 2).</summary>
    public required double ConsistencyRatio { get; init; }

    public required double RandomIndex { get; init; }

    public required RandomIndexTable RandomIndexTable { get; init; }

    public required bool IsAcceptablyConsistent { get; init; }

    public required int Iterations { get; init; }

    public required GroupAggregation? GroupAggregation { get; init; }

    /// <summary>For groups: the element-wise geometric-mean matrix; for one matrix: null.</summary>
    public IReadOnlyList<IReadOnlyList<double>>? GroupMatrix { get; init; }

    /// <summary>For groups: each decision maker's own result; for one matrix: empty.</summary>
    public required IReadOnlyList<AhpResult> Individual { get; init; }
}

/// <summary>Kendall's coefficient of concordance.</summary>
public sealed record AgreementResult
{
    public required int Raters { get; init; }

    public required int Items { get; init; }

    /// <summary>W without tie correction: 12 S / (m²(n³ − n)).</summary>
    public required double W { get; init; }

    /// <summary>W with tie correction: 12 S / (m²(n³ − n) − m ΣT), T = Σ(t³ − t) per rater's tie groups.</summary>
    public required double WTieCorrected { get; init; }

    /// <summary>S: sum of squared deviations of the item rank sums from their mean.</summary>
    public required double S { get; init; }

    /// <summary>Σ over raters of Σ(t³ − t) over tie groups.</summary>
    public required double TieCorrection { get; init; }

    /// <summary>χ² = m (n − 1) W_t (the Friedman statistic corrected for ties).</summary>
    public required double ChiSquare { get; init; }

    public required int DegreesOfFreedom { get; init; }

    /// <summary>Upper-tail χ² p-value (large-sample approximation).</summary>
    public required double PValue { get; init; }

    /// <summary>False when every rater gave every item the same value (no ranking information): W = 0, p = 1.</summary>
    public required bool IsDefined { get; init; }
}

/// <summary>Evaluator aggregation per vendor × criterion (rows follow the request's vendors, all of them).</summary>
public sealed record EvaluatorAggregationResult
{
    public required AggregationMethod Method { get; init; }

    public required MissingScorePolicy MissingScorePolicy { get; init; }

    /// <summary>Number of (evaluator, vendor, criterion) scores that were missing.</summary>
    public required int MissingScoreCount { get; init; }

    public required IReadOnlyList<string> VendorIds { get; init; }

    /// <summary>Aggregated score per vendor × criterion (facts copied as is); 0 where no value exists (vendor excluded).</summary>
    public required IReadOnlyList<IReadOnlyList<double>> Aggregated { get; init; }

    /// <summary>Sample standard deviation (n − 1) of the evaluator scores per cell; 0 with fewer than 2 scores or for facts.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> StandardDeviation { get; init; }

    /// <summary>Interquartile range (type 7 quantiles) per cell; 0 for facts.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> InterquartileRange { get; init; }

    /// <summary>Number of scores per cell.</summary>
    public required IReadOnlyList<IReadOnlyList<int>> Counts { get; init; }

    /// <summary>Kendall's W per criterion (evaluators × vendors, evaluators with a complete row only); null when it cannot be computed (fewer than 2 complete evaluators, or a fact).</summary>
    public required IReadOnlyList<AgreementResult?> AgreementPerCriterion { get; init; }
}

/// <summary>Robustness of the primary method's result.</summary>
public sealed record RobustnessResult
{
    public IReadOnlyList<WeightSensitivity>? Sensitivity { get; init; }

    public MonteCarloResult? MonteCarlo { get; init; }

    public BootstrapResult? Bootstrap { get; init; }

    public IReadOnlyList<RankReversalCheck>? RankReversal { get; init; }
}

/// <summary>
/// One-at-a-time sensitivity of one criterion's weight: its weight is set to t, the others rescaled
/// proportionally to sum to 1 − t. Lower/Upper: the critical weight below/above the current one at which the
/// winner changes; null = "none within [0, 1]".
/// </summary>
public sealed record WeightSensitivity(
    string CriterionId,
    double Weight,
    double? LowerCriticalWeight,
    string? LowerNewWinner,
    double? UpperCriticalWeight,
    string? UpperNewWinner)
{
    /// <summary>The smallest absolute weight change that changes the winner, or null when none within [0, 1].</summary>
    public double? SmallestChange =>
        (LowerCriticalWeight, UpperCriticalWeight) switch
        {
            (null, null) => null,
            (double lo, null) => Weight - lo,
            (null, double hi) => hi - Weight,
            (double lo, double hi) => Math.Min(Weight - lo, hi - Weight),
        };
}

/// <summary>Monte Carlo over weights (SMAA-2 style).</summary>
public sealed record MonteCarloResult
{
    public required int Samples { get; init; }

    public required ulong Seed { get; init; }

    public required WeightSampling Sampling { get; init; }

    public required double Concentration { get; init; }

    /// <summary>[vendor][rank − 1]: share of samples in which the vendor takes that rank.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> RankAcceptability { get; init; }

    /// <summary>[vendor][criterion]: mean weight vector over the samples the vendor wins (0s if it never wins).</summary>
    public required IReadOnlyList<IReadOnlyList<double>> CentralWeights { get; init; }

    /// <summary>Share of samples in which the recommended vendor ranks first.</summary>
    public required double WinnerProbabilityFirst { get; init; }
}

/// <summary>Bootstrap over evaluators: percentile interval of each vendor's primary score.</summary>
public sealed record BootstrapResult
{
    public required int Resamples { get; init; }

    public required ulong Seed { get; init; }

    public required double ConfidenceLevel { get; init; }

    public required IReadOnlyList<double> Lower { get; init; }

    public required IReadOnlyList<double> Upper { get; init; }

    public required IReadOnlyList<double> Mean { get; init; }

    /// <summary>Share of resamples in which the recommended vendor ranks first.</summary>
    public required double WinnerProbabilityFirst { get; init; }
}

/// <summary>Result of removing one non-winning vendor and re-running the primary method.</summary>
public sealed record RankReversalCheck(
    string RemovedVendorId,
    bool OrderOfOthersChanged,
    bool WinnerChanged,
    IReadOnlyList<string> NewOrder);

/// <summary>How much evaluators agree, from the weight-weighted mean Kendall's W (Schmidt 1997 labels).</summary>
public enum AgreementLevel
{
    NotAssessed = 0,
    VeryWeak = 1,
    Weak = 2,
    Moderate = 3,
    Strong = 4,
    VeryStrong = 5,
}

/// <summary>The single recommendation and the evidence a deck shows beside it.</summary>
public sealed record Recommendation
{
    /// <summary>Null when no vendor survives the knockouts.</summary>
    public string? WinnerId { get; init; }

    public string? RunnerUpId { get; init; }

    /// <summary>Primary-score gap to the runner-up (always ≥ 0: for VIKOR Q(runner-up) − Q(winner)).</summary>
    public double? Margin { get; init; }

    /// <summary>Monte Carlo share of weight samples in which the winner ranks first.</summary>
    public double? ProbabilityFirst { get; init; }

    /// <summary>Bootstrap share of evaluator resamples in which the winner ranks first.</summary>
    public double? BootstrapProbabilityFirst { get; init; }

    public AgreementLevel AgreementLevel { get; init; }

    /// <summary>Weight-weighted mean tie-corrected Kendall's W over the criteria where it is defined.</summary>
    public double? MeanAgreement { get; init; }

    /// <summary>True when the winner tied with another vendor on the primary score and the tie-break rule decided.</summary>
    public bool IsTie { get; init; }

    public IReadOnlyList<string> TiedWith { get; init; } = [];

    public TieBreakRule TieBreak { get; init; }

    /// <summary>Plain-language caveats, most important first.</summary>
    public IReadOnlyList<string> Caveats { get; init; } = [];
}
