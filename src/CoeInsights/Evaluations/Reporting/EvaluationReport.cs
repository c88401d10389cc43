using CoeInsights.Analytics.Scoring;

namespace CoeInsights.Evaluations.Reporting;

/// <summary>
/// What an evaluation's reports (the vendor workbook, the committee's decision room) say about it in words a person
/// reads, and which facts they take as the cost: one place, so the workbook and the page cannot tell two stories.
/// </summary>
public static class EvaluationReport
{
    /// <summary>The evaluation's state for the committee: who proposed what, and how far the vote is from the quorum.</summary>
    public static string StateText(Evaluation e) => e.State switch
    {
        EvaluationState.Open => "Open: evaluators are still scoring. The ranking is provisional.",
        EvaluationState.Closed => "Closed: scoring is finished; no recommendation has been proposed yet.",
        EvaluationState.RecommendationProposed when e.Proposal is { } p =>
            $"Recommendation proposed: {VendorName(e, p.VendorId)}, by {p.ProposedBy}. {p.Votes.Count(v => v.Approve)} of the {e.EffectiveQuorum} approvals needed so far "
            + $"({e.CommitteeMembers.Count} committee members; {p.Votes.Count(v => !v.Approve)} rejected).",
        EvaluationState.Approved => $"Approved: {VendorName(e, e.ApprovedVendorId)}.",
        EvaluationState.Rejected => "Rejected by the committee.",
        _ => e.State.ToString(),
    };

    /// <summary>A vendor by its name (its id when it has none, or a dash for none at all).</summary>
    public static string VendorName(Evaluation e, string? vendorId) =>
        vendorId is null ? "—" : e.Vendors.FirstOrDefault(v => v.Id == vendorId)?.Name ?? vendorId;

    /// <summary>Where the weights came from, as a title: the survey by what it is and its version, not by its id.</summary>
    public static string WeightsSource(WeightsState? w) => w switch
    {
        null => "not set",
        { Source: WeightSource.Ahp, Ahp: { } ahp } => $"AHP pairwise judgements (CR {ahp.ConsistencyRatio:0.000}), set by {w.SetBy} on {w.SetAt:yyyy-MM-dd}",
        { Source: WeightSource.Survey, Survey: { } s } => $"stakeholder survey (version {s.SurveyVersion}), set by {w.SetBy} on {w.SetAt:yyyy-MM-dd}",
        _ => $"Direct, set by {w.SetBy} on {w.SetAt:yyyy-MM-dd}",
    };

    /// <summary>
    /// The vendor's annual cost: its value on the first recurring cost fact (a vendor-fact cost criterion that is not a
    /// one-off cost, <see cref="DecisionViews.IsOneOffCost"/>), for DimVendor and value for money; one-off costs
    /// (implementation, set-up, …) are added to the 3-year cost instead.
    /// </summary>
    public static double? AnnualCost(Evaluation e, VendorDefinition v)
    {
        var cost = e.Criteria.FirstOrDefault(c => c is { Source: CriterionSource.VendorFact, Direction: CriterionDirection.Cost }
            && !DecisionViews.IsOneOffCost(c.Id, c.Description));
        return cost is null ? null : v.Facts.FirstOrDefault(f => f.CriterionId == cost.Id)?.Value;
    }
}
