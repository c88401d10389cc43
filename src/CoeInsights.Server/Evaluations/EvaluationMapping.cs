using System.Text.Json;
using CoeInsights.Analytics;
using CoeInsights.Evaluations.GettingDetails;
using CoeInsights.Evaluations.GettingHistory;
using CoeInsights.Evaluations.ListingEvaluations;
using CoeInsights.Server.Scoring;
using Google.Protobuf.WellKnownTypes;
using Etag = CoeInsights.Common.Etag;
using D = CoeInsights.Evaluations;
using A = CoeInsights.Analytics.Scoring;
using P = CoeInsights.V1;

namespace CoeInsights.Server.Evaluations;

/// <summary>Proto ⇄ Evaluations domain. Unknown enum numbers are INVALID_ARGUMENT naming the field.</summary>
public static class EvaluationMapping
{
    // Details are JSON-shaped already (HistoryEvents writes their keys and enum names): only the serialiser's number,
    // date and null conventions apply.
    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);

    // ---- requests ----

    public static D.CriterionDefinition ToDomain(P.Criterion c, int i, Validator v, string? field = null) => new(
        c.CriterionId, c.Description, c.Category,
        c.Direction switch
        {
            P.CriterionDirection.Unspecified or P.CriterionDirection.Benefit => D.CriterionDirection.Benefit,
            P.CriterionDirection.Cost => D.CriterionDirection.Cost,
            _ => Invalid(v, $"{field ?? $"criteria[{i}]"}.direction", D.CriterionDirection.Benefit),
        },
        c.HasMustHaveThreshold ? c.MustHaveThreshold : null,
        c.Source switch
        {
            P.CriterionSource.Unspecified or P.CriterionSource.EvaluatorScores => D.CriterionSource.EvaluatorScores,
            P.CriterionSource.VendorFact => D.CriterionSource.VendorFact,
            _ => Invalid(v, $"{field ?? $"criteria[{i}]"}.source", D.CriterionSource.EvaluatorScores),
        },
        // The count against the evaluation's scale is the decider's rule (AddCriteria, UpdateCriterion): it knows the scale.
        c.ScaleLevelDescriptions.Count > 0 ? c.ScaleLevelDescriptions.ToList() : null);

    public static D.VendorDefinition ToDomain(P.Vendor x) =>
        new(x.VendorId, x.DisplayName, x.Product, x.Facts.Select(f => new D.VendorFactValue(f.CriterionId, f.Value)).ToList());

    public static D.InvitedEvaluator ToDomain(P.Evaluator x) => new(x.EvaluatorId, x.DisplayName, x.Department);

    public static IReadOnlyList<D.CriterionWeight> ToDomain(IEnumerable<P.CriterionWeight> weights) =>
        weights.Select(w => new D.CriterionWeight(w.CriterionId, w.Weight)).ToList();

    public static D.ScoreInput ToDomain(P.ScoreEntry s) => new(s.VendorId, s.CriterionId, s.Value, s.Comment, s.Evidence);

    public static D.EvaluationState? ToDomain(P.EvaluationState state, Validator v) => state switch
    {
        P.EvaluationState.Unspecified => null,
        P.EvaluationState.Open => D.EvaluationState.Open,
        P.EvaluationState.Closed => D.EvaluationState.Closed,
        P.EvaluationState.RecommendationProposed => D.EvaluationState.RecommendationProposed,
        P.EvaluationState.Approved => D.EvaluationState.Approved,
        P.EvaluationState.Rejected => D.EvaluationState.Rejected,
        _ => Invalid<D.EvaluationState?>(v, "state", null),
    };

    public static A.AggregationOptions ToAggregation(P.AggregationOptions? o, Validator v)
    {
        var defaults = new A.AggregationOptions();
        if (o is null) return defaults;
        return new A.AggregationOptions
        {
            Method = o.Method switch
            {
                P.EvaluatorAggregationMethod.Unspecified or P.EvaluatorAggregationMethod.Mean => A.AggregationMethod.Mean,
                P.EvaluatorAggregationMethod.Median => A.AggregationMethod.Median,
                P.EvaluatorAggregationMethod.TrimmedMean => A.AggregationMethod.TrimmedMean,
                _ => Invalid(v, "aggregation.method", A.AggregationMethod.Mean),
            },
            TrimFraction = o.HasTrimFraction ? o.TrimFraction : defaults.TrimFraction,
            MissingScores = o.MissingScores switch
            {
                P.MissingScorePolicy.Unspecified or P.MissingScorePolicy.IgnoreEvaluator => A.MissingScorePolicy.IgnoreEvaluator,
                P.MissingScorePolicy.TreatAsScaleMinimum => A.MissingScorePolicy.TreatAsScaleMinimum,
                P.MissingScorePolicy.ExcludeVendor => A.MissingScorePolicy.ExcludeVendor,
                _ => Invalid(v, "aggregation.missing_scores", A.MissingScorePolicy.IgnoreEvaluator),
            },
        };
    }

    private static T Invalid<T>(Validator v, string field, T fallback)
    {
        v.Add(field, "is not a known value");
        return fallback;
    }

    // ---- responses ----

    public static P.EvaluationState ToProto(D.EvaluationState s) => s switch
    {
        D.EvaluationState.Open => P.EvaluationState.Open,
        D.EvaluationState.Closed => P.EvaluationState.Closed,
        D.EvaluationState.RecommendationProposed => P.EvaluationState.RecommendationProposed,
        D.EvaluationState.Approved => P.EvaluationState.Approved,
        D.EvaluationState.Rejected => P.EvaluationState.Rejected,
        _ => P.EvaluationState.Unspecified,
    };

    private static P.WeightSource ToProto(D.WeightSource s) => s switch
    {
        D.WeightSource.Direct => P.WeightSource.Direct,
        D.WeightSource.Ahp => P.WeightSource.Ahp,
        D.WeightSource.Survey => P.WeightSource.Survey,
        _ => P.WeightSource.Unspecified,
    };

    private static Timestamp Ts(DateTimeOffset t) => Timestamp.FromDateTimeOffset(t);

    /// <summary>Pass details already filtered for the caller (blind scoring).</summary>
    public static P.Evaluation ToProto(EvaluationDetails details)
    {
        var e = details.Evaluation;
        var p = new P.Evaluation
        {
            EvaluationId = e.Id.ToString(),
            Title = e.Title,
            Purpose = e.Purpose,
            Scale = new P.ScoreScale { Min = e.ScaleMin, Max = e.ScaleMax },
            State = ToProto(e.State),
            Criteria =
            {
                e.Criteria.Select(c =>
                {
                    var pc = new P.Criterion
                    {
                        CriterionId = c.Id, Description = c.Description, Category = c.Category,
                        Direction = c.Direction == D.CriterionDirection.Cost ? P.CriterionDirection.Cost : P.CriterionDirection.Benefit,
                        Source = c.Source == D.CriterionSource.VendorFact ? P.CriterionSource.VendorFact : P.CriterionSource.EvaluatorScores,
                    };
                    if (c.MustHaveThreshold is { } t) pc.MustHaveThreshold = t;
                    pc.ScaleLevelDescriptions.Add(c.LevelDescriptions);
                    return pc;
                }),
            },
            Vendors =
            {
                e.Vendors.Select(x => new P.Vendor
                {
                    VendorId = x.Id, DisplayName = x.Name, Product = x.Product,
                    Facts = { x.Facts.Select(f => new P.VendorFactValue { CriterionId = f.CriterionId, Value = f.Value }) },
                }),
            },
            Evaluators = { e.Evaluators.Select(x => new P.Evaluator { EvaluatorId = x.EvaluatorId, DisplayName = x.DisplayName, Department = x.Department }) },
            Scores =
            {
                e.Scores.Select(s => new P.Score
                {
                    EvaluatorId = s.EvaluatorId, VendorId = s.VendorId, CriterionId = s.CriterionId, Value = s.Value,
                    Comment = s.Comment, Evidence = s.Evidence, SubmitTime = Ts(s.At),
                }),
            },
            CommitteeMembers = { e.CommitteeMembers },
            ApprovalQuorum = e.EffectiveQuorum,
            ScorersMayNotApprove = e.ScorersMayNotApprove,
            ApprovedVendorId = e.ApprovedVendorId ?? "",
            CriteriaLocked = e.CriteriaLocked,
            LastReopenReason = e.LastReopenReason ?? "",
            CreateBy = e.CreatedBy,
            CreateTime = Ts(e.CreatedAt),
            UpdateTime = Ts(e.UpdatedAt),
            Etag = Etag.Format(details.Version),
            EvaluatorProgress =
            {
                EvaluatorProgressRules.Of(e).Select(x => new P.EvaluatorProgress
                {
                    EvaluatorId = x.EvaluatorId, DisplayName = x.DisplayName, Department = x.Department,
                    ScoredCells = x.Scored, ExpectedCells = x.Expected, CompleteFraction = x.Fraction,
                    LastScoreTime = x.LastScoredAt is { } last ? Ts(last) : null,
                }),
            },
        };
        if (e.Weights is { } w)
        {
            p.Weights = new P.Weights
            {
                CriterionWeights = { w.Weights.Select(x => new P.CriterionWeight { CriterionId = x.CriterionId, Weight = x.Weight }) },
                Source = ToProto(w.Source),
                SetBy = w.SetBy,
                SetTime = Ts(w.SetAt),
                Survey = w.Survey is { } s ? new P.SurveyReference { SurveyId = s.SurveyId, SurveyVersion = s.SurveyVersion } : null,
            };
            if (w.Ahp is { } ahp)
            {
                p.Weights.Ahp = new P.AhpJudgements
                {
                    CriterionIds = { ahp.CriterionIds },
                    PairwiseMatrices = { ahp.Matrices.Select(m => new P.Matrix { Rows = { ScoringMapping.ToRows(m) } }) },
                };
                p.Weights.ConsistencyRatio = ahp.ConsistencyRatio;
            }
        }
        if (e.Proposal is { } r)
        {
            p.Recommendation = new P.ProposedRecommendation
            {
                VendorId = r.VendorId, Rationale = r.Rationale, ProposedBy = r.ProposedBy, ProposeTime = Ts(r.ProposedAt),
                Votes = { r.Votes.Select(v => new P.RecommendationVote { Member = v.Member, Approve = v.Approve, Comment = v.Comment, VoteTime = Ts(v.At) }) },
                Quorum = e.EffectiveQuorum,
            };
        }
        return p;
    }

    public static P.EvaluationSummary ToProto(EvaluationSummary s) => new()
    {
        EvaluationId = s.Id.ToString(),
        Title = s.Title,
        State = ToProto(s.State),
        CriterionCount = s.CriterionCount,
        VendorCount = s.VendorCount,
        EvaluatorCount = s.EvaluatorCount,
        ProposedVendorId = s.ProposedVendorId ?? "",
        ApprovedVendorId = s.ApprovedVendorId ?? "",
        CreateBy = s.CreatedBy,
        CreateTime = Ts(s.CreatedAt),
        UpdateTime = Ts(s.UpdatedAt),
        Etag = Etag.Format(s.Version),
    };

    public static P.EvaluationEvent ToProto(HistoryEntry h) => new()
    {
        Version = h.Version,
        EventType = h.EventType,
        Actor = h.Actor,
        EventTime = Ts(h.At),
        Summary = h.Summary,
        Details = Google.Protobuf.JsonParser.Default.Parse<Struct>(JsonSerializer.Serialize(h.Details, DetailsJson)),
        State = ToProto(h.StateAfter),
    };
}
