using System.IO.Packaging;
using System.Text;
using ClosedXML.Excel;
using CoeInsights.Server.Tests.Evaluations;
using CoeInsights.Testing;
using CoeInsights.V1;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using Date = Google.Type.Date;
using E = CoeInsights.Evaluations;
using K = CoeInsights.Kpis;
using S = CoeInsights.Surveys;
using SurveyAnswers = CoeInsights.Analytics.Surveys;

namespace CoeInsights.Server.Tests.Reports;

/// <summary>
/// Text stored before the door check existed (appended straight to the event store, bypassing the API) cannot break
/// an export: every deck and workbook opens, validates, and shows the text with U+FFFD where XML cannot carry a character.
/// </summary>
public sealed class LegacyTextExportTests(TestServer server) : IClassFixture<TestServer>
{
    /// <summary>
    /// Characters the door now refuses that PostgreSQL could store before (jsonb refuses U+0000 and lone surrogates,
    /// so those never were stored).
    /// </summary>
    private const string Bad = "\u0001\uFFFE\uFFFF\u001B";
    private const string Clean = "\uFFFD\uFFFD\uFFFD\uFFFD";

    private static Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    /// <summary>Opens the file with the OpenXML SDK (validated) and ClosedXML; returns every XML part's text.</summary>
    private static string AssertValidAndRead(byte[] bytes)
    {
        using (var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false))
        {
            var errors = new OpenXmlValidator(FileFormatVersions.Office2016).Validate(document).Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();
            Assert.True(errors.Count == 0, string.Join('\n', errors.Take(10)));
        }
        using (new XLWorkbook(new MemoryStream(bytes))) { }
        var text = new StringBuilder();
        using var package = Package.Open(new MemoryStream(bytes), FileMode.Open, FileAccess.Read);
        foreach (var part in package.GetParts().Where(p => p.ContentType.EndsWith("xml", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(part.GetStream());
            text.Append(reader.ReadToEnd());
        }
        var xml = text.ToString();
        Assert.DoesNotContain("_x0001_", xml);
        Assert.DoesNotContain("_xFFFE_", xml);
        return xml;
    }

    [Fact]
    public async Task ExportsValidKpiDeckWithCleanedSeriesNameGivenLegacyHandleWithControlCharacters()
    {
        const string tenant = "legacy-kpi";
        var start = new DateOnly(2026, 3, 2);
        var id = Guid.CreateVersion7();
        await using (var session = server.Store().LightweightSession(tenant))
        {
            session.Events.StartStream<K.KpiProfile>(id, new K.ProfileRegistered(
                id, K.Network.LinkedIn, $"evil{Bad}handle", $"Corp{Bad}", K.Ownership.Owned, $"Evil{Bad}", DateTimeOffset.UtcNow, null));
            await session.SaveChangesAsync();
        }
        var ingest = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Ingest)));
        using (var call = ingest.RecordKpis())
        {
            await call.RequestStream.WriteAsync(new RecordKpisRequest
            {
                IdempotencyKey = "seed", Source = "test", SourceTimeZone = "UTC",
                Observations =
                {
                    Enumerable.Range(0, 28).SelectMany(d => new[] { "impressions", "engagements", "followers" }.Select(m =>
                        new KpiObservation { ProfileId = id.ToString(), Date = D(start.AddDays(d)), Metric = m, Value = 100 + d })),
                },
            });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            await call.RequestStream.CompleteAsync();
        }
        var reports = new ReportService.ReportServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Viewer)));

        var (_, bytes) = await ExportStream.ReadAsync(reports.ExportKpiDeck(new ExportKpiDeckRequest { StartDate = D(start), EndDate = D(start.AddDays(27)) }));

        var xml = AssertValidAndRead(bytes);
        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        Assert.Equal($"LinkedIn evil{Clean}handle", workbook.Worksheet("Trend impressions").Cell(3, 2).GetString());
        Assert.Contains($"evil{Clean}handle", workbook.Worksheet("DimProfile").Table("DimProfile").DataRange.Rows().Select(r => r.Cell(3).GetString()));
        // The chart's series name is the profile label.
        Assert.Contains($"<c:v>LinkedIn evil{Clean}handle</c:v>", xml);
    }

    [Fact]
    public async Task ExportsValidSurveyWorkbookWithCleanedDepartmentGivenLegacySurvey()
    {
        const string tenant = "legacy-survey";
        var id = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        SurveyAnswers.SurveyAnswer Free(string text) => new() { Kind = SurveyAnswers.QuestionKind.FreeText, Text = text };
        await using (var session = server.Store().LightweightSession(tenant))
        {
            session.Events.StartStream<S.Survey>(id,
                new S.SurveyPublished(id, $"Pulse{Bad}", [new S.AudienceDepartment("Marketing", 10), new S.AudienceDepartment($"Sales{Bad}", 10)],
                    [
                        new SurveyAnswers.SurveyQuestion { Id = "q1", Kind = SurveyAnswers.QuestionKind.Likert },
                        new SurveyAnswers.SurveyQuestion { Id = "comment", Kind = SurveyAnswers.QuestionKind.FreeText },
                    ],
                    [], null, null, "chair", now) { QuestionTexts = new Dictionary<string, string> { ["comment"] = $"Anything{Bad}?" } },
                new S.ResponseSubmitted("p1", "Marketing",
                    new Dictionary<string, SurveyAnswers.SurveyAnswer> { ["q1"] = SurveyAnswers.SurveyAnswer.Likert(3), ["comment"] = Free("fine") },
                    "r1", false, "chair", now),
                new S.ResponseSubmitted($"p2{Bad}", $"Sales{Bad}",
                    new Dictionary<string, SurveyAnswers.SurveyAnswer> { ["q1"] = SurveyAnswers.SurveyAnswer.Likert(4), ["comment"] = Free($"said{Bad}") },
                    "r2", false, "chair", now),
                new S.ResponseSubmitted("p3", $"Sales{Bad}",
                    new Dictionary<string, SurveyAnswers.SurveyAnswer> { ["q1"] = SurveyAnswers.SurveyAnswer.Likert(5), ["comment"] = Free("ok") },
                    "r3", false, "chair", now));
            await session.SaveChangesAsync();
        }
        var reports = new ReportService.ReportServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Committee)));

        var (_, bytes) = await ExportStream.ReadAsync(reports.ExportSurveyWorkbook(new ExportSurveyWorkbookRequest
        {
            SurveyId = id.ToString(), IncludeRespondentIds = true,
        }));

        var xml = AssertValidAndRead(bytes);
        Assert.Contains($"Sales{Clean}", xml);
        Assert.Contains($"said{Clean}", xml);
        Assert.Contains($"p2{Clean}", xml);
        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        Assert.Contains($"Sales{Clean}", workbook.Worksheet("DimDepartment").Table("DimDepartment").DataRange.Rows().Select(r => r.Cell(1).GetString()));
    }

    [Fact]
    public async Task ExportsValidEvaluationWorkbookWithCleanedCommentGivenLegacyScores()
    {
        var kit = new EvaluationTestKit(server, "legacy-evaluation");
        var e = await kit.CreateConfiguredAsync();
        await kit.ScoreAsync("e1", e.EvaluationId, 5);
        await kit.ScoreAsync("e2", e.EvaluationId, 4);
        var id = Guid.Parse(e.EvaluationId);
        await using (var session = server.Store().LightweightSession(kit.Tenant))
        {
            var now = DateTimeOffset.UtcNow;
            session.Events.Append(id,
                new E.EvaluatorsInvited([new E.InvitedEvaluator("e9", $"Evil{Bad}", $"Dept{Bad}")], "chair", now),
                new E.ScoresSubmitted("e9", "legacy", [
                    new E.ScoreInput("hoot", "analytics", 3, $"comment{Bad}", $"evidence{Bad}"),
                    new E.ScoreInput("sprout", "analytics", 3, "", ""), new E.ScoreInput("brand", "analytics", 3, "", ""),
                    new E.ScoreInput("hoot", "publishing", 3, "", ""), new E.ScoreInput("sprout", "publishing", 3, "", ""),
                    new E.ScoreInput("brand", "publishing", 3, "", ""),
                ], "e9", now));
            await session.SaveChangesAsync();
        }
        await (await kit.Chair).CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = e.EvaluationId });
        var reports = new ReportService.ReportServiceClient(server.Channel(await server.CreateKeyAsync(kit.Tenant, "chair", Role.Committee)));

        var (_, bytes) = await ExportStream.ReadAsync(reports.ExportEvaluationWorkbook(new ExportEvaluationWorkbookRequest { EvaluationId = e.EvaluationId }));

        var xml = AssertValidAndRead(bytes);
        Assert.Contains($"comment{Clean}", xml);
        Assert.Contains($"evidence{Clean}", xml);
        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        var comments = workbook.Worksheet("Comments").Table("Comments").DataRange.Rows().Select(r => r.Field("Comment").GetString()).ToList();
        Assert.Contains($"comment{Clean}", comments);
    }
}
