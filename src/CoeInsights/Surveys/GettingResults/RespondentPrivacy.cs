using CoeInsights.Access;

namespace CoeInsights.Surveys.GettingResults;

/// <summary>
/// Respondent ids are personal data, free-text answers often are too. Who sees what (docs/surveys.md, "Privacy"):
/// committee and admin see the real ids in results and weights, and the free-text answers in the workbook; the
/// workbook still shows pseudonyms unless they ask for the identities (files travel further than API calls).
/// Viewers and evaluators see pseudonyms everywhere and never the free text.
/// </summary>
public static class RespondentPrivacy
{
    /// <summary>Committee (or admin): may see respondent ids and free-text answers.</summary>
    public static bool MaySeeIdentities(Caller caller) => caller.Has(Role.Committee);

    /// <summary>R001, R002, … by order of first response (a revision keeps its number); R1000 past 999.</summary>
    public static string Pseudonym(int index) => $"R{index + 1:000}";

    /// <summary>
    /// The survey with every respondent id replaced by its pseudonym. Stable for a survey: responses are kept in order of
    /// first submission, so a respondent keeps the same pseudonym in every result, weight and export.
    /// </summary>
    public static Survey Pseudonymised(Survey s) =>
        s with { Responses = [.. s.Responses.Select((r, i) => r with { RespondentId = Pseudonym(i) })] };
}
