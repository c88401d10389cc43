using System.Collections.Immutable;
using CoeInsights.Analytics.Surveys;

namespace CoeInsights.Surveys;

// ---- The events of the Survey stream. Every event says who (By: the caller's principal) and when (At). ----

public interface ISurveyEvent
{
    string By { get; }
    DateTimeOffset At { get; }
}

/// <summary>A department asked to answer, with how many people of it were invited (for response rates).</summary>
public sealed record AudienceDepartment(string Department, int Invited);

/// <summary>Optional link to an evaluation: DeriveWeights / ApplySurveyWeights use its criteria.</summary>
public sealed record EvaluationLink(Guid EvaluationId, IReadOnlyList<string> CriterionIds);

public sealed record SurveyPublished(
    Guid SurveyId, string Title, IReadOnlyList<AudienceDepartment> Audience, IReadOnlyList<SurveyQuestion> Questions,
    IReadOnlyList<SurveyScale> Scales, EvaluationLink? Evaluation, string? RequestId, string By, DateTimeOffset At) : ISurveyEvent
{
    /// <summary>The wording of each question, by question id (the analytics need only ids and kinds).</summary>
    public IReadOnlyDictionary<string, string> QuestionTexts { get; init; } = new Dictionary<string, string>();
}

/// <summary>A respondent's answers. A later submission by the same respondent is a revision that replaces this one.</summary>
public sealed record ResponseSubmitted(
    string RespondentId, string Department, IReadOnlyDictionary<string, SurveyAnswer> Answers, string RequestId, bool IsRevision,
    string By, DateTimeOffset At) : ISurveyEvent;

public sealed record SurveyClosed(string By, DateTimeOffset At) : ISurveyEvent;

public enum SurveyState
{
    Open = 1,
    Closed = 2,
}

/// <summary>The latest response of one respondent.</summary>
public sealed record StoredResponse(
    string RespondentId, string Department, IReadOnlyDictionary<string, SurveyAnswer> Answers, int Revision, DateTimeOffset SubmittedAt);

// ---- The write model: immutable, folded from the events. ----

public sealed record Survey
{
    public required Guid Id { get; init; }
    public required string Title { get; init; }
    public required SurveyState State { get; init; }
    public required ImmutableList<AudienceDepartment> Audience { get; init; }
    public required ImmutableList<SurveyQuestion> Questions { get; init; }
    public required ImmutableList<SurveyScale> Scales { get; init; }
    public EvaluationLink? Evaluation { get; init; }
    public IReadOnlyDictionary<string, string> QuestionTexts { get; init; } = new Dictionary<string, string>();
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? RequestId { get; init; }
    /// <summary>One entry per respondent: the latest submission (revisions replace, never add).</summary>
    public ImmutableList<StoredResponse> Responses { get; init; } = [];
    /// <summary>The request ids responses came with, each scoped to its respondent (<see cref="RequestKey"/>).</summary>
    public ImmutableList<string> ResponseRequestIds { get; init; } = [];

    /// <summary>A request id is one respondent's: two people who happen to send the same one are two responses, not a retry.</summary>
    public static string RequestKey(string respondentId, string requestId) => $"{respondentId}\n{requestId}";
    public DateTimeOffset UpdatedAt { get; init; }

    public string Subject => $"surveys/{Id}";

    public static Survey Create(SurveyPublished e) => new()
    {
        Id = e.SurveyId, Title = e.Title, State = SurveyState.Open, Audience = [.. e.Audience], Questions = [.. e.Questions],
        Scales = [.. e.Scales], Evaluation = e.Evaluation, QuestionTexts = e.QuestionTexts, CreatedBy = e.By, CreatedAt = e.At, RequestId = e.RequestId, UpdatedAt = e.At,
    };

    public Survey Apply(ResponseSubmitted e)
    {
        var previous = Responses.FirstOrDefault(r => r.RespondentId == e.RespondentId);
        var stored = new StoredResponse(e.RespondentId, e.Department, e.Answers, (previous?.Revision ?? 0) + 1, e.At);
        return this with
        {
            Responses = previous is null ? Responses.Add(stored) : Responses.Replace(previous, stored),
            ResponseRequestIds = ResponseRequestIds.Add(RequestKey(e.RespondentId, e.RequestId)),
            UpdatedAt = e.At,
        };
    }

    public Survey Apply(SurveyClosed e) => this with { State = SurveyState.Closed, UpdatedAt = e.At };

    public static Survey? Advance(Survey? state, object @event) => @event switch
    {
        SurveyPublished e => Create(e),
        _ when state is null => null,
        ResponseSubmitted e => state.Apply(e),
        SurveyClosed e => state.Apply(e),
        _ => state,
    };

    /// <summary>The latest response per respondent as the analytics take them, optionally only some departments.</summary>
    public IReadOnlyList<SurveyResponse> LatestResponses(IReadOnlyCollection<string>? departments = null) =>
        Responses.Where(r => departments is not { Count: > 0 } || departments.Contains(r.Department))
            .Select(r => new SurveyResponse { RespondentId = r.RespondentId, Department = r.Department, Answers = r.Answers }).ToList();
}
