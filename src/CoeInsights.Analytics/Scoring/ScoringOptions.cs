namespace CoeInsights.Analytics.Scoring;

/// <summary>Whether more is better (benefit) or less is better (cost, e.g. annual cost).</summary>
public enum CriterionDirection
{
    Benefit = 1,
    Cost = 2,
}

/// <summary>Where a criterion's values come from.</summary>
public enum CriterionSource
{
    /// <summary>Evaluators score it on the declared scale; scores are aggregated per vendor.</summary>
    EvaluatorScores = 1,

    /// <summary>A numeric fact per vendor (e.g. annual cost), not on the score scale, not aggregated.</summary>
    VendorFact = 2,
}

/// <summary>
/// How a column is made dimensionless. Every normalisation returns "higher is better" values:
/// cost criteria are inverted inside this step, before any weighting (see docs/scoring.md).
/// </summary>
public enum NormalisationMethod
{
    /// <summary>Use the method's default: WSM → Max, WPM → Max, TOPSIS → Vector, VIKOR → MinMax.</summary>
    MethodDefault = 0,

    /// <summary>Linear min-max: (x − min)/(max − min); cost (max − x)/(max − min).</summary>
    MinMax = 1,

    /// <summary>Vector (Euclidean): x/‖x‖; cost 1 − x/‖x‖ (reflection, keeps TOPSIS distances).</summary>
    Vector = 2,

    /// <summary>Linear max: x/max; cost min/x (reciprocal inversion, then max).</summary>
    Max = 3,

    /// <summary>Sum: x/Σx; cost (1/x)/Σ(1/x) (reciprocal inversion, then sum).</summary>
    Sum = 4,

    /// <summary>Raw values (benefit criteria only), e.g. AHP local priorities or scores already on one scale.</summary>
    None = 5,
}

/// <summary>The aggregation method that turns a weighted matrix into one number per vendor.</summary>
public enum ScoringMethod
{
    /// <summary>Weighted sum model: Σ w·r. Higher is better.</summary>
    Wsm = 1,

    /// <summary>Weighted product model: Π r^w. Higher is better.</summary>
    Wpm = 2,

    /// <summary>TOPSIS closeness coefficient d⁻/(d⁺ + d⁻). Higher is better.</summary>
    Topsis = 3,

    /// <summary>VIKOR Q (compromise ranking). Lower is better.</summary>
    Vikor = 4,

    /// <summary>
    /// PROMETHEE II net outranking flow φ = φ⁺ − φ⁻ in [−1, 1] (Brans &amp; Vincke 1985), on raw differences with a
    /// preference function per criterion (<see cref="ScoringOptions.Preferences"/>; usual where none is given).
    /// Higher is better.
    /// </summary>
    PrometheeII = 5,
}

/// <summary>
/// PROMETHEE's generalised criteria (Brans &amp; Vincke 1985, types I–VI): the preference P(d) ∈ [0, 1] of a over b
/// for a difference d in a's favour (b − a on a cost criterion), in the criterion's own units.
/// </summary>
public enum PreferenceFunction
{
    /// <summary>I, usual: 1 when d &gt; 0.</summary>
    Usual = 1,

    /// <summary>II, U-shape (quasi-criterion): 1 when d &gt; q.</summary>
    UShape = 2,

    /// <summary>III, V-shape (linear preference): d/p up to p, then 1.</summary>
    VShape = 3,

    /// <summary>IV, level: ½ for q &lt; d ≤ p, 1 above p.</summary>
    Level = 4,

    /// <summary>V, linear with an indifference area (pymcdm's vshape_2): (d − q)/(p − q) for q &lt; d ≤ p, 1 above p.</summary>
    Linear = 5,

    /// <summary>VI, Gaussian: 1 − exp(−d²/(2s²)) for d &gt; 0.</summary>
    Gaussian = 6,
}

/// <summary>The preference function of one criterion for PROMETHEE II, with its thresholds in the criterion's units.</summary>
/// <param name="Q">Indifference threshold (U-shape, level, linear).</param>
/// <param name="P">Preference threshold (V-shape, level, linear); greater than Q.</param>
/// <param name="S">Gaussian inflection point.</param>
public sealed record CriterionPreference(string CriterionId, PreferenceFunction Function, double Q = 0, double P = 0, double S = 0);

/// <summary>What to do with a missing evaluator score.</summary>
public enum MissingScorePolicy
{
    /// <summary>Aggregate the scores that exist; a vendor with no score at all on a criterion is excluded.</summary>
    IgnoreEvaluator = 1,

    /// <summary>A missing score counts as the scale minimum.</summary>
    TreatAsScaleMinimum = 2,

    /// <summary>A vendor with any missing score is excluded from the ranking.</summary>
    ExcludeVendor = 3,
}

/// <summary>How evaluator scores for one vendor × criterion are combined.</summary>
public enum AggregationMethod
{
    Mean = 1,
    Median = 2,

    /// <summary>Mean after dropping ⌊fraction·k⌋ scores at each end (k = number of scores).</summary>
    TrimmedMean = 3,
}

/// <summary>Saaty's consistency random-index table used for CR = CI / RI(n).</summary>
public enum RandomIndexTable
{
    /// <summary>Saaty (2005) as in AHPy: 0, 0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59.</summary>
    Saaty = 1,

    /// <summary>Donegan &amp; Dodd (1991): 0, 0, 0.4914, 0.8286, 1.0591, 1.1797, 1.2519, 1.3171, 1.3733, 1.4055, 1.4213, 1.4497, 1.4643, 1.4822, 1.4969.</summary>
    DoneganDodd = 2,
}

/// <summary>How several decision makers' pairwise matrices become one weight vector.</summary>
public enum GroupAggregation
{
    /// <summary>AIJ: element-wise geometric mean of the judgements, then the principal eigenvector.</summary>
    AggregateJudgements = 1,

    /// <summary>AIP: geometric mean of the individual eigenvector priorities, renormalised to sum to 1.</summary>
    AggregatePriorities = 2,
}

/// <summary>How the single recommendation is chosen among vendors tied on the primary score.</summary>
public enum TieBreakRule
{
    /// <summary>The tied vendor listed first in the request wins.</summary>
    FirstListed = 1,

    /// <summary>The tied vendor with the ordinally smallest id wins (independent of input order).</summary>
    SmallestId = 2,
}

/// <summary>How Monte Carlo weight vectors are drawn.</summary>
public enum WeightSampling
{
    /// <summary>Dirichlet(c·w): mean equals the chosen weights w; larger concentration c = tighter.</summary>
    DirichletAroundWeights = 1,

    /// <summary>Uniform on the simplex, Dirichlet(1, …, 1): SMAA with no weight information.</summary>
    UniformSimplex = 2,
}

/// <summary>Options for how the matrix is scored. Every default is named in <see cref="ScoringResult.Decisions"/>.</summary>
public sealed record ScoringOptions
{
    /// <summary>Methods to compute; the primary method is always included.</summary>
    public IReadOnlyList<ScoringMethod> Methods { get; init; } = [ScoringMethod.Wsm];

    /// <summary>The method that drives the recommendation and the robustness analysis.</summary>
    public ScoringMethod PrimaryMethod { get; init; } = ScoringMethod.Wsm;

    /// <summary>Normalisation for WSM, WPM and TOPSIS; <see cref="NormalisationMethod.MethodDefault"/> picks per method. VIKOR always uses its own linear (min-max) normalisation.</summary>
    public NormalisationMethod Normalisation { get; init; } = NormalisationMethod.MethodDefault;

    /// <summary>VIKOR weight of the group-utility (S) strategy, in [0, 1].</summary>
    public double VikorV { get; init; } = 0.5;

    /// <summary>PROMETHEE II preference functions by criterion; a criterion not listed uses <see cref="PreferenceFunction.Usual"/>.</summary>
    public IReadOnlyList<CriterionPreference> Preferences { get; init; } = [];

    public TieBreakRule TieBreak { get; init; } = TieBreakRule.FirstListed;

    /// <summary>AHP settings, used when weights come from pairwise matrices.</summary>
    public AhpOptions Ahp { get; init; } = new();
}

/// <summary>Options for the robustness analysis of the primary method.</summary>
public sealed record RobustnessOptions
{
    /// <summary>One-at-a-time weight sensitivity for every criterion.</summary>
    public bool Sensitivity { get; init; } = true;

    /// <summary>Number of Monte Carlo weight samples; 0 switches Monte Carlo off.</summary>
    public int MonteCarloSamples { get; init; } = 10_000;

    public WeightSampling Sampling { get; init; } = WeightSampling.DirichletAroundWeights;

    /// <summary>Dirichlet concentration c (α_j = c·w_j). Default 100: a 0.25 weight has sd ≈ 0.043.</summary>
    public double Concentration { get; init; } = 100;

    /// <summary>Number of bootstrap resamples over evaluators; 0 switches the bootstrap off. Needs evaluator scores.</summary>
    public int BootstrapResamples { get; init; } = 1_000;

    /// <summary>Two-sided confidence level of the bootstrap percentile interval.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>Remove each non-winning vendor in turn and check whether the others' order changes.</summary>
    public bool RankReversal { get; init; } = true;

    /// <summary>Seed for Monte Carlo and bootstrap; the same seed gives bit-identical results.</summary>
    public ulong Seed { get; init; } = 20_240_601;
}

/// <summary>AHP settings.</summary>
public sealed record AhpOptions
{
    public RandomIndexTable RandomIndexTable { get; init; } = RandomIndexTable.Saaty;

    /// <summary>Pairwise matrices are reciprocal when |a_ij·a_ji − 1| ≤ this (a 0.333 for 1/3 passes at 1e-3).</summary>
    public double ReciprocityTolerance { get; init; } = 1e-3;

    /// <summary>Power iteration stops when no weight moves more than this.</summary>
    public double ConvergenceTolerance { get; init; } = 1e-12;

    public int MaxIterations { get; init; } = 100_000;

    public GroupAggregation GroupAggregation { get; init; } = GroupAggregation.AggregateJudgements;

    /// <summary>Judgements are considered acceptably consistent when CR ≤ this (Saaty's 0.10).</summary>
    public double AcceptableConsistencyRatio { get; init; } = 0.10;
}

/// <summary>How evaluator scores are combined per vendor × criterion.</summary>
public sealed record AggregationOptions
{
    public AggregationMethod Method { get; init; } = AggregationMethod.Mean;

    /// <summary>Fraction trimmed at each end for <see cref="AggregationMethod.TrimmedMean"/>, in [0, 0.5).</summary>
    public double TrimFraction { get; init; } = 0.2;

    public MissingScorePolicy MissingScores { get; init; } = MissingScorePolicy.IgnoreEvaluator;
}
