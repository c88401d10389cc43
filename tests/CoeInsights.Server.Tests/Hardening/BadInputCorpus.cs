extern alias server;
using System.Reflection;
using CoeInsights.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using server::CoeInsights.Server.Auth;
using server::CoeInsights.Server.Validation;
using static CoeInsights.Server.Tests.Evaluations.EvaluationTestKit;
using Code = Grpc.Core.StatusCode;

namespace CoeInsights.Server.Tests.Hardening;

/// <summary>
/// The bad-input table: for every method of every service in protos/, a well-formed request (its baseline) and the
/// hostile variants of it with what each must answer. Generated rows cover what holds for every method (keys, roles,
/// text at the door, paging, ids); hand-written rows cover each method's own rules, states and limits.
/// </summary>
public static class BadInputCorpus
{
    /// <summary>Every method of every service the client library was generated from (that is, protos/).</summary>
    public static IReadOnlyList<MethodDescriptor> Methods { get; } = typeof(AdminService).Assembly.GetTypes()
        .Where(t => t.Namespace == "CoeInsights.V1" && t.IsClass && t.IsAbstract && t.IsSealed)
        .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
        .OfType<ServiceDescriptor>()
        .SelectMany(s => s.Methods)
        .OrderBy(m => m.FullName, StringComparer.Ordinal)
        .ToList();

    private static MethodDescriptor M(string name) => Methods.Single(m => m.Name == name);

    private static readonly string ZeroId = Guid.Empty.ToString();

    /// <summary>A valid request of each method, sent by the method's own role: the variants below each break one thing of it.</summary>
    public static IReadOnlyDictionary<string, Func<CorpusSeed, IMessage>> Baselines { get; } = new Dictionary<string, Func<CorpusSeed, IMessage>>
    {
        ["CreateTenant"] = _ => new CreateTenantRequest { TenantId = "corpus-new", DisplayName = "New tenant", RequestId = "create-new" },
        ["ListTenants"] = _ => new ListTenantsRequest { PageSize = 10 },
        ["CreateApiKey"] = _ => new CreateApiKeyRequest
        {
            TenantId = CorpusSeed.Tenant, DisplayName = "script", Roles = { Role.Viewer }, Principal = "script", RequestId = "key-1",
        },
        ["ListApiKeys"] = _ => new ListApiKeysRequest { TenantId = CorpusSeed.Tenant, PageSize = 10 },
        ["RevokeApiKey"] = s => new RevokeApiKeyRequest { TenantId = CorpusSeed.Tenant, KeyId = s.RevocableKeyId },
        ["ListConnectors"] = _ => new ListConnectorsRequest(),
        ["TriggerSync"] = _ => new TriggerSyncRequest { Connector = "sprout" },
        ["GetSyncRun"] = _ => new GetSyncRunRequest { RunId = "0193a5b0-7e1c-7000-8000-000000000001" },
        ["CreateEvaluation"] = _ => new CreateEvaluationRequest
        {
            Title = "Suite 2028", Purpose = "Pick a suite", Scale = new ScoreScale { Min = 1, Max = 5 }, CommitteeMembers = { "m2" }, RequestId = "eval-1",
        },
        ["GetEvaluation"] = s => new GetEvaluationRequest { EvaluationId = s.Open.EvaluationId },
        ["ListEvaluations"] = _ => new ListEvaluationsRequest { PageSize = 10 },
        ["AddCriteria"] = s => new AddCriteriaRequest
        {
            EvaluationId = s.Open.EvaluationId, Etag = s.Open.Etag,
            Criteria = { new Criterion { CriterionId = "support", Description = "Support quality", Category = "Service" } },
        },
        ["UpdateCriterion"] = s => new UpdateCriterionRequest
        {
            EvaluationId = s.Open.EvaluationId, Etag = s.Open.Etag,
            Criterion = new Criterion { CriterionId = "analytics", Description = "Analytics depth", Category = "Analytics" },
        },
        ["RemoveCriterion"] = s => new RemoveCriterionRequest { EvaluationId = s.Open.EvaluationId, CriterionId = "publishing", Etag = s.Open.Etag },
        ["AddVendors"] = s => new AddVendorsRequest
        {
            EvaluationId = s.Open.EvaluationId, Etag = s.Open.Etag,
            Vendors = { new Vendor { VendorId = "later", DisplayName = "Later", Product = "Later suite", Facts = { new VendorFactValue { CriterionId = "annual-cost", Value = 1 } } } },
        },
        ["InviteEvaluators"] = s => new InviteEvaluatorsRequest
        {
            EvaluationId = s.Open.EvaluationId, Etag = s.Open.Etag,
            Evaluators = { new Evaluator { EvaluatorId = "e9", DisplayName = "E9", Department = "BI" } },
        },
        ["SetWeights"] = s => new SetWeightsRequest
        {
            EvaluationId = s.Open.EvaluationId, Etag = s.Open.Etag,
            Direct = new DirectWeights { Weights = { W("analytics", 0.4), W("publishing", 0.4), W("annual-cost", 0.2) } },
        },
        ["SubmitScores"] = s => new SubmitScoresRequest
        {
            EvaluationId = s.Open.EvaluationId, EvaluatorId = "e1", RequestId = "scores-2",
            Scores = { new ScoreEntry { VendorId = "hoot", CriterionId = "analytics", Value = 3, Comment = "fine", Evidence = "demo" } },
        },
        ["CloseEvaluation"] = s => new CloseEvaluationRequest { EvaluationId = s.Open.EvaluationId, Etag = s.Open.Etag },
        ["ScoreEvaluation"] = s => new ScoreEvaluationRequest { EvaluationId = s.Open.EvaluationId },
        ["ProposeRecommendation"] = s => new ProposeRecommendationRequest
        {
            EvaluationId = s.Closed.EvaluationId, VendorId = "hoot", Rationale = "Best fit", Etag = s.Closed.Etag,
        },
        ["ApproveRecommendation"] = s => new ApproveRecommendationRequest { EvaluationId = s.Closed.EvaluationId, Comment = "yes" },
        ["RejectRecommendation"] = s => new RejectRecommendationRequest { EvaluationId = s.Closed.EvaluationId, Comment = "no" },
        ["ReopenEvaluation"] = s => new ReopenEvaluationRequest { EvaluationId = s.Closed.EvaluationId, Reason = "One more vendor", Etag = s.Closed.Etag },
        ["GetEvaluationHistory"] = s => new GetEvaluationHistoryRequest { EvaluationId = s.Open.EvaluationId, PageSize = 10 },
        ["WatchEvaluation"] = s => new WatchEvaluationRequest { EvaluationId = s.Open.EvaluationId, AfterVersion = 1 },
        ["RegisterProfile"] = _ => new RegisterProfileRequest
        {
            Network = Network.Instagram, Handle = "corpus-new", BusinessUnit = "Corporate", Ownership = Ownership.Owned, DisplayName = "New", RequestId = "reg-new",
        },
        ["ListProfiles"] = _ => new ListProfilesRequest { PageSize = 10, BusinessUnit = "Corporate" },
        ["ListMetrics"] = _ => new ListMetricsRequest(),
        ["RecordKpis"] = s => new RecordKpisRequest
        {
            IdempotencyKey = "corpus-batch", Source = "corpus", SourceTimeZone = "UTC",
            Observations = { new KpiObservation { ProfileId = s.Profile.ProfileId, Date = CorpusSeed.Start, Metric = "impressions", Value = 5 } },
        },
        ["CorrectKpi"] = s => new CorrectKpiRequest
        {
            ProfileId = s.Profile.ProfileId, Metric = "impressions", Date = CorpusSeed.Start, Value = 999, Reason = "typo in the export",
        },
        ["ListObservationVersions"] = s => new ListObservationVersionsRequest { ProfileId = s.Profile.ProfileId, Metric = "impressions", Date = CorpusSeed.Start },
        ["QuerySeries"] = s => new QuerySeriesRequest
        {
            ProfileIds = { s.Profile.ProfileId }, Metrics = { "impressions" }, StartDate = CorpusSeed.Start, EndDate = CorpusSeed.End,
        },
        ["GetTrend"] = s => new GetTrendRequest { Series = s.Series(), Options = new TrendOptions { ConfidenceLevel = 0.95 } },
        ["DetectAnomalies"] = s => new DetectAnomaliesRequest { Series = s.Series() },
        ["Forecast"] = s => new ForecastRequest { Series = s.Series(), Horizon = 3, Alpha = 0.5 },
        ["CorrelateMetrics"] = s => new CorrelateMetricsRequest { X = s.Series(), Y = s.Series(metric: "engagements") },
        ["AnalyzeSeries"] = _ => new AnalyzeSeriesRequest
        {
            Granularity = Granularity.Day,
            Points = { Enumerable.Range(0, 10).Select(i => new SeriesPoint { PeriodStart = CorpusSeed.D(CorpusSeed.FirstDay.AddDays(i)), Value = 10 + i * 1.5 + i % 3 }) },
        },
        ["FitRegression"] = s => new FitRegressionRequest
        {
            Y = s.Series(metric: "engagements"), Regressors = { new Regressor { Name = "impressions", Series = s.Series() } },
        },
        ["RunBacktest"] = _ => new RunBacktestRequest
        {
            Metrics = { "negative_mentions" }, Methods = { new BacktestMethod { Method = AlertMethod.RobustZScore, Threshold = 4 } }, Half = BacktestHalf.Test,
        },
        ["CreateAlertRule"] = _ => new CreateAlertRuleRequest { Rule = CorpusAlertRule(), RequestId = "rule-1" },
        // No rule or alert is seeded: the key, role and text rows are refused before the store is asked.
        ["GetAlertRule"] = _ => new GetAlertRuleRequest { RuleId = NewId },
        ["ListAlertRules"] = _ => new ListAlertRulesRequest { PageSize = 10 },
        ["UpdateAlertRule"] = _ => new UpdateAlertRuleRequest
        {
            Rule = new V1.AlertRule { RuleId = NewId, Name = "Negative spike", Etag = "1" }, UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "name" } },
        },
        ["DeleteAlertRule"] = _ => new DeleteAlertRuleRequest { RuleId = NewId, Etag = "1" },
        ["ListAlerts"] = _ => new ListAlertsRequest { PageSize = 10, State = V1.AlertState.Open },
        ["GetAlert"] = _ => new GetAlertRequest { AlertId = NewId },
        ["AcknowledgeAlert"] = _ => new AcknowledgeAlertRequest { AlertId = NewId, Note = "on it" },
        ["ResolveAlert"] = _ => new ResolveAlertRequest { AlertId = NewId, Note = "done" },
        ["QueryDerivedKpis"] = s => new QueryDerivedKpisRequest
        {
            ProfileIds = { s.Profile.ProfileId }, Kpis = { DerivedKpi.EngagementRateByImpressions }, StartDate = CorpusSeed.Start, EndDate = CorpusSeed.End,
        },
        ["CompareNetworks"] = _ => new CompareNetworksRequest { StartDate = CorpusSeed.Start, EndDate = CorpusSeed.End, BusinessUnits = { "Corporate" } },
        ["BenchmarkCompetitors"] = _ => new BenchmarkCompetitorsRequest
        {
            Metrics = { "impressions" }, StartDate = CorpusSeed.Start, EndDate = CorpusSeed.End, BusinessUnits = { "Corporate" },
        },
        ["WatchAlerts"] = s => new WatchAlertsRequest { Metrics = { "impressions" }, ProfileIds = { s.Profile.ProfileId }, BusinessUnits = { "Corporate" } },
        ["ExportEvaluationWorkbook"] = s => new ExportEvaluationWorkbookRequest { EvaluationId = s.Open.EvaluationId },
        ["ExportKpiDeck"] = _ => new ExportKpiDeckRequest
        {
            StartDate = CorpusSeed.Start, EndDate = CorpusSeed.End, Metrics = { "impressions" }, BusinessUnits = { "Corporate" }, Title = "Deck",
        },
        ["ExportSurveyWorkbook"] = s => new ExportSurveyWorkbookRequest { SurveyId = s.OpenSurvey.SurveyId },
        ["CreateDownloadLink"] = _ => new CreateDownloadLinkRequest
        {
            Kind = ExportKind.KpiDeck, TtlSeconds = 60,
            KpiDeck = new ExportKpiDeckRequest { StartDate = CorpusSeed.Start, EndDate = CorpusSeed.End, Metrics = { "impressions" }, Title = "Deck" },
        },
        ["ScoreMatrix"] = _ => new ScoreMatrixRequest
        {
            AlternativeIds = { "a", "b", "c" },
            Criteria = { new CriterionSpec { CriterionId = "quality", Category = "Product" }, new CriterionSpec { CriterionId = "cost", Direction = CriterionDirection.Cost } },
            Matrix = { Row(4, 100), Row(3, 80), Row(5, 150) },
            Weights = { 0.6, 0.4 },
        },
        ["ComputeAhpWeights"] = _ => new ComputeAhpWeightsRequest { PairwiseMatrices = { Pairwise3() } },
        ["ComputeAgreement"] = _ => new ComputeAgreementRequest { Scores = { Row(1, 2, 3), Row(1, 3, 2), Row(2, 1, 3) } },
        ["GetServerInfo"] = _ => new GetServerInfoRequest(),
        ["CreateSurvey"] = _ => new CreateSurveyRequest
        {
            Title = "Tool needs", RequestId = "survey-1",
            Audience = { new AudienceDepartment { Department = "Marketing", Invited = 5 } },
            Questions = { new V1.SurveyQuestion { QuestionId = "q1", Kind = QuestionKind.Likert, ScalePoints = 5, Text = "How important is reach?" } },
        },
        ["GetSurvey"] = s => new GetSurveyRequest { SurveyId = s.OpenSurvey.SurveyId },
        ["ListSurveys"] = _ => new ListSurveysRequest { PageSize = 10 },
        ["SubmitResponse"] = s => new SubmitResponseRequest
        {
            SurveyId = s.OpenSurvey.SurveyId, Department = "Marketing", RequestId = "resp-2",
            Answers = { new SurveyAnswer { QuestionId = "q1", Likert = 5 } },
        },
        ["CloseSurvey"] = s => new CloseSurveyRequest { SurveyId = s.OpenSurvey.SurveyId, Etag = s.OpenSurvey.Etag },
        ["CreateInvitation"] = s => new CreateInvitationRequest
        {
            Kind = InvitationKind.Survey, ResourceId = s.OpenSurvey.SurveyId, PersonId = "corpus-respondent", Department = s.OpenSurvey.Audience.FirstOrDefault()?.Department ?? "",
        },
        ["ListInvitations"] = s => new ListInvitationsRequest { Kind = InvitationKind.Survey, ResourceId = s.OpenSurvey.SurveyId },
        // No invitation is seeded: the key, role and text rows are refused before the store is asked.
        ["RevokeInvitation"] = _ => new RevokeInvitationRequest { InvitationId = NewId },
        ["ResendInvitation"] = _ => new ResendInvitationRequest { InvitationId = NewId },
        ["GetSurveyResults"] = s => new GetSurveyResultsRequest { SurveyId = s.OpenSurvey.SurveyId, Departments = { "Marketing" } },
        ["DeriveWeights"] = s => new DeriveWeightsRequest
        {
            SurveyId = s.OpenSurvey.SurveyId, Method = WeightDerivationMethod.ImportanceRatings, QuestionIds = { "q1", "q2" },
        },
        ["ApplySurveyWeights"] = s => new ApplySurveyWeightsRequest
        {
            SurveyId = s.OpenSurvey.SurveyId, Method = WeightDerivationMethod.ImportanceRatings, QuestionIds = { "q1", "q2" }, EvaluationEtag = "1",
        },
    };

    public static Row Row(params double[] values) => new() { Values = { values } };

    public static V1.AlertRule CorpusAlertRule() => new()
    {
        Name = "Negative spike", Metric = "negative_mentions", Direction = AlertDirection.Up, Approvers = { "crisis@coe.example" }, Protocol = "Hold statement A",
        Enabled = true,
    };

    private static Matrix Pairwise3() => new() { Rows = { Row(1, 3, 5), Row(1.0 / 3, 1, 3), Row(0.2, 1.0 / 3, 1) } };

    /// <summary>The roles the server's adapter requires for a method (method attribute, else the service's), by name.</summary>
    public static IReadOnlyList<string> RequiredRoles(MethodDescriptor m)
    {
        var service = typeof(RequireRoleAttribute).Assembly.GetTypes()
            .SingleOrDefault(t => t.BaseType is { } b && b.DeclaringType?.FullName == $"CoeInsights.V1.{m.Service.Name}" && !t.IsAbstract);
        if (service is null) return [];
        var method = service.GetMethod(m.Name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
        var attribute = method?.GetCustomAttribute<RequireRoleAttribute>() ?? service.GetCustomAttribute<RequireRoleAttribute>();
        return attribute?.Roles.Select(r => r.ToString()).ToList() ?? [];
    }

    /// <summary>The key a method's baseline is sent with: one of the roles it asks for (the operator's for tenants).</summary>
    public static Sender DefaultSender(MethodDescriptor m)
    {
        if (m.Name is "CreateTenant" or "ListTenants") return Sender.Operator;
        var roles = RequiredRoles(m);
        if (roles.Contains("Committee") || roles.Count == 0) return Sender.Committee;
        if (roles.Contains("Admin")) return Sender.Admin;
        if (roles.Contains("Evaluator")) return Sender.Evaluator;
        return roles.Contains("Ingest") ? Sender.Ingest : Sender.Viewer;
    }

    private static Sender? WrongRole(MethodDescriptor m)
    {
        var roles = RequiredRoles(m);
        if (roles.Count == 0) return null;
        return new[] { Sender.Ingest, Sender.Viewer, Sender.Evaluator, Sender.Committee }.First(s => !roles.Contains(s.ToString()));
    }

    private static T With<T>(this Func<CorpusSeed, IMessage> baseline, CorpusSeed s, Action<T> change) where T : IMessage
    {
        var request = (T)baseline(s);
        change(request);
        return request;
    }

    private static List<BadInputCase> _main = [];
    private static List<BadInputCase> _detailed = [];

    /// <summary>The cases that must hold on this branch.</summary>
    public static IReadOnlyList<BadInputCase> Cases => Build().Main;

    /// <summary>Cases about what a refusal carries beyond its code (ErrorInfo on key and role refusals, MALFORMED_REQUEST, enum numbers
    /// in query strings, …): run together in one test, apart from the table's own per-method counts.</summary>
    public static IReadOnlyList<BadInputCase> DetailCases => Build().Detailed;

    private static readonly Lazy<(List<BadInputCase> Main, List<BadInputCase> Detailed)> Built = new(() =>
    {
        _main = [];
        _detailed = [];
        Generate();
        Specific();
        var duplicate = _main.Concat(_detailed).GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"two cases are named '{duplicate.Key}'");
        return (_main, _detailed);
    });

    private static (List<BadInputCase> Main, List<BadInputCase> Detailed) Build() => Built.Value;

    private static void Add(string method, string what, Func<CorpusSeed, IMessage> request, Code code, string? reason, string[]? fields,
        Sender sender = Sender.Default, bool json = true) =>
        _main.Add(new BadInputCase($"{method}: {what}", M(method), request, code, reason, fields, sender, json));

    private static void Detailed(string method, string what, Func<CorpusSeed, IMessage> request, Code code, string? reason, string[]? fields,
        Sender sender = Sender.Default, bool json = true) =>
        _detailed.Add(new BadInputCase($"{method}: {what}", M(method), request, code, reason, fields, sender, json));

    private static void Invalid<T>(string method, string what, Action<T, CorpusSeed> change, params string[] fields) where T : IMessage =>
        Add(method, what, s => Baselines[method].With<T>(s, r => change(r, s)), Code.InvalidArgument, "INVALID_ARGUMENT", fields);

    private static void Refused<T>(string method, string what, Action<T, CorpusSeed> change, Code code, string reason, Sender sender = Sender.Default)
        where T : IMessage =>
        Add(method, what, s => Baselines[method].With<T>(s, r => change(r, s)), code, reason, null, sender);

    /// <summary>Rows that hold for every method: keys, roles, and text at the door.</summary>
    private static void Generate()
    {
        foreach (var m in Methods)
        {
            var baseline = Baselines[m.Name];
            Add(m.Name, "no API key", baseline, Code.Unauthenticated, null, null, Sender.None);
            Add(m.Name, "unknown API key", baseline, Code.Unauthenticated, null, null, Sender.Garbage);
            Add(m.Name, "revoked API key", baseline, Code.Unauthenticated, null, null, Sender.Revoked);
            // 0xFF… is a field tag with an unterminated varint: no message type parses it.
            Detailed(m.Name, "malformed protobuf bytes", _ => new MalformedRequest([0x0A, 0xFF, 0xFF, 0xFF]), Code.InvalidArgument, "MALFORMED_REQUEST", null);
            Detailed(m.Name, "no API key (ErrorInfo)", baseline, Code.Unauthenticated, BadInputCase.AnyReason, null, Sender.None);
            if (WrongRole(m) is { } wrong)
            {
                Add(m.Name, $"{wrong} key", baseline, Code.PermissionDenied, null, null, wrong);
                Detailed(m.Name, $"{wrong} key (ErrorInfo)", baseline, Code.PermissionDenied, BadInputCase.AnyReason, null, wrong);
            }

            var locations = StringLocations(baseline(new CorpusSeed
            {
                Open = new Evaluation(), Closed = new Evaluation(), Empty = new Evaluation(), OpenSurvey = new V1.Survey(), ClosedSurvey = new V1.Survey(), Profile = new Profile(),
            })).ToList();
            for (var i = 0; i < locations.Count; i++)
            {
                var (path, field) = locations[i];
                var cap = RequestText.MaxLength(field);
                // Beyond the first few fields a JSON body goes through the same door check as gRPC: those rows run on gRPC only.
                TextCase(m, path, "U+0000", "a\0b", json: i < 3);
                // The other characters and the length cap go through the same door check: a few fields per method show it.
                if (i < 2) TextCase(m, path, $"{cap + 1} characters", new string('x', cap + 1));
                if (i == 0)
                {
                    TextCase(m, path, "U+0001", "\u0001");
                    TextCase(m, path, "U+FFFE", "ok\uFFFE");
                }
            }
            foreach (var (path, _) in EnumLocations(baseline(new CorpusSeed
            {
                Open = new Evaluation(), Closed = new Evaluation(), Empty = new Evaluation(), OpenSurvey = new V1.Survey(), ClosedSurvey = new V1.Survey(), Profile = new Profile(),
            })))
            {
                // Unknown enum numbers: refused at the door (RequestValues); on a GET route the number travels in the query string,
                // where QueryEnumStatus refuses it before JSON transcoding binds it.
                Func<CorpusSeed, IMessage> request = s => SetAt(baseline(s), path, 99);
                var get = AnyMethod.Route(m)?.PatternCase == Google.Api.HttpRule.PatternOneofCase.Get;
                if (m.Name is "ExportKpiDeck" || path == "kpi_deck.granularity")
                    Detailed(m.Name, $"{path} = 99", request, Code.InvalidArgument, "INVALID_ARGUMENT", [path]);
                else
                {
                    Add(m.Name, $"{path} = 99", request, Code.InvalidArgument, "INVALID_ARGUMENT", [path], json: !get);
                    if (get) Detailed(m.Name, $"{path} = 99 in the query string", request, Code.InvalidArgument, "INVALID_ARGUMENT", [path]);
                }
            }
        }
    }

    private static void TextCase(MethodDescriptor m, string path, string what, string text, bool json = true) =>
        Add(m.Name, $"{path} holds {what}", s => SetAt(Baselines[m.Name](s), path, text), Code.InvalidArgument, "INVALID_ARGUMENT",
            // A client stream's messages are named by their position in the call, as the handlers name them.
            [m.IsClientStreaming ? $"batches[0].{path}" : path], json: json);

    /// <summary>Every string a request holds or could hold at its first level and inside its set messages (first element of a list).</summary>
    private static IEnumerable<(string Path, FieldDescriptor Field)> StringLocations(IMessage message, string prefix = "", int depth = 0)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (field.FieldType == FieldType.String)
            {
                if (!field.IsRepeated) yield return (prefix + field.Name, field);
                else if (((System.Collections.IList)value).Count > 0) yield return ($"{prefix}{field.Name}[0]", field);
            }
            else if (field.FieldType == FieldType.Message && depth < 2 && !field.IsMap)
            {
                var nested = field.IsRepeated
                    ? ((System.Collections.IList)value).Count > 0 ? (IMessage)((System.Collections.IList)value)[0]! : null
                    : value as IMessage;
                var path = field.IsRepeated ? $"{prefix}{field.Name}[0]." : $"{prefix}{field.Name}.";
                if (nested is not null && nested.Descriptor.FullName.StartsWith("coeinsights.", StringComparison.Ordinal))
                    foreach (var inner in StringLocations(nested, path, depth + 1)) yield return inner;
            }
        }
    }

    private static IEnumerable<(string Path, FieldDescriptor Field)> EnumLocations(IMessage message, string prefix = "", int depth = 0)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (field.FieldType == FieldType.Enum)
                yield return (field.IsRepeated ? $"{prefix}{field.Name}[0]" : prefix + field.Name, field);
            else if (field.FieldType == FieldType.Message && depth < 1 && !field.IsRepeated && value is IMessage nested
                     && nested.Descriptor.FullName.StartsWith("coeinsights.", StringComparison.Ordinal))
                foreach (var inner in EnumLocations(nested, $"{prefix}{field.Name}.", depth + 1)) yield return inner;
        }
    }

    /// <summary>Sets the value at a path such as <c>criteria[0].description</c> or <c>roles[0]</c> (a missing list element is added).</summary>
    public static IMessage SetAt(IMessage message, string path, object value)
    {
        var parts = path.Split('.');
        IMessage target = message;
        for (var i = 0; i < parts.Length; i++)
        {
            var (name, index) = parts[i].EndsWith(']') ? (parts[i][..parts[i].IndexOf('[')], int.Parse(parts[i][(parts[i].IndexOf('[') + 1)..^1])) : (parts[i], -1);
            var field = target.Descriptor.FindFieldByName(name) ?? throw new ArgumentException($"no field {name} in {target.Descriptor.Name}");
            var last = i == parts.Length - 1;
            if (field.IsRepeated)
            {
                var list = (System.Collections.IList)field.Accessor.GetValue(target);
                if (last)
                {
                    var item = field.FieldType == FieldType.Enum ? Enum.ToObject(list.GetType().GetGenericArguments()[0], value) : value;
                    if (list.Count > index) list[index] = item;
                    else list.Add(item);
                    return message;
                }
                target = (IMessage)list[index]!;
            }
            else if (last)
            {
                field.Accessor.SetValue(target, field.FieldType == FieldType.Enum ? Enum.ToObject(field.Accessor.GetValue(target).GetType(), value) : value);
                return message;
            }
            else
            {
                if (field.Accessor.GetValue(target) is not IMessage nested)
                {
                    nested = field.MessageType.Parser.ParseFrom(ByteString.Empty);
                    field.Accessor.SetValue(target, nested);
                }
                target = nested;
            }
        }
        return message;
    }

    private static string Fresh() => Guid.CreateVersion7().ToString();

    /// <summary>Each method's own rules: ids, numbers, paging, states, etags, tenants and limits.</summary>
    private static void Specific()
    {
        BadInputCorpusRows.Add(Add, _main.Add);
    }

    public delegate void CaseSink(string method, string what, Func<CorpusSeed, IMessage> request, Code code, string? reason, string[]? fields,
        Sender sender = Sender.Default, bool json = true);

    internal static string NewId => Fresh();
    internal static string Zero => ZeroId;
    internal static Func<CorpusSeed, IMessage> Base(string method) => Baselines[method];
}
