using CoeInsights.Analytics.Scoring;

namespace CoeInsights.Analytics.Surveys;

/// <summary>The kinds of survey question (issue 5).</summary>
public enum QuestionKind
{
    /// <summary>Integer 1..<see cref="SurveyQuestion.ScalePoints"/> (5 or 7), optionally reverse-keyed.</summary>
    Likert,

    /// <summary>Integer 0..10 ("how likely are you to recommend …").</summary>
    Nps,

    /// <summary>Exactly one of <see cref="SurveyQuestion.Options"/>.</summary>
    SingleChoice,

    /// <summary>Any non-empty subset of <see cref="SurveyQuestion.Options"/>.</summary>
    MultipleChoice,

    /// <summary>An ordering (best first) of all or some of <see cref="SurveyQuestion.Options"/>.</summary>
    Ranking,

    /// <summary>Saaty 1–9 judgements for every pair of <see cref="SurveyQuestion.Options"/> (the criteria), for AHP.</summary>
    Pairwise,

    /// <summary>A finite number, optionally within [<see cref="SurveyQuestion.Minimum"/>, <see cref="SurveyQuestion.Maximum"/>].</summary>
    Number,

    /// <summary>Free text: counted, never analysed.</summary>
    FreeText,
}

/// <summary>One question of a survey.</summary>
public sealed record SurveyQuestion
{
    public required string Id { get; init; }

    public required QuestionKind Kind { get; init; }

    /// <summary>Likert only: 5 or 7 points, scored 1..ScalePoints.</summary>
    public int ScalePoints { get; init; } = 5;

    /// <summary>Likert only: the item is worded the other way round and is scored (1 + ScalePoints) − x.</summary>
    public bool ReverseKeyed { get; init; }

    /// <summary>Choice and ranking: the option ids. Pairwise: the criterion ids compared (2..15).</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>Number only: optional inclusive bounds.</summary>
    public double? Minimum { get; init; }

    /// <summary>Number only: optional inclusive bounds.</summary>
    public double? Maximum { get; init; }

    /// <summary>Optional link to an evaluation criterion: a Likert or Number question linked to a criterion is an importance rating.</summary>
    public string? CriterionId { get; init; }
}

/// <summary>One answer. Build it with the factory for its kind; <see cref="Kind"/> must match the question's kind.</summary>
public sealed record SurveyAnswer
{
    public required QuestionKind Kind { get; init; }

    /// <summary>Likert, NPS and Number.</summary>
    public double? Value { get; init; }

    /// <summary>SingleChoice (one id), MultipleChoice (the chosen ids), Ranking (ids, best first).</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>Pairwise: a_ij for every pair i &lt; j of the question's options in row order
    /// (a_01, a_02, …, a_0(n−1), a_12, …): how much more important option i is than option j, on Saaty's scale
    /// 1/9 … 1 … 9 (a value or its reciprocal is an integer 1..9).</summary>
    public IReadOnlyList<double> Judgements { get; init; } = [];

    public string? Text { get; init; }

    public static SurveyAnswer Likert(double value) => new() { Kind = QuestionKind.Likert, Value = value };

    public static SurveyAnswer Nps(double value) => new() { Kind = QuestionKind.Nps, Value = value };

    public static SurveyAnswer Number(double value) => new() { Kind = QuestionKind.Number, Value = value };

    public static SurveyAnswer SingleChoice(string option) => new() { Kind = QuestionKind.SingleChoice, Choices = [option] };

    public static SurveyAnswer MultipleChoice(params string[] options) => new() { Kind = QuestionKind.MultipleChoice, Choices = options };

    public static SurveyAnswer Ranking(params string[] bestFirst) => new() { Kind = QuestionKind.Ranking, Choices = bestFirst };

    public static SurveyAnswer Pairwise(params double[] upperTriangle) => new() { Kind = QuestionKind.Pairwise, Judgements = upperTriangle };

    public static SurveyAnswer FreeText(string text) => new() { Kind = QuestionKind.FreeText, Text = text };
}

/// <summary>One respondent's submitted answers, keyed by question id. A question without an entry is a missing answer.</summary>
public sealed record SurveyResponse
{
    public required string RespondentId { get; init; }

    public required string Department { get; init; }

    public required IReadOnlyDictionary<string, SurveyAnswer> Answers { get; init; }
}

/// <summary>How many people of a department were invited (for response rates).</summary>
public sealed record DepartmentInvitation(string Department, int Invited);

/// <summary>A multi-item scale (e.g. "satisfaction with the CoE": q1..q4) whose reliability is measured with Cronbach's alpha.</summary>
public sealed record SurveyScale
{
    public required string Id { get; init; }

    /// <summary>At least 2 Likert or Number questions. Reverse-keyed Likert items are recoded before alpha.</summary>
    public required IReadOnlyList<string> QuestionIds { get; init; }
}

/// <summary>Conventions that change numbers. Defaults are the documented ones (docs/surveys.md).</summary>
public sealed record SurveyOptions
{
    /// <summary>Two-sided confidence level of the NPS interval, in (0, 1).</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>A pairwise respondent is inconsistent when CR &gt; this (Saaty's 0.10).</summary>
    public double MaxConsistencyRatio { get; init; } = 0.10;

    /// <summary>Leave inconsistent pairwise respondents out of the group weights (they are always flagged).</summary>
    public bool ExcludeInconsistentRespondents { get; init; } = true;

    /// <summary>AHP settings passed to the scoring engine (random-index table, tolerances, group aggregation).
    /// Its acceptable CR is replaced by <see cref="MaxConsistencyRatio"/>.</summary>
    public AhpOptions Ahp { get; init; } = new();
}

/// <summary>Everything needed for GetSurveyResults.</summary>
public sealed record SurveyResultsRequest
{
    public required IReadOnlyList<SurveyQuestion> Questions { get; init; }

    public required IReadOnlyList<SurveyResponse> Responses { get; init; }

    /// <summary>Optional: invited head-count per department. When given, every response's department must be listed.</summary>
    public IReadOnlyList<DepartmentInvitation> Invitations { get; init; } = [];

    /// <summary>Optional multi-item scales for Cronbach's alpha.</summary>
    public IReadOnlyList<SurveyScale> Scales { get; init; } = [];

    public SurveyOptions Options { get; init; } = new();
}

/// <summary>Where derived criterion weights come from.</summary>
public enum WeightDerivationMethod
{
    /// <summary>Mean importance rating per criterion (Likert or Number questions linked to criteria), normalised to sum to 1.</summary>
    ImportanceRatings,

    /// <summary>Group AHP weights from one pairwise-comparison question (geometric mean of judgements by default).</summary>
    PairwiseJudgements,
}

/// <summary>Input of DeriveWeights.</summary>
public sealed record DeriveWeightsRequest
{
    public required IReadOnlyList<SurveyQuestion> Questions { get; init; }

    public required IReadOnlyList<SurveyResponse> Responses { get; init; }

    public required WeightDerivationMethod Method { get; init; }

    /// <summary>ImportanceRatings: the rating questions to use (each linked to a distinct criterion); empty = every Likert or
    /// Number question that has a <see cref="SurveyQuestion.CriterionId"/>. PairwiseJudgements: exactly one pairwise question;
    /// empty = the only pairwise question of the survey.</summary>
    public IReadOnlyList<string> QuestionIds { get; init; } = [];

    /// <summary>ImportanceRatings: the headline <see cref="DerivedWeights.Weights"/> are the department-balanced ones
    /// (each department counts equally). Both are always returned.</summary>
    public bool DepartmentBalanced { get; init; } = true;

    public SurveyOptions Options { get; init; } = new();
}
