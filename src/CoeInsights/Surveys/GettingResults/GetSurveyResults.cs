using CoeInsights.Analytics.Surveys;
using CoeInsights.Surveys.GettingDetails;
using Marten;

namespace CoeInsights.Surveys.GettingResults;

/// <param name="Departments">Only these departments' responses and invitations; empty = all.</param>
public sealed record GetSurveyResults(Guid SurveyId, IReadOnlyList<string> Departments, SurveyOptions Options)
{
    /// <summary>Respondent ids as pseudonyms R001… (<see cref="RespondentPrivacy"/>): for callers who may not see identities.</summary>
    public bool Pseudonymise { get; init; }
}

/// <summary>Results are computed on read from the latest response per respondent (revisions replace earlier answers).</summary>
public static class GetSurveyResultsHandler
{
    public static async Task<(SurveyResults Results, long Version)> Handle(IQuerySession session, GetSurveyResults q, CancellationToken ct)
    {
        var details = await GetSurveyHandler.Load(session, q.SurveyId, ct);
        return (Compute(details.Survey, q), details.Version);
    }

    public static SurveyResults Compute(Survey s, GetSurveyResults q)
    {
        var v = new Validator();
        for (var i = 0; i < q.Departments.Count; i++)
            v.Require(s.Audience.Any(a => a.Department == q.Departments[i]), $"departments[{i}]", $"'{q.Departments[i]}' is not in the survey's audience");
        v.ThrowIfInvalid();
        if (q.Pseudonymise) s = RespondentPrivacy.Pseudonymised(s);
        return SurveyAnalysis.Analyze(new SurveyResultsRequest
        {
            Questions = s.Questions,
            Responses = s.LatestResponses(q.Departments),
            Invitations = s.Audience.Where(a => q.Departments.Count == 0 || q.Departments.Contains(a.Department))
                .Select(a => new DepartmentInvitation(a.Department, a.Invited)).ToList(),
            Scales = s.Scales,
            Options = q.Options,
        });
    }
}
