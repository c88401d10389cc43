using System.Net;
using CoeInsights.Testing;
using CoeInsights.V1;

namespace CoeInsights.Cli.Tests;

/// <summary>`coe invitations …` run as a process against a real server: create links, list who was invited and who answered, resend.</summary>
public sealed class InvitationCommandTests(TestServer server) : IClassFixture<TestServer>
{
    private const string Tenant = "cli-invitations";

    private Task<(int Code, string Out, string Err)> Coe(string key, params string[] args) => CoeProcess.RunAsync(server.GrpcAddress, key, args);

    /// <summary>The link from <c>-o json</c> output (the text output wraps a long link at the console's width).</summary>
    private static string Link(string json) => Invitation.Parser.ParseJson(json).Url;

    [Fact]
    public async Task ListsWhoWasInvitedAndWhoAnsweredAndResendsALink()
    {
        var chair = await server.CreateKeyAsync(Tenant, "chair", Role.Committee);
        var surveys = new SurveyService.SurveyServiceClient(server.Channel(chair));
        var survey = await surveys.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "Pulse", RequestId = "cli-invitations", Audience = { new AudienceDepartment { Department = "HR", Invited = 0 } },
            Questions = { new SurveyQuestion { QuestionId = "nps", Kind = QuestionKind.Nps, Text = "Would you recommend the CoE?" } },
        });
        using var http = new HttpClient();
        var links = new Dictionary<string, string>();
        foreach (var who in new[] { "ana", "ben" })
        {
            var created = await Coe(chair, "invitations", "create", "survey", survey.SurveyId, who, "--department", "HR", "--name", who.ToUpperInvariant(), "-o", "json");
            Assert.True(created.Code == ExitCodes.Ok, created.Err);
            links[who] = Link(created.Out);
            Assert.StartsWith(server.HttpAddress.ToString().TrimEnd('/') + "/i/", links[who]);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(links[who])).StatusCode);
        }
        // Ana answers (here through the API, as her page would): the list says who answered and who has not yet.
        await surveys.SubmitResponseAsync(new SubmitResponseRequest
        {
            SurveyId = survey.SurveyId, RespondentId = "ana", Department = "HR", RequestId = "ana-1", Answers = { new SurveyAnswer { QuestionId = "nps", Nps = 9 } },
        });
        var listed = await Coe(chair, "invitations", "list", "survey", survey.SurveyId);
        Assert.True(listed.Code == ExitCodes.Ok, listed.Err);
        Assert.Contains("2 invited, 1 answered", listed.Out);
        var rows = listed.Out.Split('\n');
        Assert.Contains(rows, r => r.Contains("ana (HR)  answered, sent 1×", StringComparison.Ordinal));
        var ben = rows.Single(r => r.Contains("ben (HR)", StringComparison.Ordinal));
        Assert.Contains("invited, sent 1×", ben);

        // Resend Ben's: a new link that opens his page, the old one refused; the list counts the second send.
        // (Text output: the link is one whole line, to copy and paste.)
        var resent = await Coe(chair, "invitations", "resend", ben.Split(' ')[0]);
        Assert.True(resent.Code == ExitCodes.Ok, resent.Err);
        var newLink = resent.Out.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("http", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(newLink)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(links["ben"])).StatusCode);
        Assert.Contains("ben (HR)  invited, sent 2×", (await Coe(chair, "invitations", "list", "survey", survey.SurveyId)).Out);

        // A kind the CLI does not know: a usage error naming the choices, nothing sent.
        var bad = await Coe(chair, "invitations", "list", "poll", survey.SurveyId);
        Assert.Equal(ExitCodes.Usage, bad.Code);
        Assert.Contains("'survey', 'evaluation' or 'committee'", bad.Err);
    }
}
