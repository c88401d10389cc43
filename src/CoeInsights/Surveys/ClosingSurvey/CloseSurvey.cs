using CoeInsights.Common;

namespace CoeInsights.Surveys.ClosingSurvey;

public sealed record CloseSurvey(string By, DateTimeOffset Now);

public static class CloseSurveyHandler
{
    public static IReadOnlyList<object> Decide(CloseSurvey c, Survey s) =>
        s.State == SurveyState.Open
            ? [new SurveyClosed(c.By, c.Now)]
            : throw new RuleViolationException(ErrorReasons.SurveyClosed, s.Subject, "The survey is already closed.");
}
