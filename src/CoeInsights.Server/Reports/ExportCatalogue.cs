using CoeInsights.Common;
using CoeInsights.Access;
using CoeInsights.Analytics;
using CoeInsights.Evaluations;
using CoeInsights.Evaluations.GettingDetails;
using CoeInsights.Server.Scoring;
using CoeInsights.Server.Surveys;
using CoeInsights.Surveys;
using CoeInsights.Surveys.GettingDetails;
using CoeInsights.V1;
using Google.Protobuf;
using Marten;
using A = CoeInsights.Analytics.Surveys;

namespace CoeInsights.Server.Reports;

/// <summary>
/// Every export the report service makes, described by its request message (kind + parameters): how a
/// download link names it, how it is checked before a link is signed, and how it is rendered. One path
/// for the gRPC streams and for the browser links, whatever the kind.
/// </summary>
public static class ExportCatalogue
{
    public const string EvaluationWorkbookKind = "evaluation-workbook";
    public const string KpiDeckKind = "kpi-deck";
    public const string SurveyWorkbookKind = "survey-workbook";

    /// <summary>The kind's name in a signed link, and the one resource it is scoped to ("" for the KPI deck: the whole tenant).</summary>
    public static (string Kind, string ResourceId) Scope(IMessage export) => export switch
    {
        ExportEvaluationWorkbookRequest r => (EvaluationWorkbookKind, r.EvaluationId),
        ExportKpiDeckRequest => (KpiDeckKind, ""),
        ExportSurveyWorkbookRequest r => (SurveyWorkbookKind, r.SurveyId),
        _ => throw new ArgumentOutOfRangeException(nameof(export), export.Descriptor.Name, "not an export request"),
    };

    /// <summary>The export request a signed link carries, or null when the kind is unknown or the bytes are not one.</summary>
    public static IMessage? Parse(string kind, byte[] parameters)
    {
        MessageParser? parser = kind switch
        {
            EvaluationWorkbookKind => ExportEvaluationWorkbookRequest.Parser,
            KpiDeckKind => ExportKpiDeckRequest.Parser,
            SurveyWorkbookKind => ExportSurveyWorkbookRequest.Parser,
            _ => null,
        };
        try
        {
            return parser?.ParseFrom(parameters);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>
    /// The export a link asks for: the parameters of its kind (defaults when unset) with the resource id filled in.
    /// Adds field violations to <paramref name="v"/>; null when the kind is unspecified or the request is invalid.
    /// </summary>
    public static IMessage? ForLink(CreateDownloadLinkRequest request, Validator v)
    {
        var mismatched = request.ParametersCase != CreateDownloadLinkRequest.ParametersOneofCase.None && request.ParametersCase != request.Kind switch
        {
            ExportKind.EvaluationWorkbook => CreateDownloadLinkRequest.ParametersOneofCase.EvaluationWorkbook,
            ExportKind.KpiDeck => CreateDownloadLinkRequest.ParametersOneofCase.KpiDeck,
            ExportKind.SurveyWorkbook => CreateDownloadLinkRequest.ParametersOneofCase.SurveyWorkbook,
            _ => request.ParametersCase,
        };
        if (mismatched)
        {
            v.Add(Field(request.ParametersCase), $"does not match kind {request.Kind}");
            return null;
        }
        switch (request.Kind)
        {
            case ExportKind.EvaluationWorkbook:
                var evaluation = request.EvaluationWorkbook?.Clone() ?? new ExportEvaluationWorkbookRequest();
                evaluation.EvaluationId = ResourceId(request.ResourceId, evaluation.EvaluationId, "evaluation_workbook.evaluation_id", v);
                return evaluation;
            case ExportKind.SurveyWorkbook:
                var survey = request.SurveyWorkbook?.Clone() ?? new ExportSurveyWorkbookRequest();
                survey.SurveyId = ResourceId(request.ResourceId, survey.SurveyId, "survey_workbook.survey_id", v);
                return survey;
            case ExportKind.KpiDeck:
                v.Require(request.ResourceId.Length == 0, "resource_id", "must be empty for EXPORT_KIND_KPI_DECK (the deck covers the tenant)")
                    .Require(request.KpiDeck is not null, "kpi_deck", "is required for EXPORT_KIND_KPI_DECK (start_date and end_date)");
                return request.KpiDeck?.Clone();
            default:
                // An enum value this server does not know (a newer client, or a raw number): refused, never issued.
                if (request.Kind != ExportKind.Unspecified)
                    v.Add("kind", $"unknown export kind {(int)request.Kind}: use EXPORT_KIND_EVALUATION_WORKBOOK, EXPORT_KIND_KPI_DECK or EXPORT_KIND_SURVEY_WORKBOOK");
                return null;
        }
    }

    /// <summary>
    /// Refuses now, not when the browser comes, exactly what the export would refuse: bad parameters (INVALID_ARGUMENT
    /// naming the field of CreateDownloadLinkRequest, e.g. <c>evaluation_workbook.robustness.monte_carlo_samples</c>), a
    /// resource the caller cannot see (NOT_FOUND), a scoring precondition (FAILED_PRECONDITION) and the scoring work
    /// budget (RESOURCE_EXHAUSTED): a link that is issued works until it expires, unless the data changes meanwhile.
    /// </summary>
    public static async Task Check(IQuerySession session, Caller caller, IMessage export, CancellationToken ct)
    {
        switch (export)
        {
            case ExportEvaluationWorkbookRequest r:
                var evaluationId = EvaluationStream.ParseId(r.EvaluationId, "resource_id");
                var (options, robustness) = Prefixed("evaluation_workbook.", () => EvaluationOptions(r));
                await EvaluationWorkbookExport.Check(session, caller, evaluationId, options, robustness, ct);
                break;
            case ExportKpiDeckRequest r:
                Prefixed("kpi_deck.", () =>
                {
                    KpiDeckExport.Validate(KpiRequest(r));
                    return true;
                });
                break;
            case ExportSurveyWorkbookRequest r:
                var surveyId = SurveyStream.ParseId(r.SurveyId, "resource_id");
                Prefixed("survey_workbook.", () =>
                {
                    var v = new Validator();
                    A.SurveyAnalysis.ValidateOptions(SurveyOptions(r), v);
                    v.ThrowIfInvalid();
                    return true;
                });
                await GetSurveyHandler.Load(session, surveyId, ct);
                SurveyWorkbookExport.Authorize(caller, r.IncludeRespondentIds);
                break;
        }
    }

    /// <summary>The export's own field names, as fields of CreateDownloadLinkRequest's parameters (options.x → survey_workbook.x where the export request has x at top level).</summary>
    private static T Prefixed<T>(string prefix, Func<T> check)
    {
        try
        {
            return check();
        }
        catch (InvalidInputException e)
        {
            throw new InvalidInputException(e.Violations.Select(x => x with
            {
                Field = prefix + (prefix == "survey_workbook." && x.Field.StartsWith("options.", StringComparison.Ordinal) ? x.Field["options.".Length..] : x.Field),
            }).ToList());
        }
    }

    private static A.SurveyOptions SurveyOptions(ExportSurveyWorkbookRequest r) => SurveyMapping.ToOptions(r.ConfidenceLevel, r.MaxConsistencyRatio);

    /// <summary>Renders the export; past Excel's row limit it is FAILED_PRECONDITION <c>EXPORT_TOO_LARGE</c>, saying what to narrow.</summary>
    public static async Task<RenderedExport> Render(IQuerySession session, Caller caller, IMessage export, DateTimeOffset now, CancellationToken ct)
    {
        var (kind, resourceId) = Scope(export);
        using var activity = Telemetry.CoeTelemetry.Source.StartActivity($"render {kind}");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            var rendered = await RenderKind(session, caller, export, now, ct);
            outcome = "rendered";
            activity?.SetTag("coe.export.bytes", rendered.Content.Length);
            return rendered;
        }
        catch (Exports.Common.ExcelLimitException e)
        {
            outcome = "too_large";
            var hint = export is ExportKpiDeckRequest
                ? "narrow start_date/end_date, metrics or business_units"
                : "the data does not fit one Excel sheet";
            throw new RuleViolationException(ErrorReasons.ExportTooLarge, resourceId.Length > 0 ? $"{kind}/{resourceId}" : kind, $"{e.Message} ({hint}).");
        }
        finally
        {
            var tags = new System.Diagnostics.TagList { { "kind", kind }, { "outcome", outcome } };
            Telemetry.CoeTelemetry.Exports.Add(1, tags);
            Telemetry.CoeTelemetry.ExportDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    private static Task<RenderedExport> RenderKind(IQuerySession session, Caller caller, IMessage export, DateTimeOffset now, CancellationToken ct)
    {
        switch (export)
        {
            case ExportEvaluationWorkbookRequest r:
                var id = EvaluationStream.ParseId(r.EvaluationId);
                var (options, robustness) = EvaluationOptions(r);
                return EvaluationWorkbookExport.Render(session, caller, id, options, robustness, now, ct);
            case ExportKpiDeckRequest r:
                return KpiDeckExport.Render(session, KpiRequest(r), now, ct);
            case ExportSurveyWorkbookRequest r:
                return SurveyWorkbookExport.Render(session, caller, SurveyStream.ParseId(r.SurveyId), SurveyOptions(r), r.IncludeRespondentIds, now, ct);
            default:
                throw new ArgumentOutOfRangeException(nameof(export), export.Descriptor.Name, "not an export request");
        }
    }

    private static (Analytics.Scoring.ScoringOptions?, Analytics.Scoring.RobustnessOptions?) EvaluationOptions(ExportEvaluationWorkbookRequest r)
    {
        var v = new Validator();
        var options = r.Options is null ? null : ScoringMapping.ToOptions(r.Options, v);
        var robustness = ScoringMapping.ToRobustness(r.Robustness, v);
        v.ThrowIfInvalid();
        Analytics.Scoring.ScoringEngine.ValidateOptions(options, robustness);
        return (options, robustness);
    }

    private static KpiDeckExport.Request KpiRequest(ExportKpiDeckRequest r)
    {
        var v = new Validator();
        var from = Kpis.KpiMapping.ToDate(r.StartDate, "start_date", v);
        var to = Kpis.KpiMapping.ToDate(r.EndDate, "end_date", v);
        v.Require(r.StartDate is not null, "start_date", "is required").Require(r.EndDate is not null, "end_date", "is required");
        v.ThrowIfInvalid();
        var granularity = r.Granularity == Granularity.Unspecified ? Analytics.Trends.Granularity.Week : Kpis.KpiMapping.FromProto(r.Granularity);
        return new KpiDeckExport.Request(from!.Value, to!.Value, granularity, r.Metrics, r.BusinessUnits, r.Title);
    }

    /// <summary>resource_id or the id inside the parameters: one of them, or both the same.</summary>
    private static string ResourceId(string resourceId, string inParameters, string parametersField, Validator v)
    {
        if (resourceId.Length > 0 && inParameters.Length > 0 && resourceId != inParameters)
            v.Add(parametersField, "differs from resource_id: give the id once");
        var id = resourceId.Length > 0 ? resourceId : inParameters;
        v.Require(id.Length > 0, "resource_id", "is required for this kind");
        return id;
    }

    private static string Field(CreateDownloadLinkRequest.ParametersOneofCase c) => c switch
    {
        CreateDownloadLinkRequest.ParametersOneofCase.EvaluationWorkbook => "evaluation_workbook",
        CreateDownloadLinkRequest.ParametersOneofCase.KpiDeck => "kpi_deck",
        _ => "survey_workbook",
    };
}
