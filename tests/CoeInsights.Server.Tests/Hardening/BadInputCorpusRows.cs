using System.Text;
using CoeInsights.V1;
using Google.Protobuf;
using Code = Grpc.Core.StatusCode;

namespace CoeInsights.Server.Tests.Hardening;

/// <summary>The hand-written rows of <see cref="BadInputCorpus"/>: each method's own ids, numbers, paging, states, etags and limits.</summary>
internal static class BadInputCorpusRows
{
    private const string Invalid = "INVALID_ARGUMENT";
    private static BadInputCorpus.CaseSink _add = null!;
    private static Action<BadInputCase> _addCase = null!;

    private static void V<T>(string method, string what, Action<T, CorpusSeed> change, params string[] fields) where T : IMessage =>
        _add(method, what, Changed(method, change), Code.InvalidArgument, Invalid, fields);

    private static void R<T>(string method, string what, Action<T, CorpusSeed> change, Code code, string? reason, Sender sender = Sender.Default, bool json = true)
        where T : IMessage =>
        _add(method, what, Changed(method, change), code, reason, null, sender, json);

    private static void Rule<T>(string method, string what, Action<T, CorpusSeed> change, Code code, string? reason, string[]? fields = null)
        where T : IMessage =>
        _add(method, what, Changed(method, change), code, reason, fields);

    private static Func<CorpusSeed, IMessage> Changed<T>(string method, Action<T, CorpusSeed> change) where T : IMessage => s =>
    {
        var request = (T)BadInputCorpus.Base(method)(s);
        change(request, s);
        return request;
    };

    private static string Token(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static void Add(BadInputCorpus.CaseSink add, Action<BadInputCase> addCase)
    {
        _add = add;
        _addCase = addCase;
        Ids();
        Paging();
        Admin();
        Connectors();
        Evaluations();
        Kpis();
        Reports();
        Scoring();
        Surveys();
        Alerts();
    }

    private static void Alerts()
    {
        // gRPC only: over JSON the body is the rule, so an empty body is an empty rule (its required fields are named instead).
        _add("CreateAlertRule", "no rule", Changed<CreateAlertRuleRequest>("CreateAlertRule", (r, _) => r.Rule = null), Code.InvalidArgument, Invalid, ["rule"],
            Sender.Default, false);
        V<CreateAlertRuleRequest>("CreateAlertRule", "unknown metric", (r, _) => r.Rule.Metric = "negative_vibes", "rule.metric");
        V<CreateAlertRuleRequest>("CreateAlertRule", "no approver", (r, _) => r.Rule.Approvers.Clear(), "rule.approvers");
        V<CreateAlertRuleRequest>("CreateAlertRule", "approver not an e-mail address", (r, _) => r.Rule.Approvers.Add("crisis team"), "rule.approvers[1]");
        V<CreateAlertRuleRequest>("CreateAlertRule", "cooldown of 31 days", (r, _) => r.Rule.CooldownDays = 31, "rule.cooldown_days");
        V<CreateAlertRuleRequest>("CreateAlertRule", "escalation after 5 seconds", (r, _) =>
            r.Rule.EscalateAfter = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(5)), "rule.escalate_after");
        V<CreateAlertRuleRequest>("CreateAlertRule", "negative escalation delay", (r, _) =>
            r.Rule.EscalateAfter = new Google.Protobuf.WellKnownTypes.Duration { Seconds = -60 }, "rule.escalate_after");
        V<CreateAlertRuleRequest>("CreateAlertRule", "fixed threshold without a level", (r, _) => r.Rule.Method = AlertMethod.FixedThreshold, "rule.threshold");
        V<CreateAlertRuleRequest>("CreateAlertRule", "z threshold of 0", (r, _) => r.Rule.Threshold = 0, "rule.threshold");
        V<CreateAlertRuleRequest>("CreateAlertRule", "NaN minimum volume", (r, _) => r.Rule.MinimumVolume = double.NaN, "rule.minimum_volume");
        V<CreateAlertRuleRequest>("CreateAlertRule", "baseline of 3 days", (r, _) => r.Rule.BaselineDays = 3, "rule.baseline_days");
        V<CreateAlertRuleRequest>("CreateAlertRule", "profile id not an id", (r, _) => r.Rule.ProfileIds.Add("brand"), "rule.profile_ids[0]");
        V<CreateAlertRuleRequest>("CreateAlertRule", "channel id not an id", (r, _) => r.Rule.ChannelIds.Add("slack"), "rule.channel_ids[0]");
        R<CreateAlertRuleRequest>("CreateAlertRule", "unknown profile", (r, _) => r.Rule.ProfileIds.Add(BadInputCorpus.NewId), Code.NotFound, "PROFILE_NOT_FOUND");
        R<CreateAlertRuleRequest>("CreateAlertRule", "another tenant's profile", (r, s) => r.Rule.ProfileIds.Add(s.OtherProfileId), Code.NotFound, "PROFILE_NOT_FOUND");
        foreach (var (method, field) in new[] { ("GetAlertRule", "rule_id"), ("DeleteAlertRule", "rule_id"), ("GetAlert", "alert_id"), ("AcknowledgeAlert", "alert_id"), ("ResolveAlert", "alert_id") })
        {
            _add(method, $"{field} malformed", s => BadInputCorpus.SetAt(BadInputCorpus.Base(method)(s), field, "not-a-uuid"), Code.InvalidArgument, Invalid, [field]);
            _add(method, $"{field} unknown", BadInputCorpus.Base(method), Code.NotFound, method.Contains("Rule") ? "ALERT_RULE_NOT_FOUND" : "ALERT_NOT_FOUND", null);
        }
        V<UpdateAlertRuleRequest>("UpdateAlertRule", "rule id malformed", (r, _) => r.Rule.RuleId = "rule-1", "rule.rule_id");
        V<UpdateAlertRuleRequest>("UpdateAlertRule", "etag not an etag", (r, _) => r.Rule.Etag = "v1", "rule.etag");
        R<UpdateAlertRuleRequest>("UpdateAlertRule", "unknown rule", (_, _) => { }, Code.NotFound, "ALERT_RULE_NOT_FOUND");
        V<DeleteAlertRuleRequest>("DeleteAlertRule", "etag not an etag", (r, _) => r.Etag = "v1", "etag");
        V<ListAlertsRequest>("ListAlerts", "rule id malformed", (r, _) => r.RuleId = "rule-1", "rule_id");
        V<ListAlertsRequest>("ListAlerts", "negative page size", (r, _) => r.PageSize = -1, "page_size");
        V<ListAlertsRequest>("ListAlerts", "page token not issued", (r, _) => r.PageToken = Token("o1:5"), "page_token");
        V<ListAlertRulesRequest>("ListAlertRules", "negative page size", (r, _) => r.PageSize = -1, "page_size");
        V<ListAlertRulesRequest>("ListAlertRules", "page token not issued", (r, _) => r.PageToken = Token("o1:5"), "page_token");
    }

    /// <summary>An id field of each kind: missing, blank, malformed, all-zero, unknown, and another tenant's.</summary>
    private static void IdRows(string method, string field, string resource, Func<CorpusSeed, string> otherTenants, string? setPath = null,
        bool unknownIsInvalid = false)
    {
        var path = setPath ?? field;
        Func<CorpusSeed, IMessage> With(Func<CorpusSeed, string> value) => s => BadInputCorpus.SetAt(BadInputCorpus.Base(method)(s), path, value(s));
        _add(method, $"{field} empty", With(_ => ""), Code.InvalidArgument, Invalid, [field]);
        _add(method, $"{field} blank", With(_ => "   "), Code.InvalidArgument, Invalid, [field]);
        _add(method, $"{field} malformed", With(_ => "not-a-uuid"), Code.InvalidArgument, Invalid, [field]);
        _add(method, $"{field} with braces and spaces", With(_ => "{0193a5b0-7e1c-7000-8000-00000000zzzz}"), Code.InvalidArgument, Invalid, [field]);
        // A reference inside a batch (RecordKpis) is part of the argument: unknown there is INVALID_ARGUMENT naming it.
        var (code, reason, fields) = unknownIsInvalid ? (Code.InvalidArgument, Invalid, new[] { field }) : (Code.NotFound, $"{resource}_NOT_FOUND", null);
        _add(method, $"{field} unknown", With(_ => BadInputCorpus.NewId), code, reason, fields);
        _add(method, $"{field} of another tenant", With(otherTenants), code, reason, fields);
        _add(method, $"{field} all zero", With(_ => BadInputCorpus.Zero), Code.InvalidArgument, Invalid, [field]);
    }

    private static void Ids()
    {
        foreach (var method in new[]
                 {
                     "GetEvaluation", "AddCriteria", "UpdateCriterion", "RemoveCriterion", "AddVendors", "InviteEvaluators", "SetWeights", "SubmitScores",
                     "CloseEvaluation", "ScoreEvaluation", "ProposeRecommendation", "ApproveRecommendation", "RejectRecommendation", "ReopenEvaluation",
                     "GetEvaluationHistory", "WatchEvaluation", "ExportEvaluationWorkbook",
                 })
            IdRows(method, "evaluation_id", "EVALUATION", s => s.OtherEvaluationId);
        foreach (var method in new[] { "GetSurvey", "SubmitResponse", "CloseSurvey", "GetSurveyResults", "DeriveWeights", "ApplySurveyWeights", "ExportSurveyWorkbook" })
            IdRows(method, "survey_id", "SURVEY", s => s.OtherSurveyId);
        IdRows("CorrectKpi", "profile_id", "PROFILE", s => s.OtherProfileId);
        IdRows("ListObservationVersions", "profile_id", "PROFILE", s => s.OtherProfileId);
        foreach (var method in new[] { "GetTrend", "DetectAnomalies", "Forecast" })
            IdRows(method, "series.profile_id", "PROFILE", s => s.OtherProfileId);
        IdRows("CorrelateMetrics", "x.profile_id", "PROFILE", s => s.OtherProfileId);
        foreach (var method in new[] { "QuerySeries", "QueryDerivedKpis", "WatchAlerts" })
            IdRows(method, "profile_ids[0]", "PROFILE", s => s.OtherProfileId);
        IdRows("RecordKpis", "batches[0].observations[0].profile_id", "PROFILE", s => s.OtherProfileId, "observations[0].profile_id", unknownIsInvalid: true);
        _add("GetSyncRun", "run_id empty", s => new GetSyncRunRequest(), Code.InvalidArgument, Invalid, ["run_id"]);
        _add("GetSyncRun", "run_id malformed", s => new GetSyncRunRequest { RunId = "run-1" }, Code.InvalidArgument, Invalid, ["run_id"]);
        _add("GetSyncRun", "run_id unknown", s => new GetSyncRunRequest { RunId = BadInputCorpus.NewId }, Code.NotFound, "SYNC_RUN_NOT_FOUND", null);
        _add("GetSyncRun", "run_id all zero", s => new GetSyncRunRequest { RunId = BadInputCorpus.Zero }, Code.InvalidArgument, Invalid, ["run_id"]);
    }

    private static void Paging()
    {
        foreach (var method in new[] { "ListTenants", "ListApiKeys", "ListEvaluations", "GetEvaluationHistory", "ListProfiles", "ListSurveys" })
        {
            Func<CorpusSeed, IMessage> With(string field, object value) => s => BadInputCorpus.SetAt(BadInputCorpus.Base(method)(s), field, value);
            _add(method, "page_size -1", With("page_size", -1), Code.InvalidArgument, Invalid, ["page_size"]);
            _add(method, "page_size int.MinValue", With("page_size", int.MinValue), Code.InvalidArgument, Invalid, ["page_size"]);
            _add(method, "page_token garbage", With("page_token", "garbage!"), Code.InvalidArgument, Invalid, ["page_token"]);
            _add(method, "page_token negative offset", With("page_token", Token("o1:-5")), Code.InvalidArgument, Invalid, ["page_token"]);
            _add(method, "page_token of another version", With("page_token", Token("o2:10")), Code.InvalidArgument, Invalid, ["page_token"]);
            _add(method, "page_token overflowing offset", With("page_token", Token("o1:99999999999")), Code.InvalidArgument, Invalid, ["page_token"]);
        }
    }

    private static void Admin()
    {
        V<CreateTenantRequest>("CreateTenant", "tenant_id empty", (r, _) => r.TenantId = "", "tenant_id");
        V<CreateTenantRequest>("CreateTenant", "tenant_id with spaces", (r, _) => r.TenantId = "Bad Tenant!", "tenant_id");
        V<CreateTenantRequest>("CreateTenant", "tenant_id 200 characters", (r, _) => r.TenantId = new string('t', 200), "tenant_id");
        R<CreateTenantRequest>("CreateTenant", "existing tenant, new request id", (r, _) => { r.TenantId = CorpusSeed.Tenant; r.RequestId = "again"; },
            Code.AlreadyExists, "TENANT_ALREADY_EXISTS");
        R<CreateTenantRequest>("CreateTenant", "by a tenant admin", (_, _) => { }, Code.PermissionDenied, "PERMISSION_DENIED", Sender.Admin);

        V<CreateApiKeyRequest>("CreateApiKey", "no roles", (r, _) => r.Roles.Clear(), "roles");
        V<CreateApiKeyRequest>("CreateApiKey", "ROLE_UNSPECIFIED", (r, _) => r.Roles[0] = Role.Unspecified, "roles[0]");
        V<CreateApiKeyRequest>("CreateApiKey", "display_name empty", (r, _) => r.DisplayName = "", "display_name");
        R<CreateApiKeyRequest>("CreateApiKey", "missing tenant", (r, _) => r.TenantId = "no-such-tenant", Code.NotFound, "TENANT_NOT_FOUND");
        R<CreateApiKeyRequest>("CreateApiKey", "another tenant", (r, _) => r.TenantId = CorpusSeed.OtherTenant, Code.NotFound, "TENANT_NOT_FOUND");
        R<CreateApiKeyRequest>("CreateApiKey", "by a committee key", (_, _) => { }, Code.PermissionDenied, null, Sender.Committee);
        R<ListApiKeysRequest>("ListApiKeys", "another tenant", (r, _) => r.TenantId = CorpusSeed.OtherTenant, Code.NotFound, "TENANT_NOT_FOUND");
        R<ListApiKeysRequest>("ListApiKeys", "missing tenant", (r, _) => r.TenantId = "no-such-tenant", Code.NotFound, "TENANT_NOT_FOUND");
        R<RevokeApiKeyRequest>("RevokeApiKey", "its own key", (r, s) => r.KeyId = s.AdminKeyId, Code.FailedPrecondition, "CANNOT_REVOKE_OWN_KEY");
        R<RevokeApiKeyRequest>("RevokeApiKey", "unknown key", (r, _) => r.KeyId = BadInputCorpus.NewId, Code.NotFound, "API_KEY_NOT_FOUND");
        V<RevokeApiKeyRequest>("RevokeApiKey", "key_id malformed", (r, _) => r.KeyId = "not-a-uuid", "key_id");
        R<RevokeApiKeyRequest>("RevokeApiKey", "another tenant", (r, _) => r.TenantId = CorpusSeed.OtherTenant, Code.NotFound, "API_KEY_NOT_FOUND");
    }

    private static void Connectors()
    {
        V<TriggerSyncRequest>("TriggerSync", "connector empty", (r, _) => r.Connector = "", "connector");
        R<TriggerSyncRequest>("TriggerSync", "unknown connector", (r, _) => r.Connector = "no-such-connector", Code.NotFound, "CONNECTOR_NOT_FOUND");
        R<TriggerSyncRequest>("TriggerSync", "connector blank", (r, _) => r.Connector = "   ", Code.InvalidArgument, Invalid, json: false);
    }

    private static void Evaluations()
    {
        V<CreateEvaluationRequest>("CreateEvaluation", "title empty", (r, _) => r.Title = "", "title");
        V<CreateEvaluationRequest>("CreateEvaluation", "title blank", (r, _) => r.Title = " \t ", "title");
        V<CreateEvaluationRequest>("CreateEvaluation", "title 201 characters", (r, _) => r.Title = new string('t', 201), "title");
        V<CreateEvaluationRequest>("CreateEvaluation", "purpose 4,001 characters", (r, _) => r.Purpose = new string('p', 4001), "purpose");
        V<CreateEvaluationRequest>("CreateEvaluation", "scale min above max", (r, _) => r.Scale = new ScoreScale { Min = 5, Max = 1 }, "scale.max");
        V<CreateEvaluationRequest>("CreateEvaluation", "scale NaN", (r, _) => r.Scale = new ScoreScale { Min = double.NaN, Max = 5 }, "scale.min");
        V<CreateEvaluationRequest>("CreateEvaluation", "scale infinite", (r, _) => r.Scale = new ScoreScale { Min = 1, Max = double.PositiveInfinity }, "scale.max");
        V<CreateEvaluationRequest>("CreateEvaluation", "approval_quorum -1", (r, _) => r.ApprovalQuorum = -1, "approval_quorum");
        V<CreateEvaluationRequest>("CreateEvaluation", "approval_quorum above the committee", (r, _) => r.ApprovalQuorum = 99, "approval_quorum");
        V<CreateEvaluationRequest>("CreateEvaluation", "committee member blank", (r, _) => r.CommitteeMembers.Add(" "), "committee_members[1]");
        V<CreateEvaluationRequest>("CreateEvaluation", "request_id 101 characters", (r, _) => r.RequestId = new string('r', 101), "request_id");

        V<AddCriteriaRequest>("AddCriteria", "no criteria", (r, _) => r.Criteria.Clear(), "criteria");
        V<AddCriteriaRequest>("AddCriteria", "criterion_id empty", (r, _) => r.Criteria[0].CriterionId = "", "criteria[0].criterion_id");
        V<AddCriteriaRequest>("AddCriteria", "must_have_threshold NaN", (r, _) => r.Criteria[0].MustHaveThreshold = double.NaN, "criteria[0].must_have_threshold");
        V<AddCriteriaRequest>("AddCriteria", "3 scale level descriptions on the 1-5 scale", (r, _) => r.Criteria[0].ScaleLevelDescriptions.Add(["Poor", "Fair", "Good"]),
            "criteria[0].scale_level_descriptions");
        V<AddCriteriaRequest>("AddCriteria", "a scale level description of 501 characters",
            (r, _) => r.Criteria[0].ScaleLevelDescriptions.Add(["Poor", "Weak", new string('x', 501), "Good", "Great"]), "criteria[0].scale_level_descriptions[2]");
        V<AddCriteriaRequest>("AddCriteria", "etag not a number", (r, _) => r.Etag = "abc", "etag");
        R<AddCriteriaRequest>("AddCriteria", "after scoring", (_, _) => { }, Code.FailedPrecondition, "CRITERIA_LOCKED_AFTER_SCORING");
        R<AddCriteriaRequest>("AddCriteria", "closed evaluation", (r, s) => { r.EvaluationId = s.Closed.EvaluationId; r.Etag = s.Closed.Etag; },
            Code.FailedPrecondition, "CONFIGURATION_AFTER_CLOSE");
        V<AddCriteriaRequest>("AddCriteria", "etag 0 (never issued)", (r, s) => { r.EvaluationId = s.Empty.EvaluationId; r.Etag = "0"; }, "etag");
        R<AddCriteriaRequest>("AddCriteria", "future etag", (r, s) => { r.EvaluationId = s.Empty.EvaluationId; r.Etag = "999999"; }, Code.Aborted, "STALE_ETAG");
        R<AddCriteriaRequest>("AddCriteria", "by a viewer", (_, _) => { }, Code.PermissionDenied, null, Sender.Viewer);

        R<UpdateCriterionRequest>("UpdateCriterion", "unknown criterion", (r, s) => { r.EvaluationId = s.Empty.EvaluationId; r.Etag = s.Empty.Etag; },
            Code.NotFound, "CRITERION_NOT_FOUND");
        R<UpdateCriterionRequest>("UpdateCriterion", "after scoring", (_, _) => { }, Code.FailedPrecondition, "CRITERIA_LOCKED_AFTER_SCORING");
        V<UpdateCriterionRequest>("UpdateCriterion", "no criterion", (r, _) => r.Criterion = null, "criterion");
        V<UpdateCriterionRequest>("UpdateCriterion", "6 scale level descriptions on the 1-5 scale",
            (r, _) => r.Criterion.ScaleLevelDescriptions.Add(["1", "2", "3", "4", "5", "6"]), "criterion.scale_level_descriptions");
        R<RemoveCriterionRequest>("RemoveCriterion", "unknown criterion", (r, s) => { r.EvaluationId = s.Empty.EvaluationId; r.Etag = s.Empty.Etag; },
            Code.NotFound, "CRITERION_NOT_FOUND");
        R<RemoveCriterionRequest>("RemoveCriterion", "after scoring", (_, _) => { }, Code.FailedPrecondition, "CRITERIA_LOCKED_AFTER_SCORING");
        R<RemoveCriterionRequest>("RemoveCriterion", "stale etag", (r, _) => r.Etag = "1", Code.Aborted, "STALE_ETAG");
        V<RemoveCriterionRequest>("RemoveCriterion", "criterion_id empty", (r, _) => r.CriterionId = "", "criterion_id");

        V<AddVendorsRequest>("AddVendors", "no vendors", (r, _) => r.Vendors.Clear(), "vendors");
        V<AddVendorsRequest>("AddVendors", "vendor_id empty", (r, _) => r.Vendors[0].VendorId = "", "vendors[0].vendor_id");
        V<AddVendorsRequest>("AddVendors", "fact NaN", (r, _) => r.Vendors[0].Facts[0].Value = double.NaN, "vendors[0].facts[0].value");
        R<AddVendorsRequest>("AddVendors", "existing vendor", (r, _) => r.Vendors[0].VendorId = "hoot", Code.AlreadyExists, "VENDOR_ALREADY_EXISTS");
        R<AddVendorsRequest>("AddVendors", "closed evaluation", (r, s) => { r.EvaluationId = s.Closed.EvaluationId; r.Etag = s.Closed.Etag; },
            Code.FailedPrecondition, "CONFIGURATION_AFTER_CLOSE");
        R<AddVendorsRequest>("AddVendors", "stale etag", (r, _) => r.Etag = "1", Code.Aborted, "STALE_ETAG");

        V<InviteEvaluatorsRequest>("InviteEvaluators", "no evaluators", (r, _) => r.Evaluators.Clear(), "evaluators");
        V<InviteEvaluatorsRequest>("InviteEvaluators", "evaluator_id empty", (r, _) => r.Evaluators[0].EvaluatorId = "", "evaluators[0].evaluator_id");
        V<InviteEvaluatorsRequest>("InviteEvaluators", "department empty", (r, _) => r.Evaluators[0].Department = "", "evaluators[0].department");
        R<InviteEvaluatorsRequest>("InviteEvaluators", "already invited", (r, _) => r.Evaluators[0].EvaluatorId = "e1", Code.AlreadyExists, "EVALUATOR_ALREADY_EXISTS");
        R<InviteEvaluatorsRequest>("InviteEvaluators", "closed evaluation", (r, s) => { r.EvaluationId = s.Closed.EvaluationId; r.Etag = s.Closed.Etag; },
            Code.FailedPrecondition, "CONFIGURATION_AFTER_CLOSE");
        R<InviteEvaluatorsRequest>("InviteEvaluators", "stale etag", (r, _) => r.Etag = "1", Code.Aborted, "STALE_ETAG");

        V<SetWeightsRequest>("SetWeights", "no source", (r, _) => r.ClearSource(), "source");
        V<SetWeightsRequest>("SetWeights", "negative weight", (r, _) => r.Direct.Weights[0].Weight = -0.4, "direct.weights[0].weight");
        V<SetWeightsRequest>("SetWeights", "NaN weight", (r, _) => r.Direct.Weights[0].Weight = double.NaN, "direct.weights[0].weight");
        V<SetWeightsRequest>("SetWeights", "infinite weight", (r, _) => r.Direct.Weights[0].Weight = double.PositiveInfinity, "direct.weights[0].weight");
        R<SetWeightsRequest>("SetWeights", "a criterion missing", (r, _) => r.Direct.Weights.RemoveAt(2), Code.FailedPrecondition, "WEIGHTS_INVALID");
        R<SetWeightsRequest>("SetWeights", "no criteria yet", (r, s) => { r.EvaluationId = s.Empty.EvaluationId; r.Etag = s.Empty.Etag; },
            Code.FailedPrecondition, "WEIGHTS_INVALID");
        R<SetWeightsRequest>("SetWeights", "closed evaluation", (r, s) => { r.EvaluationId = s.Closed.EvaluationId; r.Etag = s.Closed.Etag; },
            Code.FailedPrecondition, "WEIGHTS_LOCKED_AFTER_CLOSE");
        R<SetWeightsRequest>("SetWeights", "stale etag", (r, _) => r.Etag = "1", Code.Aborted, "STALE_ETAG");
        V<SetWeightsRequest>("SetWeights", "AHP 16 × 16", (r, _) => r.Ahp = new AhpJudgements
        {
            CriterionIds = { Enumerable.Range(0, 16).Select(i => $"c{i}") },
            PairwiseMatrices = { new Matrix { Rows = { Enumerable.Range(0, 16).Select(_ => BadInputCorpus.Row(Enumerable.Repeat(1.0, 16).ToArray())) } } },
        }, "ahp.criterion_ids");

        V<SubmitScoresRequest>("SubmitScores", "no scores", (r, _) => r.Scores.Clear(), "scores");
        V<SubmitScoresRequest>("SubmitScores", "value above the scale", (r, _) => r.Scores[0].Value = 99, "scores[0].value");
        V<SubmitScoresRequest>("SubmitScores", "value below the scale", (r, _) => r.Scores[0].Value = -1, "scores[0].value");
        V<SubmitScoresRequest>("SubmitScores", "value NaN", (r, _) => r.Scores[0].Value = double.NaN, "scores[0].value");
        V<SubmitScoresRequest>("SubmitScores", "unknown vendor", (r, _) => r.Scores[0].VendorId = "nobody", "scores[0].vendor_id");
        V<SubmitScoresRequest>("SubmitScores", "unknown criterion", (r, _) => r.Scores[0].CriterionId = "nothing", "scores[0].criterion_id");
        R<SubmitScoresRequest>("SubmitScores", "for another evaluator", (r, _) => r.EvaluatorId = "e2", Code.PermissionDenied, "PERMISSION_DENIED");
        R<SubmitScoresRequest>("SubmitScores", "closed evaluation", (r, s) => r.EvaluationId = s.Closed.EvaluationId, Code.FailedPrecondition, "SCORES_AFTER_CLOSE");
        R<SubmitScoresRequest>("SubmitScores", "by a viewer", (_, _) => { }, Code.PermissionDenied, null, Sender.Viewer);

        R<CloseEvaluationRequest>("CloseEvaluation", "already closed", (r, s) => { r.EvaluationId = s.Closed.EvaluationId; r.Etag = s.Closed.Etag; },
            Code.FailedPrecondition, "EVALUATION_NOT_OPEN");
        R<CloseEvaluationRequest>("CloseEvaluation", "stale etag", (r, _) => r.Etag = "1", Code.Aborted, "STALE_ETAG");
        V<CloseEvaluationRequest>("CloseEvaluation", "etag negative", (r, _) => r.Etag = "-3", "etag");

        R<ScoreEvaluationRequest>("ScoreEvaluation", "no criteria", (r, s) => r.EvaluationId = s.Empty.EvaluationId, Code.FailedPrecondition, "CRITERIA_REQUIRED");
        V<ScoreEvaluationRequest>("ScoreEvaluation", "monte_carlo_samples over the cap",
            (r, _) => r.Robustness = new RobustnessOptions { MonteCarloSamples = 1_000_001 }, "robustness.monte_carlo_samples");
        V<ScoreEvaluationRequest>("ScoreEvaluation", "monte_carlo_samples negative",
            (r, _) => r.Robustness = new RobustnessOptions { MonteCarloSamples = -1 }, "robustness.monte_carlo_samples");
        V<ScoreEvaluationRequest>("ScoreEvaluation", "bootstrap_resamples over the cap",
            (r, _) => r.Robustness = new RobustnessOptions { BootstrapResamples = 100_001 }, "robustness.bootstrap_resamples");
        V<ScoreEvaluationRequest>("ScoreEvaluation", "confidence_level 1",
            (r, _) => r.Robustness = new RobustnessOptions { BootstrapResamples = 10, ConfidenceLevel = 1 }, "robustness.confidence_level");
        V<ScoreEvaluationRequest>("ScoreEvaluation", "concentration 0",
            (r, _) => r.Robustness = new RobustnessOptions { MonteCarloSamples = 10, Concentration = 0 }, "robustness.concentration");
        V<ScoreEvaluationRequest>("ScoreEvaluation", "trim_fraction 0.9",
            (r, _) => r.Aggregation = new AggregationOptions { Method = EvaluatorAggregationMethod.TrimmedMean, TrimFraction = 0.9 }, "aggregation.trim_fraction");
        V<ScoreEvaluationRequest>("ScoreEvaluation", "what-if weight negative",
            (r, _) => r.WhatIfWeights.Add(new[] { new CriterionWeight { CriterionId = "analytics", Weight = -1 }, new CriterionWeight { CriterionId = "publishing", Weight = 1 },
                new CriterionWeight { CriterionId = "annual-cost", Weight = 1 } }), "what_if_weights[0].weight");

        R<ProposeRecommendationRequest>("ProposeRecommendation", "open evaluation", (r, s) => { r.EvaluationId = s.Open.EvaluationId; r.Etag = s.Open.Etag; },
            Code.FailedPrecondition, "RECOMMENDATION_REQUIRES_CLOSE");
        V<ProposeRecommendationRequest>("ProposeRecommendation", "unknown vendor", (r, _) => r.VendorId = "nobody", "vendor_id");
        V<ProposeRecommendationRequest>("ProposeRecommendation", "vendor_id empty", (r, _) => r.VendorId = "", "vendor_id");
        R<ProposeRecommendationRequest>("ProposeRecommendation", "stale etag", (r, _) => r.Etag = "1", Code.Aborted, "STALE_ETAG");
        R<ApproveRecommendationRequest>("ApproveRecommendation", "nothing proposed", (_, _) => { }, Code.FailedPrecondition, "NO_RECOMMENDATION_PENDING");
        R<ApproveRecommendationRequest>("ApproveRecommendation", "open evaluation", (r, s) => r.EvaluationId = s.Open.EvaluationId,
            Code.FailedPrecondition, "NO_RECOMMENDATION_PENDING");
        R<RejectRecommendationRequest>("RejectRecommendation", "nothing proposed", (_, _) => { }, Code.FailedPrecondition, "NO_RECOMMENDATION_PENDING");
        R<ReopenEvaluationRequest>("ReopenEvaluation", "open evaluation", (r, s) => { r.EvaluationId = s.Open.EvaluationId; r.Etag = s.Open.Etag; },
            Code.FailedPrecondition, "EVALUATION_ALREADY_OPEN");
        V<ReopenEvaluationRequest>("ReopenEvaluation", "reason empty", (r, _) => r.Reason = "", "reason");
        R<ReopenEvaluationRequest>("ReopenEvaluation", "stale etag", (r, _) => r.Etag = "1", Code.Aborted, "STALE_ETAG");

        V<WatchEvaluationRequest>("WatchEvaluation", "after_version -1", (r, _) => r.AfterVersion = -1, "after_version");
        Rule<WatchEvaluationRequest>("WatchEvaluation", "after_version INT64_MAX", (r, _) => r.AfterVersion = long.MaxValue, Code.InvalidArgument, Invalid,
            ["after_version"]);
    }

    private static void Kpis()
    {
        V<RegisterProfileRequest>("RegisterProfile", "network unspecified", (r, _) => r.Network = Network.Unspecified, "network");
        V<RegisterProfileRequest>("RegisterProfile", "handle empty", (r, _) => r.Handle = "", "handle");
        V<RegisterProfileRequest>("RegisterProfile", "handle blank", (r, _) => r.Handle = "  ", "handle");
        V<RegisterProfileRequest>("RegisterProfile", "handle 201 characters", (r, _) => r.Handle = new string('h', 201), "handle");
        V<RegisterProfileRequest>("RegisterProfile", "ownership unspecified", (r, _) => r.Ownership = Ownership.Unspecified, "ownership");
        R<RegisterProfileRequest>("RegisterProfile", "existing handle, new request id", (r, _) => { r.Network = Network.Linkedin; r.Handle = "corpus-acme"; },
            Code.AlreadyExists, "PROFILE_ALREADY_EXISTS");

        V<RecordKpisRequest>("RecordKpis", "idempotency_key empty", (r, _) => r.IdempotencyKey = "", "batches[0].idempotency_key");
        V<RecordKpisRequest>("RecordKpis", "unknown time zone", (r, _) => r.SourceTimeZone = "Mars/Olympus_Mons", "batches[0].source_time_zone");
        V<RecordKpisRequest>("RecordKpis", "no observations", (r, _) => r.Observations.Clear(), "batches[0].observations");
        V<RecordKpisRequest>("RecordKpis", "unknown metric", (r, _) => r.Observations[0].Metric = "no_such_metric", "batches[0].observations[0].metric");
        V<RecordKpisRequest>("RecordKpis", "value NaN", (r, _) => r.Observations[0].Value = double.NaN, "batches[0].observations[0].value");
        V<RecordKpisRequest>("RecordKpis", "value infinite", (r, _) => r.Observations[0].Value = double.NegativeInfinity, "batches[0].observations[0].value");
        V<RecordKpisRequest>("RecordKpis", "no date", (r, _) => r.Observations[0].Date = null, "batches[0].observations[0].date");
        V<RecordKpisRequest>("RecordKpis", "month 13", (r, _) => r.Observations[0].Date = new Google.Type.Date { Year = 2026, Month = 13, Day = 1 }, "batches[0].observations[0].date");
        V<RecordKpisRequest>("RecordKpis", "hour 24", (r, _) => r.Observations[0].Hour = 24, "batches[0].observations[0].hour");
        V<RecordKpisRequest>("RecordKpis", "hour -1", (r, _) => r.Observations[0].Hour = -1, "batches[0].observations[0].hour");
        V<RecordKpisRequest>("RecordKpis", "10,001 observations", (r, s) =>
        {
            r.Observations.Clear();
            r.Observations.Add(Enumerable.Range(0, 10_001).Select(i => new KpiObservation
            {
                ProfileId = s.Profile.ProfileId, Date = CorpusSeed.D(new DateOnly(2000, 1, 1).AddDays(i)), Metric = "impressions", Value = i,
            }));
        }, "batches[0].observations");

        V<CorrectKpiRequest>("CorrectKpi", "reason empty", (r, _) => r.Reason = "", "reason");
        V<CorrectKpiRequest>("CorrectKpi", "reason 1,001 characters", (r, _) => r.Reason = new string('r', 1001), "reason");
        V<CorrectKpiRequest>("CorrectKpi", "value NaN", (r, _) => r.Value = double.NaN, "value");
        V<CorrectKpiRequest>("CorrectKpi", "unknown metric", (r, _) => r.Metric = "no_such_metric", "metric");
        V<CorrectKpiRequest>("CorrectKpi", "no date", (r, _) => r.Date = null, "date");
        V<CorrectKpiRequest>("CorrectKpi", "hour 24", (r, _) => r.Hour = 24, "hour");
        R<CorrectKpiRequest>("CorrectKpi", "no observation that day", (r, _) => r.Date = CorpusSeed.D(new DateOnly(2020, 1, 1)), Code.FailedPrecondition, "NOTHING_TO_CORRECT");
        R<CorrectKpiRequest>("CorrectKpi", "by a viewer", (_, _) => { }, Code.PermissionDenied, null, Sender.Viewer);
        V<ListObservationVersionsRequest>("ListObservationVersions", "no date", (r, _) => r.Date = null, "date");
        V<ListObservationVersionsRequest>("ListObservationVersions", "hour 24", (r, _) => r.Hour = 24, "hour");
        V<ListObservationVersionsRequest>("ListObservationVersions", "day 32", (r, _) => r.Date = new Google.Type.Date { Year = 2026, Month = 1, Day = 32 }, "date");

        V<QuerySeriesRequest>("QuerySeries", "end before start", (r, _) => { r.StartDate = CorpusSeed.End; r.EndDate = CorpusSeed.Start; }, "end_date");
        V<QuerySeriesRequest>("QuerySeries", "unknown metric", (r, _) => r.Metrics[0] = "no_such_metric", "metrics[0]");
        V<QuerySeriesRequest>("QuerySeries", "hourly, weekly", (r, _) => { r.Resolution = ObservationResolution.Hourly; r.Granularity = Granularity.Week; }, "granularity");
        V<QuerySeriesRequest>("QuerySeries", "hourly, 92 days", (r, _) => { r.Resolution = ObservationResolution.Hourly; r.EndDate = CorpusSeed.D(CorpusSeed.FirstDay.AddDays(92)); r.StartDate = CorpusSeed.D(CorpusSeed.FirstDay); }, "end_date");
        V<QuerySeriesRequest>("QuerySeries", "resolution unknown", (r, _) => r.Resolution = (ObservationResolution)99, "resolution");
        V<QuerySeriesRequest>("QuerySeries", "year 0", (r, _) => r.StartDate = new Google.Type.Date { Year = 0, Month = 1, Day = 1 }, "start_date");

        foreach (var (value, what) in new[] { (1_000_000_000, "10^9"), (1, "1"), (6, "above half the series"), (-4, "negative") })
            V<GetTrendRequest>("GetTrend", $"season_length {what}", (r, _) => r.Options.SeasonLength = value, "options.season_length");
        V<GetTrendRequest>("GetTrend", "moving_average_window 0", (r, _) => r.Options.MovingAverageWindow = 0, "options.moving_average_window");
        V<GetTrendRequest>("GetTrend", "moving_average_window 1,001", (r, _) => r.Options.MovingAverageWindow = 1001, "options.moving_average_window");
        V<GetTrendRequest>("GetTrend", "confidence_level 1.5", (r, _) => r.Options.ConfidenceLevel = 1.5, "options.confidence_level");
        V<GetTrendRequest>("GetTrend", "confidence_level NaN", (r, _) => r.Options.ConfidenceLevel = double.NaN, "options.confidence_level");
        V<GetTrendRequest>("GetTrend", "periods_per_year 0", (r, _) => r.Options.PeriodsPerYear = 0, "options.periods_per_year");
        V<GetTrendRequest>("GetTrend", "periods_per_year 367", (r, _) => r.Options.PeriodsPerYear = 367, "options.periods_per_year");
        V<GetTrendRequest>("GetTrend", "no series", (r, _) => r.Series = null, "series");
        V<GetTrendRequest>("GetTrend", "unknown metric", (r, _) => r.Series.Metric = "no_such_metric", "series.metric");
        V<GetTrendRequest>("GetTrend", "no observations in range", (r, _) => r.Series.Metric = "followers", "series");
        V<DetectAnomaliesRequest>("DetectAnomalies", "season_length 10^9", (r, _) => r.SeasonLength = 1_000_000_000, "season_length");
        V<DetectAnomaliesRequest>("DetectAnomalies", "threshold negative", (r, _) => r.Threshold = -1, "threshold");
        V<DetectAnomaliesRequest>("DetectAnomalies", "threshold NaN", (r, _) => r.Threshold = double.NaN, "threshold");
        V<DetectAnomaliesRequest>("DetectAnomalies", "no observations in range", (r, _) => r.Series.Metric = "followers", "series");
        V<ForecastRequest>("Forecast", "horizon -1", (r, _) => r.Horizon = -1, "horizon");
        V<ForecastRequest>("Forecast", "horizon 10,001", (r, _) => r.Horizon = 10_001, "horizon");
        V<ForecastRequest>("Forecast", "alpha 1.5", (r, _) => r.Alpha = 1.5, "alpha");
        V<ForecastRequest>("Forecast", "Holt-Winters season_length 10^9", (r, _) => { r.Method = ForecastMethod.HoltWinters; r.SeasonLength = 1_000_000_000; }, "season_length");
        V<ForecastRequest>("Forecast", "confidence_level 0", (r, _) => r.ConfidenceLevel = 0, "confidence_level");
        V<CorrelateMetricsRequest>("CorrelateMetrics", "confidence_level 2", (r, _) => r.ConfidenceLevel = 2, "confidence_level");
        V<CorrelateMetricsRequest>("CorrelateMetrics", "no y", (r, _) => r.Y = null, "y");
        V<CorrelateMetricsRequest>("CorrelateMetrics", "no observations in range", (r, _) => r.Y.Metric = "followers", "y");
        R<CorrelateMetricsRequest>("CorrelateMetrics", "profile metric against post metric", (r, _) => r.Y.Metric = "post_impressions", Code.InvalidArgument, Invalid);

        V<AnalyzeSeriesRequest>("AnalyzeSeries", "value NaN", (r, _) => r.Points[0].Value = double.NaN, "points[0].value");
        V<AnalyzeSeriesRequest>("AnalyzeSeries", "value infinite", (r, _) => r.Points[0].Value = double.PositiveInfinity, "points[0].value");
        V<AnalyzeSeriesRequest>("AnalyzeSeries", "season_length 10^9", (r, _) => r.Options = new TrendOptions { SeasonLength = 1_000_000_000 }, "options.season_length");
        V<AnalyzeSeriesRequest>("AnalyzeSeries", "periods_per_year 0", (r, _) => r.Options = new TrendOptions { PeriodsPerYear = 0 }, "options.periods_per_year");
        V<AnalyzeSeriesRequest>("AnalyzeSeries", "point without date", (r, _) => r.Points[3].PeriodStart = null, "points[3].period_start");
        V<AnalyzeSeriesRequest>("AnalyzeSeries", "anomaly_score_method unknown", (r, _) => r.Options = new TrendOptions { AnomalyScoreMethod = (AnomalyScoreMethod)9 }, "options.anomaly_score_method");
        V<AnalyzeSeriesRequest>("AnalyzeSeries", "moving_average_alignment unknown", (r, _) => r.Options = new TrendOptions { MovingAverageAlignment = (MovingAverageAlignment)9 }, "options.moving_average_alignment");
        V<AnalyzeSeriesRequest>("AnalyzeSeries", "ewma_alpha 0", (r, _) => r.Options = new TrendOptions { EwmaAlpha = 0 }, "options.ewma_alpha");
        V<AnalyzeSeriesRequest>("AnalyzeSeries", "ewma_alpha NaN", (r, _) => r.Options = new TrendOptions { EwmaAlpha = double.NaN }, "options.ewma_alpha");
        V<DetectAnomaliesRequest>("DetectAnomalies", "score_method unknown", (r, _) => r.ScoreMethod = (AnomalyScoreMethod)9, "score_method");

        V<FitRegressionRequest>("FitRegression", "no regressors", (r, _) => r.Regressors.Clear(), "regressors");
        V<FitRegressionRequest>("FitRegression", "no y", (r, _) => r.Y = null, "y");
        V<FitRegressionRequest>("FitRegression", "y and y_values", (r, _) => r.YValues.Add(1), "y");
        V<FitRegressionRequest>("FitRegression", "stored y, explicit regressor", (r, _) => r.Regressors[0] = new Regressor { Values = { 1, 2, 3 } },
            "regressors[0].series", "regressors[0].values");
        V<FitRegressionRequest>("FitRegression", "regressor unknown metric", (r, _) => r.Regressors[0].Series.Metric = "no_such_metric", "regressors[0].series.metric");
        V<FitRegressionRequest>("FitRegression", "regressor without observations", (r, _) => r.Regressors[0].Series.Metric = "followers", "y");
        V<FitRegressionRequest>("FitRegression", "post-level regressor for a profile-level y", (r, _) => r.Regressors[0].Series.Metric = "post_impressions",
            "regressors[0].series.metric");
        V<FitRegressionRequest>("FitRegression", "collinear regressors", (r, s) => r.Regressors.Add(new Regressor { Series = s.Series() }), "regressors");
        V<FitRegressionRequest>("FitRegression", "21 regressors", (r, s) =>
        {
            for (var i = 0; i < 20; i++) r.Regressors.Add(new Regressor { Series = s.Series() });
        }, "regressors");
        V<FitRegressionRequest>("FitRegression", "confidence_level 1", (r, _) => r.ConfidenceLevel = 1, "confidence_level");
        V<FitRegressionRequest>("FitRegression", "explicit values too short", (r, _) =>
        {
            r.Y = null;
            r.YValues.Add([1, 2]);
            r.Regressors[0] = new Regressor { Values = { 4, 5 } };
        }, "y_values");
        V<FitRegressionRequest>("FitRegression", "explicit value NaN", (r, _) =>
        {
            r.Y = null;
            r.YValues.Add([1, 2, 3, 5]);
            r.Regressors[0] = new Regressor { Values = { 4, double.NaN, 7, 8 } };
        }, "regressors[0].values[1]");
        V<FitRegressionRequest>("FitRegression", "explicit values of another length", (r, _) =>
        {
            r.Y = null;
            r.YValues.Add([1, 2, 3, 5]);
            r.Regressors[0] = new Regressor { Values = { 4, 7, 8 } };
        }, "regressors[0].values");

        V<RunBacktestRequest>("RunBacktest", "unknown metric", (r, _) => r.Metrics[0] = "impressions", "metrics[0]");
        V<RunBacktestRequest>("RunBacktest", "cooldown_days 31", (r, _) => r.CooldownDays = 31, "cooldown_days");
        V<RunBacktestRequest>("RunBacktest", "baseline_days 6", (r, _) => r.BaselineDays = 6, "baseline_days");
        V<RunBacktestRequest>("RunBacktest", "threshold NaN", (r, _) => r.Methods[0].Threshold = double.NaN, "methods[0].threshold");
        V<RunBacktestRequest>("RunBacktest", "unknown method number", (r, _) => r.Methods[0].Method = (AlertMethod)99, "methods[0].method");
        V<RunBacktestRequest>("RunBacktest", "half out of range", (r, _) => r.Half = (BacktestHalf)99, "half");

        V<QueryDerivedKpisRequest>("QueryDerivedKpis", "range over 3,660 days", (r, _) => r.StartDate = CorpusSeed.D(new DateOnly(2000, 1, 1)), "end_date");
        V<QueryDerivedKpisRequest>("QueryDerivedKpis", "end before start", (r, _) => { r.StartDate = CorpusSeed.End; r.EndDate = CorpusSeed.Start; }, "end_date");
        V<QueryDerivedKpisRequest>("QueryDerivedKpis", "DERIVED_KPI_UNSPECIFIED", (r, _) => r.Kpis[0] = DerivedKpi.Unspecified, "kpis[0]");
        V<CompareNetworksRequest>("CompareNetworks", "end before start", (r, _) => { r.StartDate = CorpusSeed.End; r.EndDate = CorpusSeed.Start; }, "end_date");
        V<BenchmarkCompetitorsRequest>("BenchmarkCompetitors", "unknown metric", (r, _) => r.Metrics[0] = "no_such_metric", "metrics[0]");
        V<BenchmarkCompetitorsRequest>("BenchmarkCompetitors", "end before start", (r, _) => { r.StartDate = CorpusSeed.End; r.EndDate = CorpusSeed.Start; }, "end_date");
        V<WatchAlertsRequest>("WatchAlerts", "baseline_days 6", (r, _) => r.BaselineDays = 6, "baseline_days");
        V<WatchAlertsRequest>("WatchAlerts", "baseline_days 731", (r, _) => r.BaselineDays = 731, "baseline_days");
        V<WatchAlertsRequest>("WatchAlerts", "threshold NaN", (r, _) => r.Threshold = double.NaN, "threshold");
        V<WatchAlertsRequest>("WatchAlerts", "resume_token not a token", (r, _) => r.ResumeToken = "AQ", "resume_token");
        V<WatchAlertsRequest>("WatchAlerts", "unknown metric", (r, _) => r.Metrics[0] = "no_such_metric", "metrics[0]");
    }

    private static void Reports()
    {
        V<ExportKpiDeckRequest>("ExportKpiDeck", "end before start", (r, _) => { r.StartDate = CorpusSeed.End; r.EndDate = CorpusSeed.Start; }, "end_date");
        V<ExportKpiDeckRequest>("ExportKpiDeck", "range over 3,660 days", (r, _) => r.StartDate = CorpusSeed.D(new DateOnly(2000, 1, 1)), "end_date");
        Rule<ExportKpiDeckRequest>("ExportKpiDeck", "granularity 99", (r, _) => r.Granularity = (Granularity)99, Code.InvalidArgument, Invalid, ["granularity"]);
        V<ExportKpiDeckRequest>("ExportKpiDeck", "unknown metric", (r, _) => r.Metrics[0] = "no_such_metric", "metrics[0]");
        V<ExportSurveyWorkbookRequest>("ExportSurveyWorkbook", "confidence_level 2", (r, _) => r.ConfidenceLevel = 2, "confidence_level");
        V<ExportSurveyWorkbookRequest>("ExportSurveyWorkbook", "max_consistency_ratio negative", (r, _) => r.MaxConsistencyRatio = -0.1, "max_consistency_ratio");
        R<ExportEvaluationWorkbookRequest>("ExportEvaluationWorkbook", "no criteria", (r, s) => r.EvaluationId = s.Empty.EvaluationId,
            Code.FailedPrecondition, "CRITERIA_REQUIRED");
        V<ExportEvaluationWorkbookRequest>("ExportEvaluationWorkbook", "monte_carlo_samples over the cap",
            (r, _) => r.Robustness = new RobustnessOptions { MonteCarloSamples = 1_000_001 }, "robustness.monte_carlo_samples");

        V<CreateDownloadLinkRequest>("CreateDownloadLink", "kind unspecified", (r, _) => r.Kind = ExportKind.Unspecified, "kind");
        V<CreateDownloadLinkRequest>("CreateDownloadLink", "kind 99", (r, _) => r.Kind = (ExportKind)99, "kind");
        V<CreateDownloadLinkRequest>("CreateDownloadLink", "ttl_seconds -1", (r, _) => r.TtlSeconds = -1, "ttl_seconds");
        V<CreateDownloadLinkRequest>("CreateDownloadLink", "ttl_seconds 86,401", (r, _) => r.TtlSeconds = 86_401, "ttl_seconds");
        V<CreateDownloadLinkRequest>("CreateDownloadLink", "deck ends before it starts",
            (r, _) => { r.KpiDeck.StartDate = CorpusSeed.End; r.KpiDeck.EndDate = CorpusSeed.Start; }, "kpi_deck.end_date");
        V<CreateDownloadLinkRequest>("CreateDownloadLink", "evaluation id malformed",
            (r, _) => { r.Kind = ExportKind.EvaluationWorkbook; r.ResourceId = "nope"; r.EvaluationWorkbook = new ExportEvaluationWorkbookRequest(); }, "resource_id");
        R<CreateDownloadLinkRequest>("CreateDownloadLink", "evaluation of another tenant",
            (r, s) => { r.Kind = ExportKind.EvaluationWorkbook; r.ResourceId = s.OtherEvaluationId; r.EvaluationWorkbook = new ExportEvaluationWorkbookRequest(); },
            Code.NotFound, "EVALUATION_NOT_FOUND");
        R<CreateDownloadLinkRequest>("CreateDownloadLink", "evaluation without criteria",
            (r, s) => { r.Kind = ExportKind.EvaluationWorkbook; r.ResourceId = s.Empty.EvaluationId; r.EvaluationWorkbook = new ExportEvaluationWorkbookRequest(); },
            Code.FailedPrecondition, "CRITERIA_REQUIRED");
        V<CreateDownloadLinkRequest>("CreateDownloadLink", "evaluation robustness over the cap",
            (r, s) =>
            {
                r.Kind = ExportKind.EvaluationWorkbook; r.ResourceId = s.Open.EvaluationId;
                r.EvaluationWorkbook = new ExportEvaluationWorkbookRequest { Robustness = new RobustnessOptions { BootstrapResamples = 100_001 } };
            }, "evaluation_workbook.robustness.bootstrap_resamples");
        R<CreateDownloadLinkRequest>("CreateDownloadLink", "survey of another tenant",
            (r, s) => { r.Kind = ExportKind.SurveyWorkbook; r.ResourceId = s.OtherSurveyId; r.SurveyWorkbook = new ExportSurveyWorkbookRequest(); },
            Code.NotFound, "SURVEY_NOT_FOUND");
        V<CreateDownloadLinkRequest>("CreateDownloadLink", "survey confidence_level 2",
            (r, s) => { r.Kind = ExportKind.SurveyWorkbook; r.ResourceId = s.OpenSurvey.SurveyId; r.SurveyWorkbook = new ExportSurveyWorkbookRequest { ConfidenceLevel = 2 }; },
            "survey_workbook.confidence_level");
    }

    private static void Scoring()
    {
        V<ScoreMatrixRequest>("ScoreMatrix", "ragged matrix", (r, _) => r.Matrix[1].Values.RemoveAt(1), "matrix[1]");
        V<ScoreMatrixRequest>("ScoreMatrix", "one weight too many", (r, _) => r.Weights.Add(0.1), "weights");
        V<ScoreMatrixRequest>("ScoreMatrix", "value NaN", (r, _) => r.Matrix[0].Values[0] = double.NaN, "matrix[0][0]");
        V<ScoreMatrixRequest>("ScoreMatrix", "weight negative", (r, _) => r.Weights[0] = -0.6, "weights[0]");
        V<ScoreMatrixRequest>("ScoreMatrix", "duplicate alternative ids", (r, _) => r.AlternativeIds[1] = "a", "alternative_ids[1]");
        V<ScoreMatrixRequest>("ScoreMatrix", "no alternatives", (r, _) => { r.AlternativeIds.Clear(); r.Matrix.Clear(); }, "alternative_ids");
        V<ScoreMatrixRequest>("ScoreMatrix", "monte_carlo_samples over the cap",
            (r, _) => r.Robustness = new RobustnessOptions { MonteCarloSamples = 1_000_001 }, "robustness.monte_carlo_samples");
        // Over Coe:MaxMessageBytes (4 MiB): gRPC refuses the message before any code runs; the JSON port answers 413 MESSAGE_TOO_LARGE.
        _add("CreateEvaluation", "5 MB message", s => Changed<CreateEvaluationRequest>("CreateEvaluation", (r, _) => r.Title = new string('t', 5_000_000))(s),
            Code.ResourceExhausted, null, null, json: false);
        _addCase(new BadInputCase("CreateEvaluation: 5 MB JSON body", BadInputCorpus.Methods.Single(m => m.Name == "CreateEvaluation"),
            Changed<CreateEvaluationRequest>("CreateEvaluation", (r, _) => r.Title = new string('t', 5_000_000)), Code.ResourceExhausted, "MESSAGE_TOO_LARGE", null)
        {
            Http = System.Net.HttpStatusCode.RequestEntityTooLarge,
            Grpc = false,
        });
        _add("ScoreMatrix", "200 × 200 with 10^6 samples", _ =>
        {
            var request = new ScoreMatrixRequest { Robustness = new RobustnessOptions { MonteCarloSamples = 1_000_000 } };
            request.AlternativeIds.Add(Enumerable.Range(0, 200).Select(i => $"v{i}"));
            request.Criteria.Add(Enumerable.Range(0, 200).Select(j => new CriterionSpec { CriterionId = $"c{j}" }));
            request.Matrix.Add(Enumerable.Range(0, 200).Select(i => BadInputCorpus.Row(Enumerable.Range(0, 200).Select(j => 1.0 + (i * 7 + j * 3) % 10).ToArray())));
            request.Weights.Add(Enumerable.Repeat(1.0 / 200, 200));
            return request;
        }, Code.ResourceExhausted, "WORK_BUDGET_EXCEEDED", null);
        Rule<ScoreMatrixRequest>("ScoreMatrix", "value 1e300", (r, _) => r.Matrix[0].Values[0] = 1e300, Code.InvalidArgument, Invalid, ["matrix[0][0]"]);
        Rule<ScoreMatrixRequest>("ScoreMatrix", "value 1e16", (r, _) => r.Matrix[2].Values[1] = 1e16, Code.InvalidArgument, Invalid, ["matrix[2][1]"]);

        V<ComputeAhpWeightsRequest>("ComputeAhpWeights", "no matrices", (r, _) => r.PairwiseMatrices.Clear(), "pairwise_matrices");
        V<ComputeAhpWeightsRequest>("ComputeAhpWeights", "not square", (r, _) => r.PairwiseMatrices[0].Rows[2].Values.RemoveAt(2), "pairwise_matrices[0][2]");
        V<ComputeAhpWeightsRequest>("ComputeAhpWeights", "zero judgement", (r, _) => r.PairwiseMatrices[0].Rows[0].Values[1] = 0, "pairwise_matrices[0][0][1]");
        V<ComputeAhpWeightsRequest>("ComputeAhpWeights", "16 × 16", (r, _) =>
        {
            r.PairwiseMatrices.Clear();
            r.PairwiseMatrices.Add(new Matrix { Rows = { Enumerable.Range(0, 16).Select(_ => BadInputCorpus.Row(Enumerable.Repeat(1.0, 16).ToArray())) } });
        }, "pairwise_matrices[0]");
        Rule<ComputeAhpWeightsRequest>("ComputeAhpWeights", "acceptable_consistency_ratio negative",
            (r, _) => r.Options = new AhpOptions { AcceptableConsistencyRatio = -0.1 }, Code.InvalidArgument, Invalid, ["options.acceptable_consistency_ratio"]);
        V<ComputeAgreementRequest>("ComputeAgreement", "ragged rows", (r, _) => r.Scores[1].Values.RemoveAt(0), "scores[1]");
        V<ComputeAgreementRequest>("ComputeAgreement", "one rater", (r, _) => { r.Scores.RemoveAt(2); r.Scores.RemoveAt(1); }, "scores");
        V<ComputeAgreementRequest>("ComputeAgreement", "value NaN", (r, _) => r.Scores[0].Values[0] = double.NaN, "scores[0][0]");
    }

    private static void Surveys()
    {
        V<CreateSurveyRequest>("CreateSurvey", "title empty", (r, _) => r.Title = "", "title");
        V<CreateSurveyRequest>("CreateSurvey", "no questions", (r, _) => r.Questions.Clear(), "questions");
        V<CreateSurveyRequest>("CreateSurvey", "no audience", (r, _) => r.Audience.Clear(), "audience");
        V<CreateSurveyRequest>("CreateSurvey", "invited -1", (r, _) => r.Audience[0].Invited = -1, "audience[0].invited");
        V<CreateSurveyRequest>("CreateSurvey", "question kind unspecified", (r, _) => r.Questions[0].Kind = QuestionKind.Unspecified, "questions[0].kind");
        V<CreateSurveyRequest>("CreateSurvey", "duplicate question ids", (r, _) => r.Questions.Add(r.Questions[0].Clone()), "questions[1].id");
        V<CreateSurveyRequest>("CreateSurvey", "Likert with 1 point", (r, _) => r.Questions[0].ScalePoints = 1, "questions[0].scale_points");
        Rule<CreateSurveyRequest>("CreateSurvey", "linked to a missing evaluation",
            (r, _) => r.Evaluation = new SurveyEvaluationLink { EvaluationId = BadInputCorpus.NewId }, Code.NotFound, "EVALUATION_NOT_FOUND");
        Rule<CreateSurveyRequest>("CreateSurvey", "linked to another tenant's evaluation",
            (r, s) => r.Evaluation = new SurveyEvaluationLink { EvaluationId = s.OtherEvaluationId }, Code.NotFound, "EVALUATION_NOT_FOUND");
        Rule<CreateSurveyRequest>("CreateSurvey", "linked to unknown criteria", (r, s) =>
        {
            r.Evaluation = new SurveyEvaluationLink { EvaluationId = s.Open.EvaluationId, CriterionIds = { "no-such-criterion" } };
            r.Questions[0].CriterionId = "no-such-criterion";
        }, Code.InvalidArgument, Invalid);

        V<SubmitResponseRequest>("SubmitResponse", "no answers", (r, _) => r.Answers.Clear(), "answers");
        V<SubmitResponseRequest>("SubmitResponse", "unknown question", (r, _) => r.Answers[0].QuestionId = "q99", "answers[q99]");
        V<SubmitResponseRequest>("SubmitResponse", "Likert 99", (r, _) => r.Answers[0].Likert = 99, "answers[q1]");
        V<SubmitResponseRequest>("SubmitResponse", "Likert NaN", (r, _) => r.Answers[0].Likert = double.NaN, "answers[q1]");
        V<SubmitResponseRequest>("SubmitResponse", "department not in the audience", (r, _) => r.Department = "Nowhere", "department");
        R<SubmitResponseRequest>("SubmitResponse", "for someone else", (r, _) => r.RespondentId = "someone-else", Code.PermissionDenied, "PERMISSION_DENIED", Sender.Evaluator);
        R<SubmitResponseRequest>("SubmitResponse", "closed survey", (r, s) => r.SurveyId = s.ClosedSurvey.SurveyId, Code.FailedPrecondition, "SURVEY_CLOSED");
        R<CloseSurveyRequest>("CloseSurvey", "already closed", (r, s) => { r.SurveyId = s.ClosedSurvey.SurveyId; r.Etag = s.ClosedSurvey.Etag; },
            Code.FailedPrecondition, "SURVEY_CLOSED");
        R<CloseSurveyRequest>("CloseSurvey", "stale etag", (r, _) => r.Etag = "1", Code.Aborted, "STALE_ETAG");
        V<CloseSurveyRequest>("CloseSurvey", "etag not a number", (r, _) => r.Etag = "v1", "etag");
        V<CreateInvitationRequest>("CreateInvitation", "kind unspecified", (r, _) => r.Kind = InvitationKind.Unspecified, "kind");
        V<CreateInvitationRequest>("CreateInvitation", "department outside the audience", (r, _) => r.Department = "nobody-here", "department");
        V<CreateInvitationRequest>("CreateInvitation", "ttl beyond 90 days", (r, _) => r.TtlSeconds = 91L * 86400, "ttl_seconds");
        R<CreateInvitationRequest>("CreateInvitation", "closed survey", (r, s) => r.ResourceId = s.ClosedSurvey.SurveyId, Code.FailedPrecondition, "SURVEY_CLOSED");
        R<CreateInvitationRequest>("CreateInvitation", "evaluator not invited", (r, s) => { r.Kind = InvitationKind.Evaluation; r.ResourceId = s.Open.EvaluationId; r.PersonId = "not-an-evaluator"; },
            Code.FailedPrecondition, "NOT_AN_INVITED_EVALUATOR");
        V<ListInvitationsRequest>("ListInvitations", "kind unspecified", (r, _) => r.Kind = InvitationKind.Unspecified, "kind");
        V<ListInvitationsRequest>("ListInvitations", "resource_id malformed", (r, _) => r.ResourceId = "not-a-uuid", "resource_id");
        R<RevokeInvitationRequest>("RevokeInvitation", "unknown invitation", (r, _) => r.InvitationId = BadInputCorpus.NewId, Code.NotFound, "INVITATION_NOT_FOUND");
        R<RevokeInvitationRequest>("RevokeInvitation", "malformed id", (r, _) => r.InvitationId = "not-a-uuid", Code.NotFound, "INVITATION_NOT_FOUND");
        R<ResendInvitationRequest>("ResendInvitation", "unknown invitation", (r, _) => r.InvitationId = BadInputCorpus.NewId, Code.NotFound, "INVITATION_NOT_FOUND");
        V<ResendInvitationRequest>("ResendInvitation", "negative ttl", (r, _) => r.TtlSeconds = -1, "ttl_seconds");
        V<GetSurveyResultsRequest>("GetSurveyResults", "confidence_level 1.5", (r, _) => r.ConfidenceLevel = 1.5, "confidence_level");
        V<GetSurveyResultsRequest>("GetSurveyResults", "max_consistency_ratio negative", (r, _) => r.MaxConsistencyRatio = -1, "max_consistency_ratio");
        V<DeriveWeightsRequest>("DeriveWeights", "no question ids", (r, _) => r.QuestionIds.Clear(), "question_ids");
        V<DeriveWeightsRequest>("DeriveWeights", "method unspecified", (r, _) => r.Method = WeightDerivationMethod.Unspecified, "method");
        V<ApplySurveyWeightsRequest>("ApplySurveyWeights", "no question ids", (r, _) => r.QuestionIds.Clear(), "question_ids");
        V<ApplySurveyWeightsRequest>("ApplySurveyWeights", "max_consistency_ratio negative", (r, _) => { r.MaxConsistencyRatio = -1; r.QuestionIds.Clear(); }, "max_consistency_ratio");
    }
}
