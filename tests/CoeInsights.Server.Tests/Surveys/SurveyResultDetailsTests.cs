using System.Text.Json;
using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using static CoeInsights.Server.Tests.Evaluations.EvaluationTestKit;
using A = CoeInsights.Analytics.Surveys;

namespace CoeInsights.Server.Tests.Surveys;

/// <summary>
/// What GetSurveyResults carries beyond the headline numbers — each respondent's AHP weights and CR, SPSS-style item-total
/// statistics — equals the Analytics result on the same answers and the published worked examples; ListSurveys by state.
/// </summary>
public sealed class SurveyResultDetailsTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly string[] DenisItems = ["Item_1", "Item_2", "Item_3", "Item_4", "Item_5"];

    /// <summary>Denis, D. J. (2016). Applied Univariate, Bivariate, and Multivariate Statistics. Wiley: the five-item Cronbach's
    /// alpha example, ten cases, with SPSS "Reliability Statistics" and "Item-Total Statistics" output (alpha 0.633).</summary>
    private static readonly double[][] DenisData =
    [
        [10, 12, 15, 11, 12], [12, 18, 12, 12, 1], [8, 16, 14, 14, 4], [6, 8, 16, 8, 6], [4, 7, 8, 7, 5],
        [6, 6, 3, 7, 3], [3, 4, 6, 5, 8], [7, 3, 7, 9, 9], [8, 9, 4, 10, 10], [9, 5, 6, 11, 12],
    ];

    private static readonly double[] Intransitive = [9, 1.0 / 9, 9, 1.0 / 9, 9, 1.0 / 9, 9, 9, 1.0 / 9, 9];

    /// <summary>ahpsurvey 0.4.2 city200 rows 1–3 (tests/vectors/mcda/group_ahp_aij_aip_ahpsurvey_city200.json), converted as
    /// ahp.mat(negconvert = TRUE) does: v → −v; a negative result → 1/|result|.</summary>
    private static JsonElement City200 =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "mcda", "group_ahp_aij_aip_ahpsurvey_city200.json"))).RootElement;

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static (string[] Criteria, double[][] Rows) City200Survey()
    {
        var inputs = City200.GetProperty("inputs");
        var criteria = inputs.GetProperty("criteria").EnumerateArray().Select(x => x.GetString()!).ToArray();
        var rows = inputs.GetProperty("raw_rows").EnumerateArray()
            .Select(r => Doubles(r).Select(x => -x < 0 ? 1 / Math.Abs(-x) : -x).ToArray()).ToArray();
        return (criteria, rows);
    }

    private static void Near(IEnumerable<double> expected, IEnumerable<double> actual, double tolerance, string what)
    {
        var e = expected.ToArray();
        var a = actual.ToArray();
        Assert.True(e.Length == a.Length, $"{what}: {a.Length} values, expected {e.Length}");
        for (var i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= tolerance, $"{what}[{i}]: {a[i]}, expected {e[i]} ± {tolerance}");
    }

    [Fact]
    public async Task ReturnsEachRespondentsAhpAndItemTotalStatisticsMatchingAnalyticsAndPublishedValues()
    {
        var kit = new SurveyTestKit(server, "survey-details");
        var chair = await kit.Chair;
        var (criteria, city) = City200Survey();
        var survey = await chair.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "Details", RequestId = "details",
            Audience = { new[] { "Social", "BI", "HR" }.Select(d => new AudienceDepartment { Department = d, Invited = 10 }) },
            Questions =
            {
                DenisItems.Select(id => new V1.SurveyQuestion { QuestionId = id, Kind = QuestionKind.Number }),
                new V1.SurveyQuestion { QuestionId = "pw", Kind = QuestionKind.Pairwise, Options = { criteria } },
            },
            Scales = { new V1.SurveyScale { ScaleId = "test", QuestionIds = { DenisItems } } },
        });

        // The same answers go to the server and, as domain records, straight to the Analytics.
        var domain = new List<A.SurveyResponse>();
        async Task Submit(string respondent, string department, double[]? items, double[]? judgements)
        {
            var request = new SubmitResponseRequest { SurveyId = survey.SurveyId, RespondentId = respondent, Department = department, RequestId = respondent };
            var answers = new Dictionary<string, A.SurveyAnswer>();
            if (items is not null)
                for (var j = 0; j < DenisItems.Length; j++)
                {
                    request.Answers.Add(new SurveyAnswer { QuestionId = DenisItems[j], Number = items[j] });
                    answers[DenisItems[j]] = A.SurveyAnswer.Number(items[j]);
                }
            if (judgements is not null)
            {
                request.Answers.Add(new SurveyAnswer { QuestionId = "pw", Pairwise = new PairwiseAnswer { Judgements = { judgements } } });
                answers["pw"] = A.SurveyAnswer.Pairwise(judgements);
            }
            await chair.SubmitResponseAsync(request);
            domain.Add(new A.SurveyResponse { RespondentId = respondent, Department = department, Answers = answers });
        }
        for (var i = 0; i < DenisData.Length; i++) await Submit($"r{i + 1}", i % 2 == 0 ? "Social" : "BI", DenisData[i], i < 3 ? city[i] : null);
        await Submit("bad", "HR", null, Intransitive);

        A.SurveyResults Analytics(A.SurveyOptions options) => A.SurveyAnalysis.Analyze(new A.SurveyResultsRequest
        {
            Questions =
            [
                .. DenisItems.Select(id => new A.SurveyQuestion { Id = id, Kind = A.QuestionKind.Number }),
                new A.SurveyQuestion { Id = "pw", Kind = A.QuestionKind.Pairwise, Options = criteria },
            ],
            Responses = domain, Scales = [new A.SurveyScale { Id = "test", QuestionIds = DenisItems }], Options = options,
        });
        static void SameAsAnalytics(A.PairwiseResult expected, PairwiseSummary actual)
        {
            Assert.Equal(expected.Respondents.Select(r => r.RespondentId).Order(), actual.Respondents.Select(r => r.RespondentId).Order());
            foreach (var r in actual.Respondents)
            {
                var e = expected.Respondents.Single(x => x.RespondentId == r.RespondentId);
                Assert.Equal(e.Department, r.Department);
                Assert.Equal(e.Weights, r.Weights);
                Assert.Equal(e.ConsistencyRatio, r.ConsistencyRatio);
                Assert.Equal(e.IsInconsistent, r.Inconsistent);
                Assert.Equal(!e.UsedInGroup, r.Excluded);
            }
            Assert.Equal(expected.UsedRespondents, actual.UsedRespondents);
            Assert.Equal(expected.Group!.Weights, actual.GroupWeights);
            Assert.Equal(expected.Group.LambdaMax, actual.GroupLambdaMax);
            Assert.Equal(expected.Group.ConsistencyRatio, actual.GroupConsistencyRatio);
        }

        // The committee sees the real respondent ids (viewers see pseudonyms: RespondentPrivacyTests).
        var results = await chair.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = survey.SurveyId });

        // Pairwise: every respondent's own AHP over gRPC, as the Analytics computed it, and the published numbers.
        var pairwise = results.Questions.Single(q => q.QuestionId == "pw").Pairwise;
        SameAsAnalytics(Analytics(new A.SurveyOptions()).Questions.Single(q => q.QuestionId == "pw").Pairwise!, pairwise);
        var individual = City200.GetProperty("computed_full_precision").GetProperty("individual_eigen").EnumerateArray().Select(Doubles).ToArray();
        for (var k = 0; k < 3; k++) Near(individual[k], pairwise.Respondents.Single(r => r.RespondentId == $"r{k + 1}").Weights, 1e-9, $"r{k + 1} weights");
        Near(Doubles(City200.GetProperty("expected").GetProperty("eigen_of_aggjudge_weights")), pairwise.GroupWeights, 1e-9, "group weights");
        Assert.Equal(City200.GetProperty("expected").GetProperty("eigen_of_aggjudge_lambda_max").GetDouble(), pairwise.GroupLambdaMax, 9);
        var bad = pairwise.Respondents.Single(r => r.RespondentId == "bad");
        Assert.True(bad.Inconsistent && bad.Excluded && bad.ConsistencyRatio > 0.10, $"CR {bad.ConsistencyRatio}");
        Assert.Equal(["r1", "r2", "r3"], pairwise.UsedRespondents);
        Assert.Equal(1, pairwise.InconsistentRespondents);

        // Cronbach's alpha with SPSS's item-total statistics (Denis 2016), and equal to the Analytics result; "bad" has no items.
        var scale = Assert.Single(results.Scales);
        var analyticsScale = Analytics(new A.SurveyOptions()).Scales.Single();
        Assert.Equal((10, 1), (scale.CompleteRespondents, scale.ExcludedRespondents));
        Assert.Equal(0.633, scale.Alpha, 3);
        Assert.Equal(0.691, scale.StandardizedAlpha, 3);
        Assert.Equal(analyticsScale.MeanInterItemCorrelation, scale.MeanInterItemCorrelation);
        Assert.Equal(DenisItems, scale.Items.Select(i => i.Item));
        Near([34.3, 32.8, 32.5, 32.2, 34.6], scale.Items.Select(i => i.ScaleMeanIfDeleted), 0.00005, "scale mean if deleted");
        Near([108.900, 80.400, 88.278, 104.844, 164.267], scale.Items.Select(i => i.ScaleVarianceIfDeleted), 0.0005, "scale variance if deleted");
        Near([0.712, 0.558, 0.512, 0.796, -0.228], scale.Items.Select(i => i.CorrectedItemTotalCorrelation), 0.0005, "corrected item-total r");
        Near([0.478, 0.476, 0.507, 0.445, 0.824], scale.Items.Select(i => i.AlphaIfDeleted), 0.0005, "alpha if deleted");
        Near([2.71006, 5.05085, 4.74810, 2.71621, 3.80058], scale.Items.Select(i => i.StandardDeviation), 0.000005, "item sds");
        for (var j = 0; j < DenisItems.Length; j++)
        {
            var e = analyticsScale.ItemStatistics[j];
            var a = scale.Items[j];
            Assert.Equal((e.Mean, e.StandardDeviation, e.ScaleMeanIfDeleted, e.ScaleVarianceIfDeleted), (a.Mean, a.StandardDeviation, a.ScaleMeanIfDeleted, a.ScaleVarianceIfDeleted));
            Assert.Equal((e.CorrectedItemTotalCorrelation, e.AlphaIfDeleted, e.StandardizedAlphaIfDeleted),
                ((double?)a.CorrectedItemTotalCorrelation, (double?)a.AlphaIfDeleted, a.HasStandardizedAlphaIfDeleted ? a.StandardizedAlphaIfDeleted : null));
        }

        // The CR limit is configurable: at 0.05 city200 respondents 1 and 3 are inconsistent too and only r2 is used.
        var strict = (await chair.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = survey.SurveyId, MaxConsistencyRatio = 0.05 }))
            .Questions.Single(q => q.QuestionId == "pw").Pairwise;
        SameAsAnalytics(Analytics(new A.SurveyOptions { MaxConsistencyRatio = 0.05 }).Questions.Single(q => q.QuestionId == "pw").Pairwise!, strict);
        Assert.Equal(["r2"], strict.UsedRespondents);
        Assert.Equal(["bad", "r1", "r3"], strict.Respondents.Where(r => r.Excluded).Select(r => r.RespondentId).Order(StringComparer.Ordinal));
        Near(individual[1], strict.GroupWeights, 1e-9, "one respondent's group weights");

        // Excludable, not necessarily excluded: kept in, still flagged.
        var kept = (await chair.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = survey.SurveyId, KeepInconsistentRespondents = true }))
            .Questions.Single(q => q.QuestionId == "pw").Pairwise;
        SameAsAnalytics(Analytics(new A.SurveyOptions { ExcludeInconsistentRespondents = false }).Questions.Single(q => q.QuestionId == "pw").Pairwise!, kept);
        Assert.Equal(4, kept.UsedRespondents.Count);
        Assert.True(kept.Respondents.Single(r => r.RespondentId == "bad") is { Inconsistent: true, Excluded: false });
        Assert.Empty(kept.ExcludedRespondents);
        var keptWeights = await chair.DeriveWeightsAsync(new DeriveWeightsRequest
        {
            SurveyId = survey.SurveyId, Method = WeightDerivationMethod.PairwiseJudgements, KeepInconsistentRespondents = true, Plain = true,
        });
        Assert.Equal(4, keptWeights.UsedRespondents.Count);
        Assert.Equal(kept.GroupWeights, keptWeights.Weights.Select(w => w.Weight)); // every respondent counts equally (plain)
        Assert.Equal(kept.BalancedWeights, keptWeights.BalancedWeights);
    }

    [Fact]
    public async Task ListsOnlySurveysInTheRequestedStatePageByPage()
    {
        var kit = new SurveyTestKit(server, "survey-list-state");
        var chair = await kit.Chair;
        var surveys = new List<V1.Survey>();
        for (var i = 0; i < 5; i++) surveys.Add(await kit.CreateSmallAsync($"list-{i}"));
        foreach (var s in new[] { surveys[1], surveys[3] })
            await chair.CloseSurveyAsync(new CloseSurveyRequest { SurveyId = s.SurveyId, Etag = s.Etag });
        var viewer = await kit.As("viewer", Role.Viewer);

        async Task<List<V1.SurveySummary>> All(SurveyState state)
        {
            var rows = new List<V1.SurveySummary>();
            var token = "";
            do
            {
                var page = await viewer.ListSurveysAsync(new ListSurveysRequest { State = state, PageSize = 2, PageToken = token });
                Assert.True(page.Surveys.Count <= 2);
                rows.AddRange(page.Surveys);
                token = page.NextPageToken;
            } while (token != "");
            return rows;
        }

        var open = await All(SurveyState.Open);
        Assert.Equal([surveys[4].SurveyId, surveys[2].SurveyId, surveys[0].SurveyId], open.Select(s => s.SurveyId)); // newest first
        Assert.All(open, s => Assert.Equal(SurveyState.Open, s.State));
        var closed = await All(SurveyState.Closed);
        Assert.Equal([surveys[3].SurveyId, surveys[1].SurveyId], closed.Select(s => s.SurveyId));
        Assert.All(closed, s => Assert.Equal(SurveyState.Closed, s.State));
        Assert.Equal(5, (await All(SurveyState.Unspecified)).Count);

        var bad = await Refused(StatusCode.InvalidArgument, () => viewer.ListSurveysAsync(new ListSurveysRequest { State = (SurveyState)9 }));
        Assert.Equal("state", Assert.Single(bad.FieldViolations()).Field);
    }

    /// <summary>
    /// Published worked examples end to end over gRPC. NPS: whuber's answer to Cross Validated question 18603 — 1/2 promoters,
    /// 1/3 passives, 1/6 detractors give NPS 1/3 and a variance of 5/9 per answer (sd ≈ 0.75), whatever the sample size
    /// (here 96 answers: 48 / 32 / 16). Borda count: Wikipedia "Borda count", the Tennessee capital example (42% Memphis,
    /// 26% Nashville, 15% Chattanooga, 17% Knoxville first) — 100 voters give Memphis 126, Nashville 194, Chattanooga 173,
    /// Knoxville 107 points; Nashville wins.
    /// </summary>
    [Fact]
    public async Task ReturnsPublishedNpsAndBordaResultsGivenTheirWorkedExamplesOverGrpc()
    {
        var kit = new SurveyTestKit(server, "survey-published");
        var chair = await kit.Chair;
        string[] cities = ["Memphis", "Nashville", "Chattanooga", "Knoxville"];
        var survey = await chair.CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "Published", RequestId = "published",
            Audience = { new AudienceDepartment { Department = "Tennessee" } },
            Questions =
            {
                new V1.SurveyQuestion { QuestionId = "nps", Kind = QuestionKind.Nps },
                new V1.SurveyQuestion { QuestionId = "capital", Kind = QuestionKind.Ranking, Options = { cities } },
            },
        });
        (int Voters, string[] Order)[] ballots =
        [
            (42, ["Memphis", "Nashville", "Chattanooga", "Knoxville"]),
            (26, ["Nashville", "Chattanooga", "Knoxville", "Memphis"]),
            (15, ["Chattanooga", "Knoxville", "Nashville", "Memphis"]),
            (17, ["Knoxville", "Chattanooga", "Nashville", "Memphis"]),
        ];
        var rankings = ballots.SelectMany(b => Enumerable.Repeat(b.Order, b.Voters)).ToArray();
        for (var i = 0; i < rankings.Length; i++)
        {
            // Voter i also answers the NPS question (the last four skip it): 48 promoters, 32 passives, 16 detractors.
            var request = new SubmitResponseRequest
            {
                SurveyId = survey.SurveyId, RespondentId = $"p{i}", Department = "Tennessee", RequestId = $"p{i}",
                Answers = { new SurveyAnswer { QuestionId = "capital", Ranking = new RankingAnswer { OptionIds = { rankings[i] } } } },
            };
            if (i < 96) request.Answers.Add(new SurveyAnswer { QuestionId = "nps", Nps = i % 6 < 3 ? 9 + i % 2 : i % 6 < 5 ? 7 + i % 2 : i % 7 });
            await chair.SubmitResponseAsync(request);
        }

        var results = await chair.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = survey.SurveyId });

        // Tennessee was published with 0 invited (no cap): results still come back, with no rate for it.
        Assert.Equal(100, results.Respondents);
        Assert.False(Assert.Single(results.ResponseRates).HasRate);
        var nps = results.Questions.Single(q => q.QuestionId == "nps").Nps;
        Assert.Equal((96, 48, 32, 16), (nps.N, nps.Promoters, nps.Passives, nps.Detractors));
        Assert.Equal(4, results.Questions.Single(q => q.QuestionId == "nps").Missing);
        Assert.Equal(100.0 / 3, nps.Score, 9);
        Assert.Equal(5.0 / 9, Math.Pow(nps.StandardError / 100, 2) * 96, 9); // published variance per answer
        Assert.Equal(0.75, nps.StandardError / 100 * Math.Sqrt(96), 2); // published sd per answer ≈ 0.75
        Assert.Equal(0.5, nps.PromoterShare, 12);
        Assert.Equal(1.0 / 3, nps.PassiveShare, 12);
        Assert.Equal(1.0 / 6, nps.DetractorShare, 12);
        var ranking = results.Questions.Single(q => q.QuestionId == "capital").Ranking;
        Assert.Equal([126.0, 194, 173, 107], ranking.Options.Select(o => o.BordaPoints));
        Assert.Equal(["Nashville", "Chattanooga", "Memphis", "Knoxville"], ranking.Order);
        Near([1.26, 1.94, 1.73, 1.07], ranking.Options.Select(o => o.MeanBordaPoints), 1e-12, "mean Borda points");
        Near([2.74, 2.06, 2.27, 2.93], ranking.Options.Select(o => o.MeanRank), 1e-12, "mean rank"); // points = n − rank
        Assert.Equal((100, 0), (ranking.Rankings, ranking.PartialRankings));
    }
}
