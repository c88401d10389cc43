extern alias server;
using System.Net;
using System.Text;
using System.Text.Json;
using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using server::CoeInsights.Server.Validation;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests;

/// <summary>
/// Text is refused at the door, on both ports and on streams: characters XML cannot carry and text over a
/// field's cap give INVALID_ARGUMENT naming the field by its proto path, and nothing is stored.
/// </summary>
public sealed class RequestTextTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<(string Key, EvaluationService.EvaluationServiceClient Client)> Committee(string tenant)
    {
        var key = await server.CreateKeyAsync(tenant, "chair", Role.Committee);
        return (key, new EvaluationService.EvaluationServiceClient(server.Channel(key)));
    }

    /// <summary>(events, streams) of the tenant, as GetServerInfo counts them.</summary>
    private async Task<(long Events, long Streams)> StoreCounts(string key)
    {
        var info = await new ServerInfoService.ServerInfoServiceClient(server.Channel(key)).GetServerInfoAsync(new GetServerInfoRequest());
        return (info.EventCount, info.StreamCount);
    }

    private static CreateEvaluationRequest Evaluation(string title, string purpose = "Pick a suite") => new()
    {
        Title = title, Purpose = purpose, Scale = new ScoreScale { Min = 1, Max = 5 },
    };

    [Theory]
    [InlineData("\u0000")]
    [InlineData("\u0001")]
    [InlineData("\u001F")]
    [InlineData("\uFFFE")]
    [InlineData("\uFFFF")]
    public async Task ReturnsInvalidArgumentNamingTitleGivenIllegalCharacterInTitle(string bad)
    {
        var (key, client) = await Committee("text-title");
        var before = await StoreCounts(key);

        var e = await Assert.ThrowsAsync<RpcException>(() => client.CreateEvaluationAsync(Evaluation($"Suite {bad} 2027")).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("INVALID_ARGUMENT", e.Reason());
        var violation = Assert.Single(e.FieldViolations());
        Assert.Equal("title", violation.Field);
        Assert.Contains($"U+{(int)bad[0]:X4}", violation.Description);
        Assert.Equal(before, await StoreCounts(key));
    }

    [Fact]
    public async Task AcceptsTabNewlinesAndSupplementaryCharactersGivenTitle()
    {
        var (_, client) = await Committee("text-ok");
        const string title = "Suite\t2027\r\nshort-list 😀 ünï \uFFFD";

        var created = await client.CreateEvaluationAsync(Evaluation(title));

        Assert.Equal(title, created.Title);
    }

    [Fact]
    public async Task ReturnsInvalidArgumentNamingNestedFieldGivenNulInSecondCriterion()
    {
        var (key, client) = await Committee("text-criteria");
        var evaluation = await client.CreateEvaluationAsync(Evaluation("Criteria test"));
        var before = await StoreCounts(key);

        var e = await Assert.ThrowsAsync<RpcException>(() => client.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = evaluation.EvaluationId,
            Criteria =
            {
                new Criterion { CriterionId = "reach", Description = "Reach", Category = "Audience" },
                new Criterion { CriterionId = "cost", Description = "Cost\0", Category = "Cost\u0002" },
            },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(["criteria[1].description", "criteria[1].category"], e.FieldViolations().Select(v => v.Field));
        Assert.Equal(before, await StoreCounts(key));
    }

    private static CreateSurveyRequest Survey(string title) => new()
    {
        Title = title,
        Audience = { new AudienceDepartment { Department = "Marketing", Invited = 5 } },
        Questions = { new V1.SurveyQuestion { QuestionId = "comment", Kind = QuestionKind.FreeText, Text = "Anything else?" } },
    };

    private async Task<(string Key, SurveyService.SurveyServiceClient Client)> SurveyChair(string tenant)
    {
        var key = await server.CreateKeyAsync(tenant, "chair", Role.Committee, Role.Evaluator);
        return (key, new SurveyService.SurveyServiceClient(server.Channel(key)));
    }

    /// <summary>A viewer's report client in a tenant with one profile and a day of impressions (so a deck has something to show).</summary>
    private async Task<(string Key, ReportService.ReportServiceClient Client)> Reports(string tenant)
    {
        var committee = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Committee)));
        var ingest = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Ingest)));
        var profile = await committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = "acme", BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = "reg",
        });
        using (var call = ingest.RecordKpis())
        {
            await call.RequestStream.WriteAsync(new RecordKpisRequest
            {
                IdempotencyKey = "seed", Source = "test", SourceTimeZone = "UTC",
                Observations = { new KpiObservation { ProfileId = profile.ProfileId, Date = Day, Metric = "impressions", Value = 10 } },
            });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            await call.RequestStream.CompleteAsync();
        }
        var key = await server.CreateKeyAsync(tenant, Role.Viewer);
        return (key, new ReportService.ReportServiceClient(server.Channel(key)));
    }

    private static readonly Date Day = new() { Year = 2026, Month = 3, Day = 2 };

    private static async Task<byte[]> Deck(ReportService.ReportServiceClient client, string title)
    {
        using var call = client.ExportKpiDeck(new ExportKpiDeckRequest { StartDate = Day, EndDate = Day, Title = title });
        using var bytes = new MemoryStream();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
            if (chunk.PartCase == ExportChunk.PartOneofCase.Data) chunk.Data.WriteTo(bytes);
        return bytes.ToArray();
    }

    [Fact]
    public async Task ReturnsInvalidArgumentGivenDeckTitleOneOverCap()
    {
        var (key, client) = await Reports("text-cap");
        var atCap = await Deck(client, new string('t', RequestText.MaxShortLength));
        var before = await StoreCounts(key);

        var e = await Assert.ThrowsAsync<RpcException>(() => Deck(client, new string('t', RequestText.MaxShortLength + 1)));

        Assert.Equal(new string('t', RequestText.MaxShortLength), DashboardTitle(atCap)); // all of it, not cut
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var violation = Assert.Single(e.FieldViolations());
        Assert.Equal("title", violation.Field);
        Assert.Contains("1,001 characters", violation.Description);
        Assert.Equal(before, await StoreCounts(key));
    }

    [Fact]
    public async Task CountsSurrogatePairAsOneCharacterGivenEmojiDeckTitleAtCap()
    {
        var (_, client) = await Reports("text-emoji");
        var title = string.Concat(Enumerable.Repeat("😀", RequestText.MaxShortLength)); // 2,000 UTF-16 code units

        var deck = await Deck(client, title);
        var e = await Assert.ThrowsAsync<RpcException>(() => Deck(client, title + "😀"));

        Assert.Equal(title, DashboardTitle(deck)); // every pair kept whole
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("1,001 characters", Assert.Single(e.FieldViolations()).Description); // characters, not code units
    }

    private static string DashboardTitle(byte[] deck)
    {
        using var workbook = new ClosedXML.Excel.XLWorkbook(new MemoryStream(deck));
        return workbook.Worksheet("Dashboard").Cell(1, 1).GetString();
    }

    [Fact]
    public async Task AllowsLongTextCapGivenFreeTextAnswerButNotOneMore()
    {
        var (key, client) = await SurveyChair("text-long");
        var survey = await client.CreateSurveyAsync(Survey("Long answers"));
        SubmitResponseRequest Response(string respondent, int length) => new()
        {
            SurveyId = survey.SurveyId, RespondentId = respondent, Department = "Marketing", RequestId = respondent,
            Answers = { new V1.SurveyAnswer { QuestionId = "comment", FreeText = new string('a', length) } },
        };
        await client.SubmitResponseAsync(Response("p1", RequestText.MaxLongLength));
        var before = await StoreCounts(key);

        var e = await Assert.ThrowsAsync<RpcException>(() => client.SubmitResponseAsync(Response("p2", RequestText.MaxLongLength + 1)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("answers[0].free_text", Assert.Single(e.FieldViolations()).Field);
        Assert.Equal(before, await StoreCounts(key));
    }

    private static async Task<(HttpStatusCode Status, string[] Fields, string Body)> PostJson(HttpClient http, string path, string json)
    {
        using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        using var body = JsonDocument.Parse(text);
        var fields = body.RootElement.TryGetProperty("details", out var details)
            ? details.EnumerateArray()
                .Where(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest")
                .SelectMany(d => d.GetProperty("fieldViolations").EnumerateArray().Select(v => v.GetProperty("field").GetString()!)).ToArray()
            : [];
        return (response.StatusCode, fields, text);
    }

    [Theory]
    [InlineData("\\u0000")]
    [InlineData("\\u0007")]
    [InlineData("\\uFFFE")]
    public async Task ReturnsBadRequestNamingTitleOnJsonPortGivenEscapedIllegalCharacter(string escaped)
    {
        var (key, _) = await Committee("text-json");
        using var http = server.Http(key);
        var before = await StoreCounts(key);

        var (status, fields, _) = await PostJson(http, "/v1/evaluations",
            $$$"""{"title": "Suite {{{escaped}}} 2027", "purpose": "p", "scale": {"min": 1, "max": 5}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["title"], fields);
        Assert.Equal(before, await StoreCounts(key));
    }

    [Fact]
    public async Task ReturnsBadRequestOnJsonPortGivenLoneSurrogateEscape()
    {
        var (key, _) = await Committee("text-json-surrogate");
        using var http = server.Http(key);
        var before = await StoreCounts(key);

        // The JSON reader refuses a lone surrogate before any message exists: the string never reaches the service.
        var (status, _, _) = await PostJson(http, "/v1/evaluations",
            $$$"""{"title": "Suite \uD800 2027", "purpose": "p", "scale": {"min": 1, "max": 5}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(before, await StoreCounts(key));
    }

    [Fact]
    public async Task ReturnsBadRequestOnJsonPortGivenThreeMegabyteSurveyTitle()
    {
        var (key, _) = await SurveyChair("text-json-big");
        using var http = server.Http(key);
        var before = await StoreCounts(key);

        var (status, fields, body) = await PostJson(http, "/v1/surveys",
            $$$"""{"title": "{{{new string('t', 3_000_000)}}}", "audience": [{"department": "Marketing", "invited": 5}], "questions": [{"questionId": "c", "kind": "QUESTION_KIND_FREE_TEXT"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["title"], fields);
        Assert.Contains("is 3,000,000 characters long", body);
        Assert.Equal(before, await StoreCounts(key));
    }

    [Fact]
    public async Task ReturnsInvalidArgumentNamingAnswerGivenControlCharacterInFreeText()
    {
        var chair = new SurveyService.SurveyServiceClient(server.Channel(await server.CreateKeyAsync("text-survey", "chair", Role.Committee, Role.Evaluator)));
        var key = await server.CreateKeyAsync("text-survey", Role.Viewer);
        var survey = await chair.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "Pulse", RequestId = "create",
            Audience = { new AudienceDepartment { Department = "Marketing", Invited = 5 } },
            Questions = { new V1.SurveyQuestion { QuestionId = "comment", Kind = QuestionKind.FreeText, Text = "Anything else?" } },
        });
        var before = await StoreCounts(key);

        var audience = await Assert.ThrowsAsync<RpcException>(() => chair.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "Pulse 2", RequestId = "create-2",
            Audience = { new AudienceDepartment { Department = "Marketing", Invited = 5 }, new AudienceDepartment { Department = "Sales\u0001", Invited = 5 } },
            Questions = { new V1.SurveyQuestion { QuestionId = "comment", Kind = QuestionKind.FreeText } },
        }).ResponseAsync);
        var answer = await Assert.ThrowsAsync<RpcException>(() => chair.SubmitResponseAsync(new SubmitResponseRequest
        {
            SurveyId = survey.SurveyId, RespondentId = "p1", Department = "Marketing", RequestId = "r1",
            Answers = { new V1.SurveyAnswer { QuestionId = "comment", FreeText = "fine\uFFFF" } },
        }).ResponseAsync);

        Assert.Equal((StatusCode.InvalidArgument, "audience[1].department"), (audience.StatusCode, Assert.Single(audience.FieldViolations()).Field));
        Assert.Equal((StatusCode.InvalidArgument, "answers[0].free_text"), (answer.StatusCode, Assert.Single(answer.FieldViolations()).Field));
        Assert.Equal(before, await StoreCounts(key));
    }

    [Fact]
    public async Task StoresEarlierBatchesAndRefusesBatchGivenNulInStreamedMetric()
    {
        const string tenant = "text-stream";
        var committee = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Committee)));
        var ingestKey = await server.CreateKeyAsync(tenant, Role.Ingest, Role.Viewer);
        var ingest = new KpiService.KpiServiceClient(server.Channel(ingestKey));
        var profile = await committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = "acme", BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = "reg",
        });
        KpiObservation Observation(string metric) => new() { ProfileId = profile.ProfileId, Date = new Date { Year = 2026, Month = 3, Day = 2 }, Metric = metric, Value = 1 };
        var before = await StoreCounts(ingestKey);

        using var call = ingest.RecordKpis();
        await call.RequestStream.WriteAsync(new RecordKpisRequest { IdempotencyKey = "good", Source = "test", SourceTimeZone = "UTC", Observations = { Observation("impressions") } });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        await call.RequestStream.WriteAsync(new RecordKpisRequest
        {
            IdempotencyKey = "bad", Source = "test", SourceTimeZone = "UTC", Observations = { Observation("impressions"), Observation("engage\0ments") },
        });
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("batches[1].observations[1].metric", Assert.Single(e.FieldViolations()).Field);
        var after = await StoreCounts(ingestKey);
        // The good batch only: one event in one new batch stream.
        Assert.Equal((before.Events + 1, before.Streams + 1), after);
    }

    [Fact]
    public void NamesMapKeyAndValueGivenIllegalCharactersInStruct()
    {
        var message = new Struct
        {
            Fields =
            {
                ["ok"] = Value.ForString("fine"),
                ["bad\u0001key"] = Value.ForString("fine"),
                ["nested"] = Value.ForList(Value.ForString("x"), Value.ForString("y\u0000")),
            },
        };

        var fields = RequestText.Check(message).Select(v => v.Field).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["fields[\"bad\\u0001key\"] (key)", "fields[\"nested\"].list_value.values[1].string_value"], fields);
    }

    [Fact]
    public void ReportsNothingGivenCleanNestedRequest()
    {
        var request = new AddCriteriaRequest
        {
            EvaluationId = Guid.NewGuid().ToString(),
            Criteria = { new Criterion { CriterionId = "reach", Description = "Reach\tand\nfrequency 😀" } },
        };

        Assert.Empty(RequestText.Check(request));
    }
}
