using CoeInsights.Common;
using CoeInsights.Surveys.GettingDetails;
using Marten;

namespace CoeInsights.Surveys.ClosingSurvey;

public sealed record CloseSurvey(Guid SurveyId, long? ExpectedVersion, string By, DateTimeOffset Now);

public static class CloseSurveyHandler
{
    /// <summary>Load → decide → append at the command's survey and expected version (its etag), then the survey's details.</summary>
    public static async Task<SurveyDetails> Handle(ISessionFactory sessions, CloseSurvey command, CancellationToken ct)
    {
        await SurveyStream.AppendAsync(sessions.OpenSession, command.SurveyId, command.ExpectedVersion, s => Decide(command, s), ct);
        return await GetSurveyHandler.Load(sessions, command.SurveyId, ct);
    }

    public static IReadOnlyList<object> Decide(CloseSurvey c, Survey s) =>
        s.State == SurveyState.Open
            ? [new SurveyClosed(c.By, c.Now)]
            : throw new RuleViolationException(ErrorReasons.SurveyClosed, s.Subject, "The survey is already closed.");
}
