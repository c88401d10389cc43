using System.Net;
using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace CoeInsights.Web.Tests;

/// <summary>
/// A respondent and an evaluator use their invitation links in a real browser; the results are then read back through the
/// gRPC API. Each page also passes axe (no serious or critical violations), shows hostile names as text, and fits a phone.
/// </summary>
public sealed partial class StakeholderPageTests(TestServer server, Browser browser) : IClassFixture<TestServer>, IClassFixture<Browser>
{
    private const string Tenant = "web";
    private const string Hostile = "<script>window.__owned=1</script>";

    private async Task<(SurveyService.SurveyServiceClient Surveys, EvaluationService.EvaluationServiceClient Evaluations, InvitationService.InvitationServiceClient Invitations)> Committee()
    {
        var channel = server.Channel(await server.CreateKeyAsync(Tenant, "chair", Role.Committee));
        return (new SurveyService.SurveyServiceClient(channel), new EvaluationService.EvaluationServiceClient(channel), new InvitationService.InvitationServiceClient(channel));
    }

    private IWebDriver Open(string url)
    {
        browser.Driver.Manage().Cookies.DeleteAllCookies();
        browser.Driver.Navigate().GoToUrl(url);
        return browser.Driver;
    }

    private static void Select(IWebDriver d, string id, string value) => new SelectElement(d.FindElement(By.Id(id))).SelectByValue(value);

    /// <summary>The element's text once it contains <paramref name="expected"/> (the live feedback arrives by fetch); what it says after 20 s otherwise.</summary>
    private static string WaitForText(IWebDriver d, string id, string expected)
    {
        try
        {
            return new WebDriverWait(d, TimeSpan.FromSeconds(20)) { PollingInterval = TimeSpan.FromMilliseconds(50) }
                .Until(x => x.FindElement(By.Id(id)).Text is var t && t.Contains(expected, StringComparison.Ordinal) ? t : null)!;
        }
        catch (WebDriverTimeoutException)
        {
            return d.FindElement(By.Id(id)).Text;
        }
    }

    /// <summary>Presses a form button and waits for the next document (a marker on the old window is gone), so reads see the answer.</summary>
    private static void Click(IWebDriver d, string buttonValue)
    {
        var js = (IJavaScriptExecutor)d;
        js.ExecuteScript("window.__oldPage = true");
        d.FindElement(By.CssSelector($"button[name=action][value={buttonValue}]")).Click();
        new WebDriverWait(d, TimeSpan.FromSeconds(20)) { PollingInterval = TimeSpan.FromMilliseconds(50) }.Until(_ =>
        {
            try
            {
                return js.ExecuteScript("return window.__oldPage === undefined && document.readyState === 'complete'") is true;
            }
            catch (WebDriverException)
            {
                return false; // between documents
            }
        });
    }

    [Fact]
    public async Task RespondentAnswersEveryQuestionKindSavesADraftSeesInconsistencyAndSubmits()
    {
        var (surveys, _, invitations) = await Committee();
        var survey = await surveys.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = $"CoE tools {Hostile}", RequestId = "web-survey",
            Audience = { new AudienceDepartment { Department = "HR", Invited = 5 } },
            Questions =
            {
                new SurveyQuestion { QuestionId = "sat", Kind = QuestionKind.Likert, ScalePoints = 5, Text = $"The CoE helps my team {Hostile}" },
                new SurveyQuestion { QuestionId = "nps", Kind = QuestionKind.Nps, Text = "How likely are you to recommend the CoE?" },
                new SurveyQuestion { QuestionId = "tools", Kind = QuestionKind.Ranking, Options = { "hootsuite", "sprout", "brandwatch" }, Text = "Rank the tools" },
                new SurveyQuestion { QuestionId = "crit", Kind = QuestionKind.Pairwise, Options = { "cost", "analytics", "support" }, Text = "Which criteria matter more?" },
                new SurveyQuestion { QuestionId = "hours", Kind = QuestionKind.Number, Minimum = 0, Maximum = 60, Text = "Hours a week on social media" },
                new SurveyQuestion { QuestionId = "main", Kind = QuestionKind.SingleChoice, Options = { "publishing", "listening" }, Text = "Main use" },
                new SurveyQuestion { QuestionId = "other", Kind = QuestionKind.FreeText, Text = "Anything else?" },
                new SurveyQuestion { QuestionId = "nets", Kind = QuestionKind.MultipleChoice, Options = { "instagram", "linkedin", "tiktok" }, Text = "Networks you post on" },
            },
        });
        var invitation = await invitations.CreateInvitationAsync(new CreateInvitationRequest
        {
            Kind = InvitationKind.Survey, ResourceId = survey.SurveyId, PersonId = "ana", Department = "HR", DisplayName = "Ana",
        });
        Assert.StartsWith(server.HttpAddress.ToString().TrimEnd('/') + "/i/", invitation.Url);

        var d = Open(invitation.Url);
        // Output encoding: the hostile title and question are text, and never ran.
        Assert.Contains(Hostile, d.FindElement(By.TagName("h1")).Text);
        Assert.Null(((IJavaScriptExecutor)d).ExecuteScript("return window.__owned"));
        Assert.Empty(browser.SeriousAccessibilityViolations());

        // Likert 4, NPS 9, ranking, contradictory pairwise judgements, a number out of range: save a draft first.
        d.FindElement(By.Id("q0_3")).Click();
        d.FindElement(By.Id("q1_9")).Click();
        Select(d, "q2_0", "2");
        Select(d, "q2_1", "1");
        Select(d, "q2_2", "3");
        Select(d, "q3_p0", "9");    // cost ≫ analytics
        Select(d, "q3_p1", "1/9");  // support ≫ cost
        Select(d, "q3_p2", "9");    // analytics ≫ support: a cycle
        // Live: the consistency shows as the judgements are chosen, before any save (the page's one script, allowed by the CSP).
        Assert.Contains("contradict", WaitForText(d, "q3-consistency", "contradict"));
        Assert.Equal(0, (await surveys.GetSurveyAsync(new GetSurveyRequest { SurveyId = survey.SurveyId })).Respondents);
        d.FindElement(By.Id("q4")).SendKeys("75");
        d.FindElement(By.Id("q5_1")).Click();
        d.FindElement(By.Id("q6")).SendKeys($"More training {Hostile}");
        d.FindElement(By.CssSelector("input[name=q7][value=instagram]")).Click();
        d.FindElement(By.CssSelector("input[name=q7][value=tiktok]")).Click();
        Click(d, "save");
        Assert.Contains("Draft saved", d.PageSource);
        // The draft keeps the 75, and says now, next to the field, in the words Submit would use, that it is out of range.
        Assert.Contains("1 answer needs a change before it can be submitted", d.FindElement(By.CssSelector("p.notice")).Text);
        Assert.Contains("at most 60", d.FindElement(By.Id("q4-error")).Text);
        Assert.Equal("75", d.FindElement(By.Id("q4")).GetAttribute("value"));
        Assert.Equal("true", d.FindElement(By.Id("q4")).GetAttribute("aria-invalid"));
        var warning = d.FindElement(By.CssSelector("p.warning")).Text;
        Assert.Contains("contradict", warning);
        Assert.Contains("compared with", warning); // names the most inconsistent judgement
        browser.Screenshots("survey");

        // Submit: the out-of-range number is refused by the API's own rule, next to its field, in plain words.
        Click(d, "submit");
        var error = d.FindElement(By.Id("q4-error")).Text;
        Assert.Contains("at most 60", error);
        Assert.Equal("true", d.FindElement(By.Id("q4")).GetAttribute("aria-invalid"));
        Assert.Equal(0, (await surveys.GetSurveyAsync(new GetSurveyRequest { SurveyId = survey.SurveyId })).Respondents);

        var hours = d.FindElement(By.Id("q4"));
        hours.Clear();
        hours.SendKeys("12.5");
        Select(d, "q3_p0", "3");    // cost 3× analytics
        Select(d, "q3_p1", "3");    // cost 3× support
        Select(d, "q3_p2", "1");    // analytics = support: consistent
        Assert.Contains("consistent (consistency ratio 0", WaitForText(d, "q3-consistency", "are consistent"));
        Click(d, "submit");
        Assert.Contains("?submitted=1", d.Url);
        Assert.Contains("What you submitted", d.PageSource);
        var submitted = d.FindElement(By.CssSelector("dl.submitted")).Text;
        Assert.Contains("hootsuite", submitted);
        Assert.Contains("instagram, tiktok", submitted); // multiple choice, kept through the draft and the refused submit
        Assert.Empty(browser.SeriousAccessibilityViolations());
        Assert.True(browser.Screenshots("survey-submitted") <= 390, "the page scrolls sideways at phone width");

        // Read back through gRPC as the committee: the same response the API would have stored.
        var results = await surveys.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = survey.SurveyId });
        Assert.Equal(1, (await surveys.GetSurveyAsync(new GetSurveyRequest { SurveyId = survey.SurveyId })).Respondents);
        var listed = await invitations.ListInvitationsAsync(new ListInvitationsRequest { Kind = InvitationKind.Survey, ResourceId = survey.SurveyId });
        Assert.Equal(InvitationState.Answered, Assert.Single(listed.Invitations).State);
        Assert.Equal(1, listed.Answered);
        Assert.NotNull(results);

        // Revise: change the Likert answer; still one respondent, now a revision.
        d.FindElement(By.Id("q0_1")).Click();
        Click(d, "submit");
        Assert.Contains("revision 2", d.PageSource);
        Assert.Equal(1, (await surveys.GetSurveyAsync(new GetSurveyRequest { SurveyId = survey.SurveyId })).Respondents);

        // Resend: the old link stops working; revoke: the new one does too.
        var resent = await invitations.ResendInvitationAsync(new ResendInvitationRequest { InvitationId = invitation.InvitationId });
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(invitation.Url)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(resent.Url)).StatusCode);
        await invitations.RevokeInvitationAsync(new RevokeInvitationRequest { InvitationId = invitation.InvitationId });
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(resent.Url)).StatusCode);
        var again = await Assert.ThrowsAsync<RpcException>(() => invitations.ResendInvitationAsync(new ResendInvitationRequest { InvitationId = invitation.InvitationId }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        Assert.Equal("INVITATION_REVOKED", again.Reason());
    }

    [Fact]
    public async Task FormsWithoutTheAntiforgeryTokenAndForgedLinksAreRefused()
    {
        var (surveys, _, invitations) = await Committee();
        var survey = await surveys.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "CSRF", RequestId = "web-csrf", Audience = { new AudienceDepartment { Department = "PR", Invited = 0 } },
            Questions = { new SurveyQuestion { QuestionId = "q", Kind = QuestionKind.Nps, Text = "NPS" } },
        });
        var invitation = await invitations.CreateInvitationAsync(new CreateInvitationRequest { Kind = InvitationKind.Survey, ResourceId = survey.SurveyId, PersonId = "pat", Department = "PR" });
        using var http = new HttpClient();
        // A cross-site form post (no antiforgery cookie nor field) is refused and stores nothing.
        var post = await http.PostAsync(invitation.Url, new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "submit", ["q0"] = "9", ["request_id"] = "x" }));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal(0, (await surveys.GetSurveyAsync(new GetSurveyRequest { SurveyId = survey.SurveyId })).Respondents);
        // A changed token, another tenant's guess, garbage: the same 403 page.
        var token = invitation.Url[(invitation.Url.LastIndexOf('/') + 1)..];
        foreach (var forged in new[] { token[..^2] + (token[^2] == 'A' ? "BA" : "AA"), "x.y", "not-a-token" })
            Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync($"{server.HttpAddress}i/{forged}")).StatusCode);
        // Typed errors from the API: unknown kind, department outside the audience, an evaluator who was not invited.
        var bad = await Assert.ThrowsAsync<RpcException>(() => invitations.CreateInvitationAsync(new CreateInvitationRequest { ResourceId = survey.SurveyId, PersonId = "x" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        var outside = await Assert.ThrowsAsync<RpcException>(() => invitations.CreateInvitationAsync(new CreateInvitationRequest
            { Kind = InvitationKind.Survey, ResourceId = survey.SurveyId, PersonId = "x", Department = "Finance" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, outside.StatusCode);
    }

    [Fact]
    public async Task EvaluatorFillsTheScoreSheetBlindAndSubmits()
    {
        var (_, evaluations, invitations) = await Committee();
        var evaluation = await evaluations.CreateEvaluationAsync(new CreateEvaluationRequest
        {
            Title = "Social suite 2027", Purpose = "Pick the publishing tool", Scale = new ScoreScale { Min = 1, Max = 5 }, RequestId = "web-eval",
        });
        var id = evaluation.EvaluationId;
        await evaluations.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = id,
            Criteria =
            {
                new Criterion
                {
                    CriterionId = "analytics", Description = "Depth of reporting across networks",
                    // Level 2 left undescribed: only the levels the committee gave are shown.
                    ScaleLevelDescriptions = { "No reporting", "", "Per-network dashboards", $"Cross-network dashboards {Hostile}", "Cross-network, scheduled to leadership" },
                },
                new Criterion { CriterionId = "publishing", Description = "Scheduling and approvals" },
            },
        });
        await evaluations.AddVendorsAsync(new AddVendorsRequest
        {
            EvaluationId = id, Vendors = { new Vendor { VendorId = "hoot", DisplayName = Hostile, Product = "Suite" }, new Vendor { VendorId = "sprout", DisplayName = "Sprout" } },
        });
        await evaluations.InviteEvaluatorsAsync(new InviteEvaluatorsRequest
        {
            EvaluationId = id, Evaluators = { new Evaluator { EvaluatorId = "eva", DisplayName = "Eva", Department = "Sales" }, new Evaluator { EvaluatorId = "omar", Department = "IT" } },
        });
        // Another evaluator's scores must not show on Eva's sheet before close (blind scoring as in the API).
        var omar = new EvaluationService.EvaluationServiceClient(server.Channel(await server.CreateKeyAsync(Tenant, "omar", Role.Evaluator)));
        await omar.SubmitScoresAsync(new SubmitScoresRequest
        {
            EvaluationId = id, RequestId = "omar-1", Scores = { new ScoreEntry { VendorId = "sprout", CriterionId = "analytics", Value = 2, Comment = "omar-secret-comment" } },
        });
        var invitation = await invitations.CreateInvitationAsync(new CreateInvitationRequest { Kind = InvitationKind.Evaluation, ResourceId = id, PersonId = "eva" });
        Assert.Equal("Sales", invitation.Department);

        var d = Open(invitation.Url);
        Assert.Contains(Hostile, d.FindElement(By.Id("vendor0")).Text);
        Assert.DoesNotContain("omar-secret-comment", d.PageSource);
        Assert.Contains("Depth of reporting", d.PageSource);
        // What each scale level means, next to every analytics score field (and read with it), as the committee gave it.
        var levels = d.FindElement(By.Id("s1_0-levels"));
        Assert.True(levels.Displayed);
        Assert.Equal(["1", "3", "4", "5"], levels.FindElements(By.TagName("dt")).Select(x => x.Text));
        Assert.Equal(["No reporting", "Per-network dashboards", $"Cross-network dashboards {Hostile}", "Cross-network, scheduled to leadership"],
            levels.FindElements(By.TagName("dd")).Select(x => x.Text));
        Assert.Contains("s1_0-levels", d.FindElement(By.Id("s1_0_v")).GetAttribute("aria-describedby"));
        Assert.Empty(d.FindElements(By.Id("s0_1-levels"))); // publishing: no descriptions given
        Assert.Equal(5, (await evaluations.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).Criteria[0].ScaleLevelDescriptions.Count);
        Assert.Empty(browser.SeriousAccessibilityViolations());

        d.FindElement(By.Id("s0_0_v")).SendKeys("4");
        d.FindElement(By.Id("s0_0_c")).SendKeys("Strong dashboards");
        d.FindElement(By.Id("s0_1_v")).SendKeys("9"); // off the 1–5 scale
        d.FindElement(By.Id("s1_0_v")).SendKeys("3");
        Click(d, "submit");
        Assert.Contains("scale", d.FindElement(By.Id("s0_1-error")).Text);
        browser.Screenshots("score-sheet");
        var field = d.FindElement(By.Id("s0_1_v"));
        field.Clear();
        field.SendKeys("5");
        Click(d, "submit");
        Assert.Contains("?submitted=1", d.Url);
        Assert.Contains("Submitted: 3 of 4", d.PageSource);
        Assert.Empty(browser.SeriousAccessibilityViolations());

        var read = await evaluations.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id });
        var eva = read.Scores.Where(s => s.EvaluatorId == "eva").ToList();
        Assert.Equal(3, eva.Count);
        Assert.Equal("Strong dashboards", eva.Single(s => s.VendorId == "hoot" && s.CriterionId == "analytics").Comment);
        Assert.Equal(5, eva.Single(s => s.VendorId == "hoot" && s.CriterionId == "publishing").Value);
        var listed = await invitations.ListInvitationsAsync(new ListInvitationsRequest { Kind = InvitationKind.Evaluation, ResourceId = id });
        Assert.Equal(InvitationState.Answered, Assert.Single(listed.Invitations).State);

        // Not an invited evaluator: a typed refusal.
        var outsider = await Assert.ThrowsAsync<RpcException>(() => invitations.CreateInvitationAsync(new CreateInvitationRequest
            { Kind = InvitationKind.Evaluation, ResourceId = id, PersonId = "mallory" }).ResponseAsync);
        Assert.Equal("NOT_AN_INVITED_EVALUATOR", outsider.Reason());
    }
}
