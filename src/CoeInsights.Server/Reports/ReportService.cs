using CoeInsights.Analytics;
using CoeInsights.Evaluations;
using CoeInsights.Evaluations.GettingDetails;
using CoeInsights.Server.Auth;
using CoeInsights.Server.Scoring;
using CoeInsights.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;
using Role = CoeInsights.Access.Role;

namespace CoeInsights.Server.Reports;

/// <summary>Adapter: streams rendered workbooks in chunks, and hands out signed download links.</summary>
[RequireRole(Role.Viewer, Role.Evaluator, Role.Committee)]
public sealed class ReportService(IQuerySession session, CallerContext callerContext, TimeProvider clock, DownloadLinkIssuer links)
    : V1.ReportService.ReportServiceBase
{
    public const int ChunkSize = 64 * 1024;
    public const string EvaluationWorkbookKind = "evaluation-workbook";

    public override async Task ExportEvaluationWorkbook(ExportEvaluationWorkbookRequest request, IServerStreamWriter<ExportChunk> responseStream, ServerCallContext context)
    {
        var id = EvaluationStream.ParseId(request.EvaluationId);
        var v = new Validator();
        var options = request.Options is null ? null : ScoringMapping.ToOptions(request.Options, v);
        var robustness = ScoringMapping.ToRobustness(request.Robustness, v);
        v.ThrowIfInvalid();
        var export = await EvaluationWorkbookExport.Render(session, callerContext.Caller, id, options, robustness, clock.GetUtcNow(), context.CancellationToken);
        await Stream(export, responseStream, context.CancellationToken);
    }

    public override async Task ExportKpiDeck(ExportKpiDeckRequest request, IServerStreamWriter<ExportChunk> responseStream, ServerCallContext context)
    {
        var v = new Validator();
        var from = Kpis.KpiMapping.ToDate(request.StartDate, "start_date", v);
        var to = Kpis.KpiMapping.ToDate(request.EndDate, "end_date", v);
        v.Require(request.StartDate is not null, "start_date", "is required").Require(request.EndDate is not null, "end_date", "is required");
        v.ThrowIfInvalid();
        var granularity = request.Granularity == Granularity.Unspecified ? Analytics.Trends.Granularity.Week : Kpis.KpiMapping.FromProto(request.Granularity);
        var export = await KpiDeckExport.Render(session,
            new KpiDeckExport.Request(from!.Value, to!.Value, granularity, request.Metrics, request.BusinessUnits, request.Title),
            clock.GetUtcNow(), context.CancellationToken);
        await Stream(export, responseStream, context.CancellationToken);
    }

    public override async Task<DownloadLink> CreateDownloadLink(CreateDownloadLinkRequest request, ServerCallContext context)
    {
        var v = new Validator()
            .Require(request.Kind == ExportKind.EvaluationWorkbook, "kind", "must be EXPORT_KIND_EVALUATION_WORKBOOK")
            .Require(request.TtlSeconds is >= 0 and <= 86_400, "ttl_seconds", "must be between 1 and 86400 (0: the default, 900)");
        v.ThrowIfInvalid();
        var id = EvaluationStream.ParseId(request.ResourceId);
        // Refuse now, not at download time, a link to something the caller cannot see (NOT_FOUND across tenants).
        await GetEvaluationHandler.Load(session, id, context.CancellationToken);
        var ttl = request.TtlSeconds == 0 ? DownloadLinks.DefaultLifetime : TimeSpan.FromSeconds(request.TtlSeconds);
        var (url, expires) = await links.Issue(callerContext.Caller, EvaluationWorkbookKind, id.ToString(), ttl, context.CancellationToken);
        return new DownloadLink { Url = url, ExpireTime = Timestamp.FromDateTimeOffset(expires) };
    }

    /// <summary>Metadata first (name, type, size), then the bytes in 64 KiB chunks.</summary>
    private static async Task Stream(RenderedExport export, IServerStreamWriter<ExportChunk> stream, CancellationToken ct)
    {
        await stream.WriteAsync(new ExportChunk
        {
            Metadata = new ExportMetadata { FileName = export.FileName, ContentType = export.ContentType, SizeBytes = export.Content.Length },
        }, ct);
        for (var offset = 0; offset < export.Content.Length; offset += ChunkSize)
            await stream.WriteAsync(new ExportChunk
            {
                Data = ByteString.CopyFrom(export.Content, offset, Math.Min(ChunkSize, export.Content.Length - offset)),
            }, ct);
    }
}
