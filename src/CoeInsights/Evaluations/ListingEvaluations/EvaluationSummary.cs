using CoeInsights.Common;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;

namespace CoeInsights.Evaluations.ListingEvaluations;

/// <summary>One row of ListEvaluations. Inline; <see cref="RequestId"/> is unique per tenant (safe create retries).</summary>
public sealed record EvaluationSummary
{
    public required Guid Id { get; init; }
    public long Version { get; set; }
    public required string Title { get; init; }
    public EvaluationState State { get; init; }
    public int CriterionCount { get; init; }
    public int VendorCount { get; init; }
    public int EvaluatorCount { get; init; }
    public string? ProposedVendorId { get; init; }
    public string? ApprovedVendorId { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public string? RequestId { get; init; }
}

public sealed class EvaluationSummaryProjection : SingleStreamProjection<EvaluationSummary, Guid>
{
    public override EvaluationSummary? Evolve(EvaluationSummary? s, Guid id, IEvent e)
    {
        if (e.Data is EvaluationOpened o)
            return new EvaluationSummary
            {
                Id = id, Version = e.Version, Title = o.Title, State = EvaluationState.Open, CreatedBy = o.By, CreatedAt = o.At,
                UpdatedAt = o.At, RequestId = o.RequestId,
            };
        if (s is null) return null;
        s = e.Data switch
        {
            CriteriaAdded x => s with { CriterionCount = s.CriterionCount + x.Criteria.Count },
            CriterionRemoved => s with { CriterionCount = s.CriterionCount - 1 },
            VendorsAdded x => s with { VendorCount = s.VendorCount + x.Vendors.Count },
            EvaluatorsInvited x => s with { EvaluatorCount = s.EvaluatorCount + x.Evaluators.Count },
            EvaluationClosed => s with { State = EvaluationState.Closed },
            RecommendationProposed x => s with { State = EvaluationState.RecommendationProposed, ProposedVendorId = x.VendorId },
            RecommendationApproved x => s with { State = EvaluationState.Approved, ApprovedVendorId = x.VendorId },
            RecommendationRejected => s with { State = EvaluationState.Rejected },
            EvaluationReopened => s with { State = EvaluationState.Open, ProposedVendorId = null },
            _ => s,
        };
        return s with { Version = e.Version, UpdatedAt = e.Data is IEvaluationEvent ev ? ev.At : s.UpdatedAt };
    }
}

public static class ListEvaluationsHandler
{
    /// <summary>Newest first; <paramref name="state"/> null: every state.</summary>
    public static async Task<(IReadOnlyList<EvaluationSummary> Evaluations, string NextPageToken)> Handle(
        IQuerySession session, EvaluationState? state, Page page, CancellationToken ct)
    {
        IQueryable<EvaluationSummary> query = session.Query<EvaluationSummary>();
        if (state is { } wanted) query = query.Where(s => s.State == wanted);
        var rows = await query.OrderByDescending(s => s.Id).Skip(page.Offset).Take(page.Size + 1).ToListAsync(ct);
        return (rows.Take(page.Size).ToList(), page.NextToken(rows.Count));
    }
}
