using CoeInsights.Access;
using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Exports.Surveys;
using CoeInsights.Surveys;
using CoeInsights.Surveys.DerivingWeights;
using CoeInsights.Surveys.GettingDetails;
using CoeInsights.Surveys.GettingResults;
using Marten;
using A = CoeInsights.Analytics.Surveys;

namespace CoeInsights.Server.Reports;

/// <summary>
/// Survey + its results (as GetSurveyResults computes them) + the weights DeriveWeights gives for every
/// method the survey supports → the survey workbook. The same path serves the gRPC stream and the signed link.
/// Privacy (<see cref="RespondentPrivacy"/>): respondents are pseudonymised before anything is computed, so every
/// sheet shows the same R001…, unless a committee or admin caller asks for the ids; free-text answers only for them.
/// </summary>
public static class SurveyWorkbookExport
{
    /// <summary>Respondent ids are for committee and admin callers only: PERMISSION_DENIED for anyone else who asks.</summary>
    public static void Authorize(Caller caller, bool includeRespondentIds)
    {
        if (includeRespondentIds && !RespondentPrivacy.MaySeeIdentities(caller))
            throw new PermissionDeniedException("surveys.respondent_ids",
                "Respondent ids are shown to committee and admin keys only: leave include_respondent_ids unset for the pseudonymised workbook.");
    }

    public static async Task<RenderedExport> Render(IQuerySession session, Caller caller, Guid surveyId, A.SurveyOptions options, bool includeRespondentIds,
        DateTimeOffset now, CancellationToken ct)
    {
        Authorize(caller, includeRespondentIds);
        var details = await GetSurveyHandler.Load(session, surveyId, ct);
        var survey = includeRespondentIds ? details.Survey : RespondentPrivacy.Pseudonymised(details.Survey);
        var results = GetSurveyResultsHandler.Compute(survey, new GetSurveyResults(surveyId, [], options));
        var (weights, notes) = DeriveAll(survey, options);
        var model = new SurveyWorkbookModel
        {
            Title = survey.Title,
            Status = survey.State == SurveyState.Open
                ? $"Open: {survey.Responses.Count} responses so far (version {details.Version})"
                : $"Closed with {survey.Responses.Count} responses (version {details.Version})",
            GeneratedAt = now,
            Questions = survey.Questions,
            QuestionTexts = survey.QuestionTexts,
            Audience = survey.Audience.Select(a => new A.DepartmentInvitation(a.Department, a.Invited)).ToList(),
            Responses = survey.LatestResponses(),
            Results = results,
            Weights = weights,
            WeightNotes = notes,
            RespondentIds = includeRespondentIds ? RespondentIdentity.Identified : RespondentIdentity.Pseudonymised,
            IncludeFreeText = RespondentPrivacy.MaySeeIdentities(caller),
        };
        using var stream = new MemoryStream();
        SurveyWorkbook.Write(model, stream);
        return new RenderedExport(RenderedExport.SafeFileName(survey.Title, "survey", now), SurveyWorkbook.ContentType, stream.ToArray());
    }

    /// <summary>Importance ratings (department-balanced headline) when a question rates a criterion; group AHP for each
    /// pairwise question. A derivation the answers cannot support yet becomes a note, not an error.</summary>
    private static (List<A.DerivedWeights> Weights, List<string> Notes) DeriveAll(Survey survey, A.SurveyOptions options)
    {
        var requests = new List<(string What, DeriveSurveyWeights Request)>();
        if (survey.Questions.Any(q => q.Kind is A.QuestionKind.Likert or A.QuestionKind.Number && !string.IsNullOrEmpty(q.CriterionId)))
            requests.Add(("Importance ratings", new DeriveSurveyWeights(survey.Id, A.WeightDerivationMethod.ImportanceRatings, [], true, options)));
        foreach (var q in survey.Questions.Where(q => q.Kind == A.QuestionKind.Pairwise))
            requests.Add(($"Pairwise question {q.Id}", new DeriveSurveyWeights(survey.Id, A.WeightDerivationMethod.PairwiseJudgements, [q.Id], true, options)));
        var weights = new List<A.DerivedWeights>();
        var notes = new List<string>();
        if (requests.Count == 0)
            notes.Add("The survey has no importance ratings (Likert or Number questions linked to a criterion) and no pairwise question.");
        foreach (var (what, request) in requests)
        {
            try
            {
                weights.Add(DeriveSurveyWeightsHandler.Derive(survey, request));
            }
            catch (InvalidInputException e)
            {
                notes.Add($"{what}: no weights yet ({string.Join("; ", e.Violations.Select(v => v.Description))}).");
            }
        }
        return (weights, notes);
    }
}
