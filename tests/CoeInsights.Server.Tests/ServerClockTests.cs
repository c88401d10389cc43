using System.Net;
using CoeInsights.Server.Tests.Evaluations;
using CoeInsights.Server.Tests.Surveys;
using CoeInsights.Testing;
using CoeInsights.V1;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests;

/// <summary>
/// Everything time-bound reads the server's one TimeProvider. The server runs on a fake clock the test moves, so
/// nothing sleeps and deadlines are checked to the tick: signed links of every kind are good one tick before their
/// <c>expire_time</c> and a bare 403 at it; server time and event times are the clock's, exactly.
/// </summary>
public sealed class ServerClockTests(FakeClockServer server) : IClassFixture<FakeClockServer>
{
    private const string Tenant = "server-clock";

    private async Task<string> ClosedEvaluation()
    {
        var kit = new EvaluationTestKit(server, Tenant);
        var e = await kit.CreateConfiguredAsync();
        await kit.ScoreAsync("e1", e.EvaluationId, 5);
        await kit.ScoreAsync("e2", e.EvaluationId, 3);
        await (await kit.Chair).CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = e.EvaluationId });
        return e.EvaluationId;
    }

    private async Task<string> AnsweredSurvey()
    {
        var kit = new SurveyTestKit(server, Tenant);
        var survey = await kit.CreateSmallAsync();
        await (await kit.Chair).SubmitResponseAsync(new SubmitResponseRequest
        {
            SurveyId = survey.SurveyId, RespondentId = "p1", Department = "Marketing", RequestId = "r1",
            Answers = { SurveyTestKit.Answer("q1", 4), SurveyTestKit.Answer("q2", 2) },
        });
        return survey.SurveyId;
    }

    /// <summary>The pages the refused links answered with.</summary>
    private readonly List<string> refusals = [];

    private async Task<HttpStatusCode> Get(string url)
    {
        using var browser = new HttpClient();
        using var response = await browser.GetAsync(url);
        // A refusal is the one short page that says to ask for a new link, whatever the reason (nothing leaked).
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var page = await response.Content.ReadAsStringAsync();
            Assert.Contains("This download link is no longer valid", page);
            Assert.Contains("Ask whoever sent it for a new one", page);
            refusals.Add(page);
        }
        return response.StatusCode;
    }

    /// <summary>Moves the fake clock forward to <paramref name="instant"/> (it never goes back).</summary>
    private void MoveTo(DateTimeOffset instant)
    {
        Assert.True(instant >= server.Clock.GetUtcNow(), $"the clock cannot go back from {server.Clock.GetUtcNow():O} to {instant:O}");
        server.Clock.SetUtcNow(instant);
    }

    [Fact]
    public async Task RefusesLinkOfEveryKindExactlyAtItsExpireTime()
    {
        var evaluation = await ClosedEvaluation();
        var survey = await AnsweredSurvey();
        var reports = new ReportService.ReportServiceClient(server.Channel(await server.CreateKeyAsync(Tenant, Role.Viewer)));
        var kpi = new ExportKpiDeckRequest
        {
            StartDate = new Date { Year = 2026, Month = 1, Day = 1 }, EndDate = new Date { Year = 2026, Month = 1, Day = 31 },
        };
        var issuedAt = server.Clock.GetUtcNow();
        var links = new[]
        {
            await reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest { Kind = ExportKind.EvaluationWorkbook, ResourceId = evaluation, TtlSeconds = 60 }),
            await reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest { Kind = ExportKind.SurveyWorkbook, ResourceId = survey, TtlSeconds = 60 }),
            await reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest { Kind = ExportKind.KpiDeck, KpiDeck = kpi, TtlSeconds = 60 }),
        };
        var fallback = await reports.CreateDownloadLinkAsync(new CreateDownloadLinkRequest { Kind = ExportKind.EvaluationWorkbook, ResourceId = evaluation });

        // The token carries whole seconds; the answer says the same instant (the clock stands 0.4 s past a second).
        var expiry = DateTimeOffset.FromUnixTimeSeconds((issuedAt + TimeSpan.FromSeconds(60)).ToUnixTimeSeconds());
        Assert.NotEqual(issuedAt + TimeSpan.FromSeconds(60), expiry);
        Assert.All(links, l => Assert.Equal(expiry, l.ExpireTime.ToDateTimeOffset()));
        var fallbackExpiry = DateTimeOffset.FromUnixTimeSeconds((issuedAt + TimeSpan.FromMinutes(15)).ToUnixTimeSeconds());
        Assert.Equal(fallbackExpiry, fallback.ExpireTime.ToDateTimeOffset());

        MoveTo(expiry - TimeSpan.FromTicks(1));
        foreach (var link in links) Assert.Equal(HttpStatusCode.OK, await Get(link.Url));

        MoveTo(expiry);
        foreach (var link in links) Assert.Equal(HttpStatusCode.Forbidden, await Get(link.Url));
        Assert.Equal(HttpStatusCode.OK, await Get(fallback.Url)); // 15 minutes by default: still good

        MoveTo(fallbackExpiry - TimeSpan.FromTicks(1));
        Assert.Equal(HttpStatusCode.OK, await Get(fallback.Url));
        MoveTo(fallbackExpiry);
        Assert.Equal(HttpStatusCode.Forbidden, await Get(fallback.Url));
        // Expired links of every kind get the same short page as a tampered one (ReportServiceTests), naming nothing.
        Assert.Equal(4, refusals.Count);
        Assert.Single(refusals.Distinct());
        Assert.All(refusals, page => Assert.DoesNotContain(evaluation, page));
        Assert.All(refusals, page => Assert.DoesNotContain(survey, page));
        Assert.All(refusals, page => Assert.True(page.Length < 1_000, $"{page.Length} characters"));
    }

    [Fact]
    public async Task StampsServerTimeAndEventsWithServerClock()
    {
        var kit = new EvaluationTestKit(server, Tenant);
        var chair = await kit.Chair;
        var info = new ServerInfoService.ServerInfoServiceClient(server.Channel());
        var opened = server.Clock.GetUtcNow();

        Assert.Equal(opened, (await info.GetServerInfoAsync(new GetServerInfoRequest())).ServerTime.ToDateTimeOffset());
        var e = await kit.CreateAsync("Clocked");
        server.Clock.Advance(TimeSpan.FromMinutes(90));
        await chair.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = e.EvaluationId, Criteria = { new Criterion { CriterionId = "reach", Description = "Reach" } },
        });

        var history = await chair.GetEvaluationHistoryAsync(new GetEvaluationHistoryRequest { EvaluationId = e.EvaluationId });
        Assert.Equal([opened, opened.AddMinutes(90)], history.Events.Select(x => x.EventTime.ToDateTimeOffset()));
        Assert.Equal(opened.AddMinutes(90), (await info.GetServerInfoAsync(new GetServerInfoRequest())).ServerTime.ToDateTimeOffset());
    }
}
