using System.Collections.Immutable;

namespace CoeInsights.Evaluations;

// ---- The events of the Evaluation stream. Every event says who (By: the caller's principal) and when (At). ----

/// <summary>What every Evaluation event carries for the audit trail.</summary>
public interface IEvaluationEvent
{
    string By { get; }
    DateTimeOffset At { get; }
}

public sealed record EvaluationOpened(
    Guid EvaluationId, string Title, string Purpose, double ScaleMin, double ScaleMax,
    IReadOnlyList<string> CommitteeMembers, int ApprovalQuorum, bool ScorersMayNotApprove,
    string? RequestId, string By, DateTimeOffset At) : IEvaluationEvent;

public sealed record CriteriaAdded(IReadOnlyList<CriterionDefinition> Criteria, string By, DateTimeOffset At) : IEvaluationEvent;

/// <summary>A criterion's new definition. Scores on it are dropped when it becomes a vendor fact, facts when it becomes scored.</summary>
public sealed record CriterionUpdated(CriterionDefinition Criterion, string By, DateTimeOffset At) : IEvaluationEvent;

/// <summary>A criterion is gone, with its facts and scores; the stored weights no longer cover the criteria.</summary>
public sealed record CriterionRemoved(string CriterionId, string By, DateTimeOffset At) : IEvaluationEvent;

public sealed record VendorsAdded(IReadOnlyList<VendorDefinition> Vendors, string By, DateTimeOffset At) : IEvaluationEvent;

public sealed record EvaluatorsInvited(IReadOnlyList<InvitedEvaluator> Evaluators, string By, DateTimeOffset At) : IEvaluationEvent;

public sealed record WeightsSet(
    IReadOnlyList<CriterionWeight> Weights, WeightSource Source, AhpJudgements? Ahp, SurveyReference? Survey,
    string By, DateTimeOffset At) : IEvaluationEvent;

/// <summary>One evaluator's batch. A later batch revises the same vendor × criterion cells.</summary>
public sealed record ScoresSubmitted(
    string EvaluatorId, string RequestId, IReadOnlyList<ScoreInput> Scores, string By, DateTimeOffset At) : IEvaluationEvent;

public sealed record EvaluationClosed(string By, DateTimeOffset At) : IEvaluationEvent;

public sealed record RecommendationProposed(string VendorId, string Rationale, string By, DateTimeOffset At) : IEvaluationEvent;

public sealed record RecommendationVoteCast(string Member, bool Approve, string Comment, string By, DateTimeOffset At) : IEvaluationEvent;

public sealed record RecommendationApproved(string VendorId, int Approvals, int Quorum, string By, DateTimeOffset At) : IEvaluationEvent;

public sealed record RecommendationRejected(string VendorId, int Rejections, int Quorum, string By, DateTimeOffset At) : IEvaluationEvent;

public sealed record EvaluationReopened(string Reason, string By, DateTimeOffset At) : IEvaluationEvent;

// ---- Value types used by the events and the write model. ----

public enum EvaluationState
{
    /// <summary>Configuring and scoring.</summary>
    Open = 1,
    Closed = 2,
    RecommendationProposed = 3,
    Approved = 4,
    Rejected = 5,
}

public enum CriterionDirection
{
    Benefit = 1,
    Cost = 2,
}

/// <summary>Evaluators score it on the scale, or each vendor states a fact (e.g. annual cost).</summary>
public enum CriterionSource
{
    EvaluatorScores = 1,
    VendorFact = 2,
}

public enum WeightSource
{
    Direct = 1,
    Ahp = 2,
    Survey = 3,
}

/// <param name="ScaleLevelDescriptions">
/// What each level of the score scale means for this criterion, lowest level first (one entry per whole-number level;
/// an empty entry leaves that level undescribed). Null or empty: none given (events written before the field have none).
/// </param>
public sealed record CriterionDefinition(
    string Id, string Description, string Category, CriterionDirection Direction, double? MustHaveThreshold, CriterionSource Source,
    IReadOnlyList<string>? ScaleLevelDescriptions = null)
{
    /// <summary>The level descriptions, never null.</summary>
    public IReadOnlyList<string> LevelDescriptions => ScaleLevelDescriptions ?? [];
}

public sealed record VendorFactValue(string CriterionId, double Value);

public sealed record VendorDefinition(string Id, string Name, string Product, IReadOnlyList<VendorFactValue> Facts);

public sealed record InvitedEvaluator(string EvaluatorId, string DisplayName, string Department);

public sealed record CriterionWeight(string CriterionId, double Weight);

/// <summary>Pairwise judgements over the criteria (in <see cref="CriterionIds"/> order) and their consistency.</summary>
public sealed record AhpJudgements(
    IReadOnlyList<string> CriterionIds, IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>> Matrices, double ConsistencyRatio);

/// <summary>Weights derived from a stakeholder survey (the Surveys module computes them).</summary>
public sealed record SurveyReference(string SurveyId, long SurveyVersion);

public sealed record ScoreInput(string VendorId, string CriterionId, double Value, string Comment, string Evidence);

public sealed record RecordedScore(
    string EvaluatorId, string VendorId, string CriterionId, double Value, string Comment, string Evidence, DateTimeOffset At);

public sealed record Vote(string Member, bool Approve, string Comment, DateTimeOffset At);

public sealed record Proposal(string VendorId, string Rationale, string ProposedBy, DateTimeOffset ProposedAt, ImmutableList<Vote> Votes);

public sealed record WeightsState(IReadOnlyList<CriterionWeight> Weights, WeightSource Source, AhpJudgements? Ahp, SurveyReference? Survey, string SetBy, DateTimeOffset SetAt);

// ---- The write model: immutable, folded from the events. ----

public sealed record Evaluation
{
    public required Guid Id { get; init; }
    public required string Title { get; init; }
    public required string Purpose { get; init; }
    public required double ScaleMin { get; init; }
    public required double ScaleMax { get; init; }
    public required EvaluationState State { get; init; }
    public required ImmutableList<string> CommitteeMembers { get; init; }
    /// <summary>Approvals needed; 0 = a majority of the committee members.</summary>
    public required int ApprovalQuorum { get; init; }
    public required bool ScorersMayNotApprove { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? RequestId { get; init; }
    public ImmutableList<CriterionDefinition> Criteria { get; init; } = [];
    public ImmutableList<VendorDefinition> Vendors { get; init; } = [];
    public ImmutableList<InvitedEvaluator> Evaluators { get; init; } = [];
    public WeightsState? Weights { get; init; }
    public ImmutableList<RecordedScore> Scores { get; init; } = [];
    public ImmutableList<string> ScoreRequestIds { get; init; } = [];
    /// <summary>Set by the first score, cleared by a reopen: criteria then change only after reopening.</summary>
    public bool CriteriaLocked { get; init; }
    public Proposal? Proposal { get; init; }
    public string? ApprovedVendorId { get; init; }
    public string? LastReopenReason { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>
    /// Set (never stored) on a copy filtered for a blind reader: the one evaluator whose scores it holds. Null when the
    /// copy holds every score. Readers of the copy (evaluator progress) use it to leave the others out rather than
    /// showing them as not started.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? ScoresOnlyOf { get; init; }

    /// <summary>Approvals needed to approve a proposal.</summary>
    public int EffectiveQuorum => ApprovalQuorum > 0 ? ApprovalQuorum : CommitteeMembers.Count / 2 + 1;

    public string Subject => $"evaluations/{Id}";

    public bool HasScored(string evaluatorId) => Scores.Any(s => s.EvaluatorId == evaluatorId);

    public static Evaluation Create(EvaluationOpened e) => new()
    {
        Id = e.EvaluationId,
        Title = e.Title,
        Purpose = e.Purpose,
        ScaleMin = e.ScaleMin,
        ScaleMax = e.ScaleMax,
        State = EvaluationState.Open,
        CommitteeMembers = [.. e.CommitteeMembers],
        ApprovalQuorum = e.ApprovalQuorum,
        ScorersMayNotApprove = e.ScorersMayNotApprove,
        CreatedBy = e.By,
        CreatedAt = e.At,
        RequestId = e.RequestId,
        UpdatedAt = e.At,
    };

    public Evaluation Apply(CriteriaAdded e) => this with { Criteria = Criteria.AddRange(e.Criteria), UpdatedAt = e.At };

    public Evaluation Apply(CriterionUpdated e)
    {
        var id = e.Criterion.Id;
        return this with
        {
            Criteria = Criteria.Select(c => c.Id == id ? e.Criterion : c).ToImmutableList(),
            Vendors = e.Criterion.Source == CriterionSource.VendorFact ? Vendors : WithoutFacts(id),
            Scores = e.Criterion.Source == CriterionSource.EvaluatorScores ? Scores : Scores.RemoveAll(s => s.CriterionId == id),
            UpdatedAt = e.At,
        };
    }

    public Evaluation Apply(CriterionRemoved e) => this with
    {
        Criteria = Criteria.RemoveAll(c => c.Id == e.CriterionId),
        Vendors = WithoutFacts(e.CriterionId),
        Scores = Scores.RemoveAll(s => s.CriterionId == e.CriterionId),
        UpdatedAt = e.At,
    };

    private ImmutableList<VendorDefinition> WithoutFacts(string criterionId) =>
        Vendors.Select(v => v.Facts.Any(f => f.CriterionId == criterionId) ? v with { Facts = v.Facts.Where(f => f.CriterionId != criterionId).ToList() } : v)
            .ToImmutableList();

    public Evaluation Apply(VendorsAdded e) => this with { Vendors = Vendors.AddRange(e.Vendors), UpdatedAt = e.At };

    public Evaluation Apply(EvaluatorsInvited e) => this with { Evaluators = Evaluators.AddRange(e.Evaluators), UpdatedAt = e.At };

    public Evaluation Apply(WeightsSet e) => this with { Weights = new WeightsState(e.Weights, e.Source, e.Ahp, e.Survey, e.By, e.At), UpdatedAt = e.At };

    public Evaluation Apply(ScoresSubmitted e)
    {
        var revised = e.Scores.Select(s => (s.VendorId, s.CriterionId)).ToHashSet();
        var kept = Scores.Where(s => s.EvaluatorId != e.EvaluatorId || !revised.Contains((s.VendorId, s.CriterionId)));
        var added = e.Scores.Select(s => new RecordedScore(e.EvaluatorId, s.VendorId, s.CriterionId, s.Value, s.Comment, s.Evidence, e.At));
        return this with
        {
            Scores = [.. kept, .. added],
            ScoreRequestIds = ScoreRequestIds.Add(e.RequestId),
            CriteriaLocked = true,
            UpdatedAt = e.At,
        };
    }

    public Evaluation Apply(EvaluationClosed e) => this with { State = EvaluationState.Closed, UpdatedAt = e.At };

    public Evaluation Apply(RecommendationProposed e) => this with
    {
        State = EvaluationState.RecommendationProposed,
        Proposal = new Proposal(e.VendorId, e.Rationale, e.By, e.At, []),
        ApprovedVendorId = null,
        UpdatedAt = e.At,
    };

    public Evaluation Apply(RecommendationVoteCast e) => this with
    {
        Proposal = Proposal! with { Votes = Proposal.Votes.Add(new Vote(e.Member, e.Approve, e.Comment, e.At)) },
        UpdatedAt = e.At,
    };

    public Evaluation Apply(RecommendationApproved e) => this with { State = EvaluationState.Approved, ApprovedVendorId = e.VendorId, UpdatedAt = e.At };

    public Evaluation Apply(RecommendationRejected e) => this with { State = EvaluationState.Rejected, UpdatedAt = e.At };

    public Evaluation Apply(EvaluationReopened e) => this with
    {
        State = EvaluationState.Open, Proposal = null, CriteriaLocked = false, LastReopenReason = e.Reason, UpdatedAt = e.At,
    };

    /// <summary>The fold as one function, for projections and in-memory replays.</summary>
    public static Evaluation? Advance(Evaluation? state, object @event) => @event switch
    {
        EvaluationOpened e => Create(e),
        _ when state is null => null,
        CriteriaAdded e => state.Apply(e),
        CriterionUpdated e => state.Apply(e),
        CriterionRemoved e => state.Apply(e),
        VendorsAdded e => state.Apply(e),
        EvaluatorsInvited e => state.Apply(e),
        WeightsSet e => state.Apply(e),
        ScoresSubmitted e => state.Apply(e),
        EvaluationClosed e => state.Apply(e),
        RecommendationProposed e => state.Apply(e),
        RecommendationVoteCast e => state.Apply(e),
        RecommendationApproved e => state.Apply(e),
        RecommendationRejected e => state.Apply(e),
        EvaluationReopened e => state.Apply(e),
        _ => state,
    };

    public static Evaluation? Fold(IEnumerable<object> events) => events.Aggregate((Evaluation?)null, Advance);
}
