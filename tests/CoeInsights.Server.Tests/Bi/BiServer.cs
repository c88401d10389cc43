using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CoeInsights.Testing;
using CoeInsights.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Bi;

/// <summary>
/// A real server with a small page size (so every read spans several pages) and one tenant of BI data recorded through the gRPC API:
/// 3 profiles × 4 metrics × 45 days (one day restated by a later batch), a closed evaluation with two evaluators' scores, and an
/// open one (blind scoring) where e1 and e2 have scored.
/// </summary>
public sealed class BiServer : TestServer
{
    public const string Tenant = "bi";
    public const int PageSize = 40;
    public static readonly DateOnly From = new(2025, 1, 1);
    public const int Days = 45;
    public static readonly string[] Metrics = ["impressions", "engagements", "followers", "spend"];

    public List<Profile> Profiles { get; } = [];
    public string ClosedEvaluationId { get; private set; } = "";
    public string OpenEvaluationId { get; private set; } = "";
    public string ViewerKey { get; private set; } = "";

    protected override void Configure(WebApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Coe:Bi:PageSize"] = PageSize.ToString() });

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ViewerKey = await CreateKeyAsync(Tenant, Role.Viewer);
        var committee = new KpiService.KpiServiceClient(Channel(await CreateKeyAsync(Tenant, Role.Committee)));
        var ingest = new KpiService.KpiServiceClient(Channel(await CreateKeyAsync(Tenant, Role.Ingest)));
        foreach (var (handle, network) in new[] { ("contoso", Network.Linkedin), ("contoso.ig", Network.Instagram), ("rival", Network.Linkedin) })
            Profiles.Add(await committee.RegisterProfileAsync(new RegisterProfileRequest
            {
                Network = network, Handle = handle, BusinessUnit = "Corporate", RequestId = $"reg-{handle}",
                Ownership = handle == "rival" ? Ownership.Competitor : Ownership.Owned, DisplayName = handle.ToUpperInvariant(),
            }));
        using (var call = ingest.RecordKpis())
        {
            var batch = new RecordKpisRequest { IdempotencyKey = "all", Source = "test", SourceTimeZone = "UTC" };
            for (var p = 0; p < Profiles.Count; p++)
            for (var m = 0; m < Metrics.Length; m++)
            for (var d = 0; d < Days; d++)
                batch.Observations.Add(new KpiObservation
                {
                    ProfileId = Profiles[p].ProfileId, Metric = Metrics[m], Date = D(From.AddDays(d)), Value = Value(p, m, d),
                });
            // A restatement: the latest version is what every outlet shows.
            var restated = new RecordKpisRequest { IdempotencyKey = "restated", Source = "test", SourceTimeZone = "UTC" };
            restated.Observations.Add(new KpiObservation { ProfileId = Profiles[0].ProfileId, Metric = Metrics[0], Date = D(From), Value = 9999 });
            foreach (var b in new[] { batch, restated })
            {
                await call.RequestStream.WriteAsync(b);
                Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            }
            await call.RequestStream.CompleteAsync();
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        }
        ClosedEvaluationId = await EvaluationAsync("Suite 2025", close: true);
        OpenEvaluationId = await EvaluationAsync("Listening 2026", close: false);
        SurveyId = await SurveyAsync();
    }

    public string SurveyId { get; private set; } = "";

    /// <summary>A survey with a Likert, a choice and a free-text question; s1 (Social) and s2 (PR) answer, s1 revises.</summary>
    private async Task<string> SurveyAsync()
    {
        var chair = new SurveyService.SurveyServiceClient(Channel(await CreateKeyAsync(Tenant, "chair", Role.Committee)));
        var id = (await chair.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "CoE pulse", RequestId = "pulse",
            Audience = { new AudienceDepartment { Department = "Social", Invited = 3 }, new AudienceDepartment { Department = "PR", Invited = 2 } },
            Questions =
            {
                new SurveyQuestion { QuestionId = "Sat", Kind = QuestionKind.Likert, Text = "How satisfied are you?", ScalePoints = 5 },
                new SurveyQuestion { QuestionId = "Tools", Kind = QuestionKind.MultipleChoice, Text = "Which tools?", Options = { "hoot", "sprout" } },
                new SurveyQuestion { QuestionId = "Why", Kind = QuestionKind.FreeText, Text = "Why?" },
            },
        })).SurveyId;
        foreach (var (respondent, department, sat) in new[] { ("s1", "Social", 2.0), ("s2", "PR", 4.0), ("s1", "Social", 5.0) })
        {
            var client = new SurveyService.SurveyServiceClient(Channel(await CreateKeyAsync(Tenant, respondent, Role.Evaluator)));
            await client.SubmitResponseAsync(new SubmitResponseRequest
            {
                SurveyId = id, Department = department, RequestId = Guid.NewGuid().ToString(),
                Answers =
                {
                    new SurveyAnswer { QuestionId = "Sat", Likert = sat },
                    new SurveyAnswer { QuestionId = "Tools", MultipleChoice = new MultipleChoiceAnswer { OptionIds = { "sprout", "hoot" } } },
                    new SurveyAnswer { QuestionId = "Why", FreeText = $"{respondent} says so" },
                },
            });
        }
        return id;
    }

    public static double Value(int profile, int metric, int day) => (profile + 1) * 1000 + (metric + 1) * 100 + day + 0.25;

    private static Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    private async Task<string> EvaluationAsync(string title, bool close)
    {
        var chair = new EvaluationService.EvaluationServiceClient(Channel(await CreateKeyAsync(Tenant, "chair", Role.Committee)));
        var id = (await chair.CreateEvaluationAsync(new CreateEvaluationRequest
        {
            Title = title, Purpose = "Pick one", Scale = new ScoreScale { Min = 1, Max = 5 }, CommitteeMembers = { "m2" },
        })).EvaluationId;
        await chair.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = id,
            Criteria =
            {
                new Criterion { CriterionId = "analytics", Description = "Analytics depth", Category = "Analytics" },
                new Criterion { CriterionId = "price", Description = "Price", Category = "Cost" },
            },
        });
        await chair.AddVendorsAsync(new AddVendorsRequest
        {
            EvaluationId = id,
            Vendors = { new Vendor { VendorId = "hoot", DisplayName = "Hoot" }, new Vendor { VendorId = "sprout", DisplayName = "Sprout" } },
        });
        await chair.InviteEvaluatorsAsync(new InviteEvaluatorsRequest
        {
            EvaluationId = id,
            Evaluators = { new Evaluator { EvaluatorId = "e1", Department = "Social" }, new Evaluator { EvaluatorId = "e2", Department = "PR" } },
        });
        await chair.SetWeightsAsync(new SetWeightsRequest
        {
            EvaluationId = id,
            Direct = new DirectWeights
            {
                Weights = { new CriterionWeight { CriterionId = "analytics", Weight = 0.6 }, new CriterionWeight { CriterionId = "price", Weight = 0.4 } },
            },
        });
        foreach (var (evaluator, score) in new[] { ("e1", 4.0), ("e2", 2.0) })
        {
            var client = new EvaluationService.EvaluationServiceClient(Channel(await CreateKeyAsync(Tenant, evaluator, Role.Evaluator)));
            await client.SubmitScoresAsync(new SubmitScoresRequest
            {
                EvaluationId = id, RequestId = Guid.NewGuid().ToString(),
                Scores =
                {
                    new ScoreEntry { VendorId = "hoot", CriterionId = "analytics", Value = score },
                    new ScoreEntry { VendorId = "sprout", CriterionId = "analytics", Value = score + 1 },
                    new ScoreEntry { VendorId = "hoot", CriterionId = "price", Value = 3 },
                    new ScoreEntry { VendorId = "sprout", CriterionId = "price", Value = 1 },
                },
            });
        }
        if (close) await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });
        return id;
    }

    /// <summary>An HTTP client that sends the key as Power BI's Basic credential does: any user name, the key as password.</summary>
    public HttpClient Basic(string key, string user = "powerbi")
    {
        var http = Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{key}")));
        return http;
    }

    /// <summary>Every row of a feed URL, following <c>@odata.nextLink</c> to the end; also the pages' sizes.</summary>
    public static async Task<(List<JsonObject> Rows, List<int> Pages, List<string> Urls)> ReadAllAsync(HttpClient http, string url)
    {
        var rows = new List<JsonObject>();
        var pages = new List<int>();
        var urls = new List<string>();
        for (string? next = url; next is not null;)
        {
            urls.Add(next);
            using var response = await http.GetAsync(next);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{next}: {(int)response.StatusCode} {text}");
            Assert.Equal("4.0", response.Headers.GetValues("OData-Version").Single());
            var page = JsonNode.Parse(text)!.AsObject();
            var value = page["value"]!.AsArray();
            pages.Add(value.Count);
            rows.AddRange(value.Select(v => v!.AsObject()));
            next = page["@odata.nextLink"]?.GetValue<string>();
            Assert.True(pages.Count < 10_000, "the next links never end");
        }
        return (rows, pages, urls);
    }
}
