using CoeInsights.Analytics.Surveys;

namespace CoeInsights.Exports.Surveys;

/// <summary>
/// Everything the survey workbook shows: the survey as published (questions, their wording, the audience),
/// the latest response of each respondent, the analytics results, and the weights derived from it (none,
/// importance ratings, pairwise judgements, or both).
/// </summary>
public sealed record SurveyWorkbookModel
{
    public required string Title { get; init; }
    /// <summary>e.g. "Open: 12 responses so far", "Closed".</summary>
    public string Status { get; init; } = "";
    public required DateTimeOffset GeneratedAt { get; init; }
    public required IReadOnlyList<SurveyQuestion> Questions { get; init; }
    /// <summary>The wording of each question by question id (optional; the id is shown when missing).</summary>
    public IReadOnlyDictionary<string, string> QuestionTexts { get; init; } = new Dictionary<string, string>();
    /// <summary>Invited head-count per department (empty: no invitations recorded).</summary>
    public IReadOnlyList<DepartmentInvitation> Audience { get; init; } = [];
    public required IReadOnlyList<SurveyResponse> Responses { get; init; }
    public required SurveyResults Results { get; init; }
    public IReadOnlyList<DerivedWeights> Weights { get; init; } = [];
    /// <summary>Why a derivation was not possible (shown on the Weights sheet), e.g. "no importance ratings".</summary>
    public IReadOnlyList<string> WeightNotes { get; init; } = [];
    /// <summary>What the respondent ids in <see cref="Responses"/>, the results and the weights are (said on Overview and Methodology).</summary>
    public RespondentIdentity RespondentIds { get; init; } = RespondentIdentity.Pseudonymised;
    /// <summary>List the free-text answers (committee and admin); otherwise only how many there are.</summary>
    public bool IncludeFreeText { get; init; }
}

/// <summary>Respondent ids in the workbook: pseudonyms (R001…, the default) or the people's real ids.</summary>
public enum RespondentIdentity
{
    Pseudonymised,
    Identified,
}
