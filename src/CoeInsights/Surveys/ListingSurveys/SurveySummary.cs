using CoeInsights.Common;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;

namespace CoeInsights.Surveys.ListingSurveys;

/// <summary>One row of ListSurveys. Inline; <see cref="RequestId"/> is unique per tenant (safe create retries).</summary>
public sealed record SurveySummary
{
    public required Guid Id { get; init; }
    public long Version { get; set; }
    public required string Title { get; init; }
    public SurveyState State { get; init; }
    public int QuestionCount { get; init; }
    public int Invited { get; init; }
    public int Respondents { get; init; }
    public Guid? EvaluationId { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public string? RequestId { get; init; }
}

public sealed class SurveySummaryProjection : SingleStreamProjection<SurveySummary, Guid>
{
    public override SurveySummary? Evolve(SurveySummary? s, Guid id, IEvent e)
    {
        if (e.Data is SurveyPublished p)
            return new SurveySummary
            {
                Id = id, Version = e.Version, Title = p.Title, State = SurveyState.Open, QuestionCount = p.Questions.Count,
                Invited = p.Audience.Sum(a => a.Invited), EvaluationId = p.Evaluation?.EvaluationId, CreatedBy = p.By, CreatedAt = p.At,
                UpdatedAt = p.At, RequestId = p.RequestId,
            };
        if (s is null) return null;
        s = e.Data switch
        {
            ResponseSubmitted { IsRevision: false } => s with { Respondents = s.Respondents + 1 },
            SurveyClosed => s with { State = SurveyState.Closed },
            _ => s,
        };
        return s with { Version = e.Version, UpdatedAt = e.Data is ISurveyEvent ev ? ev.At : s.UpdatedAt };
    }
}

public static class ListSurveysHandler
{
    /// <summary>Newest first; only surveys in <paramref name="state"/> when given.</summary>
    public static async Task<(IReadOnlyList<SurveySummary> Surveys, string NextPageToken)> Handle(IQuerySession session, Page page, CancellationToken ct,
        SurveyState? state = null)
    {
        IQueryable<SurveySummary> query = session.Query<SurveySummary>();
        if (state is { } only) query = query.Where(s => s.State == only);
        var rows = await query.OrderByDescending(s => s.Id).Skip(page.Offset).Take(page.Size + 1).ToListAsync(ct);
        return (rows.Take(page.Size).ToList(), page.NextToken(rows.Count));
    }
}
