using System.Net;
using ClosedXML.Excel;
using CoeInsights.Server.Tests.Evaluations;
using CoeInsights.Testing;
using CoeInsights.V1;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using Grpc.Core;

namespace CoeInsights.Server.Tests.Reports;

/// <summary>The scored vendor workbook over a real channel: streamed, and downloaded through a signed link.</summary>
public sealed class ReportServiceTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<(EvaluationTestKit Kit, string Id)> ClosedEvaluation(string tenant)
    {
        var kit = new EvaluationTestKit(server, tenant);
        var e = await kit.CreateConfiguredAsync();
        await kit.ScoreAsync("e1", e.EvaluationId, 5);
        await kit.ScoreAsync("e2", e.EvaluationId, 4);
        await kit.ScoreAsync("e3", e.EvaluationId, 2);
        await (await kit.Chair).CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = e.EvaluationId });
        return (kit, e.EvaluationId);
    }

    private async Task<ReportService.ReportServiceClient> Reports(string tenant, string principal, params Role[] roles) =>
        new(server.Channel(await server.CreateKeyAsync(tenant, principal, roles)));

    private static Task<(ExportMetadata Metadata, byte[] Bytes)> Export(ReportService.ReportServiceClient client, string id) =>
        ExportStream.ReadAsync(client.ExportEvaluationWorkbook(new ExportEvaluationWorkbookRequest { EvaluationId = id }));

    [Fact]
    public async Task StreamsWorkbookSayingNoVendorIsRankedGivenEveryVendorRankedOut()
    {
        var kit = new EvaluationTestKit(server, "reports-knocked-out");
        var e = await kit.CreateConfiguredAsync();
        var chair = await kit.Chair;
        // A cost ceiling below every vendor's annual cost (9,000 … 18,000) ranks every vendor out.
        await chair.UpdateCriterionAsync(new UpdateCriterionRequest
        {
            EvaluationId = e.EvaluationId,
            Criterion = new Criterion
            {
                CriterionId = "annual-cost", Description = "Annual cost (EUR)", Category = "Cost",
                Direction = CriterionDirection.Cost, Source = CriterionSource.VendorFact, MustHaveThreshold = 1_000,
            },
        });
        await kit.ScoreAsync("e1", e.EvaluationId, 5);
        var scored = await chair.ScoreEvaluationAsync(new ScoreEvaluationRequest { EvaluationId = e.EvaluationId });

        var (_, bytes) = await Export(await Reports("reports-knocked-out", "chair2", Role.Committee), e.EvaluationId);

        Assert.Equal(3, scored.Result.Excluded.Count);
        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        Assert.Equal("none", workbook.Worksheet("Dashboard").Cell(5, 1).GetString());
        Assert.Contains(workbook.Worksheet("Ranking").CellsUsed(), c => c.GetString().StartsWith("No vendor is ranked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StreamsValidWorkbookWithEngineWinnerGivenClosedEvaluation()
    {
        var (kit, id) = await ClosedEvaluation("reports-a");
        var scored = await (await kit.Chair).ScoreEvaluationAsync(new ScoreEvaluationRequest
        {
            EvaluationId = id, Options = new ScoringOptions { Methods = { ScoringMethod.Wsm, ScoringMethod.Topsis } },
        });

        var (metadata, bytes) = await Export(await Reports("reports-a", "chair2", Role.Committee), id);

        Assert.Equal(bytes.Length, metadata.SizeBytes);
        Assert.EndsWith(".xlsx", metadata.FileName);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", metadata.ContentType);
        using (var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false))
            Assert.Empty(new OpenXmlValidator(FileFormatVersions.Office2016).Validate(document));
        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        var winner = scored.Result.Recommendation.WinnerId;
        Assert.Equal(winner.ToUpperInvariant(), workbook.Worksheet("Dashboard").Cell(5, 1).GetString()); // display names are upper-cased ids
        Assert.Equal(18, workbook.Worksheet("FactScore").Table("FactScore").DataRange.RowCount()); // 3 evaluators × 3 vendors × 2 criteria
        Assert.Contains(workbook.Worksheet("Audit trail").CellsUsed(), c => c.GetString() == "EvaluationClosed");
    }

    [Fact]
    public async Task ExportsOnlyOwnScoresGivenEvaluatorBeforeClose()
    {
        var kit = new EvaluationTestKit(server, "reports-b");
        var e = await kit.CreateConfiguredAsync();
        await kit.ScoreAsync("e1", e.EvaluationId, 5);
        await kit.ScoreAsync("e2", e.EvaluationId, 1);

        var (_, bytes) = await Export(await Reports("reports-b", "e1", Role.Evaluator), e.EvaluationId);

        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        var evaluators = workbook.Worksheet("FactScore").Table("FactScore").DataRange.Rows().Select(r => r.Cell(2).GetString()).Distinct();
        Assert.Equal(["e1"], evaluators);
    }

    [Fact]
    public async Task DownloadsWorkbookWithoutBearerGivenSignedLink()
    {
        var (_, id) = await ClosedEvaluation("reports-c");
        var link = await (await Reports("reports-c", "viewer", Role.Viewer)).CreateDownloadLinkAsync(new CreateDownloadLinkRequest
        {
            Kind = ExportKind.EvaluationWorkbook, ResourceId = id,
        });
        using var browser = new HttpClient();

        using var response = await browser.GetAsync(link.Url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".xlsx", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        using var workbook = new XLWorkbook(await response.Content.ReadAsStreamAsync());
        Assert.Equal(18, workbook.Worksheet("FactScore").Table("FactScore").DataRange.RowCount());
        Assert.InRange(link.ExpireTime.ToDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task RefusesWithTheSameShortPageGivenTamperedLink() // expiry: ServerClockTests, on a fake clock
    {
        var (_, id) = await ClosedEvaluation("reports-d");
        var reports = await Reports("reports-d", "viewer", Role.Viewer);
        var good = await reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest { Kind = ExportKind.EvaluationWorkbook, ResourceId = id });
        var last = good.Url[^1];
        var tampered = good.Url[..^1] + (last == 'A' ? 'B' : 'A');
        using var browser = new HttpClient();

        var pages = new List<string>();
        foreach (var url in new[] { tampered, good.Url.Replace("/downloads/", "/downloads/x") })
        {
            using var response = await browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            pages.Add(await response.Content.ReadAsStringAsync());
        }

        // One page for every reason (nothing tells a forged link from an expired one), saying what to do, naming nothing.
        Assert.Single(pages.Distinct());
        Assert.Contains("Ask whoever sent it for a new one", pages[0]);
        Assert.DoesNotContain(id, pages[0]);
    }

    [Fact]
    public async Task RefusesLinkGivenOtherTenantsEvaluation()
    {
        var (_, id) = await ClosedEvaluation("reports-e");
        var outsider = await Reports("reports-f", "viewer", Role.Viewer);

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            outsider.CreateDownloadLinkAsync(new CreateDownloadLinkRequest { Kind = ExportKind.EvaluationWorkbook, ResourceId = id }).ResponseAsync);
        var stream = await Assert.ThrowsAsync<RpcException>(() => Export(outsider, id));

        Assert.Equal((StatusCode.NotFound, StatusCode.NotFound), (e.StatusCode, stream.StatusCode));
    }

    [Fact]
    public async Task ReturnsFieldViolationGivenUnspecifiedKindAndLongTtl()
    {
        var reports = await Reports("reports-g", "viewer", Role.Viewer);

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest { ResourceId = Guid.NewGuid().ToString(), TtlSeconds = 100_000 }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(["kind", "ttl_seconds"], Client.CoeErrors.FieldViolations(e).Select(v => v.Field));
    }
}
