using CoeInsights.Analytics;
using CoeInsights.Analytics.Surveys;
using CoeInsights.Common;
using Marten;

namespace CoeInsights.Surveys;

/// <summary>Survey writes go through <see cref="EventStreamWriter"/>; this names their stream (ids, not found) and validation.</summary>
public static class SurveyStream
{
    /// <summary>Load → decide → append on one survey (see <see cref="EventStreamWriter.AppendAsync{TAggregate}"/>).</summary>
    public static Task<WriteResult> AppendAsync(
        Func<IDocumentSession> openSession, Guid id, long? expectedVersion, Func<Survey, IReadOnlyList<object>> decide, CancellationToken ct) =>
        EventStreamWriter.AppendAsync(openSession, id, expectedVersion, decide, "surveys", NotFound, ct);

    public static NotFoundException NotFound(Guid id) => new("Survey", id.ToString());

    public static Guid ParseId(string? text, string field = "survey_id") =>
        Guid.TryParse(text, out var id) ? id : throw new InvalidInputException(field, "must be a survey id as returned by CreateSurvey");

    /// <summary>
    /// Validates questions and answers with the analytics' own rules (one source of truth for field paths).
    /// <paramref name="responsePrefix"/> replaces "responses[0]" in the paths (e.g. "" for a single submitted response).
    /// </summary>
    public static void Validate(IReadOnlyList<SurveyQuestion> questions, IReadOnlyList<SurveyScale> scales, SurveyResponse? response, string responsePrefix)
    {
        try
        {
            SurveyAnalysis.Validate(questions, scales, response is null ? [] : [response]);
        }
        catch (InvalidInputException bad)
        {
            throw new InvalidInputException(bad.Violations.Select(x => x with { Field = Rename(x.Field, responsePrefix) }).ToList());
        }
    }

    private static string Rename(string field, string prefix)
    {
        if (!field.StartsWith("responses[0]", StringComparison.Ordinal)) return field;
        var rest = field["responses[0]".Length..].TrimStart('.');
        return prefix.Length == 0 ? rest : rest.Length == 0 ? prefix : $"{prefix}.{rest}";
    }
}
