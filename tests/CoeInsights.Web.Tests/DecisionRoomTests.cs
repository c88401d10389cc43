using System.Globalization;
using System.Net;
using CoeInsights.Client;
using CoeInsights.V1;
using Grpc.Core;
using OpenQA.Selenium;

namespace CoeInsights.Web.Tests;

/// <summary>
/// A committee member opens the decision room through their link: what it shows (state, progress, ranking with its
/// robustness) is checked against the gRPC API, every deck link downloads a workbook that opens, a vote the API's rules
/// refuse is explained next to the field and stores nothing, a valid vote is read back through the API, and a changed or
/// expired link is the 403 page.
/// </summary>
public sealed partial class StakeholderPageTests
{
    [Fact]
    public async Task CommitteeMemberSeesProgressAndRobustRankingAndVotesInTheDecisionRoom()
    {
        var (surveys, evaluations, invitations) = await Committee();
        var evaluation = await evaluations.CreateEvaluationAsync(new CreateEvaluationRequest
        {
            Title = $"Listening tool {Hostile}", Purpose = "Pick a listening tool", Scale = new ScoreScale { Min = 1, Max = 5 }, RequestId = "web-room",
            CommitteeMembers = { "chair", "cara", "dev" }, ScorersMayNotApprove = true,
        });
        var id = evaluation.EvaluationId;
        await evaluations.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = id, Criteria = { new Criterion { CriterionId = "coverage", Description = "Sources covered" }, new Criterion { CriterionId = "alerts", Description = "Crisis alerts" } },
        });
        await evaluations.AddVendorsAsync(new AddVendorsRequest
        {
            EvaluationId = id, Vendors = { new Vendor { VendorId = "hoot", DisplayName = Hostile }, new Vendor { VendorId = "brand", DisplayName = "Brandwatch" } },
        });
        await evaluations.InviteEvaluatorsAsync(new InviteEvaluatorsRequest
        {
            EvaluationId = id,
            Evaluators =
            {
                new Evaluator { EvaluatorId = "eva", DisplayName = "Eva", Department = "Sales" }, new Evaluator { EvaluatorId = "omar", DisplayName = "Omar", Department = "PR" },
                new Evaluator { EvaluatorId = "cara", DisplayName = "Cara", Department = "PR" },
            },
        });
        async Task Score(string who, params (string Vendor, string Criterion, double Value)[] scores)
        {
            var client = new EvaluationService.EvaluationServiceClient(server.Channel(await server.CreateKeyAsync(Tenant, who, Role.Evaluator)));
            var request = new SubmitScoresRequest { EvaluationId = id, RequestId = $"{who}-room" };
            request.Scores.Add(scores.Select(s => new ScoreEntry { VendorId = s.Vendor, CriterionId = s.Criterion, Value = s.Value }));
            await client.SubmitScoresAsync(request);
        }
        await Score("eva", ("hoot", "coverage", 4), ("hoot", "alerts", 3), ("brand", "coverage", 5), ("brand", "alerts", 4));
        await Score("omar", ("hoot", "coverage", 3), ("brand", "coverage", 4), ("brand", "alerts", 5));
        await Score("cara", ("hoot", "coverage", 2));
        // The weights come from a stakeholder survey, so the room offers its workbook as well as the vendor workbook.
        var survey = await surveys.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "What matters in a listening tool", RequestId = "web-room-survey", Audience = { new AudienceDepartment { Department = "PR", Invited = 0 }, new AudienceDepartment { Department = "Sales", Invited = 0 } },
            Evaluation = new SurveyEvaluationLink { EvaluationId = id, CriterionIds = { "coverage", "alerts" } },
            Questions =
            {
                new SurveyQuestion { QuestionId = "imp-coverage", Kind = QuestionKind.Likert, ScalePoints = 5, CriterionId = "coverage", Text = "How important is coverage?" },
                new SurveyQuestion { QuestionId = "imp-alerts", Kind = QuestionKind.Likert, ScalePoints = 5, CriterionId = "alerts", Text = "How important are alerts?" },
            },
        });
        foreach (var (who, department, coverage, alerts) in new[] { ("pia", "PR", 5.0, 3.0), ("raj", "PR", 4.0, 4.0), ("sam", "Sales", 3.0, 5.0) })
            await surveys.SubmitResponseAsync(new SubmitResponseRequest
            {
                SurveyId = survey.SurveyId, RespondentId = who, Department = department, RequestId = $"{who}-room",
                Answers = { new SurveyAnswer { QuestionId = "imp-coverage", Likert = coverage }, new SurveyAnswer { QuestionId = "imp-alerts", Likert = alerts } },
            });
        await surveys.ApplySurveyWeightsAsync(new ApplySurveyWeightsRequest { SurveyId = survey.SurveyId, Method = WeightDerivationMethod.ImportanceRatings });
        await evaluations.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });
        await evaluations.ProposeRecommendationAsync(new ProposeRecommendationRequest { EvaluationId = id, VendorId = "brand", Rationale = "Best coverage" });

        // The ranking as the API computes it with the workbook's scoring (WSM + TOPSIS, full default robustness).
        var api = (await evaluations.ScoreEvaluationAsync(new ScoreEvaluationRequest
        {
            EvaluationId = id, Options = new ScoringOptions { Methods = { ScoringMethod.Wsm, ScoringMethod.Topsis } },
            Robustness = new RobustnessOptions { Sensitivity = true, MonteCarloSamples = 10_000, BootstrapResamples = 1_000, RankReversal = true },
        })).Result;
        Assert.Equal("brand", api.Recommendation.WinnerId);

        // Cara scored and this evaluation keeps scorers out of the vote: refused by the API's rule, next to the field.
        var cara = await invitations.CreateInvitationAsync(new CreateInvitationRequest { Kind = InvitationKind.Committee, ResourceId = id, PersonId = "cara" });
        var d = Open(cara.Url);
        d.FindElement(By.Id("decision_approve")).Click();
        Click(d, "vote");
        Assert.Contains("does not let its evaluators vote", d.FindElement(By.Id("comment-error")).Text);
        Assert.Equal("true", d.FindElement(By.Id("comment")).GetAttribute("aria-invalid"));
        Assert.Empty((await evaluations.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).Recommendation.Votes);

        var chair = await invitations.CreateInvitationAsync(new CreateInvitationRequest { Kind = InvitationKind.Committee, ResourceId = id, PersonId = "chair", DisplayName = "Chair" });
        Assert.Equal(InvitationKind.Committee, chair.Kind);
        d = Open(chair.Url);
        Assert.Contains(Hostile, d.FindElement(By.TagName("h1")).Text);
        Assert.Null(((IJavaScriptExecutor)d).ExecuteScript("return window.__owned"));
        Assert.Contains("0 of the 2 approvals needed", d.FindElement(By.Id("state-text")).Text);
        // Progress per evaluator and per department, as the API's scores count them (2 vendors × 2 criteria each).
        var read = await evaluations.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id });
        var rows = d.FindElements(By.CssSelector("#progress-evaluators tbody tr")).Select(r => r.Text).ToList();
        foreach (var e in read.Evaluators)
            Assert.Contains(rows, r => r.StartsWith(e.DisplayName, StringComparison.Ordinal) && r.EndsWith($"{read.Scores.Count(s => s.EvaluatorId == e.EvaluatorId)} of 4", StringComparison.Ordinal));
        var pr = d.FindElements(By.CssSelector("#progress-departments tbody tr")).Single(r => r.Text.StartsWith("PR", StringComparison.Ordinal)).Text;
        Assert.EndsWith($"{read.Scores.Count(s => s.EvaluatorId is "omar" or "cara")} of 8", pr);
        // The ranking with its robustness: the API's winner, first, with the API's probability of ranking first.
        Assert.Contains("Brandwatch", d.FindElement(By.Id("recommendation")).Text);
        Assert.StartsWith("Brandwatch", d.FindElements(By.CssSelector("#ranking-table tbody tr"))[0].FindElements(By.TagName("td"))[1].Text);
        Assert.Contains(api.Recommendation.ProbabilityFirst.ToString("0%", CultureInfo.InvariantCulture), d.FindElement(By.Id("probability-first")).Text);
        var robustness = d.FindElement(By.Id("robustness")).Text;
        Assert.True(robustness.IndexOf("Probability it ranks first", StringComparison.Ordinal) < robustness.IndexOf("Flip point", StringComparison.Ordinal));
        Assert.Contains("agreement", robustness);
        Assert.Contains("Sales", d.FindElement(By.Id("department-table")).Text);
        Assert.Empty(browser.SeriousAccessibilityViolations());

        // Every deck downloads through its signed link: a real workbook that opens and shows what it is about.
        using var http = new HttpClient();
        var decks = d.FindElements(By.CssSelector("section[aria-labelledby=decks] a")).Select(a => (Name: a.Text, Url: a.GetAttribute("href"))).ToList();
        Assert.Equal(["Vendor evaluation workbook (.xlsx)", "Stakeholder survey workbook (.xlsx)"], decks.Select(x => x.Name));
        foreach (var (name, url, expected) in decks.Zip(["Brandwatch", "What matters in a listening tool"], (x, e) => (x.Name, x.Url, e)))
        {
            using var deck = await http.GetAsync(url);
            Assert.True(deck.StatusCode == HttpStatusCode.OK, $"{name}: {deck.StatusCode}");
            Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", deck.Content.Headers.ContentType?.MediaType);
            using var workbook = new ClosedXML.Excel.XLWorkbook(new MemoryStream(await deck.Content.ReadAsByteArrayAsync()));
            Assert.True(workbook.Worksheets.SelectMany(ws => ws.CellsUsed()).Any(c => c.GetString().Contains(expected, StringComparison.Ordinal)), $"{name} does not show '{expected}'");
        }

        // No choice: a plain error next to the choice, nothing stored. Then approve with a comment.
        Click(d, "vote");
        Assert.Contains("choose Approve or Reject", d.FindElement(By.Id("decision-error")).Text);
        d.FindElement(By.Id("decision_approve")).Click();
        d.FindElement(By.Id("comment")).SendKeys($"Coverage decides it {Hostile}");
        browser.Screenshots("decision-room");
        Click(d, "vote");
        Assert.Contains("?submitted=1", d.Url);
        Assert.Contains("You approved", d.FindElement(By.Id("my-vote")).Text);
        Assert.True(browser.Screenshots("decision-room-voted") <= 390, "the page scrolls sideways at phone width");

        var voted = await evaluations.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id });
        var vote = Assert.Single(voted.Recommendation.Votes);
        Assert.Equal(("chair", true, $"Coverage decides it {Hostile}"), (vote.Member, vote.Approve, vote.Comment));
        var history = await evaluations.GetEvaluationHistoryAsync(new GetEvaluationHistoryRequest { EvaluationId = id });
        Assert.Contains(history.Events, e => e.Actor == "chair" && e.EventType.Contains("Vote", StringComparison.Ordinal));
        var listed = await invitations.ListInvitationsAsync(new ListInvitationsRequest { Kind = InvitationKind.Committee, ResourceId = id });
        Assert.Equal(InvitationState.Answered, listed.Invitations.Single(i => i.PersonId == "chair").State);
        Assert.Equal(InvitationState.Invited, listed.Invitations.Single(i => i.PersonId == "cara").State);

        // A changed link, an expired link: the 403 page. Someone outside the committee gets no link at all.
        var token = chair.Url[(chair.Url.LastIndexOf('/') + 1)..];
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync($"{server.HttpAddress}i/{token[..^2] + (token[^2] == 'A' ? "BA" : "AA")}")).StatusCode);
        var brief = await invitations.CreateInvitationAsync(new CreateInvitationRequest { Kind = InvitationKind.Committee, ResourceId = id, PersonId = "dev", TtlSeconds = 1 });
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(brief.Url)).StatusCode);
        var outsider = await Assert.ThrowsAsync<RpcException>(() => invitations.CreateInvitationAsync(new CreateInvitationRequest
            { Kind = InvitationKind.Committee, ResourceId = id, PersonId = "eva" }).ResponseAsync);
        Assert.Equal("NOT_A_COMMITTEE_MEMBER", outsider.Reason());
    }
}
