using System.Collections.ObjectModel;

namespace CoeInsights.Evaluations.GettingHistory;

/// <summary>
/// The public name and details of each Evaluation event in GetEvaluationHistory / WatchEvaluation and the workbook's
/// audit sheet. Clients match on these, so they are written out here instead of taken from the C# records: renaming a
/// record or one of its properties changes nothing the API shows (HistoryEventsTests holds the golden list).
/// </summary>
public static class HistoryEvents
{
    private sealed record Entry(string Name, Func<object, EventDetails> Build);

    private static readonly ReadOnlyDictionary<Type, Entry> Table = new Dictionary<Type, Entry>
    {
        [typeof(EvaluationOpened)] = Of<EvaluationOpened>("EvaluationOpened", x => new()
        {
            ["evaluationId"] = x.EvaluationId.ToString(), ["title"] = x.Title, ["purpose"] = x.Purpose,
            ["scaleMin"] = x.ScaleMin, ["scaleMax"] = x.ScaleMax, ["committeeMembers"] = x.CommitteeMembers.ToList(),
            ["approvalQuorum"] = x.ApprovalQuorum, ["scorersMayNotApprove"] = x.ScorersMayNotApprove, ["requestId"] = x.RequestId,
        }),
        [typeof(CriteriaAdded)] = Of<CriteriaAdded>("CriteriaAdded", x => new() { ["criteria"] = x.Criteria.Select(Criterion).ToList() }),
        [typeof(CriterionUpdated)] = Of<CriterionUpdated>("CriterionUpdated", x => new() { ["criterion"] = Criterion(x.Criterion) }),
        [typeof(CriterionRemoved)] = Of<CriterionRemoved>("CriterionRemoved", x => new() { ["criterionId"] = x.CriterionId }),
        [typeof(VendorsAdded)] = Of<VendorsAdded>("VendorsAdded", x => new()
        {
            ["vendors"] = x.Vendors.Select(v => new EventDetails
            {
                ["id"] = v.Id, ["name"] = v.Name, ["product"] = v.Product,
                ["facts"] = v.Facts.Select(f => new EventDetails { ["criterionId"] = f.CriterionId, ["value"] = f.Value }).ToList(),
            }).ToList(),
        }),
        [typeof(EvaluatorsInvited)] = Of<EvaluatorsInvited>("EvaluatorsInvited", x => new()
        {
            ["evaluators"] = x.Evaluators.Select(e => new EventDetails
            {
                ["evaluatorId"] = e.EvaluatorId, ["displayName"] = e.DisplayName, ["department"] = e.Department,
            }).ToList(),
        }),
        [typeof(WeightsSet)] = Of<WeightsSet>("WeightsSet", x => new()
        {
            ["weights"] = x.Weights.Select(w => new EventDetails { ["criterionId"] = w.CriterionId, ["weight"] = w.Weight }).ToList(),
            ["source"] = x.Source switch { WeightSource.Direct => "Direct", WeightSource.Ahp => "Ahp", WeightSource.Survey => "Survey", _ => x.Source.ToString() },
            ["ahp"] = x.Ahp is { } ahp
                ? new EventDetails { ["criterionIds"] = ahp.CriterionIds.ToList(), ["matrices"] = ahp.Matrices, ["consistencyRatio"] = ahp.ConsistencyRatio }
                : null,
            ["survey"] = x.Survey is { } s ? new EventDetails { ["surveyId"] = s.SurveyId, ["surveyVersion"] = s.SurveyVersion } : null,
        }),
        [typeof(ScoresSubmitted)] = Of<ScoresSubmitted>("ScoresSubmitted", x => new()
        {
            ["evaluatorId"] = x.EvaluatorId, ["requestId"] = x.RequestId,
            ["scores"] = x.Scores.Select(s => new EventDetails
            {
                ["vendorId"] = s.VendorId, ["criterionId"] = s.CriterionId, ["value"] = s.Value, ["comment"] = s.Comment, ["evidence"] = s.Evidence,
            }).ToList(),
        }),
        [typeof(EvaluationClosed)] = Of<EvaluationClosed>("EvaluationClosed", _ => new()),
        [typeof(RecommendationProposed)] = Of<RecommendationProposed>("RecommendationProposed", x => new()
        {
            ["vendorId"] = x.VendorId, ["rationale"] = x.Rationale,
        }),
        [typeof(RecommendationVoteCast)] = Of<RecommendationVoteCast>("RecommendationVoteCast", x => new()
        {
            ["member"] = x.Member, ["approve"] = x.Approve, ["comment"] = x.Comment,
        }),
        [typeof(RecommendationApproved)] = Of<RecommendationApproved>("RecommendationApproved", x => new()
        {
            ["vendorId"] = x.VendorId, ["approvals"] = x.Approvals, ["quorum"] = x.Quorum,
        }),
        [typeof(RecommendationRejected)] = Of<RecommendationRejected>("RecommendationRejected", x => new()
        {
            ["vendorId"] = x.VendorId, ["rejections"] = x.Rejections, ["quorum"] = x.Quorum,
        }),
        [typeof(EvaluationReopened)] = Of<EvaluationReopened>("EvaluationReopened", x => new() { ["reason"] = x.Reason }),
    }.AsReadOnly();

    /// <summary>The event types the table covers (a test checks it covers every <see cref="IEvaluationEvent"/>).</summary>
    public static IReadOnlyCollection<Type> Types => Table.Keys;

    /// <summary>The API name of <paramref name="data"/>'s event type.</summary>
    public static string Name(object data) => Find(data).Name;

    /// <summary>The event's details as the API shows them: every event adds who (<c>by</c>) and when (<c>at</c>).</summary>
    public static EventDetails DetailsOf(object data)
    {
        var details = Find(data).Build(data);
        if (data is IEvaluationEvent e)
        {
            details["by"] = e.By;
            details["at"] = e.At;
        }
        return details;
    }

    /// <summary>What a blind caller sees of another evaluator's scores: that they were submitted, not their values.</summary>
    public static EventDetails Redacted(ScoresSubmitted x, string note) => new() { ["evaluatorId"] = x.EvaluatorId, ["note"] = note };

    private static Entry Find(object data) => Table.TryGetValue(data.GetType(), out var entry)
        ? entry
        : throw new InvalidOperationException($"{data.GetType().Name} has no API name: add it to {nameof(HistoryEvents)}.");

    private static Entry Of<T>(string name, Func<T, EventDetails> details) => new(name, o => details((T)o));

    private static EventDetails Criterion(CriterionDefinition c) => new()
    {
        ["id"] = c.Id, ["description"] = c.Description, ["category"] = c.Category,
        ["direction"] = c.Direction switch { CriterionDirection.Benefit => "Benefit", CriterionDirection.Cost => "Cost", _ => c.Direction.ToString() },
        ["mustHaveThreshold"] = c.MustHaveThreshold,
        ["source"] = c.Source switch { CriterionSource.EvaluatorScores => "EvaluatorScores", CriterionSource.VendorFact => "VendorFact", _ => c.Source.ToString() },
        ["scaleLevelDescriptions"] = c.LevelDescriptions.ToList(),
    };
}

/// <summary>One event's details: JSON-shaped values (strings, numbers, booleans, null, lists, nested details).</summary>
public sealed class EventDetails : Dictionary<string, object?>
{
    public EventDetails() : base(StringComparer.Ordinal) { }
}
