using System.Net;
using System.Text.Json;
using CoeInsights.Testing;
using CoeInsights.V1;

namespace CoeInsights.Cli.Tests;

/// <summary>`coe reports …` against a real server and a closed evaluation.</summary>
public sealed class ReportCommandTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<(string ChairKey, string EvaluationId)> ClosedEvaluation()
    {
        var chairKey = await server.CreateKeyAsync("cli-reports", "chair", Role.Committee);
        var chair = new EvaluationService.EvaluationServiceClient(server.Channel(chairKey));
        var e = await chair.CreateEvaluationAsync(new CreateEvaluationRequest
        {
            Title = "CLI export", Scale = new ScoreScale { Min = 1, Max = 5 }, CommitteeMembers = { "m2" },
        });
        var id = e.EvaluationId;
        await chair.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = id,
            Criteria = { new Criterion { CriterionId = "analytics", Description = "Analytics" }, new Criterion { CriterionId = "publishing", Description = "Publishing" } },
        });
        await chair.AddVendorsAsync(new AddVendorsRequest
        {
            EvaluationId = id, Vendors = { new Vendor { VendorId = "a", DisplayName = "Alpha" }, new Vendor { VendorId = "b", DisplayName = "Beta" } },
        });
        await chair.InviteEvaluatorsAsync(new InviteEvaluatorsRequest { EvaluationId = id, Evaluators = { new Evaluator { EvaluatorId = "e1", Department = "Social" } } });
        await chair.SetWeightsAsync(new SetWeightsRequest
        {
            EvaluationId = id,
            Direct = new DirectWeights { Weights = { new CriterionWeight { CriterionId = "analytics", Weight = 0.6 }, new CriterionWeight { CriterionId = "publishing", Weight = 0.4 } } },
        });
        var e1 = new EvaluationService.EvaluationServiceClient(server.Channel(await server.CreateKeyAsync("cli-reports", "e1", Role.Evaluator)));
        await e1.SubmitScoresAsync(new SubmitScoresRequest
        {
            EvaluationId = id, RequestId = "s1",
            Scores =
            {
                new ScoreEntry { VendorId = "a", CriterionId = "analytics", Value = 5 }, new ScoreEntry { VendorId = "a", CriterionId = "publishing", Value = 3 },
                new ScoreEntry { VendorId = "b", CriterionId = "analytics", Value = 2 }, new ScoreEntry { VendorId = "b", CriterionId = "publishing", Value = 4 },
            },
        });
        await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });
        return (chairKey, id);
    }

    private async Task<(int Code, string Out, string Err)> Coe(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CoeCli.RunAsync([.. args, "--address", server.GrpcAddress.ToString()], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task SavesCompleteWorkbookGivenClosedEvaluation()
    {
        var (key, id) = await ClosedEvaluation();
        var path = Path.Combine(Path.GetTempPath(), $"coe-cli-{Guid.NewGuid():N}.xlsx");

        var (code, output, error) = await Coe("reports", "evaluation-workbook", id, "-f", path, "--key", key, "-o", "json");

        Assert.True(code == ExitCodes.Ok, error);
        var metadata = ExportMetadata.Parser.ParseJson(output);
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.Equal(metadata.SizeBytes, bytes.Length);
        Assert.Equal("PK"u8.ToArray(), bytes[..2]); // an .xlsx is a zip package
    }

    [Fact]
    public async Task PrintsWorkingBrowserLinkGivenClosedEvaluation()
    {
        var (key, id) = await ClosedEvaluation();

        var (code, output, error) = await Coe("reports", "link", id, "--key", key, "-o", "json");

        Assert.True(code == ExitCodes.Ok, error);
        var url = JsonDocument.Parse(output).RootElement.GetProperty("url").GetString()!;
        using var browser = new HttpClient();
        using var response = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PrintsUrlAloneOnItsFirstLineGivenTableOutput()
    {
        var (key, id) = await ClosedEvaluation();

        var (code, output, error) = await Coe("reports", "link", id, "--key", key);

        // Piped output is not a console: the long URL must not be wrapped at 80 columns.
        Assert.True(code == ExitCodes.Ok, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches("^http://[^ ]+/downloads/[^ ]+$", lines[0].TrimEnd('\r'));
        Assert.True(lines[0].Length > 80, $"{lines[0].Length} characters");
        Assert.StartsWith("(valid until ", lines[1]);
    }

    [Fact]
    public async Task PrintsWorkingKpiDeckLinkGivenKindAndRange()
    {
        var key = await server.CreateKeyAsync("cli-reports", "viewer", Role.Viewer);

        var (code, output, error) = await Coe("reports", "link", "--kind", "kpi-deck", "--from", "2026-01-01", "--to", "2026-01-31", "--key", key, "-o", "json");
        var (noRange, _, noRangeError) = await Coe("reports", "link", "--kind", "kpi-deck", "--key", key);

        Assert.True(code == ExitCodes.Ok, error);
        using var browser = new HttpClient();
        using var response = await browser.GetAsync(JsonDocument.Parse(output).RootElement.GetProperty("url").GetString()!);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("PK"u8.ToArray(), (await response.Content.ReadAsByteArrayAsync())[..2]);
        Assert.Equal(ExitCodes.Usage, noRange);
        Assert.Contains("--from and --to", noRangeError);
    }

    /// <summary>A survey with one NPS question answered by three people (entered by the chair).</summary>
    private async Task<(string Key, string SurveyId)> AnsweredSurvey()
    {
        var key = await server.CreateKeyAsync("cli-reports", "chair", Role.Committee);
        var surveys = new SurveyService.SurveyServiceClient(server.Channel(key));
        var survey = await surveys.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "CLI survey", Audience = { new AudienceDepartment { Department = "Social", Invited = 5 } },
            Questions = { new V1.SurveyQuestion { QuestionId = "nps", Kind = QuestionKind.Nps } },
        });
        for (var i = 0; i < 3; i++)
            await surveys.SubmitResponseAsync(new SubmitResponseRequest
            {
                SurveyId = survey.SurveyId, RespondentId = $"p{i}", Department = "Social", RequestId = $"r{i}",
                Answers = { new V1.SurveyAnswer { QuestionId = "nps", Nps = 8 + i } },
            });
        return (key, survey.SurveyId);
    }

    [Fact]
    public async Task SavesSurveyWorkbookAndPrintsItsLinkGivenAnsweredSurvey()
    {
        var (key, id) = await AnsweredSurvey();
        var path = Path.Combine(Path.GetTempPath(), $"coe-cli-{Guid.NewGuid():N}.xlsx");

        var (code, output, error) = await Coe("reports", "survey-workbook", id, "-f", path, "--key", key, "-o", "json");
        var (linkCode, linkOutput, linkError) = await Coe("reports", "link", id, "--kind", "survey-workbook", "--key", key, "-o", "json");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal(ExportMetadata.Parser.ParseJson(output).SizeBytes, new FileInfo(path).Length);
        Assert.True(linkCode == ExitCodes.Ok, linkError);
        using var browser = new HttpClient();
        using var response = await browser.GetAsync(JsonDocument.Parse(linkOutput).RootElement.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("PK"u8.ToArray(), (await response.Content.ReadAsByteArrayAsync())[..2]);
    }

    /// <summary>Every XML part of a saved .xlsx as text.</summary>
    private static string PackageText(byte[] bytes)
    {
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(bytes));
        return string.Concat(zip.Entries.Select(e =>
        {
            using var reader = new StreamReader(e.Open());
            return reader.ReadToEnd();
        }));
    }

    [Fact]
    public async Task SavesRespondentIdsOnlyGivenRespondentIdsFlagAndCommitteeKey()
    {
        var chairKey = await server.CreateKeyAsync("cli-reports-ids", "chair", Role.Committee);
        var viewerKey = await server.CreateKeyAsync("cli-reports-ids", "viewer", Role.Viewer);
        var surveys = new SurveyService.SurveyServiceClient(server.Channel(chairKey));
        var survey = await surveys.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "CLI ids", Audience = { new AudienceDepartment { Department = "Social", Invited = 5 } },
            Questions = { new V1.SurveyQuestion { QuestionId = "nps", Kind = QuestionKind.Nps } },
        });
        for (var i = 0; i < 3; i++)
            await surveys.SubmitResponseAsync(new SubmitResponseRequest
            {
                SurveyId = survey.SurveyId, RespondentId = $"cli-person-{i}", Department = "Social", RequestId = $"r{i}",
                Answers = { new V1.SurveyAnswer { QuestionId = "nps", Nps = 8 + i } },
            });
        string Path() => System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"coe-cli-{Guid.NewGuid():N}.xlsx");
        var (plain, named) = (Path(), Path());

        var (plainCode, _, plainError) = await Coe("reports", "survey-workbook", survey.SurveyId, "-f", plain, "--key", chairKey);
        var (namedCode, _, namedError) = await Coe("reports", "survey-workbook", survey.SurveyId, "-f", named, "--respondent-ids", "--key", chairKey);
        var (viewerCode, _, viewerError) = await Coe("reports", "survey-workbook", survey.SurveyId, "--respondent-ids", "--key", viewerKey);
        var (linkCode, linkOutput, linkError) = await Coe("reports", "link", survey.SurveyId, "--kind", "survey-workbook", "--respondent-ids", "--key", chairKey, "-o", "json");

        Assert.True(plainCode == ExitCodes.Ok, plainError);
        Assert.True(namedCode == ExitCodes.Ok, namedError);
        Assert.DoesNotContain("cli-person-", PackageText(await File.ReadAllBytesAsync(plain)));
        Assert.Contains("R003", PackageText(await File.ReadAllBytesAsync(plain)));
        Assert.Contains("cli-person-2", PackageText(await File.ReadAllBytesAsync(named)));
        Assert.Equal(ExitCodes.Auth, viewerCode);
        Assert.Contains("PermissionDenied", viewerError);
        Assert.True(linkCode == ExitCodes.Ok, linkError);
        using var browser = new HttpClient();
        var linked = await browser.GetByteArrayAsync(JsonDocument.Parse(linkOutput).RootElement.GetProperty("url").GetString());
        Assert.Contains("cli-person-2", PackageText(linked));
    }

    [Fact]
    public async Task ExitsRefusedGivenUnknownEvaluation()
    {
        var key = await server.CreateKeyAsync("cli-reports", "viewer", Role.Viewer);

        var (code, _, error) = await Coe("reports", "evaluation-workbook", Guid.NewGuid().ToString(), "--key", key);

        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("NotFound", error);
    }
}
