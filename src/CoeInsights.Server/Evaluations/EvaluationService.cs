using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Evaluations;
using CoeInsights.Evaluations.AddingCriteria;
using CoeInsights.Evaluations.AddingVendors;
using CoeInsights.Evaluations.ApprovingRecommendation;
using CoeInsights.Evaluations.ChangingCriteria;
using CoeInsights.Evaluations.ClosingEvaluation;
using CoeInsights.Evaluations.GettingDetails;
using CoeInsights.Evaluations.GettingHistory;
using CoeInsights.Evaluations.InvitingEvaluators;
using CoeInsights.Evaluations.ListingEvaluations;
using CoeInsights.Evaluations.OpeningEvaluation;
using CoeInsights.Evaluations.ProposingRecommendation;
using CoeInsights.Evaluations.Reopening;
using CoeInsights.Evaluations.ScoringEvaluation;
using CoeInsights.Evaluations.SettingWeights;
using CoeInsights.Evaluations.SubmittingScores;
using CoeInsights.Server.Auth;
using CoeInsights.Server.Hosting;
using CoeInsights.Server.Scoring;
using CoeInsights.Server.Validation;
using CoeInsights.Store;
using CoeInsights.V1;
using Grpc.Core;
using Marten;
using Role = CoeInsights.Access.Role;
using D = CoeInsights.Evaluations;

namespace CoeInsights.Server.Evaluations;

/// <summary>
/// Adapter: proto ⇄ Evaluations commands. Committee (and admin) configure, close, propose and vote; evaluators
/// submit scores; viewers, evaluators and the committee read. Rules live in the deciders.
/// </summary>
[RequireRole(Role.Committee)]
public sealed class EvaluationService(ISessionFactory sessions, IQuerySession query, CallerContext callerContext, TimeProvider clock,
    ChangeNotifier changes)
    : V1.EvaluationService.EvaluationServiceBase
{
    private CoeInsights.Access.Caller Caller => callerContext.Caller;

    private DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>The evaluation's id and etag from the request, in that order (a bad id is reported before a bad etag).</summary>
    private static (Guid Id, long? Version) Target(string evaluationId, string? etag)
    {
        var id = EvaluationStream.ParseId(evaluationId);
        return (id, Etag.Parse(etag));
    }

    // Every answer is the evaluation read back through GetEvaluationHandler: the message is built once per version and
    // visibility and shared (read-only) by the callers who see the same.

    public override Task<V1.Evaluation> CreateEvaluation(CreateEvaluationRequest request, ServerCallContext context)
    {
        var now = Now;
        return OpenEvaluationHandler.Handle(sessions, Caller, new OpenEvaluation(
            Guid.CreateVersion7(now), request.Title, request.Purpose, request.Scale?.Min ?? 1, request.Scale?.Max ?? 5,
            request.CommitteeMembers, request.ApprovalQuorum, request.ScorersMayNotApprove, request.RequestId, Caller.Principal, now),
            EvaluationMapping.ToProto, context.CancellationToken);
    }

    [RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
    public override Task<V1.Evaluation> GetEvaluation(GetEvaluationRequest request, ServerCallContext context) =>
        GetEvaluationHandler.Handle(query, Caller, EvaluationStream.ParseId(request.EvaluationId), EvaluationMapping.ToProto, context.CancellationToken);

    [RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
    public override async Task<ListEvaluationsResponse> ListEvaluations(ListEvaluationsRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var state = EvaluationMapping.ToDomain(request.State, v);
        v.ThrowIfInvalid();
        var (rows, next) = await ListEvaluationsHandler.Handle(query, state, PageRequest.From(request), context.CancellationToken);
        return new ListEvaluationsResponse { Evaluations = { rows.Select(EvaluationMapping.ToProto) }, NextPageToken = next };
    }

    public override Task<V1.Evaluation> AddCriteria(AddCriteriaRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var criteria = request.Criteria.Select((c, i) => EvaluationMapping.ToDomain(c, i, v)).ToList();
        v.ThrowIfInvalid();
        var (id, version) = Target(request.EvaluationId, request.Etag);
        return AddCriteriaHandler.Handle(sessions, Caller, new AddCriteria(id, version, criteria, Caller.Principal, Now),
            EvaluationMapping.ToProto, context.CancellationToken);
    }

    public override Task<V1.Evaluation> UpdateCriterion(UpdateCriterionRequest request, ServerCallContext context)
    {
        var v = new Validator().Require(request.Criterion is not null, "criterion", "is required");
        v.ThrowIfInvalid();
        var criterion = EvaluationMapping.ToDomain(request.Criterion!, 0, v, "criterion");
        v.ThrowIfInvalid();
        var (id, version) = Target(request.EvaluationId, request.Etag);
        return ChangeCriteriaHandler.Handle(sessions, Caller, new UpdateCriterion(id, version, criterion, Caller.Principal, Now),
            EvaluationMapping.ToProto, context.CancellationToken);
    }

    public override Task<V1.Evaluation> RemoveCriterion(RemoveCriterionRequest request, ServerCallContext context)
    {
        var (id, version) = Target(request.EvaluationId, request.Etag);
        return ChangeCriteriaHandler.Handle(sessions, Caller, new RemoveCriterion(id, version, request.CriterionId, Caller.Principal, Now),
            EvaluationMapping.ToProto, context.CancellationToken);
    }

    public override Task<V1.Evaluation> AddVendors(AddVendorsRequest request, ServerCallContext context)
    {
        var vendors = request.Vendors.Select(EvaluationMapping.ToDomain).ToList();
        var (id, version) = Target(request.EvaluationId, request.Etag);
        return AddVendorsHandler.Handle(sessions, Caller, new AddVendors(id, version, vendors, Caller.Principal, Now),
            EvaluationMapping.ToProto, context.CancellationToken);
    }

    public override Task<V1.Evaluation> InviteEvaluators(InviteEvaluatorsRequest request, ServerCallContext context)
    {
        var evaluators = request.Evaluators.Select(EvaluationMapping.ToDomain).ToList();
        var (id, version) = Target(request.EvaluationId, request.Etag);
        return InviteEvaluatorsHandler.Handle(sessions, Caller, new InviteEvaluators(id, version, evaluators, Caller.Principal, Now),
            EvaluationMapping.ToProto, context.CancellationToken);
    }

    public override Task<V1.Evaluation> SetWeights(SetWeightsRequest request, ServerCallContext context)
    {
        var v = new Validator();
        (D.WeightSource Source, IReadOnlyList<D.CriterionWeight> Weights, AhpInput? Ahp, D.SurveyReference? Survey) source = request.SourceCase switch
        {
            SetWeightsRequest.SourceOneofCase.Direct => (D.WeightSource.Direct, EvaluationMapping.ToDomain(request.Direct.Weights), null, null),
            SetWeightsRequest.SourceOneofCase.Survey => (D.WeightSource.Survey, EvaluationMapping.ToDomain(request.Survey.Weights), null,
                new D.SurveyReference(request.Survey.Survey?.SurveyId ?? "", request.Survey.Survey?.SurveyVersion ?? 0)),
            SetWeightsRequest.SourceOneofCase.Ahp => (D.WeightSource.Ahp, [],
                new AhpInput(request.Ahp.CriterionIds.ToList(), ScoringMapping.ToMatrices(request.Ahp.PairwiseMatrices) ?? [],
                    ScoringMapping.ToAhpOptions(request.Ahp.Options, "ahp.options", v)), null),
            _ => throw new InvalidInputException("source", "give direct, ahp or survey weights"),
        };
        v.ThrowIfInvalid();
        var (id, version) = Target(request.EvaluationId, request.Etag);
        var command = new SetWeights(id, version, source.Source, source.Weights, source.Ahp, source.Survey, Caller.Principal, Now);
        return Readdressed(SetWeightsHandler.Handle(sessions, Caller, command, EvaluationMapping.ToProto, context.CancellationToken),
            request.SourceCase switch
            {
                SetWeightsRequest.SourceOneofCase.Direct => "direct.",
                SetWeightsRequest.SourceOneofCase.Survey => "survey.",
                _ => "",
            });
    }

    /// <summary>The decider names the weights it checks weights[i]: in the request they sit inside the chosen source (direct.weights[i]).</summary>
    private static async Task<V1.Evaluation> Readdressed(Task<V1.Evaluation> write, string prefix)
    {
        try
        {
            return await write;
        }
        catch (InvalidInputException e) when (prefix.Length > 0 && e.Violations.Any(x => x.Field.StartsWith("weights", StringComparison.Ordinal)))
        {
            throw new InvalidInputException(e.Violations
                .Select(x => x.Field.StartsWith("weights", StringComparison.Ordinal) ? x with { Field = prefix + x.Field } : x).ToList());
        }
    }

    /// <summary>Whose scores these are: <see cref="SubmitScoresHandler.ResolveEvaluator"/>.</summary>
    [RequireRole(Role.Evaluator)]
    public override Task<V1.Evaluation> SubmitScores(SubmitScoresRequest request, ServerCallContext context)
    {
        var evaluator = SubmitScoresHandler.ResolveEvaluator(Caller, request.EvaluatorId);
        var scores = request.Scores.Select(EvaluationMapping.ToDomain).ToList();
        var command = new SubmitScores(EvaluationStream.ParseId(request.EvaluationId), evaluator, request.RequestId, scores, Caller.Principal, Now);
        return SubmitScoresHandler.Handle(sessions, Caller, command, EvaluationMapping.ToProto, context.CancellationToken);
    }

    public override Task<V1.Evaluation> CloseEvaluation(CloseEvaluationRequest request, ServerCallContext context)
    {
        var (id, version) = Target(request.EvaluationId, request.Etag);
        return CloseEvaluationHandler.Handle(sessions, Caller, new CloseEvaluation(id, version, Caller.Principal, Now),
            EvaluationMapping.ToProto, context.CancellationToken);
    }

    [RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
    public override async Task<ScoreEvaluationResponse> ScoreEvaluation(ScoreEvaluationRequest request, ServerCallContext context)
    {
        var id = EvaluationStream.ParseId(request.EvaluationId);
        var v = new Validator();
        var command = new ScoreEvaluation(id, request.WhatIfWeights.Count == 0 ? null : EvaluationMapping.ToDomain(request.WhatIfWeights),
            EvaluationMapping.ToAggregation(request.Aggregation, v), ScoringMapping.ToOptions(request.Options, v), ScoringMapping.ToRobustness(request.Robustness, v));
        v.ThrowIfInvalid();
        var score = await ScoreEvaluationHandler.Handle(query, Caller, command, context.CancellationToken);
        return new ScoreEvaluationResponse
        {
            Result = ScoringMapping.ToProto(score.Result),
            Etag = Etag.Format(score.Version),
            WhatIf = score.WhatIf,
            ScoresUsed = score.ScoresUsed,
        };
    }

    public override Task<V1.Evaluation> ProposeRecommendation(ProposeRecommendationRequest request, ServerCallContext context)
    {
        var (id, version) = Target(request.EvaluationId, request.Etag);
        return ProposeRecommendationHandler.Handle(sessions, Caller,
            new ProposeRecommendation(id, version, request.VendorId, request.Rationale, Caller.Principal, Now), EvaluationMapping.ToProto, context.CancellationToken);
    }

    public override Task<V1.Evaluation> ApproveRecommendation(ApproveRecommendationRequest request, ServerCallContext context) =>
        Vote(request.EvaluationId, true, request.Comment, context);

    public override Task<V1.Evaluation> RejectRecommendation(RejectRecommendationRequest request, ServerCallContext context) =>
        Vote(request.EvaluationId, false, request.Comment, context);

    private Task<V1.Evaluation> Vote(string evaluationId, bool approve, string comment, ServerCallContext context) =>
        VoteOnRecommendationHandler.Handle(sessions, Caller,
            new VoteOnRecommendation(EvaluationStream.ParseId(evaluationId), approve, comment, Caller.Principal, Now), EvaluationMapping.ToProto, context.CancellationToken);

    public override Task<V1.Evaluation> ReopenEvaluation(ReopenEvaluationRequest request, ServerCallContext context)
    {
        var (id, version) = Target(request.EvaluationId, request.Etag);
        return ReopenEvaluationHandler.Handle(sessions, Caller, new ReopenEvaluation(id, version, request.Reason, Caller.Principal, Now),
            EvaluationMapping.ToProto, context.CancellationToken);
    }

    [RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
    public override async Task<EvaluationHistory> GetEvaluationHistory(GetEvaluationHistoryRequest request, ServerCallContext context)
    {
        var id = EvaluationStream.ParseId(request.EvaluationId);
        var (entries, version, next) = await EvaluationHistoryHandler.Handle(query, Caller, id,
            PageRequest.From(request), context.CancellationToken);
        return new EvaluationHistory { Events = { entries.Select(EvaluationMapping.ToProto) }, Etag = Etag.Format(version), NextPageToken = next };
    }

    /// <summary>
    /// Sends each new event (blind scoring applied, <see cref="EvaluationHistoryHandler.FollowAsync"/>) until the client
    /// cancels. Between reads it waits for a commit to the stream (<see cref="ChangeNotifier"/>), not for a timer.
    /// </summary>
    [RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
    public override async Task WatchEvaluation(WatchEvaluationRequest request, IServerStreamWriter<EvaluationEvent> responseStream, ServerCallContext context)
    {
        var id = EvaluationStream.ParseId(request.EvaluationId);
        var ct = context.CancellationToken;
        // Subscribed before the first read: a commit after it wakes the first wait.
        using var appended = changes.Subscribe(ChangeKeys.Stream(id));
        var cursor = await EvaluationHistoryHandler.StartAsync(query, id, request.HasAfterVersion ? request.AfterVersion : null, ct);
        // Headers now: the client knows the watch is established before the first event.
        await context.WriteResponseHeadersAsync([]);
        try
        {
            await foreach (var entry in EvaluationHistoryHandler.FollowAsync(query, Caller, cursor, appended.WaitAsync, ct))
                await responseStream.WriteAsync(EvaluationMapping.ToProto(entry), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: the watch ends normally.
        }
    }
}
