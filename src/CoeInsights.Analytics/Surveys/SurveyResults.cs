using CoeInsights.Analytics.Scoring;

namespace CoeInsights.Analytics.Surveys;

/// <summary>Results of a survey: one entry per question, reliability per scale, response rates, and the conventions used.</summary>
public sealed record SurveyResults
{
    public required int Respondents { get; init; }

    public required IReadOnlyList<QuestionResult> Questions { get; init; }

    public required IReadOnlyList<ReliabilityResult> Scales { get; init; }

    /// <summary>Per invited department, in invitation order; empty when no invitations were given.</summary>
    public required IReadOnlyList<DepartmentResponseRate> ResponseRates { get; init; }

    /// <summary>Overall responded / invited; null without invitations or with nobody invited.</summary>
    public required double? OverallResponseRate { get; init; }

    /// <summary>Every convention that changed a number, in words, for a methodology sheet.</summary>
    public required IReadOnlyList<string> Decisions { get; init; }
}

/// <summary>Results for one question. Exactly the part for its kind is set.</summary>
public sealed record QuestionResult
{
    public required string QuestionId { get; init; }

    public required QuestionKind Kind { get; init; }

    /// <summary>Respondents who answered the question.</summary>
    public required int Answered { get; init; }

    /// <summary>Respondents who did not (counted separately, never as a scale point or option).</summary>
    public required int Missing { get; init; }

    /// <summary>Likert, NPS and Number.</summary>
    public NumericSummary? Numeric { get; init; }

    /// <summary>Likert only.</summary>
    public LikertSummary? Likert { get; init; }

    /// <summary>NPS only.</summary>
    public NpsResult? Nps { get; init; }

    /// <summary>Likert and NPS (per scale point); SingleChoice and MultipleChoice (per option).</summary>
    public IReadOnlyList<CategoryCount> Distribution { get; init; } = [];

    /// <summary>Ranking only.</summary>
    public RankingResult? Ranking { get; init; }

    /// <summary>Pairwise only.</summary>
    public PairwiseResult? Pairwise { get; init; }

    /// <summary>Per department (ordinal order of names): the same numeric summary restricted to that department.</summary>
    public IReadOnlyList<DepartmentSummary> Departments { get; init; } = [];
}

/// <summary>One scale point or option. Share = count / answered (plain) and the department-balanced share.
/// For multiple choice, shares are of respondents who answered and can sum to more than 1.</summary>
public sealed record CategoryCount(string Category, int Count, double Share, double BalancedShare);

/// <summary>Descriptive statistics of the scored values (reverse-keyed items already recoded).</summary>
public sealed record NumericSummary
{
    public required int N { get; init; }

    public required double Mean { get; init; }

    /// <summary>Middle value; mean of the two middle values when N is even.</summary>
    public required double Median { get; init; }

    /// <summary>Sample standard deviation (n − 1); null when N &lt; 2.</summary>
    public required double? StandardDeviation { get; init; }

    public required double Minimum { get; init; }

    public required double Maximum { get; init; }

    /// <summary>Each department counts equally: the mean of the department means.</summary>
    public required double BalancedMean { get; init; }

    /// <summary>Departments with at least one answer.</summary>
    public required int Departments { get; init; }
}

/// <summary>Likert-specific results on the scored (recoded) values.</summary>
public sealed record LikertSummary
{
    public required int ScalePoints { get; init; }

    public required bool ReverseKeyed { get; init; }

    /// <summary>Share of answers on the two highest points (4–5 of 5, 6–7 of 7).</summary>
    public required double TopTwoBox { get; init; }

    /// <summary>Share of answers on the two lowest points (1–2).</summary>
    public required double BottomTwoBox { get; init; }

    public required double BalancedTopTwoBox { get; init; }

    public required double BalancedBottomTwoBox { get; init; }
}

/// <summary>Net Promoter Score on the usual −100..100 scale with its Wald interval (see docs/surveys.md).</summary>
public sealed record NpsResult
{
    public required int N { get; init; }

    public required int Promoters { get; init; }

    public required int Passives { get; init; }

    public required int Detractors { get; init; }

    /// <summary>Promoters / N (0..1).</summary>
    public required double PromoterShare { get; init; }

    public required double PassiveShare { get; init; }

    public required double DetractorShare { get; init; }

    /// <summary>100 · (PromoterShare − DetractorShare).</summary>
    public required double Score { get; init; }

    /// <summary>100 · √((p + d − (p − d)²) / N), the multinomial (plug-in) standard error.</summary>
    public required double StandardError { get; init; }

    public required double ConfidenceLevel { get; init; }

    /// <summary>Score − z·SE, clipped at −100.</summary>
    public required double Lower { get; init; }

    /// <summary>Score + z·SE, clipped at 100.</summary>
    public required double Upper { get; init; }

    /// <summary>Department-balanced score: 100 · (mean of department promoter shares − mean of department detractor shares).
    /// Null when computed from counts only.</summary>
    public double? BalancedScore { get; init; }
}

/// <summary>Aggregated rankings: Borda points and mean rank per option, in option order, plus the order by Borda points.</summary>
public sealed record RankingResult
{
    public required IReadOnlyList<RankedOption> Options { get; init; }

    /// <summary>Option ids by Borda points descending (ties keep option order).</summary>
    public required IReadOnlyList<string> Order { get; init; }

    public required int Rankings { get; init; }

    /// <summary>Rankings that ranked fewer options than offered (completed by the partial-ranking convention).</summary>
    public required int PartialRankings { get; init; }
}

/// <summary>Borda points: an option ranked r-th of n gets n − r points; unranked options share the remaining points equally
/// (mid-rank). MeanRank = mean rank (1 = best), consistent with the points: points = n − rank.</summary>
public sealed record RankedOption
{
    public required string Option { get; init; }

    public required double BordaPoints { get; init; }

    /// <summary>BordaPoints / number of rankings.</summary>
    public required double MeanBordaPoints { get; init; }

    public required double MeanRank { get; init; }

    /// <summary>Each department counts equally: the mean of the department mean ranks.</summary>
    public required double BalancedMeanRank { get; init; }

    /// <summary>Each department counts equally: the mean of the department mean points.</summary>
    public required double BalancedMeanBordaPoints { get; init; }

    /// <summary>How many rankings placed it explicitly.</summary>
    public required int TimesRanked { get; init; }
}

/// <summary>Pairwise comparison results: each respondent's AHP weights and CR, and the group weights.</summary>
public sealed record PairwiseResult
{
    /// <summary>The compared options (criteria), in question order.</summary>
    public required IReadOnlyList<string> Criteria { get; init; }

    public required IReadOnlyList<RespondentAhp> Respondents { get; init; }

    /// <summary>Group AHP over the used respondents (engine: geometric mean of judgements by default);
    /// null when no respondent is usable.</summary>
    public required AhpResult? Group { get; init; }

    /// <summary>Each department counts equally: the engine's group AHP over the department group matrices
    /// (geometric mean of the department geometric means). Null when no respondent is usable.</summary>
    public required IReadOnlyList<double>? BalancedWeights { get; init; }

    public required IReadOnlyList<DepartmentWeights> Departments { get; init; }

    public required IReadOnlyList<string> UsedRespondents { get; init; }

    public required IReadOnlyList<ExcludedRespondent> ExcludedRespondents { get; init; }
}

/// <summary>One respondent's own AHP result.</summary>
public sealed record RespondentAhp
{
    public required string RespondentId { get; init; }

    public required string Department { get; init; }

    public required IReadOnlyList<double> Weights { get; init; }

    public required double ConsistencyRatio { get; init; }

    /// <summary>CR &gt; the configured maximum.</summary>
    public required bool IsInconsistent { get; init; }

    public required bool UsedInGroup { get; init; }
}

/// <summary>A respondent left out of a group result, and why.</summary>
public sealed record ExcludedRespondent(string RespondentId, string Department, string Reason);

/// <summary>Weights of one department.</summary>
public sealed record DepartmentWeights(string Department, int Respondents, IReadOnlyList<double> Weights);

/// <summary>A numeric summary restricted to one department.</summary>
public sealed record DepartmentSummary(string Department, int Answered, double Mean, double? TopTwoBox, double? NpsScore);

/// <summary>Invited vs responded for one department.</summary>
public sealed record DepartmentResponseRate(string Department, int Invited, int Responded, double? Rate);

/// <summary>Cronbach's alpha of a multi-item scale, on the complete respondents only (listwise deletion).</summary>
public sealed record ReliabilityResult
{
    public required string ScaleId { get; init; }

    public required IReadOnlyList<string> Items { get; init; }

    /// <summary>Respondents who answered every item (used).</summary>
    public required int CompleteRespondents { get; init; }

    /// <summary>Respondents dropped because at least one item is missing.</summary>
    public required int ExcludedRespondents { get; init; }

    /// <summary>k/(k − 1) · (1 − Σ s²_i / s²_total), sample variances; null when undefined (fewer than 2 complete
    /// respondents or zero total variance).</summary>
    public required double? Alpha { get; init; }

    /// <summary>k r̄ / (1 + (k − 1) r̄), r̄ = mean inter-item Pearson correlation; null when an item has zero variance.</summary>
    public required double? StandardizedAlpha { get; init; }

    /// <summary>Mean inter-item correlation r̄; null when undefined.</summary>
    public required double? MeanInterItemCorrelation { get; init; }

    public required IReadOnlyList<ItemStatistics> ItemStatistics { get; init; }

    /// <summary>Why alpha is undefined, when it is.</summary>
    public string? Note { get; init; }
}

/// <summary>SPSS-style "item-total statistics" for one item.</summary>
public sealed record ItemStatistics
{
    public required string Item { get; init; }

    public required double Mean { get; init; }

    /// <summary>Sample sd (n − 1).</summary>
    public required double StandardDeviation { get; init; }

    /// <summary>Mean of the sum of the other items.</summary>
    public required double ScaleMeanIfDeleted { get; init; }

    /// <summary>Sample variance of the sum of the other items.</summary>
    public required double ScaleVarianceIfDeleted { get; init; }

    /// <summary>Pearson correlation of the item with the sum of the other items (SPSS "corrected item-total correlation");
    /// null when either has zero variance.</summary>
    public required double? CorrectedItemTotalCorrelation { get; init; }

    /// <summary>Alpha of the other k − 1 items; null when k − 1 &lt; 2 or undefined.</summary>
    public required double? AlphaIfDeleted { get; init; }

    /// <summary>Standardized alpha of the other k − 1 items; null when undefined.</summary>
    public required double? StandardizedAlphaIfDeleted { get; init; }
}

/// <summary>Criterion weights derived from a survey, ready for ApplySurveyWeights.</summary>
public sealed record DerivedWeights
{
    public required WeightDerivationMethod Method { get; init; }

    /// <summary>Criterion ids in weight order (importance: the questions' CriterionId; pairwise: the question's options).</summary>
    public required IReadOnlyList<string> CriterionIds { get; init; }

    /// <summary>The headline weights (sum to 1): balanced or plain per the request (importance), group AHP (pairwise).</summary>
    public required IReadOnlyList<double> Weights { get; init; }

    /// <summary>Every used respondent counts equally.</summary>
    public required IReadOnlyList<double> PlainWeights { get; init; }

    /// <summary>Every department counts equally.</summary>
    public required IReadOnlyList<double> BalancedWeights { get; init; }

    /// <summary>True when <see cref="Weights"/> are the balanced ones.</summary>
    public required bool IsDepartmentBalanced { get; init; }

    public required IReadOnlyList<DepartmentWeights> Departments { get; init; }

    public required IReadOnlyList<string> UsedRespondents { get; init; }

    public required IReadOnlyList<ExcludedRespondent> ExcludedRespondents { get; init; }

    /// <summary>Importance: mean rating per criterion (plain), before normalisation. Pairwise: empty.</summary>
    public required IReadOnlyList<double> MeanImportance { get; init; }

    /// <summary>Pairwise: CR of the group matrix; importance: null.</summary>
    public required double? GroupConsistencyRatio { get; init; }

    public required IReadOnlyList<string> SourceQuestionIds { get; init; }

    public required IReadOnlyList<string> Decisions { get; init; }
}
