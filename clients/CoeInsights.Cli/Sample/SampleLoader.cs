using CoeInsights.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace CoeInsights.Cli.Sample;

/// <summary>What <see cref="SampleLoader.LoadAsync"/> left in the store.</summary>
internal sealed record SampleSummary(
    string EvaluationId, string EvaluationState, string SurveyId, int SurveyRespondents, string WinnerId, string WinnerName,
    int Profiles, long Observations, int BatchesStored, int BatchesReplayed, string AnomalyProfileId, string AnomalyMetric,
    string? AnomalyDetectedOn, string FirstDay, string LastDay)
{
    /// <summary>One respondent's link to the open pulse survey, and one evaluator's link to the open score sheet (issue 19).</summary>
    public string SurveyLink { get; init; } = "";
    public string EvaluatorLink { get; init; } = "";

    /// <summary>The decision room of the main sample evaluation, for its first committee member.</summary>
    public string CommitteeLink { get; init; } = "";
}

/// <summary>
/// Loads <see cref="SampleData"/> through the public API with an admin (or committee + ingest) key. Every write
/// carries a fixed request id or idempotency key and every step looks at what is already there first, so a second
/// run (or a run after an interrupted one) adds nothing twice.
/// </summary>
internal sealed class SampleLoader(GrpcChannel channel, Action<string, long, long> progress)
{
    public const int BatchDays = 31;

    private readonly EvaluationService.EvaluationServiceClient _evaluations = new(channel);
    private readonly SurveyService.SurveyServiceClient _surveys = new(channel);
    private readonly KpiService.KpiServiceClient _kpis = new(channel);
    private readonly InvitationService.InvitationServiceClient _invitations = new(channel);
    private readonly AlertService.AlertServiceClient _alerts = new(channel);

    /// <summary>True when the caller's tenant holds anything that is not the sample: then an "if empty" load stays out.</summary>
    public async Task<bool> HoldsOtherDataAsync(CancellationToken ct)
    {
        var evaluations = await _evaluations.ListEvaluationsAsync(new ListEvaluationsRequest { PageSize = 100 }, cancellationToken: ct);
        if (evaluations.Evaluations.Any(e => e.Title is not (SampleData.EvaluationTitle or SampleData.ListeningTitle))) return true;
        var surveys = await _surveys.ListSurveysAsync(new ListSurveysRequest { PageSize = 100 }, cancellationToken: ct);
        if (surveys.Surveys.Any(s => s.Title is not (SampleData.SurveyTitle or SampleData.PulseTitle))) return true;
        var profiles = await _kpis.ListProfilesAsync(new ListProfilesRequest { PageSize = 100 }, cancellationToken: ct);
        return profiles.Profiles.Any(p => !p.BusinessUnit.StartsWith(SampleData.BusinessUnitPrefix, StringComparison.Ordinal));
    }

    public async Task<SampleSummary> LoadAsync(CancellationToken ct)
    {
        var evaluation = await LoadEvaluationAsync(ct);
        var survey = await LoadSurveyAsync(evaluation, ct);
        evaluation = await ScoreAndCloseAsync(evaluation.EvaluationId, ct);
        var (winnerId, state) = await RecommendAsync(evaluation, ct);
        // Before the KPIs: a rule looks at what is recorded after it, so the planted spike raises its alert.
        progress("alert rule", 0, 1);
        await _alerts.CreateAlertRuleAsync(new CreateAlertRuleRequest { Rule = SampleData.AlertRule(), RequestId = $"{SampleData.RequestPrefix}-alert-rule" },
            cancellationToken: ct);
        progress("alert rule", 1, 1);
        var profiles = await RegisterProfilesAsync(ct);
        var (observations, stored, replayed) = await RecordKpisAsync(profiles, ct);

        var anomalyProfile = profiles[Array.FindIndex(SampleData.Profiles, p => p.Handle == SampleData.Anomaly.Handle && p.Network == SampleData.Anomaly.Network)];
        progress("anomaly check", 0, 1);
        var anomalies = await _kpis.DetectAnomaliesAsync(new DetectAnomaliesRequest
        {
            Series = new SeriesSelector { ProfileId = anomalyProfile.ProfileId, Metric = SampleData.Anomaly.Metric, Granularity = Granularity.Day },
            SeasonLength = 7,
        }, cancellationToken: ct);
        progress("anomaly check", 1, 1);
        var top = anomalies.Anomalies.OrderByDescending(a => Math.Abs(a.Score)).FirstOrDefault();
        var (surveyLink, evaluatorLink) = await InvitationLinksAsync(ct);
        progress("committee link", 0, 1);
        var committeeLink = await LinkAsync(InvitationKind.Committee, evaluation.EvaluationId, SampleData.CommitteeMembers[0], "", ct);
        progress("committee link", 1, 1);

        return new SampleSummary(
            evaluation.EvaluationId, state.ToString(), survey.SurveyId, survey.Respondents, winnerId,
            SampleData.Vendors.Single(v => v.Id == winnerId).Name, profiles.Length, observations, stored, replayed,
            anomalyProfile.ProfileId, SampleData.Anomaly.Metric,
            top is null ? null : new DateOnly(top.PeriodStart.Year, top.PeriodStart.Month, top.PeriodStart.Day).ToString("yyyy-MM-dd"),
            SampleData.FirstDay.ToString("yyyy-MM-dd"), SampleData.LastDay.ToString("yyyy-MM-dd"))
        {
            SurveyLink = surveyLink, EvaluatorLink = evaluatorLink, CommitteeLink = committeeLink,
        };
    }

    /// <summary>
    /// The main sample survey and evaluation are closed (their results are the point), so the links go to an open pulse
    /// survey and an open evaluation: a newcomer can answer and score in a browser at once. A rerun resends (new links).
    /// </summary>
    private async Task<(string Survey, string Evaluator)> InvitationLinksAsync(CancellationToken ct)
    {
        progress("invitation links", 0, 2);
        var pulse = await _surveys.CreateSurveyAsync(SampleData.PulseRequest(), cancellationToken: ct);
        var surveyLink = await LinkAsync(InvitationKind.Survey, pulse.SurveyId, SampleData.PulseRespondent, "HR", ct);
        progress("invitation links", 1, 2);
        var listening = await _evaluations.CreateEvaluationAsync(new CreateEvaluationRequest
        {
            Title = SampleData.ListeningTitle, Purpose = "Pick a listening tool for PR and Social.", Scale = new ScoreScale { Min = 1, Max = 5 },
            CommitteeMembers = { SampleData.CommitteeMembers }, RequestId = $"{SampleData.RequestPrefix}-listening",
        }, cancellationToken: ct);
        var id = listening.EvaluationId;
        if (listening.Criteria.Count == 0 && listening.State == EvaluationState.Open)
            listening = await _evaluations.AddCriteriaAsync(new AddCriteriaRequest { EvaluationId = id, Criteria = { SampleData.ListeningCriteria() } }, cancellationToken: ct);
        if (listening.Vendors.Count == 0 && listening.State == EvaluationState.Open)
            listening = await _evaluations.AddVendorsAsync(new AddVendorsRequest { EvaluationId = id, Vendors = { SampleData.ListeningVendors() } }, cancellationToken: ct);
        var evaluator = SampleData.Evaluators[0];
        if (listening.Evaluators.Count == 0 && listening.State == EvaluationState.Open)
            await _evaluations.InviteEvaluatorsAsync(new InviteEvaluatorsRequest
            {
                EvaluationId = id, Evaluators = { new Evaluator { EvaluatorId = evaluator.Id, DisplayName = evaluator.Name, Department = evaluator.Department } },
            }, cancellationToken: ct);
        var evaluatorLink = await LinkAsync(InvitationKind.Evaluation, id, evaluator.Id, "", ct);
        progress("invitation links", 2, 2);
        return (surveyLink, evaluatorLink);
    }

    private async Task<string> LinkAsync(InvitationKind kind, string resourceId, string person, string department, CancellationToken ct)
    {
        var listed = await _invitations.ListInvitationsAsync(new ListInvitationsRequest { Kind = kind, ResourceId = resourceId }, cancellationToken: ct);
        var existing = listed.Invitations.FirstOrDefault(i => i.PersonId == person && i.State != InvitationState.Revoked);
        var invitation = existing is not null
            ? await _invitations.ResendInvitationAsync(new ResendInvitationRequest { InvitationId = existing.InvitationId }, cancellationToken: ct)
            : await _invitations.CreateInvitationAsync(new CreateInvitationRequest
                { Kind = kind, ResourceId = resourceId, PersonId = person, Department = department }, cancellationToken: ct);
        return invitation.Url;
    }

    private async Task<Evaluation> LoadEvaluationAsync(CancellationToken ct)
    {
        const string step = "evaluation";
        progress(step, 0, 4);
        var evaluation = await _evaluations.CreateEvaluationAsync(new CreateEvaluationRequest
        {
            Title = SampleData.EvaluationTitle,
            Purpose = "Pick one social media management platform for publishing, listening, governance and reporting across Social, PR, HR, BI and Sales.",
            Scale = new ScoreScale { Min = 1, Max = 5 },
            CommitteeMembers = { SampleData.CommitteeMembers },
            RequestId = $"{SampleData.RequestPrefix}-evaluation",
        }, cancellationToken: ct);
        var id = evaluation.EvaluationId;
        progress(step, 1, 4);
        if (evaluation.Criteria.Count == 0 && evaluation.State == EvaluationState.Open)
            evaluation = await _evaluations.AddCriteriaAsync(new AddCriteriaRequest
            {
                EvaluationId = id, Etag = evaluation.Etag, Criteria = { SampleData.CriterionMessages() },
            }, cancellationToken: ct);
        progress(step, 2, 4);
        if (evaluation.Vendors.Count == 0 && evaluation.State == EvaluationState.Open)
            evaluation = await _evaluations.AddVendorsAsync(new AddVendorsRequest
            {
                EvaluationId = id, Etag = evaluation.Etag, Vendors = { SampleData.VendorMessages() },
            }, cancellationToken: ct);
        progress(step, 3, 4);
        if (evaluation.Evaluators.Count == 0 && evaluation.State == EvaluationState.Open)
            evaluation = await _evaluations.InviteEvaluatorsAsync(new InviteEvaluatorsRequest
            {
                EvaluationId = id, Etag = evaluation.Etag, Evaluators = { SampleData.EvaluatorMessages() },
            }, cancellationToken: ct);
        progress(step, 4, 4);
        return evaluation;
    }

    private async Task<Survey> LoadSurveyAsync(Evaluation evaluation, CancellationToken ct)
    {
        const string step = "survey (40 responses → weights)";
        var respondents = SampleData.SurveyResponses();
        var total = respondents.Length + 2;
        progress(step, 0, total);
        var survey = await _surveys.CreateSurveyAsync(SampleData.SurveyRequest(evaluation.EvaluationId), cancellationToken: ct);
        var done = 0;
        if (survey.State == SurveyState.Open)
        {
            foreach (var respondent in respondents)
            {
                await _surveys.SubmitResponseAsync(new SubmitResponseRequest
                {
                    SurveyId = survey.SurveyId, RespondentId = respondent.Id, Department = respondent.Department,
                    Answers = { respondent.Answers }, RequestId = $"{SampleData.RequestPrefix}-{respondent.Id}",
                }, cancellationToken: ct);
                progress(step, ++done, total);
            }
            survey = await _surveys.CloseSurveyAsync(new CloseSurveyRequest { SurveyId = survey.SurveyId }, cancellationToken: ct);
        }
        progress(step, respondents.Length + 1, total);
        if (evaluation.State == EvaluationState.Open && evaluation.Weights?.Source != WeightSource.Survey)
            await _surveys.ApplySurveyWeightsAsync(new ApplySurveyWeightsRequest
            {
                SurveyId = survey.SurveyId, Method = WeightDerivationMethod.ImportanceRatings, EvaluationEtag = evaluation.Etag,
            }, cancellationToken: ct);
        progress(step, total, total);
        return survey;
    }

    private async Task<Evaluation> ScoreAndCloseAsync(string id, CancellationToken ct)
    {
        const string step = "scores (8 evaluators)";
        var evaluation = await _evaluations.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id }, cancellationToken: ct);
        var total = SampleData.Evaluators.Length + 1;
        progress(step, 0, total);
        if (evaluation.State != EvaluationState.Open)
        {
            progress(step, total, total);
            return evaluation;
        }
        var done = 0;
        foreach (var evaluator in SampleData.Evaluators)
        {
            await _evaluations.SubmitScoresAsync(new SubmitScoresRequest
            {
                EvaluationId = id, EvaluatorId = evaluator.Id, Scores = { SampleData.Scores(evaluator) },
                RequestId = $"{SampleData.RequestPrefix}-scores-{evaluator.Id}",
            }, cancellationToken: ct);
            progress(step, ++done, total);
        }
        evaluation = await _evaluations.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id }, cancellationToken: ct);
        progress(step, total, total);
        return evaluation;
    }

    private async Task<(string WinnerId, EvaluationState State)> RecommendAsync(Evaluation evaluation, CancellationToken ct)
    {
        const string step = "ranking and recommendation";
        progress(step, 0, 2);
        var scored = await _evaluations.ScoreEvaluationAsync(new ScoreEvaluationRequest
        {
            EvaluationId = evaluation.EvaluationId,
            Options = new ScoringOptions { Methods = { ScoringMethod.Wsm, ScoringMethod.Topsis }, PrimaryMethod = ScoringMethod.Wsm },
            Robustness = new RobustnessOptions { Sensitivity = true, MonteCarloSamples = 2000, Seed = SampleData.Seed },
        }, cancellationToken: ct);
        progress(step, 1, 2);
        var recommendation = scored.Result.Recommendation;
        var state = evaluation.State;
        if (evaluation.State is EvaluationState.Closed)
        {
            var winner = SampleData.Vendors.Single(v => v.Id == recommendation.WinnerId);
            var runnerUp = SampleData.Vendors.SingleOrDefault(v => v.Id == recommendation.RunnerUpId);
            var proposed = await _evaluations.ProposeRecommendationAsync(new ProposeRecommendationRequest
            {
                EvaluationId = evaluation.EvaluationId, VendorId = winner.Id, Etag = evaluation.Etag,
                Rationale = $"{winner.Name} ranks first on the survey-derived weights"
                    + (runnerUp is null ? "." : $", ahead of {runnerUp.Name}")
                    + (recommendation.HasProbabilityFirst ? $"; first in {recommendation.ProbabilityFirst:P0} of 2,000 Monte Carlo weight draws." : "."),
            }, cancellationToken: ct);
            state = proposed.State;
        }
        progress(step, 2, 2);
        return (recommendation.WinnerId, state);
    }

    private async Task<Profile[]> RegisterProfilesAsync(CancellationToken ct)
    {
        const string step = "KPI profiles (8 owned, 3 competitors)";
        var profiles = new Profile[SampleData.Profiles.Length];
        for (var i = 0; i < profiles.Length; i++)
        {
            var p = SampleData.Profiles[i];
            try
            {
                profiles[i] = await _kpis.RegisterProfileAsync(new RegisterProfileRequest
                {
                    Network = p.Network, Handle = p.Handle, BusinessUnit = p.BusinessUnit, Ownership = p.Ownership, DisplayName = p.DisplayName,
                    RequestId = $"{SampleData.RequestPrefix}-profile-{p.Network}-{p.Handle}".ToLowerInvariant(),
                }, cancellationToken: ct);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
            {
                // Registered before under another request id (e.g. by hand): use that profile.
                var listed = await _kpis.ListProfilesAsync(new ListProfilesRequest { Network = p.Network, PageSize = 100 }, cancellationToken: ct);
                profiles[i] = listed.Profiles.Single(x => x.Handle == p.Handle);
            }
            progress(step, i + 1, profiles.Length);
        }
        return profiles;
    }

    /// <summary>Streams the observations in month-sized batches (keys by month, so a rerun is acknowledged as a replay).</summary>
    private async Task<(long Observations, int Stored, int Replayed)> RecordKpisAsync(Profile[] profiles, CancellationToken ct)
    {
        const string step = "KPIs (18 months, daily)";
        var batches = SampleData.Kpis()
            .GroupBy(o => (o.Day.Year, o.Day.Month))
            .OrderBy(g => g.Key)
            .Select(g => new RecordKpisRequest
            {
                IdempotencyKey = $"{SampleData.RequestPrefix}-kpis-{g.Key.Year:D4}-{g.Key.Month:D2}",
                Source = "coe sample load", SourceTimeZone = "Europe/Berlin",
                Observations =
                {
                    g.Select(o => new KpiObservation
                    {
                        ProfileId = profiles[o.Profile].ProfileId, Metric = o.Metric, Value = o.Value,
                        Date = new Google.Type.Date { Year = o.Day.Year, Month = o.Day.Month, Day = o.Day.Day },
                    }),
                },
            })
            .ToArray();
        long observations = 0;
        int stored = 0, replayed = 0;
        progress(step, 0, batches.Length);
        using var call = _kpis.RecordKpis(cancellationToken: ct);
        foreach (var batch in batches)
        {
            await call.RequestStream.WriteAsync(batch, ct);
            if (!await call.ResponseStream.MoveNext(ct)) throw new RpcException(new Status(StatusCode.Unavailable, "RecordKpis ended before acknowledging every batch."));
            var ack = call.ResponseStream.Current;
            if (ack.Replayed) replayed++;
            else stored++;
            observations += batch.Observations.Count;
            progress(step, stored + replayed, batches.Length);
        }
        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext(ct)) { }
        return (observations, stored, replayed);
    }
}
