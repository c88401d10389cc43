using CoeInsights.Analytics;
using CoeInsights.Analytics.Surveys;
using CoeInsights.Common;
using CoeInsights.Access;
using CoeInsights.Evaluations;
using CoeInsights.Surveys.GettingDetails;
using Marten;

namespace CoeInsights.Surveys.SubmittingResponse;

/// <summary>One respondent's answers keyed by question id; a second submission by the same respondent revises the first.</summary>
public sealed record SubmitResponse(
    Guid SurveyId, string RespondentId, string Department, IReadOnlyDictionary<string, SurveyAnswer> Answers, string RequestId, string By, DateTimeOffset Now);

/// <summary>A response as stored: the survey's version after it (its etag) and whether it revised an earlier one.</summary>
public sealed record StoredResponseVersion(long Version, bool IsRevision);

public static class SubmitResponseHandler
{
    /// <summary>
    /// Load → decide → append at the command's survey, without a precondition: a concurrent append is retried with a
    /// fresh read, and a retried request id (per respondent) is stored once.
    /// </summary>
    public static Task<WriteResult> Append(ISessionFactory sessions, SubmitResponse command, CancellationToken ct) =>
        SurveyStream.AppendAsync(sessions.OpenSession, command.SurveyId, null, s => Decide(command, s), ct);

    /// <summary><see cref="Append"/>, then whether the respondent's stored response is a revision (also for a retry, which appends nothing).</summary>
    public static async Task<StoredResponseVersion> Handle(ISessionFactory sessions, SubmitResponse command, CancellationToken ct)
    {
        var written = await Append(sessions, command, ct);
        var details = await GetSurveyHandler.Load(sessions, command.SurveyId, ct);
        return new StoredResponseVersion(written.Version,
            details.Survey.Responses.FirstOrDefault(r => r.RespondentId == command.RespondentId)?.Revision > 1);
    }

    /// <summary>Whose response this is: the caller's own, unless committee (or admin) enters one for someone else,
    /// e.g. from a paper form. The scores' counterpart is <see cref="Evaluations.SubmittingScores.SubmitScoresHandler.ResolveEvaluator"/>.</summary>
    public static string ResolveRespondent(Caller caller, string? requested)
    {
        var respondent = string.IsNullOrWhiteSpace(requested) ? caller.Principal : requested.Trim();
        return respondent == caller.Principal || caller.Has(Role.Committee)
            ? respondent
            : throw new PermissionDeniedException("surveys.respond_for_others", "A respondent answers only for themselves: leave respondent_id empty or give your own.");
    }

    public static IReadOnlyList<object> Decide(SubmitResponse c, Survey s)
    {
        var v = new Validator()
            .RequireName(c.RequestId, "request_id", 100)
            .RequireName(c.RespondentId, "respondent_id")
            .RequireName(c.Department, "department")
            // A response without a single answer would count as a respondent (and in the response rate) with nothing said.
            .Require(c.Answers.Count > 0, "answers", "give at least one answer (questions left out count as missing)");
        v.ThrowIfInvalid();
        var respondent = Inputs.Clean(c.RespondentId);
        if (s.ResponseRequestIds.Contains(Survey.RequestKey(respondent, c.RequestId))) return []; // a retry: already stored
        if (s.State != SurveyState.Open)
            throw new RuleViolationException(ErrorReasons.SurveyClosed, s.Subject, "The survey is closed: responses are no longer accepted.");
        var department = Inputs.Clean(c.Department);
        if (s.Audience.All(a => a.Department != department))
            throw new InvalidInputException("department", $"'{department}' is not in the survey's audience ({string.Join(", ", s.Audience.Select(a => a.Department))})");
        var previous = s.Responses.FirstOrDefault(r => r.RespondentId == respondent);
        if (previous is not null && previous.Department != department)
            throw new InvalidInputException("department", $"respondent '{respondent}' answered for '{previous.Department}'; a revision keeps the department");
        if (previous is null)
        {
            var audience = s.Audience.First(a => a.Department == department);
            var responded = s.Responses.Count(r => r.Department == department);
            if (audience.Invited > 0 && responded >= audience.Invited)
                throw new RuleViolationException(ErrorReasons.SurveyAudienceFull, s.Subject,
                    $"All {audience.Invited} invited people of '{department}' have responded; raise the invitation count to accept more.");
        }
        var response = new SurveyResponse { RespondentId = respondent, Department = department, Answers = c.Answers };
        SurveyStream.Validate(s.Questions, [], response, "");
        return [new ResponseSubmitted(respondent, department, c.Answers, c.RequestId, previous is not null, c.By, c.Now)];
    }
}
