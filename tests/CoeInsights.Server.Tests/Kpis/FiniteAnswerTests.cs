using System.Net;
using System.Text;
using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Google.Protobuf;
using Grpc.Core;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Kpis;

/// <summary>
/// Issue 13 item 6: no NaN or Infinity in any answer. Every KPI method that returns a double runs over constant,
/// linear, two-point, alternating and extreme series, through real gRPC and the JSON port: each answer is scanned
/// (FiniteScan) and each JSON body is searched for the "NaN" / "Infinity" tokens. A call may refuse with a typed
/// INVALID_ARGUMENT (two points are too few for a trend), never with INTERNAL. The values docs/trends.md defines are
/// asserted, and so are the unset fields and their reasons.
/// </summary>
public sealed class FiniteAnswerTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly DateOnly Start = new(2025, 4, 7);
    private const int Days = 20;

    /// <summary>followers (level), engagements, spend and impressions per day, by series name.</summary>
    private static (double[] Values, double[] Impressions) Series(string name)
    {
        double[] Of(Func<int, double> f) => Enumerable.Range(0, Days).Select(f).ToArray();
        var ordinary = Of(i => 1000 + i);
        return name switch
        {
            "flat-followers" => (Of(_ => 4200), ordinary),
            "all-zero" => (Of(_ => 0), ordinary),
            "linear" => (Of(i => 100 + 5 * i), ordinary),
            "two-point" => ([10, 30], [1000, 1001]),
            "alternating" => (Of(i => i % 2 == 0 ? 10 : 20), ordinary),
            "extreme" => (Of(i => i % 2 == 0 ? 1e300 : -1e300), Of(_ => 1e-300)),
            "near-max" => (Of(i => (i % 2 == 0 ? 1.7e308 : -1.7e308) / (1 + i % 3)), Of(_ => 1e-300)),
            "tiny" => (Of(i => 1e-300 * (1 + i % 3)), Of(i => 1e-300 * (2 + i))),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    public static TheoryData<string> Names => ["flat-followers", "all-zero", "linear", "two-point", "alternating", "extreme", "near-max", "tiny"];

    private static Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    private sealed record Setup(KpiService.KpiServiceClient Viewer, HttpClient Http, Profile Profile, int Length);

    private async Task<Setup> Record(string name)
    {
        var tenant = "finite-" + name;
        var committee = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Committee)));
        var ingest = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Ingest)));
        var viewerKey = await server.CreateKeyAsync(tenant, Role.Viewer);
        var profile = await committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = name, BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = "reg-" + name,
        });
        var (values, impressions) = Series(name);
        var batch = new RecordKpisRequest { IdempotencyKey = "finite-" + name, Source = "test", SourceTimeZone = "UTC" };
        for (var i = 0; i < values.Length; i++)
        {
            foreach (var (metric, value) in new[]
                     {
                         ("followers", values[i]), ("engagements", values[i]), ("impressions", impressions[i]),
                         ("spend", values[i]), ("attributed_revenue", impressions[i]),
                     })
                batch.Observations.Add(new KpiObservation { ProfileId = profile.ProfileId, Metric = metric, Date = D(Start.AddDays(i)), Value = value });
        }
        using (var call = ingest.RecordKpis())
        {
            await call.RequestStream.WriteAsync(batch);
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            await call.RequestStream.CompleteAsync();
            Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        }
        return new Setup(new KpiService.KpiServiceClient(server.Channel(viewerKey)), server.Http(viewerKey), profile, values.Length);
    }

    private static SeriesSelector Selector(Setup s, string metric) => new()
    {
        ProfileId = s.Profile.ProfileId, Metric = metric, Granularity = Granularity.Day, StartDate = D(Start), EndDate = D(Start.AddDays(s.Length - 1)),
    };

    /// <summary>The answer over gRPC (null when refused, which must be INVALID_ARGUMENT), scanned for non-finite numbers.</summary>
    private static async Task<T?> Grpc<T>(string method, Func<AsyncUnaryCall<T>> call) where T : class, IMessage
    {
        try
        {
            var answer = await call().ResponseAsync;
            Assert.True(FiniteScan.NonFinite(answer).Count == 0, $"{method}: non-finite {string.Join(", ", FiniteScan.NonFinite(answer))}");
            return answer;
        }
        catch (RpcException e)
        {
            Assert.True(e.StatusCode == StatusCode.InvalidArgument, $"{method}: {e.Describe()}");
            return null;
        }
    }

    /// <summary>The same request on the JSON port: 200 or 400, and no NaN / Infinity token in the body.</summary>
    private static async Task<T?> Json<T>(HttpClient http, string route, IMessage request, MessageParser<T> parser) where T : class, IMessage<T>
    {
        using var response = await http.PostAsync(route, new StringContent(JsonFormatter.Default.Format(request), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{route}: {(int)response.StatusCode} {body}");
        Assert.DoesNotContain("NaN", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", body, StringComparison.Ordinal);
        return response.StatusCode == HttpStatusCode.OK ? parser.ParseJson(body) : null;
    }

    private static IEnumerable<string> Undefined(IEnumerable<UndefinedStatistic> u) => u.Select(x => x.Field);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task AnswersOnlyFiniteNumbersOnBothPortsGivenDegenerateOrExtremeSeries(string name)
    {
        var s = await Record(name);
        var (values, _) = Series(name);
        var analyze = new AnalyzeSeriesRequest
        {
            Granularity = Granularity.Day, Rollup = Rollup.Last, Options = new TrendOptions { SeasonLength = 2, MovingAverageWindow = 3 },
            Points = { values.Select((v, i) => new SeriesPoint { PeriodStart = D(Start.AddDays(i)), Value = v }) },
        };
        var trend = new GetTrendRequest { Series = Selector(s, "followers"), Options = new TrendOptions { SeasonLength = 2, MovingAverageWindow = 3 } };
        var anomalies = new DetectAnomaliesRequest { Series = Selector(s, "followers"), SeasonLength = 2 };
        var holt = new ForecastRequest { Series = Selector(s, "followers"), Method = ForecastMethod.Holt, Alpha = 0.5, Beta = 0.1, Horizon = 3 };
        var simple = new ForecastRequest { Series = Selector(s, "followers"), Method = ForecastMethod.Simple, Alpha = 0.5, Horizon = 3 };
        var correlate = new CorrelateMetricsRequest { X = Selector(s, "followers"), Y = Selector(s, "impressions") };
        var derived = new QueryDerivedKpisRequest
        {
            Kpis = { DerivedKpi.EngagementRateByImpressions, DerivedKpi.Roi, DerivedKpi.CostPerEngagement },
            StartDate = D(Start), EndDate = D(Start.AddDays(s.Length - 1)), Granularity = Granularity.Week,
        };
        var compare = new CompareNetworksRequest { StartDate = D(Start), EndDate = D(Start.AddDays(s.Length - 1)) };
        var benchmark = new BenchmarkCompetitorsRequest { Metrics = { "engagements", "followers" }, StartDate = D(Start), EndDate = D(Start.AddDays(s.Length - 1)) };

        var v = s.Viewer;
        var analyzed = await Grpc("AnalyzeSeries", () => v.AnalyzeSeriesAsync(analyze));
        var trended = await Grpc("GetTrend", () => v.GetTrendAsync(trend));
        await Grpc("DetectAnomalies", () => v.DetectAnomaliesAsync(anomalies));
        await Grpc("Forecast (Holt)", () => v.ForecastAsync(holt));
        var smoothed = await Grpc("Forecast (simple)", () => v.ForecastAsync(simple));
        var correlated = await Grpc("CorrelateMetrics", () => v.CorrelateMetricsAsync(correlate));
        var rates = await Grpc("QueryDerivedKpis", () => v.QueryDerivedKpisAsync(derived));
        await Grpc("CompareNetworks", () => v.CompareNetworksAsync(compare));
        await Grpc("BenchmarkCompetitors", () => v.BenchmarkCompetitorsAsync(benchmark));

        var jsonAnalyzed = await Json(s.Http, "/v1/kpi:analyzeSeries", analyze, V1.TrendReport.Parser);
        var jsonTrended = await Json(s.Http, "/v1/kpi/series:trend", trend, V1.TrendReport.Parser);
        await Json(s.Http, "/v1/kpi/series:detectAnomalies", anomalies, DetectAnomaliesResponse.Parser);
        await Json(s.Http, "/v1/kpi/series:forecast", holt, ForecastResponse.Parser);
        await Json(s.Http, "/v1/kpi/series:forecast", simple, ForecastResponse.Parser);
        var jsonCorrelated = await Json(s.Http, "/v1/kpi/series:correlate", correlate, CorrelateMetricsResponse.Parser);
        var jsonRates = await Json(s.Http, "/v1/kpi/derived:query", derived, QueryDerivedKpisResponse.Parser);
        await Json(s.Http, "/v1/kpi:compareNetworks", compare, CompareNetworksResponse.Parser);
        await Json(s.Http, "/v1/kpi:benchmarkCompetitors", benchmark, BenchmarkCompetitorsResponse.Parser);

        // both ports give the same answer
        Assert.Equal(analyzed, jsonAnalyzed);
        Assert.Equal(trended, jsonTrended);
        Assert.Equal(correlated, jsonCorrelated);
        Assert.Equal(rates, jsonRates);

        // every unset value above was decided by the analysis or the mapping, none was left to the safety net
        Assert.DoesNotContain(server.LogLines, l => l.Contains("answered non-finite numbers", StringComparison.Ordinal));

        switch (name)
        {
            case "flat-followers" or "all-zero":
            {
                var t = trended!;
                Assert.True(t.Ols.HasSlope && t.Ols.Slope == 0 && t.Ols.SlopeStandardError == 0);
                Assert.Equal(0, t.Ols.SlopeCi.Lower);
                Assert.Equal(0, t.Ols.SlopeCi.Upper);
                Assert.False(t.Ols.HasSlopeT || t.Ols.HasSlopePValue || t.Ols.HasRSquared);
                Assert.False(t.MannKendall.HasTauB || t.SeasonalMannKendall.HasTauB);
                Assert.True(t.MannKendall.HasPValue && t.MannKendall.PValue == 1 && t.MannKendall.Z == 0 && t.MannKendall.HasTauA);
                // issue 21's OLS fields: the intercept's t (0/0 with its p when the constant is 0), F and adjusted R²
                string[] intercept = name == "all-zero" ? ["ols.intercept_t", "ols.intercept_p_value"] : ["ols.intercept_t"];
                Assert.Equal(["ols.slope_t", "ols.slope_p_value", "ols.r_squared", .. intercept, "ols.f_statistic", "ols.f_p_value",
                        "ols.adjusted_r_squared", "mann_kendall.tau_b", "seasonal_mann_kendall.tau_b", "cagr"],
                    Undefined(t.UndefinedStatistics));
                Assert.All(t.UndefinedStatistics.SkipLast(1), u => Assert.Contains("constant", u.Reason));
                // 20 days cannot be annualised: CAGR is unset with that reason, not a huge number.
                Assert.Contains("less than a year", t.UndefinedStatistics[^1].Reason);
                Assert.True(t.SenSlope.HasSlope && t.SenSlope.Slope == 0);
                Assert.Equal(analyzed, trended);
                Assert.Null(correlated); // a constant x has no correlation: INVALID_ARGUMENT naming x
                break;
            }
            case "linear":
            {
                var t = trended!;
                Assert.Equal(5, t.Ols.Slope);
                Assert.Equal(1, t.Ols.RSquared);
                Assert.True(t.Ols.HasSlopePValue && t.Ols.SlopePValue == 0);
                Assert.False(t.Ols.HasSlopeT);
                Assert.Equal(["ols.slope_t", "ols.intercept_t", "ols.f_statistic", "cagr"], Undefined(t.UndefinedStatistics));
                Assert.True(t.Ols.FPValue == 0 && t.Ols.AdjustedRSquared == 1);
                Assert.Contains("exactly on the line", t.UndefinedStatistics[0].Reason);
                Assert.Equal(1, t.MannKendall.TauB);
                // followers and impressions are both exact lines in the day: a perfect correlation, t infinite, p 0
                var c = correlated!;
                Assert.Equal(1, c.Pearson.Coefficient);
                Assert.True(c.Pearson.HasPValue && c.Pearson.PValue == 0 && !c.Pearson.HasStatistic);
                Assert.Contains("pearson.statistic", Undefined(c.UndefinedStatistics));
                Assert.Contains("spearman.statistic", Undefined(c.UndefinedStatistics));
                break;
            }
            case "two-point":
                Assert.Null(trended); // at least 3 observed values: INVALID_ARGUMENT
                Assert.Null(analyzed);
                // one one-step residual: no residual variance, so no interval, said so
                Assert.False(smoothed!.HasResidualVariance);
                Assert.All(smoothed.Forecast, f => Assert.Null(f.PredictionInterval));
                Assert.Contains("residual_variance", Undefined(smoothed.UndefinedStatistics));
                Assert.Contains("forecast[0].prediction_interval", Undefined(smoothed.UndefinedStatistics));
                break;
            case "extreme" or "near-max":
            {
                var t = trended!;
                Assert.True(t.Ols.HasSlope && t.Ols.HasSlopeT && t.Ols.HasRSquared && t.MannKendall.HasTauB && t.SenSlope.HasSlope);
                Assert.All(t.Points.Skip(2), p => Assert.True(p.HasMovingAverage));
                // ±1e300 engagements over 1e-300 impressions: the rate is beyond a double, left unset with a reason
                Assert.Contains(rates!.UndefinedStatistics, u => u.Field.StartsWith("series[", StringComparison.Ordinal) && u.Field.EndsWith(".value", StringComparison.Ordinal));
                break;
            }
            case "tiny":
                // 1e-300 values are not a constant series: their squares would underflow to 0 without rescaling
                Assert.True(trended!.Ols.HasSlopeT && trended.Ols.HasRSquared && trended.Ols.RSquared > 0);
                Assert.Equal(["cagr"], Undefined(trended.UndefinedStatistics)); // 20 days: too short to annualise
                break;
        }
    }
}
