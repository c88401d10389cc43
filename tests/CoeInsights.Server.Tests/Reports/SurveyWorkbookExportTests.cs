extern alias server;

using System.Net;
using DownloadLinkIssuer = server::CoeInsights.Server.Reports.DownloadLinkIssuer;
using ClosedXML.Excel;
using CoeInsights.Server.Tests.Surveys;
using CoeInsights.Testing;
using CoeInsights.V1;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using Grpc.Core;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Reports;

/// <summary>The survey workbook over a real channel, and signed download links for every export kind.</summary>
public sealed class SurveyWorkbookExportTests(TestServer server) : IClassFixture<TestServer>
{
    private const string HostileTitle = "=HYPERLINK(\"http://evil.example\",\"Open\")";
    private const string HostileComment = "@SUM(1+1)";
    private const string HostileDepartment = "+Sales";
    private const int Respondents = 12;

    /// <summary>A survey answered by 12 people (entered by the chair) in two departments: two importance ratings, NPS, a choice, free text.</summary>
    private async Task<string> AnsweredSurvey(string tenant)
    {
        var kit = new SurveyTestKit(server, tenant);
        var chair = await kit.Chair;
        var survey = await chair.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = HostileTitle, RequestId = "create",
            Evaluation = new SurveyEvaluationLink { EvaluationId = await kit.EvaluationWithCriteriaAsync("reach", "cost"), CriterionIds = { "reach", "cost" } },
            Audience = { new AudienceDepartment { Department = "Marketing", Invited = 10 }, new AudienceDepartment { Department = HostileDepartment, Invited = 10 } },
            Questions =
            {
                SurveyTestKit.Likert("imp_reach", "reach"), SurveyTestKit.Likert("imp_cost", "cost"),
                new V1.SurveyQuestion { QuestionId = "nps", Kind = QuestionKind.Nps, Text = "Would you recommend the CoE?" },
                new V1.SurveyQuestion { QuestionId = "tool", Kind = QuestionKind.SingleChoice, Options = { "hoot", "sprout" } },
                new V1.SurveyQuestion { QuestionId = "comment", Kind = QuestionKind.FreeText },
            },
        });
        for (var i = 0; i < Respondents; i++)
            await chair.SubmitResponseAsync(new SubmitResponseRequest
            {
                SurveyId = survey.SurveyId, RespondentId = $"person-{i}", Department = i % 2 == 0 ? "Marketing" : HostileDepartment, RequestId = $"r{i}",
                Answers =
                {
                    SurveyTestKit.Answer("imp_reach", 1 + i % 5), SurveyTestKit.Answer("imp_cost", 5 - i % 3),
                    new V1.SurveyAnswer { QuestionId = "nps", Nps = i % 11 },
                    new V1.SurveyAnswer { QuestionId = "tool", SingleChoice = i % 3 == 0 ? "sprout" : "hoot" },
                    new V1.SurveyAnswer { QuestionId = "comment", FreeText = i == 0 ? HostileComment : $"comment {i}" },
                },
            });
        return survey.SurveyId;
    }

    private async Task<ReportService.ReportServiceClient> Reports(string tenant, params Role[] roles) =>
        new(server.Channel(await server.CreateKeyAsync(tenant, roles)));

    private static Task<(ExportMetadata Metadata, byte[] Bytes)> Export(ReportService.ReportServiceClient client, string surveyId) =>
        ExportStream.ReadAsync(client.ExportSurveyWorkbook(new ExportSurveyWorkbookRequest { SurveyId = surveyId }));

    private static void AssertValid(byte[] bytes)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false);
        var errors = new OpenXmlValidator(FileFormatVersions.Office2016).Validate(document).Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();
        Assert.True(errors.Count == 0, string.Join('\n', errors.Take(10)));
    }

    [Fact]
    public async Task StreamsValidWorkbookWithResultsAndWeightsGivenSubmittedResponses()
    {
        var id = await AnsweredSurvey("survey-deck-a");
        var viewer = new SurveyService.SurveyServiceClient(server.Channel(await server.CreateKeyAsync("survey-deck-a", Role.Viewer)));
        var results = await viewer.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = id });
        var weights = await viewer.DeriveWeightsAsync(new DeriveWeightsRequest { SurveyId = id, Method = WeightDerivationMethod.ImportanceRatings });

        var (metadata, bytes) = await Export(await Reports("survey-deck-a", Role.Viewer), id);

        Assert.Equal(bytes.Length, metadata.SizeBytes);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", metadata.ContentType);
        Assert.Matches(@"^HYPERLINK--http---evil-example---Open-[0-9]{8}\.xlsx$", metadata.FileName);
        AssertValid(bytes);
        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        var overview = workbook.Worksheet("Overview");
        Assert.Equal((HostileTitle, XLDataType.Text), (overview.Cell(1, 1).GetString(), overview.Cell(1, 1).DataType));
        Assert.Equal(Respondents, overview.Cell(5, 1).GetDouble());
        Assert.Equal(Math.Round(results.Questions.Single(q => q.QuestionId == "nps").Nps.Score, 10), Math.Round(overview.Cell(9, 1).GetDouble(), 10));
        var derived = workbook.Worksheet("Weights").Table("WeightsImportance").DataRange.Rows()
            .Select(r => (r.Cell(1).GetString(), Math.Round(r.Cell(2).GetDouble(), 10))).ToList();
        Assert.Equal(weights.Weights.Select(w => (w.CriterionId, Math.Round(w.Weight, 10))).OrderByDescending(w => w.Item2).ThenBy(w => w.CriterionId, StringComparer.Ordinal), derived);
        Assert.Equal(Respondents * 4, workbook.Worksheet("FactAnswer").Table("FactAnswer").DataRange.RowCount()); // no free text for a viewer
        var cells = workbook.Worksheets.SelectMany(w => w.CellsUsed()).ToList();
        Assert.DoesNotContain(cells, c => c.HasFormula);
        Assert.Contains(cells, c => c.GetString() == HostileDepartment && c.DataType == XLDataType.Text);
    }

    private static string[] DimRespondentIds(XLWorkbook workbook) =>
        workbook.Worksheet("DimRespondent").Table("DimRespondent").DataRange.Rows().Select(r => r.Cell(1).GetString()).ToArray();

    /// <summary>Every XML part of the package as text: shared strings, sheets, tables, charts.</summary>
    private static string AllParts(byte[] bytes)
    {
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(bytes));
        return string.Concat(zip.Entries.Select(e =>
        {
            using var reader = new StreamReader(e.Open());
            return reader.ReadToEnd();
        }));
    }

    [Fact]
    public async Task PseudonymisesRespondentsAndLeavesFreeTextOutGivenViewerKey()
    {
        var id = await AnsweredSurvey("survey-privacy-a");

        var (_, bytes) = await Export(await Reports("survey-privacy-a", Role.Viewer), id);

        AssertValid(bytes);
        var xml = AllParts(bytes);
        Assert.DoesNotContain("person-", xml);
        Assert.DoesNotContain("comment 5", xml);
        Assert.DoesNotContain("SUM(1+1)", xml);
        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        Assert.Equal(Enumerable.Range(1, Respondents).Select(i => $"R{i:000}"), DimRespondentIds(workbook));
        var fact = workbook.Worksheet("FactAnswer").Table("FactAnswer").DataRange.Rows().ToList();
        Assert.Equal(Respondents * 4, fact.Count);
        Assert.All(fact, r => Assert.Matches("^R[0-9]{3}$", r.Cell(1).GetString()));
        Assert.Contains(workbook.Worksheet("Questions").CellsUsed(), c => c.GetString() == $"{Respondents} free-text answers: shown to committee and admin only.");
        Assert.StartsWith("Privacy: Respondents are pseudonymised", workbook.Worksheet("Methodology").Cell(3, 1).GetString());
    }

    [Fact]
    public async Task IncludesFreeTextUnderPseudonymsGivenCommitteeKey()
    {
        var id = await AnsweredSurvey("survey-privacy-b");

        var (_, bytes) = await Export(await Reports("survey-privacy-b", Role.Committee), id);

        AssertValid(bytes);
        Assert.DoesNotContain("person-", AllParts(bytes));
        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        Assert.Equal(Enumerable.Range(1, Respondents).Select(i => $"R{i:000}"), DimRespondentIds(workbook));
        var fact = workbook.Worksheet("FactAnswer").Table("FactAnswer").DataRange.Rows().ToList();
        Assert.Equal(Respondents * 5, fact.Count);
        // R001 is person-0 (first to answer), whose comment is the hostile one: written as text, never as a formula.
        var comment = fact.Single(r => r.Cell(1).GetString() == "R001" && r.Cell(2).GetString() == "comment").Cell(6);
        Assert.Equal((HostileComment, XLDataType.Text), (comment.GetString(), comment.DataType));
        var cells = workbook.Worksheets.SelectMany(w => w.CellsUsed()).ToList();
        Assert.DoesNotContain(cells, c => c.HasFormula);
        Assert.Contains(cells, c => c.GetString() == "comment 5" && c.Worksheet.Name == "Questions");
        Assert.Equal("Respondents are pseudonymised (R001, R002, …); free-text answers are included.", workbook.Worksheet("Overview").Cell(3, 1).GetString());
    }

    [Fact]
    public async Task IncludesRespondentIdsGivenCommitteeKeyAskingForThemOverStreamAndLink()
    {
        var id = await AnsweredSurvey("survey-privacy-c");
        var committee = await Reports("survey-privacy-c", Role.Committee);
        using var call = committee.ExportSurveyWorkbook(new ExportSurveyWorkbookRequest { SurveyId = id, IncludeRespondentIds = true });
        using var streamed = new MemoryStream();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
            if (chunk.PartCase == ExportChunk.PartOneofCase.Data) chunk.Data.WriteTo(streamed);
        var link = await committee.CreateDownloadLinkAsync(new CreateDownloadLinkRequest
        {
            Kind = ExportKind.SurveyWorkbook, SurveyWorkbook = new ExportSurveyWorkbookRequest { SurveyId = id, IncludeRespondentIds = true },
        });
        using var browser = new HttpClient();
        var downloaded = await browser.GetByteArrayAsync(link.Url);

        foreach (var bytes in new[] { streamed.ToArray(), downloaded })
        {
            AssertValid(bytes);
            using var workbook = new XLWorkbook(new MemoryStream(bytes));
            Assert.Equal(Enumerable.Range(0, Respondents).Select(i => $"person-{i}"), DimRespondentIds(workbook));
            var comment = workbook.Worksheet("FactAnswer").Table("FactAnswer").DataRange.Rows()
                .Single(r => r.Cell(1).GetString() == "person-0" && r.Cell(2).GetString() == "comment").Cell(6);
            Assert.Equal((HostileComment, XLDataType.Text), (comment.GetString(), comment.DataType));
            Assert.Equal("Respondents are identified by their real ids; free-text answers are included.", workbook.Worksheet("Overview").Cell(3, 1).GetString());
        }
    }

    [Fact]
    public async Task ReturnsPermissionDeniedGivenViewerOrEvaluatorAskingForRespondentIds()
    {
        var id = await AnsweredSurvey("survey-privacy-d");
        foreach (var role in new[] { Role.Viewer, Role.Evaluator })
        {
            var reports = await Reports("survey-privacy-d", role);

            var stream = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                using var call = reports.ExportSurveyWorkbook(new ExportSurveyWorkbookRequest { SurveyId = id, IncludeRespondentIds = true });
                await foreach (var _ in call.ResponseStream.ReadAllAsync()) { }
            });
            var link = await Assert.ThrowsAsync<RpcException>(() => reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest
            {
                Kind = ExportKind.SurveyWorkbook, SurveyWorkbook = new ExportSurveyWorkbookRequest { SurveyId = id, IncludeRespondentIds = true },
            }).ResponseAsync);

            Assert.Equal((StatusCode.PermissionDenied, StatusCode.PermissionDenied), (stream.StatusCode, link.StatusCode));
            Assert.Contains("include_respondent_ids", stream.Status.Detail); // our rule, not the key's roles
            Assert.Contains("include_respondent_ids", link.Status.Detail);
        }
    }

    [Fact]
    public async Task ReturnsNotFoundGivenOtherTenantsSurvey()
    {
        var id = await AnsweredSurvey("survey-deck-b");
        var outsider = await Reports("survey-deck-c", Role.Committee);

        var stream = await Assert.ThrowsAsync<RpcException>(() => Export(outsider, id));
        var link = await Assert.ThrowsAsync<RpcException>(() =>
            outsider.CreateDownloadLinkAsync(new CreateDownloadLinkRequest { Kind = ExportKind.SurveyWorkbook, ResourceId = id }).ResponseAsync);

        Assert.Equal((StatusCode.NotFound, StatusCode.NotFound), (stream.StatusCode, link.StatusCode));
    }

    [Fact]
    public async Task DownloadsSurveyWorkbookWithoutBearerGivenSignedLink()
    {
        var id = await AnsweredSurvey("survey-deck-d");
        var link = await (await Reports("survey-deck-d", Role.Viewer)).CreateDownloadLinkAsync(new CreateDownloadLinkRequest
        {
            Kind = ExportKind.SurveyWorkbook, SurveyWorkbook = new ExportSurveyWorkbookRequest { SurveyId = id, ConfidenceLevel = 0.9 },
        });
        using var browser = new HttpClient();

        using var response = await browser.GetAsync(link.Url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        AssertValid(bytes);
        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        Assert.Equal(Enumerable.Range(1, Respondents).Select(i => $"R{i:000}"), DimRespondentIds(workbook)); // the viewer's link: pseudonyms
        Assert.Equal("90% CI", workbook.Worksheet("Overview").Cell(9, 2).GetString()); // the link's parameters were used
    }

    [Fact]
    public async Task DownloadsKpiDeckWithItsParametersGivenSignedLink()
    {
        var start = new DateOnly(2026, 3, 2);
        var committee = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync("survey-deck-e", Role.Committee)));
        var ingest = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync("survey-deck-e", Role.Ingest)));
        var profile = await committee.RegisterProfileAsync(new RegisterProfileRequest
            { Network = Network.Linkedin, Handle = "acme", BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = "reg" });
        using (var call = ingest.RecordKpis())
        {
            await call.RequestStream.WriteAsync(new RecordKpisRequest
            {
                IdempotencyKey = "seed", Source = "test", SourceTimeZone = "UTC",
                Observations = { Enumerable.Range(0, 14).Select(d => new KpiObservation { ProfileId = profile.ProfileId, Date = D(start.AddDays(d)), Metric = "impressions", Value = 100 + d }) },
            });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            await call.RequestStream.CompleteAsync();
        }
        var link = await (await Reports("survey-deck-e", Role.Viewer)).CreateDownloadLinkAsync(new CreateDownloadLinkRequest
        {
            Kind = ExportKind.KpiDeck,
            KpiDeck = new ExportKpiDeckRequest { StartDate = D(start), EndDate = D(start.AddDays(13)), Metrics = { "impressions" }, Title = "Committee pack" },
        });
        using var browser = new HttpClient();

        using var response = await browser.GetAsync(link.Url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var workbook = new XLWorkbook(await response.Content.ReadAsStreamAsync());
        Assert.Equal("Committee pack", workbook.Worksheet("Dashboard").Cell(1, 1).GetString());
        Assert.Equal(14, workbook.Worksheet("FactKpi").Table("FactKpi").DataRange.RowCount());
    }

    [Fact]
    public async Task RefusesWithTheSamePageGivenTamperedLinkOfEveryKind() // expiry: ServerClockTests, on a fake clock
    {
        var id = await AnsweredSurvey("survey-deck-f");
        var reports = await Reports("survey-deck-f", Role.Viewer);
        var kpi = new ExportKpiDeckRequest { StartDate = D(new DateOnly(2026, 1, 1)), EndDate = D(new DateOnly(2026, 1, 31)) };
        var links = new List<DownloadLink>
        {
            await reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest { Kind = ExportKind.SurveyWorkbook, ResourceId = id }),
            await reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest { Kind = ExportKind.KpiDeck, KpiDeck = kpi }),
        };
        using var browser = new HttpClient();

        foreach (var good in links)
        {
            var token = good.Url[(good.Url.LastIndexOf('/') + 1)..];
            var payload = token[..token.IndexOf('.')];
            // Change one character of the signed payload (the kind, scope or parameters), keep the signature.
            var tampered = good.Url.Replace(payload, payload[..10] + (payload[10] == 'A' ? 'B' : 'A') + payload[11..]);
            using (var response = await browser.GetAsync(tampered))
            {
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Equal(DownloadLinkIssuer.RefusedPage, await response.Content.ReadAsStringAsync()); // the one page, nothing of the deck
            }
            using var ok = await browser.GetAsync(good.Url);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode); // the untouched link still works
        }
    }

    [Fact]
    public async Task RefusesWithTheSamePageGivenLinkWhoseKeyWasRevoked()
    {
        var id = await AnsweredSurvey("survey-deck-h");
        var admin = new AdminService.AdminServiceClient(server.Channel());
        var created = await admin.CreateApiKeyAsync(new CreateApiKeyRequest { TenantId = "survey-deck-h", DisplayName = "leaver", Roles = { Role.Committee } });
        var reports = new ReportService.ReportServiceClient(server.Channel(created.Secret));
        var link = await reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest
        {
            Kind = ExportKind.SurveyWorkbook, SurveyWorkbook = new ExportSurveyWorkbookRequest { SurveyId = id, IncludeRespondentIds = true },
        });
        using var browser = new HttpClient();
        using (var before = await browser.GetAsync(link.Url))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await admin.RevokeApiKeyAsync(new RevokeApiKeyRequest { TenantId = "survey-deck-h", KeyId = created.ApiKey.KeyId });

        using var after = await browser.GetAsync(link.Url);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        Assert.Equal(DownloadLinkIssuer.RefusedPage, await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ReturnsFieldViolationsGivenParametersNotMatchingKind()
    {
        var reports = await Reports("survey-deck-g", Role.Viewer);
        var someId = Guid.NewGuid().ToString();

        async Task<IEnumerable<string>> Fields(CreateDownloadLinkRequest r) =>
            Client.CoeErrors.FieldViolations(await Assert.ThrowsAsync<RpcException>(() => reports.CreateDownloadLinkAsync(r).ResponseAsync)).Select(v => v.Field);

        Assert.Equal(["kpi_deck"], await Fields(new CreateDownloadLinkRequest { Kind = ExportKind.SurveyWorkbook, KpiDeck = new ExportKpiDeckRequest() }));
        Assert.Equal(["kpi_deck"], await Fields(new CreateDownloadLinkRequest { Kind = ExportKind.KpiDeck }));
        Assert.Equal(["resource_id"], await Fields(new CreateDownloadLinkRequest
            { Kind = ExportKind.KpiDeck, ResourceId = someId, KpiDeck = new ExportKpiDeckRequest { StartDate = D(new DateOnly(2026, 1, 2)), EndDate = D(new DateOnly(2026, 1, 2)) } }));
        Assert.Equal(["kpi_deck.end_date"], await Fields(new CreateDownloadLinkRequest
            { Kind = ExportKind.KpiDeck, KpiDeck = new ExportKpiDeckRequest { StartDate = D(new DateOnly(2026, 1, 2)), EndDate = D(new DateOnly(2026, 1, 1)) } }));
        Assert.Equal(["kpi_deck.metrics[0]"], await Fields(new CreateDownloadLinkRequest
            { Kind = ExportKind.KpiDeck, KpiDeck = new ExportKpiDeckRequest { StartDate = D(new DateOnly(2026, 1, 1)), EndDate = D(new DateOnly(2026, 1, 1)), Metrics = { "vibes" } } }));
        Assert.Equal(["survey_workbook.survey_id"], await Fields(new CreateDownloadLinkRequest
            { Kind = ExportKind.SurveyWorkbook, ResourceId = someId, SurveyWorkbook = new ExportSurveyWorkbookRequest { SurveyId = Guid.NewGuid().ToString() } }));
        Assert.Equal(["resource_id"], await Fields(new CreateDownloadLinkRequest { Kind = ExportKind.EvaluationWorkbook }));
    }

    private static Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
}
