using CoeInsights.Analytics;
using CoeInsights.Common;
using CoeInsights.Server.Auth;
using CoeInsights.Server.Validation;
using CoeInsights.Surveys;
using CoeInsights.Surveys.ClosingSurvey;
using CoeInsights.Surveys.DerivingWeights;
using CoeInsights.Surveys.GettingDetails;
using CoeInsights.Surveys.GettingResults;
using CoeInsights.Surveys.ListingSurveys;
using CoeInsights.Surveys.PublishingSurvey;
using CoeInsights.Surveys.SubmittingResponse;
using CoeInsights.V1;
using Grpc.Core;
using Marten;
using A = CoeInsights.Analytics.Surveys;
using Role = CoeInsights.Access.Role;
using D = CoeInsights.Surveys;

namespace CoeInsights.Server.Surveys;

/// <summary>
/// Adapter: proto ⇄ Surveys commands. Committee (and admin) create, close and apply weights; evaluator or viewer keys
/// answer as themselves; any reader sees results (viewers and evaluators with respondents pseudonymised, see
/// <see cref="RespondentPrivacy"/>). Rules live in the deciders.
/// </summary>
[RequireRole(Role.Committee)]
public sealed class SurveyService(ISessionFactory sessions, IQuerySession query, CallerContext callerContext, TimeProvider clock)
    : V1.SurveyService.SurveyServiceBase
{
    private CoeInsights.Access.Caller Caller => callerContext.Caller;

    private DateTimeOffset Now => clock.GetUtcNow();

    public override async Task<V1.Survey> CreateSurvey(CreateSurveyRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var questions = request.Questions.Select((q, i) => SurveyMapping.ToDomain(q, i, v)).ToList();
        var link = SurveyMapping.ToDomain(request.Evaluation, v);
        v.ThrowIfInvalid();
        var now = Now;
        var details = await PublishSurveyHandler.Handle(sessions, new PublishSurvey(
            Guid.CreateVersion7(now), request.Title, request.Audience.Select(a => new D.AudienceDepartment(a.Department, a.Invited)).ToList(),
            questions, request.Scales.Select(s => new A.SurveyScale { Id = s.ScaleId, QuestionIds = s.QuestionIds.ToList() }).ToList(),
            link, request.RequestId, Caller.Principal, now)
        {
            QuestionTexts = request.Questions.Where(q => q.Text.Length > 0).GroupBy(q => q.QuestionId).ToDictionary(g => g.Key, g => g.First().Text),
        }, context.CancellationToken);
        return SurveyMapping.ToProto(details);
    }

    [RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
    public override async Task<V1.Survey> GetSurvey(GetSurveyRequest request, ServerCallContext context) =>
        SurveyMapping.ToProto(await GetSurveyHandler.Load(query, SurveyStream.ParseId(request.SurveyId), context.CancellationToken));

    [RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
    public override async Task<ListSurveysResponse> ListSurveys(ListSurveysRequest request, ServerCallContext context)
    {
        D.SurveyState? state = request.State switch
        {
            V1.SurveyState.Unspecified => null,
            V1.SurveyState.Open => D.SurveyState.Open,
            V1.SurveyState.Closed => D.SurveyState.Closed,
            _ => throw new InvalidInputException("state", "must be SURVEY_STATE_OPEN, SURVEY_STATE_CLOSED or unspecified (all)"),
        };
        var (rows, next) = await ListSurveysHandler.Handle(query, PageRequest.From(request), context.CancellationToken, state);
        return new ListSurveysResponse { Surveys = { rows.Select(SurveyMapping.ToProto) }, NextPageToken = next };
    }

    /// <summary>Who may answer for whom: <see cref="SubmitResponseHandler.ResolveRespondent"/>.</summary>
    [RequireRole(Role.Evaluator, Role.Viewer, Role.Committee)]
    public override async Task<SubmitResponseResponse> SubmitResponse(SubmitResponseRequest request, ServerCallContext context)
    {
        var id = SurveyStream.ParseId(request.SurveyId);
        var respondent = SubmitResponseHandler.ResolveRespondent(Caller, request.RespondentId);
        var v = new Validator();
        var answers = SurveyMapping.ToDomain(request.Answers, v);
        v.ThrowIfInvalid();
        var stored = await SubmitResponseHandler.Handle(sessions,
            new SubmitResponse(id, respondent, request.Department, answers, request.RequestId, Caller.Principal, Now), context.CancellationToken);
        return new SubmitResponseResponse
        {
            SurveyId = id.ToString(), RespondentId = respondent, Etag = Etag.Format(stored.Version), Revision = stored.IsRevision,
        };
    }

    public override async Task<V1.Survey> CloseSurvey(CloseSurveyRequest request, ServerCallContext context)
    {
        var id = SurveyStream.ParseId(request.SurveyId);
        var command = new CloseSurvey(id, Etag.Parse(request.Etag), Caller.Principal, Now);
        return SurveyMapping.ToProto(await CloseSurveyHandler.Handle(sessions, command, context.CancellationToken));
    }

    [RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
    public override Task<V1.SurveyResults> GetSurveyResults(GetSurveyResultsRequest request, ServerCallContext context) =>
        SurveyMapping.WithRequestFieldNames(() => GetSurveyResultsCore(request, context));

    private async Task<V1.SurveyResults> GetSurveyResultsCore(GetSurveyResultsRequest request, ServerCallContext context)
    {
        var id = SurveyStream.ParseId(request.SurveyId);
        var options = SurveyMapping.ToOptions(request.ConfidenceLevel, request.MaxConsistencyRatio, request.KeepInconsistentRespondents);
        var (results, version) = await GetSurveyResultsHandler.Handle(query, new GetSurveyResults(id, request.Departments.ToList(), options)
        {
            Pseudonymise = !RespondentPrivacy.MaySeeIdentities(Caller),
        }, context.CancellationToken);
        return SurveyMapping.ToProto(results, version);
    }

    [RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
    public override Task<V1.DerivedWeights> DeriveWeights(DeriveWeightsRequest request, ServerCallContext context) =>
        SurveyMapping.WithRequestFieldNames(() => DeriveWeightsCore(request, context));

    private async Task<V1.DerivedWeights> DeriveWeightsCore(DeriveWeightsRequest request, ServerCallContext context)
    {
        var derive = SurveyMapping.ToDomain(request.SurveyId, request.Method, request.QuestionIds, request.Plain, request.MaxConsistencyRatio,
            request.KeepInconsistentRespondents) with { Pseudonymise = !RespondentPrivacy.MaySeeIdentities(Caller) };
        var (weights, version) = await DeriveSurveyWeightsHandler.Handle(query, derive, context.CancellationToken);
        return SurveyMapping.ToProto(weights, version);
    }

    public override Task<ApplySurveyWeightsResponse> ApplySurveyWeights(ApplySurveyWeightsRequest request, ServerCallContext context) =>
        SurveyMapping.WithRequestFieldNames(() => ApplySurveyWeightsCore(request, context));

    private async Task<ApplySurveyWeightsResponse> ApplySurveyWeightsCore(ApplySurveyWeightsRequest request, ServerCallContext context)
    {
        var derive = SurveyMapping.ToDomain(request.SurveyId, request.Method, request.QuestionIds, request.Plain, request.MaxConsistencyRatio,
            request.KeepInconsistentRespondents);
        var command = new ApplySurveyWeights(derive, Etag.Parse(request.EvaluationEtag), Caller.Principal, Now);
        var (weights, surveyVersion, evaluation) = await DeriveSurveyWeightsHandler.Apply(sessions, command, context.CancellationToken);
        return new ApplySurveyWeightsResponse
        {
            Derived = SurveyMapping.ToProto(weights, surveyVersion),
            EvaluationId = evaluation.StreamId.ToString(),
            EvaluationEtag = Etag.Format(evaluation.Version),
            SurveyVersion = surveyVersion,
        };
    }
}
