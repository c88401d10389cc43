using CoeInsights.Analytics;
using CoeInsights.Server.Auth;
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

    public override Task ExportEvaluationWorkbook(ExportEvaluationWorkbookRequest request, IServerStreamWriter<ExportChunk> responseStream, ServerCallContext context) =>
        Export(request, responseStream, context);

    public override Task ExportKpiDeck(ExportKpiDeckRequest request, IServerStreamWriter<ExportChunk> responseStream, ServerCallContext context) =>
        Export(request, responseStream, context);

    public override Task ExportSurveyWorkbook(ExportSurveyWorkbookRequest request, IServerStreamWriter<ExportChunk> responseStream, ServerCallContext context) =>
        Surveys.SurveyMapping.WithRequestFieldNames(async () => { await Export(request, responseStream, context); return true; });

    public override async Task<DownloadLink> CreateDownloadLink(CreateDownloadLinkRequest request, ServerCallContext context)
    {
        var v = new Validator()
            .Require(request.Kind != ExportKind.Unspecified, "kind", "must be EXPORT_KIND_EVALUATION_WORKBOOK, EXPORT_KIND_KPI_DECK or EXPORT_KIND_SURVEY_WORKBOOK")
            .Require(request.TtlSeconds is >= 0 and <= 86_400, "ttl_seconds", "must be between 1 and 86400 (0: the default, 900)");
        var export = ExportCatalogue.ForLink(request, v);
        v.ThrowIfInvalid();
        // Refuse now, not at download time, bad parameters or a link to something the caller cannot see (NOT_FOUND across tenants).
        await ExportCatalogue.Check(session, callerContext.Caller, export!, context.CancellationToken);
        var ttl = request.TtlSeconds == 0 ? DownloadLinks.DefaultLifetime : TimeSpan.FromSeconds(request.TtlSeconds);
        var (url, expires) = await links.Issue(callerContext.Caller, export!, ttl, context.CancellationToken);
        return new DownloadLink { Url = url, ExpireTime = Timestamp.FromDateTimeOffset(expires) };
    }

    private async Task Export(IMessage request, IServerStreamWriter<ExportChunk> responseStream, ServerCallContext context)
    {
        var export = await ExportCatalogue.Render(session, callerContext.Caller, request, clock.GetUtcNow(), context.CancellationToken);
        await Stream(export, responseStream, context.CancellationToken);
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
