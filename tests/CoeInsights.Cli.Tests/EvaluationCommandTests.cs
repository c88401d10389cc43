using CoeInsights.Testing;
using CoeInsights.V1;

namespace CoeInsights.Cli.Tests;

/// <summary>`coe evaluations …` run as a process against a real server: the whole workflow from CSV files, and bad CSVs.</summary>
public sealed class EvaluationCommandTests(TestServer server) : IClassFixture<TestServer>
{
    private Task<(int Code, string Out, string Err)> Coe(string key, params string[] args) => CoeProcess.RunAsync(server.GrpcAddress, key, args);

    [Fact]
    public async Task ApprovesRecommendationGivenWorkflowFromCsvFiles()
    {
        var chair = await server.CreateKeyAsync("cli-evals", "chair", Role.Committee);
        var e1 = await server.CreateKeyAsync("cli-evals", "e1", Role.Evaluator);
        var e2 = await server.CreateKeyAsync("cli-evals", "e2", Role.Evaluator);
        var criteria = CoeProcess.TempFile("criterion,description,direction,source\nanalytics,Analytics depth,benefit,scores\npublishing,Publishing,benefit,scores\nannual_cost,Annual cost,cost,fact\n");
        var vendors = CoeProcess.TempFile("vendor,name,product,annual_cost\na,Alpha,Alpha Suite,10000\nb,Beta,Beta Cloud,20000\n");
        var e1Scores = CoeProcess.TempFile("vendor,criterion,score,comment\na,analytics,5,strong\na,publishing,4,\nb,analytics,2,\nb,publishing,3,\n");
        var e2Scores = CoeProcess.TempFile("vendor,criterion,score\na,analytics,5\na,publishing,4\nb,analytics,3\nb,publishing,2\n");

        var created = await Coe(chair, "evaluations", "create", "--title", "Social suite", "--scale-min", "1", "--scale-max", "5", "-o", "json");
        Assert.True(created.Code == ExitCodes.Ok, created.Err);
        var id = Evaluation.Parser.ParseJson(created.Out).EvaluationId;
        var steps = new[]
        {
            await Coe(chair, "evaluations", "add-criteria", id, criteria),
            await Coe(chair, "evaluations", "add-vendors", id, vendors),
            await Coe(chair, "evaluations", "invite", id, "--evaluator", "e1:Social", "--evaluator", "e2:Marketing"),
            await Coe(chair, "evaluations", "set-weights", id, "--weight", "analytics=0.5", "--weight", "publishing=0.3", "--weight", "annual_cost=0.2"),
            await Coe(e1, "evaluations", "submit-scores", id, e1Scores),
            await Coe(e2, "evaluations", "submit-scores", id, e2Scores),
            await Coe(chair, "evaluations", "close", id),
        };
        foreach (var step in steps) Assert.True(step.Code == ExitCodes.Ok, step.Err);
        var scored = await Coe(chair, "evaluations", "score", id, "--method", "Topsis", "--monte-carlo", "500", "--seed", "7", "-o", "json");
        var table = await Coe(chair, "evaluations", "score", id);
        var proposed = await Coe(chair, "evaluations", "propose", id, "--vendor", "a", "--rationale", "best on every criterion");
        var approved = await Coe(chair, "evaluations", "approve", id, "--comment", "agreed", "-o", "json");
        var history = await Coe(chair, "evaluations", "history", id, "-o", "json");
        var shown = await Coe(chair, "evaluations", "show", id);
        var workbookPath = Path.Combine(Path.GetTempPath(), $"coe-cli-{Guid.NewGuid():N}.xlsx");
        var workbook = await Coe(chair, "reports", "evaluation-workbook", id, "-f", workbookPath);

        Assert.True(scored.Code == ExitCodes.Ok, scored.Err);
        var response = ScoreEvaluationResponse.Parser.ParseJson(scored.Out);
        Assert.Equal(8, response.ScoresUsed);
        Assert.Equal("a", response.Result.Recommendation.WinnerId);
        Assert.Contains("recommendation: a", table.Out);
        Assert.Equal((ExitCodes.Ok, ExitCodes.Ok), (proposed.Code, approved.Code));
        var final = Evaluation.Parser.ParseJson(approved.Out);
        Assert.Equal((EvaluationState.Approved, "a"), (final.State, final.ApprovedVendorId));
        Assert.Equal(20000, final.Vendors.Single(v => v.VendorId == "b").Facts.Single().Value);
        Assert.Equal("strong", final.Scores.Single(s => s.EvaluatorId == "e1" && s.VendorId == "a" && s.CriterionId == "analytics").Comment);
        Assert.True(history.Code == ExitCodes.Ok, history.Err);
        var events = EvaluationHistory.Parser.ParseJson(history.Out).Events.Select(e => e.EventType).ToList();
        Assert.Contains("ScoresSubmitted", events);
        Assert.Equal("RecommendationApproved", events[^1]);
        Assert.Contains("annual_cost", shown.Out);
        Assert.True(workbook.Code == ExitCodes.Ok, workbook.Err);
        Assert.Contains("saved ", workbook.Out);
        using var xlsx = new ClosedXML.Excel.XLWorkbook(workbookPath);
        Assert.Contains(xlsx.Worksheets, sheet => sheet.CellsUsed().Any(c => c.GetString() == "Alpha"));
    }

    /// <summary>An open evaluation with criteria analytics, publishing and vendors a, b; e1 invited.</summary>
    private async Task<(string Chair, string Evaluator, string Id, EvaluationService.EvaluationServiceClient Reader)> OpenEvaluation()
    {
        var chairKey = await server.CreateKeyAsync("cli-evals-bad", "chair", Role.Committee);
        var chair = new EvaluationService.EvaluationServiceClient(server.Channel(chairKey));
        var e = await chair.CreateEvaluationAsync(new CreateEvaluationRequest { Title = "Bad CSV", Scale = new ScoreScale { Min = 1, Max = 5 }, RequestId = Guid.NewGuid().ToString() });
        await chair.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = e.EvaluationId, Criteria = { new Criterion { CriterionId = "analytics", Description = "Analytics" }, new Criterion { CriterionId = "publishing", Description = "Publishing" } },
        });
        await chair.AddVendorsAsync(new AddVendorsRequest { EvaluationId = e.EvaluationId, Vendors = { new Vendor { VendorId = "a", DisplayName = "Alpha" }, new Vendor { VendorId = "b", DisplayName = "Beta" } } });
        await chair.InviteEvaluatorsAsync(new InviteEvaluatorsRequest { EvaluationId = e.EvaluationId, Evaluators = { new Evaluator { EvaluatorId = "e1", Department = "Social" } } });
        return (chairKey, await server.CreateKeyAsync("cli-evals-bad", "e1", Role.Evaluator), e.EvaluationId, chair);
    }

    [Fact]
    public async Task StoresNothingGivenScoresCsvWithoutScoreColumn()
    {
        var (_, evaluator, id, reader) = await OpenEvaluation();

        var (code, _, error) = await Coe(evaluator, "evaluations", "submit-scores", id, CoeProcess.TempFile("vendor,criterion\na,analytics\n"));

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("line 1: column 'score': missing column", error);
        Assert.Empty((await reader.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).Scores);
    }

    [Fact]
    public async Task StoresNothingGivenScoresCsvWithWrongTypeAndUnknownVendor()
    {
        var (_, evaluator, id, reader) = await OpenEvaluation();
        var csv = CoeProcess.TempFile("vendor,criterion,score\na,analytics,4\na,publishing,four\nzeta,analytics,3\nb,analytics,9\nb,publishing,2\n");

        var (code, _, error) = await Coe(evaluator, "evaluations", "submit-scores", id, csv);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("line 3: column 'score': 'four' is not a number", error);
        Assert.Contains("line 4: column 'vendor': unknown vendor 'zeta'", error);
        Assert.Contains("line 5: column 'score': 9 is outside the scale 1–5", error);
        Assert.Contains("nothing was sent", error);
        Assert.Empty((await reader.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).Scores);
    }

    [Fact]
    public async Task StoresGoodRowsAndReportsSkippedGivenContinueOnError()
    {
        var (_, evaluator, id, reader) = await OpenEvaluation();
        var csv = CoeProcess.TempFile("vendor,criterion,score\na,analytics,4\na,publishing,four\nzeta,analytics,3\nb,publishing,2\n");

        var (code, output, error) = await Coe(evaluator, "evaluations", "submit-scores", id, csv, "--continue-on-error", "-o", "json");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("skipped 2 row(s)", error);
        Assert.Contains("line 3: column 'score'", error);
        Assert.Contains("line 4: column 'vendor'", error);
        Evaluation.Parser.ParseJson(output); // stdout stays pure JSON
        var stored = (await reader.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).Scores
            .Select(s => (s.VendorId, s.CriterionId, s.Value)).OrderBy(s => s).ToList();
        Assert.Equal([("a", "analytics", 4.0), ("b", "publishing", 2.0)], stored);
    }

    [Fact]
    public async Task ExitsRefusedWithFieldViolationGivenCloseOfIncompleteEvaluation()
    {
        var (chair, _, id, _) = await OpenEvaluation();

        var (code, _, error) = await Coe(chair, "evaluations", "close", id);

        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("FailedPrecondition", error);
    }
}
