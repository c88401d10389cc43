using CoeInsights.Client;
using CoeInsights.Server.Tests.Evaluations;
using CoeInsights.Testing;
using CoeInsights.V1;
using Google.Rpc;
using Grpc.Core;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Reports;

/// <summary>
/// CreateDownloadLink refuses at creation whatever the export would refuse (docs/limits.md): an unknown kind, bad
/// parameters (named as fields of the request), a missing resource, and robustness options over the work budget.
/// </summary>
public sealed class DownloadLinkCheckTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<ReportService.ReportServiceClient> Reports(string tenant, string principal, params Role[] roles) =>
        new(server.Channel(await server.CreateKeyAsync(tenant, principal, roles)));

    private static async Task<RpcException> Refused(StatusCode code, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(code == e.StatusCode, $"expected {code}, got {e.StatusCode}: {e.Describe()}");
        return e;
    }

    [Fact]
    public async Task ReturnsInvalidArgumentNamingKindGivenUnknownKind()
    {
        var reports = await Reports("links-kind", "viewer", Role.Viewer);

        var e = await Refused(StatusCode.InvalidArgument, () =>
            reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest { Kind = (ExportKind)99, ResourceId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal(["kind"], e.FieldViolations().Select(v => v.Field));
    }

    [Fact]
    public async Task ReturnsInvalidArgumentNamingParameterGivenBadExportParameters()
    {
        var reports = await Reports("links-params", "viewer", Role.Viewer);
        var id = Guid.NewGuid().ToString();

        var evaluation = await Refused(StatusCode.InvalidArgument, () => reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest
        {
            Kind = ExportKind.EvaluationWorkbook, ResourceId = id,
            EvaluationWorkbook = new ExportEvaluationWorkbookRequest { Robustness = new RobustnessOptions { MonteCarloSamples = -1 } },
        }).ResponseAsync);
        var survey = await Refused(StatusCode.InvalidArgument, () => reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest
        {
            Kind = ExportKind.SurveyWorkbook, ResourceId = id,
            SurveyWorkbook = new ExportSurveyWorkbookRequest { ConfidenceLevel = 2, MaxConsistencyRatio = -0.1 },
        }).ResponseAsync);
        var deck = await Refused(StatusCode.InvalidArgument, () => reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest
        {
            Kind = ExportKind.KpiDeck,
            KpiDeck = new ExportKpiDeckRequest { StartDate = new Date { Year = 2025, Month = 2, Day = 1 }, EndDate = new Date { Year = 2025, Month = 1, Day = 1 } },
        }).ResponseAsync);

        Assert.Equal(["evaluation_workbook.robustness.monte_carlo_samples"], evaluation.FieldViolations().Select(v => v.Field));
        Assert.Equal(["survey_workbook.confidence_level", "survey_workbook.max_consistency_ratio"], survey.FieldViolations().Select(v => v.Field));
        Assert.Equal(["kpi_deck.end_date"], deck.FieldViolations().Select(v => v.Field));
    }

    [Fact]
    public async Task ReturnsNotFoundGivenMissingEvaluationOrSurvey()
    {
        var reports = await Reports("links-missing", "viewer", Role.Viewer);

        await Refused(StatusCode.NotFound, () => reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest
        {
            Kind = ExportKind.EvaluationWorkbook, ResourceId = Guid.NewGuid().ToString(),
        }).ResponseAsync);
        await Refused(StatusCode.NotFound, () => reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest
        {
            Kind = ExportKind.SurveyWorkbook, ResourceId = Guid.NewGuid().ToString(),
        }).ResponseAsync);
    }

    [Fact]
    public async Task ReturnsFailedPreconditionGivenLinkToWorkbookTheCallerCannotScoreYet()
    {
        // Open and unscored: the export would refuse (NO_VISIBLE_SCORES), so no link is issued that would only ever 403.
        var kit = new EvaluationTestKit(server, "links-unscored");
        var e = await kit.CreateConfiguredAsync();
        var reports = await Reports("links-unscored", "viewer", Role.Viewer);

        var refused = await Refused(StatusCode.FailedPrecondition, () => reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest
        {
            Kind = ExportKind.EvaluationWorkbook, ResourceId = e.EvaluationId,
        }).ResponseAsync);

        Assert.Equal("NO_VISIBLE_SCORES", refused.Reason());
    }

    [Fact]
    public async Task ReturnsResourceExhaustedGivenHeavyRobustnessOnLargeEvaluation()
    {
        // 66 vendors × 150 criteria (9,900 scores, under the 10,000 per submit): 10^6 Monte Carlo samples cost
        // 10^6·66·(150 + ⌈log₂ 66⌉) ≈ 1.04·10^10 work units, over the cap.
        var kit = new EvaluationTestKit(server, "links-heavy");
        var chair = await kit.Chair;
        var id = (await kit.CreateAsync()).EvaluationId;
        var criteria = Enumerable.Range(0, 150).Select(j => $"c{j}").ToArray();
        var vendors = Enumerable.Range(0, 66).Select(i => $"v{i}").ToArray();
        await chair.AddCriteriaAsync(new AddCriteriaRequest { EvaluationId = id, Criteria = { criteria.Select(c => new Criterion { CriterionId = c, Description = c }) } });
        await chair.AddVendorsAsync(new AddVendorsRequest { EvaluationId = id, Vendors = { vendors.Select(v => new Vendor { VendorId = v, DisplayName = v, Product = v }) } });
        await chair.InviteEvaluatorsAsync(new InviteEvaluatorsRequest { EvaluationId = id, Evaluators = { new Evaluator { EvaluatorId = "e1", Department = "Social" } } });
        await chair.SetWeightsAsync(new SetWeightsRequest { EvaluationId = id, Direct = new DirectWeights { Weights = { criteria.Select(c => EvaluationTestKit.W(c, 1)) } } });
        await (await kit.As("e1")).SubmitScoresAsync(new SubmitScoresRequest
        {
            EvaluationId = id, RequestId = Guid.NewGuid().ToString(),
            Scores = { vendors.SelectMany((v, i) => criteria.Select((c, j) => EvaluationTestKit.S(v, c, 1 + (i + j) % 5))) },
        });
        await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });
        var heavy = new RobustnessOptions { MonteCarloSamples = 1_000_000 };
        var reports = await Reports("links-heavy", "chair2", Role.Committee);

        var link = await Refused(StatusCode.ResourceExhausted, () => reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest
        {
            Kind = ExportKind.EvaluationWorkbook, ResourceId = id, EvaluationWorkbook = new ExportEvaluationWorkbookRequest { Robustness = heavy },
        }).ResponseAsync);
        var score = await Refused(StatusCode.ResourceExhausted, () => chair.ScoreEvaluationAsync(new ScoreEvaluationRequest { EvaluationId = id, Robustness = heavy }).ResponseAsync);
        var light = await reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest
        {
            Kind = ExportKind.EvaluationWorkbook, ResourceId = id,
            EvaluationWorkbook = new ExportEvaluationWorkbookRequest { Robustness = new RobustnessOptions { MonteCarloSamples = 1_000 } },
        });

        Assert.Equal(("WORK_BUDGET_EXCEEDED", "WORK_BUDGET_EXCEEDED"), (link.Reason(), score.Reason()));
        Assert.NotNull(link.GetRpcStatus()!.GetDetail<QuotaFailure>());
        Assert.Contains("/downloads/", light.Url);
    }
}
