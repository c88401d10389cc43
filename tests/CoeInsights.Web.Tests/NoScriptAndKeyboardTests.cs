using System.Net;
using System.Text.RegularExpressions;
using CoeInsights.V1;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;
using OpenQA.Selenium.Support.UI;

namespace CoeInsights.Web.Tests;

/// <summary>
/// "Works for people": a page submits with no JavaScript at all (a plain HTTP client: the form, its antiforgery cookie and
/// field, nothing else), and a score sheet is filled and submitted from the keyboard alone.
/// </summary>
public sealed partial class StakeholderPageTests
{
    [Fact]
    public async Task SurveySubmitsWithoutJavaScriptAndScoreSheetFromTheKeyboardAlone()
    {
        var (surveys, evaluations, invitations) = await Committee();
        var survey = await surveys.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "No script", RequestId = "web-noscript", Audience = { new AudienceDepartment { Department = "IT", Invited = 0 } },
            Questions = { new SurveyQuestion { QuestionId = "nps", Kind = QuestionKind.Nps, Text = "Would you recommend the CoE?" } },
        });
        var link = await invitations.CreateInvitationAsync(new CreateInvitationRequest { Kind = InvitationKind.Survey, ResourceId = survey.SurveyId, PersonId = "ivo", Department = "IT" });

        // A client that runs no script: GET the page, post its form back as a browser without JavaScript would.
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() });
        var page = await http.GetStringAsync(link.Url);
        var token = Regex.Match(page, "name=\"__af\" value=\"([^\"]+)\"").Groups[1].Value;
        var requestId = Regex.Match(page, "name=\"request_id\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        using var posted = await http.PostAsync(link.Url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = WebUtility.HtmlDecode(token), ["request_id"] = requestId, ["q0"] = "8", ["action"] = "submit",
        }));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode); // after the redirect to ?submitted=1
        Assert.Contains("?submitted=1", posted.RequestMessage!.RequestUri!.Query);
        Assert.Contains("What you submitted", await posted.Content.ReadAsStringAsync());
        var results = await surveys.GetSurveyAsync(new GetSurveyRequest { SurveyId = survey.SurveyId });
        Assert.Equal(1, results.Respondents);

        // Keyboard alone: Tab from the top of the page reaches the first score field, Enter submits the form.
        var evaluation = await evaluations.CreateEvaluationAsync(new CreateEvaluationRequest
        {
            Title = "Keyboard", Scale = new ScoreScale { Min = 1, Max = 5 }, RequestId = "web-keyboard",
        });
        var id = evaluation.EvaluationId;
        await evaluations.AddCriteriaAsync(new AddCriteriaRequest { EvaluationId = id, Criteria = { new Criterion { CriterionId = "support", Description = "Support" } } });
        await evaluations.AddVendorsAsync(new AddVendorsRequest { EvaluationId = id, Vendors = { new Vendor { VendorId = "sprout", DisplayName = "Sprout" } } });
        await evaluations.InviteEvaluatorsAsync(new InviteEvaluatorsRequest { EvaluationId = id, Evaluators = { new Evaluator { EvaluatorId = "kim", DisplayName = "Kim", Department = "IT" } } });
        var sheet = await invitations.CreateInvitationAsync(new CreateInvitationRequest { Kind = InvitationKind.Evaluation, ResourceId = id, PersonId = "kim" });
        var d = Open(sheet.Url);
        new Actions(d).SendKeys(Keys.Tab).Perform();
        Assert.Equal("s0_0_v", d.SwitchTo().ActiveElement().GetAttribute("id"));
        new Actions(d).SendKeys("4").SendKeys(Keys.Tab).SendKeys("Answered within the hour").Perform();
        Assert.Equal("s0_0_c", d.SwitchTo().ActiveElement().GetAttribute("id"));
        new Actions(d).KeyDown(Keys.Shift).SendKeys(Keys.Tab).KeyUp(Keys.Shift).SendKeys(Keys.Enter).Perform();
        new WebDriverWait(d, TimeSpan.FromSeconds(20)).Until(x => x.Url.Contains("?submitted=1", StringComparison.Ordinal));
        var score = Assert.Single((await evaluations.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).Scores);
        Assert.Equal(("kim", 4.0, "Answered within the hour"), (score.EvaluatorId, score.Value, score.Comment));
    }
}
