using CoeInsights.Testing;
using CoeInsights.V1;

namespace CoeInsights.Cli.Tests;

/// <summary>`coe surveys …` run as a process against a real server: YAML definition → responses CSV → results → weights.</summary>
public sealed class SurveyCommandTests(TestServer server) : IClassFixture<TestServer>
{
    private const string Tenant = "cli-surveys";

    private Task<(int Code, string Out, string Err)> Coe(string key, params string[] args) => CoeProcess.RunAsync(server.GrpcAddress, key, args);

    private static string Definition(string evaluationId) => $$"""
        # A survey linked to an evaluation: two importance ratings become its weights.
        title: What matters in a social suite
        audience:
          - department: Marketing
            invited: 10
          - department: Sales
            invited: 10
        questions:
          - question_id: imp-analytics
            kind: likert
            scale_points: 7
            criterion_id: analytics
            text: How important is analytics?
          - question_id: imp-publishing
            kind: likert
            scale_points: 7
            criterion_id: publishing
            text: How important is publishing?
          - question_id: nps
            kind: nps
            text: Would you recommend the current tool?
          - question_id: tool
            kind: single_choice
            text: Which tool do you use?
            options: [hoot, sprout]
          - question_id: ahp
            kind: pairwise
            text: Analytics compared with publishing
            options: [analytics, publishing]
          - question_id: notes
            kind: free_text
            text: Anything else?
        evaluation:
          evaluation_id: "{{evaluationId}}"
          criterion_ids: [analytics, publishing]
        """;

    private async Task<(string Chair, string EvaluationId, EvaluationService.EvaluationServiceClient Evaluations)> OpenEvaluation()
    {
        var chair = await server.CreateKeyAsync(Tenant, "chair", Role.Committee);
        var evaluations = new EvaluationService.EvaluationServiceClient(server.Channel(chair));
        var e = await evaluations.CreateEvaluationAsync(new CreateEvaluationRequest { Title = "Suite", Scale = new ScoreScale { Min = 1, Max = 5 }, RequestId = Guid.NewGuid().ToString() });
        await evaluations.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = e.EvaluationId,
            Criteria = { new Criterion { CriterionId = "analytics", Description = "Analytics" }, new Criterion { CriterionId = "publishing", Description = "Publishing" } },
        });
        return (chair, e.EvaluationId, evaluations);
    }

    private async Task<(string Chair, string SurveyId, string EvaluationId, EvaluationService.EvaluationServiceClient Evaluations)> PublishedSurvey()
    {
        var (chair, evaluationId, evaluations) = await OpenEvaluation();
        var created = await Coe(chair, "surveys", "create", CoeProcess.TempFile(Definition(evaluationId), "yaml"), "-o", "json");
        Assert.True(created.Code == ExitCodes.Ok, created.Err);
        return (chair, Survey.Parser.ParseJson(created.Out).SurveyId, evaluationId, evaluations);
    }

    [Fact]
    public async Task AppliesImportanceWeightsGivenYamlDefinitionAndResponsesCsv()
    {
        var (chair, surveyId, evaluationId, evaluations) = await PublishedSurvey();
        var responses = CoeProcess.TempFile("""
            respondent,department,imp-analytics,imp-publishing,nps,tool,ahp,notes
            p1,Marketing,7,4,10,hoot,3,"great, really"
            p2,Marketing,6,3,9,sprout,2,
            p3,Sales,7,5,3,hoot,1/2,
            p4,Sales,5,2,7,,4,
            """);

        var imported = await Coe(chair, "surveys", "import-responses", surveyId, responses);
        var again = await Coe(chair, "surveys", "import-responses", surveyId, responses, "-o", "json");
        var results = await Coe(chair, "surveys", "results", surveyId, "-o", "json");
        var table = await Coe(chair, "surveys", "results", surveyId);
        var derived = await Coe(chair, "surveys", "derive-weights", surveyId, "--method", "ImportanceRatings", "-o", "json");
        var applied = await Coe(chair, "surveys", "apply-weights", surveyId, "--method", "ImportanceRatings", "-o", "json");

        Assert.True(imported.Code == ExitCodes.Ok, imported.Err);
        Assert.Contains("imported 4 responses", imported.Out);
        Assert.True(again.Code == ExitCodes.Ok, again.Err);
        Assert.Equal(4, Survey.Parser.ParseJson(again.Out).Respondents); // re-running the same file stores nothing new
        Assert.True(results.Code == ExitCodes.Ok, results.Err);
        var r = SurveyResults.Parser.ParseJson(results.Out);
        Assert.Equal(4, r.Respondents);
        Assert.Equal(25, r.Questions.Single(q => q.QuestionId == "nps").Nps.Score, 9); // 2 promoters, 1 detractor of 4
        Assert.Equal(2, r.Questions.Single(q => q.QuestionId == "tool").Distribution.Single(d => d.Category == "hoot").Count);
        Assert.Equal(3, r.Questions.Single(q => q.QuestionId == "tool").Answered);
        Assert.Contains("nps", table.Out);
        Assert.True(derived.Code == ExitCodes.Ok, derived.Err);
        var weights = DerivedWeights.Parser.ParseJson(derived.Out).Weights.ToDictionary(w => w.CriterionId, w => w.Weight);
        Assert.Equal(1, weights.Values.Sum(), 12);
        Assert.True(weights["analytics"] > weights["publishing"]);
        Assert.True(applied.Code == ExitCodes.Ok, applied.Err);
        Assert.Equal(evaluationId, ApplySurveyWeightsResponse.Parser.ParseJson(applied.Out).EvaluationId);
        var stored = (await evaluations.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = evaluationId })).Weights;
        Assert.Equal((WeightSource.Survey, surveyId), (stored.Source, stored.Survey.SurveyId));
        Assert.Equal(weights["analytics"], stored.CriterionWeights.Single(w => w.CriterionId == "analytics").Weight, 12);
    }

    private const string BadResponses = """
        respondent,department,imp-analytics,nps,tool,ahp
        p1,Marketing,7,10,hoot,3
        p2,Marketing,high,9,sprout,2
        p3,Sales,7,3,teams,1/2
        p4,Sales,5,7,hoot,12
        p5,Sales,4,6,,1
        """;

    [Fact]
    public async Task StoresNothingGivenResponsesCsvWithWrongTypeAndUnknownOption()
    {
        var (chair, surveyId, _, _) = await PublishedSurvey();

        var (code, _, error) = await Coe(chair, "surveys", "import-responses", surveyId, CoeProcess.TempFile(BadResponses));
        var shown = await Coe(chair, "surveys", "show", surveyId, "-o", "json");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("line 3: column 'imp-analytics': 'high' is not a number", error);
        Assert.Contains("line 4: column 'tool': 'teams' is not an option", error);
        Assert.Contains("line 5: column 'ahp': '12' is not a judgement", error);
        Assert.Equal(0, Survey.Parser.ParseJson(shown.Out).Respondents);
    }

    [Fact]
    public async Task StoresGoodResponsesAndReportsSkippedGivenContinueOnError()
    {
        var (chair, surveyId, _, _) = await PublishedSurvey();

        var (code, output, error) = await Coe(chair, "surveys", "import-responses", surveyId, CoeProcess.TempFile(BadResponses), "--continue-on-error", "-o", "json");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("skipped 3 row(s)", error);
        Assert.Equal(2, Survey.Parser.ParseJson(output).Respondents);
    }

    [Fact]
    public async Task ExitsUsageNamingHeaderGivenResponsesCsvWithoutRespondentColumn()
    {
        var (chair, surveyId, _, _) = await PublishedSurvey();

        var (code, _, error) = await Coe(chair, "surveys", "import-responses", surveyId, CoeProcess.TempFile("department,nps\nSales,9\n"));

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("line 1: column 'respondent': missing column", error);
    }

    [Fact]
    public async Task PublishesSurveyGivenJsonDefinition()
    {
        var chair = await server.CreateKeyAsync(Tenant, "chair", Role.Committee);
        var json = CoeProcess.TempFile("""
            {"title": "Pulse", "audience": [{"department": "Sales", "invited": 3}],
             "questions": [{"questionId": "nps", "kind": "nps", "text": "Recommend?"},
                           {"question_id": "pick", "kind": "QUESTION_KIND_RANKING", "text": "Order", "options": ["a", "b", "c"]}]}
            """, "json");

        var (code, output, error) = await Coe(chair, "surveys", "create", json, "-o", "json");

        Assert.True(code == ExitCodes.Ok, error);
        var survey = Survey.Parser.ParseJson(output);
        Assert.Equal([QuestionKind.Nps, QuestionKind.Ranking], survey.Questions.Select(q => q.Kind));
    }

    [Fact]
    public async Task ExitsUsageNamingFileGivenDefinitionWithUnknownKind()
    {
        var chair = await server.CreateKeyAsync(Tenant, "chair", Role.Committee);
        var yaml = CoeProcess.TempFile("title: Pulse\nquestions:\n  - question_id: q\n    kind: telepathy\n    text: Hm?\n", "yml");

        var (code, _, error) = await Coe(chair, "surveys", "create", yaml);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(Path.GetFileName(yaml), error);
    }
}
