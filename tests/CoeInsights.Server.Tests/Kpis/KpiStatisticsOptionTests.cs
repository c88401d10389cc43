using System.Text.Json;
using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Kpis;

/// <summary>
/// Issue 21, "statistics the engine has but the API hid": each new field and switch end to end over gRPC with real
/// PostgreSQL, against numbers a published package or paper prints (cited next to each number).
/// </summary>
public sealed class KpiStatisticsOptionTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly DateOnly Mon = new(2025, 1, 6);

    // R datasets::women: height 58..72 (consecutive, so a daily series of the weights has x = height − 58)
    private static readonly double[] Height = [58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72];
    private static readonly double[] Weight = [115, 117, 120, 123, 126, 129, 132, 135, 139, 142, 146, 150, 154, 159, 164];

    private static Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    private static AnalyzeSeriesRequest Daily(IEnumerable<double> values, TrendOptions? options = null) => new()
    {
        Granularity = Granularity.Day, Options = options,
        Points = { values.Select((v, i) => new SeriesPoint { PeriodStart = D(Mon.AddDays(i)), Value = v }) },
    };

    [Fact]
    public async Task ReturnsPymannkendallSeasonalSensSlopeGivenMonthlyRainfallAndDropIncompleteCycles()
    {
        // pymannkendall's test_seasonal_test asserts seasonal_sens_slope −0.16666666666666666 on Bogra's monthly
        // rainfall 1981-2010 with blank months (vectors/trends/v15_…json); blanks are points without a value. Sent as 360
        // daily slots (one per month, season 12): AnalyzeSeries drops a first or last month observed on one day only.
        var v = Vector("v15_seasonal_mann_kendall_pymannkendall_rainfall.json");
        var x = v.GetProperty("inputs").GetProperty("x").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (double?)null : e.GetDouble()).ToArray();
        var viewer = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync("stats-seasonal-sen", Role.Viewer)));
        AnalyzeSeriesRequest Monthly(SeasonalSenConvention convention) => new()
        {
            Granularity = Granularity.Day,
            Options = new TrendOptions { SeasonLength = 12, SeasonalSenConvention = convention },
            Points =
            {
                x.Select((value, i) =>
                {
                    var p = new SeriesPoint { PeriodStart = D(Mon.AddDays(i)) };
                    if (value is { } observed) p.Value = observed;
                    return p;
                }),
            },
        };

        var dropped = (await viewer.AnalyzeSeriesAsync(Monthly(SeasonalSenConvention.DropIncompleteCycles))).SeasonalSenSlope;
        var pairwise = (await viewer.AnalyzeSeriesAsync(Monthly(SeasonalSenConvention.Unspecified))).SeasonalSenSlope;

        var expected = v.GetProperty("expected_seasonal_sens_slope");
        Near(expected.GetProperty("slope").GetDouble(), dropped.SlopePerCycle, expected.GetProperty("tolerance_absolute").GetDouble(), "slope per year");
        Assert.Equal((12, SeasonalSenConvention.DropIncompleteCycles), (dropped.SeasonLength, dropped.Convention));
        Assert.Equal(SeasonalSenConvention.PairwiseWithinSeason, pairwise.Convention);
        Assert.True(pairwise.PairCount > dropped.PairCount);
    }

    private static JsonElement Vector(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "trends", file)));
        return doc.RootElement.Clone();
    }

    private static void Near(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R} ± {tolerance:E1}, got {actual:R}");

    private async Task<(KpiService.KpiServiceClient Viewer, KpiService.KpiServiceClient Ingest, string ProfileId)> Seed(
        string tenant, params (string Metric, double[] Values)[] series)
    {
        var committee = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Committee)));
        var ingest = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Ingest)));
        var viewer = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Viewer)));
        var p = await committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = tenant, BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = $"reg-{tenant}",
        });
        using var call = ingest.RecordKpis();
        await call.RequestStream.WriteAsync(new RecordKpisRequest
        {
            IdempotencyKey = $"{tenant}-1", Source = "test", SourceTimeZone = "UTC",
            Observations =
            {
                series.SelectMany(s => s.Values.Select((v, i) => new KpiObservation { ProfileId = p.ProfileId, Date = D(Mon.AddDays(i)), Metric = s.Metric, Value = v })),
            },
        });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        return (viewer, ingest, p.ProfileId);
    }

    private SeriesSelector Selector(string profileId, string metric, int days) =>
        new() { ProfileId = profileId, Metric = metric, StartDate = D(Mon), EndDate = D(Mon.AddDays(days - 1)) };

    [Fact]
    public async Task ReportsRegressionInferenceGivenWomenAsADailySeries()
    {
        var viewer = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync("stats-ols", Role.Viewer)));

        var ols = (await viewer.AnalyzeSeriesAsync(Daily(Weight))).Ols;

        // R summary(lm(weight ~ height, data = women)): slope 3.45000 (SE 0.09114), Residual standard error: 1.525 on
        // 13 DF, Multiple R-squared: 0.991, Adjusted R-squared: 0.9903, F-statistic: 1433 on 1 and 13 DF,
        // p-value: 1.091e-14 — none of these depends on where x starts. The intercept here is the value at the first
        // slot, R fitted(fit)[1] = 112.5833.
        Near(3.45, ols.Slope, 5e-6, "slope");
        Near(0.09114, ols.SlopeStandardError, 5e-6, "slope SE");
        Near(1.525, ols.ResidualStandardError, 5e-4, "residual standard error");
        Near(0.991, ols.RSquared, 5e-4, "R²");
        Near(0.9903, ols.AdjustedRSquared, 5e-5, "adjusted R²");
        Near(1433, ols.FStatistic, 0.5, "F");
        Near(1.091e-14, ols.FPValue, 5e-18, "F p-value");
        Assert.Equal(13, ols.DfResidual);
        Near(112.5833, ols.Intercept, 5e-5, "intercept (fitted value at the first slot)");
        Assert.True(ols.HasInterceptStandardError && ols.HasInterceptT && ols.HasInterceptPValue);
        Assert.True(ols.InterceptCi.Lower < ols.Intercept && ols.Intercept < ols.InterceptCi.Upper);
    }

    [Fact]
    public async Task LeavesUndefinedRegressionFieldsUnsetWithReasonsGivenExactLine()
    {
        var viewer = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync("stats-line", Role.Viewer)));

        var report = await viewer.AnalyzeSeriesAsync(Daily(Enumerable.Range(0, 10).Select(i => 3.0 + 2 * i)));

        Assert.False(report.Ols.HasFStatistic);
        Assert.False(report.Ols.HasInterceptT);
        Assert.Equal(0, report.Ols.FPValue);
        Assert.Equal(0, report.Ols.InterceptPValue);
        Assert.Equal(1, report.Ols.AdjustedRSquared);
        Assert.Equal(["ols.slope_t", "ols.intercept_t", "ols.f_statistic"],
            report.UndefinedStatistics.Where(u => u.Field.StartsWith("ols.", StringComparison.Ordinal)).Select(u => u.Field));
        Assert.All(report.UndefinedStatistics.Where(u => u.Field.StartsWith("ols.", StringComparison.Ordinal)),
            u => Assert.Contains("exactly on the line", u.Reason));
    }

    [Fact]
    public async Task SwitchesMannKendallContinuityCorrectionGivenNile()
    {
        // R trend 1.1.6 mk.test(Nile, continuity = TRUE) (tests/vectors/trends/v04_mann_kendall_nile.json):
        // S = −1387, varS = 112728.333…, z = −4.128066522844101, p = 3.658262921664328e-05; continuity = FALSE: z = S/√varS.
        var v = Vector("v04_mann_kendall_nile.json");
        var nile = v.GetProperty("inputs").GetProperty("x").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var e = v.GetProperty("expected");
        var viewer = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync("stats-mk", Role.Viewer)));

        var byDefault = (await viewer.AnalyzeSeriesAsync(Daily(nile))).MannKendall;
        var off = (await viewer.AnalyzeSeriesAsync(Daily(nile, new TrendOptions { ContinuityCorrection = false }))).MannKendall;

        Assert.True(byDefault.ContinuityCorrection);
        Near(e.GetProperty("z").GetDouble(), byDefault.Z, 1e-12, "z (continuity = TRUE)");
        Near(e.GetProperty("p_two_sided").GetDouble(), byDefault.PValue, 1e-15, "p (continuity = TRUE)");
        Assert.False(off.ContinuityCorrection);
        Near(e.GetProperty("S").GetDouble() / Math.Sqrt(e.GetProperty("varS").GetDouble()), off.Z, 1e-12, "z (continuity = FALSE)");
    }

    [Fact]
    public async Task ReturnsCentredMovingAverageAndEwmaGivenPublishedSeries()
    {
        // tests/vectors/trends/v13_growth_cagr_moving_average.json: R stats::filter(x, rep(1/3, 3), sides = 2) and
        // pandas ewm(alpha = 0.5, adjust = False).mean()
        var v = Vector("v13_growth_cagr_moving_average.json");
        var x = v.GetProperty("inputs").GetProperty("x").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var centred = v.GetProperty("expected").GetProperty("centered_ma3").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (double?)null : e.GetDouble()).ToArray();
        var ewma = v.GetProperty("expected").GetProperty("ewma_0.5_adjust_false").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var viewer = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync("stats-ma", Role.Viewer)));

        var report = await viewer.AnalyzeSeriesAsync(Daily(x, new TrendOptions
        {
            MovingAverageWindow = 3, MovingAverageAlignment = MovingAverageAlignment.Centered, EwmaAlpha = 0.5,
        }));

        for (var i = 0; i < x.Length; i++)
        {
            var p = report.Points[i];
            if (centred[i] is { } c) Near(c, p.MovingAverage, 1e-12, $"centred MA[{i}]");
            else Assert.False(p.HasMovingAverage);
            Near(ewma[i], p.Ewma, 1e-12, $"EWMA[{i}]");
        }
        var plain = await viewer.AnalyzeSeriesAsync(Daily(x));
        Assert.All(plain.Points, p => Assert.False(p.HasEwma));
    }

    [Fact]
    public async Task FitsLongleyToNistCertifiedValuesGivenExplicitValues()
    {
        // NIST StRD Longley certified B and sd_B (tests/vectors/trends/v02_nist_longley_ols.json); statsmodels
        // results_regression.py Longley rsquared_adj 0.99246501; R summary(lm(Employed ~ ., longley)): F-statistic 330.3
        // on 6 and 9 DF, p-value 4.984e-10, intercept Pr(>|t|) 0.003560.
        var v = Vector("v02_nist_longley_ols.json");
        var rows = v.GetProperty("inputs").GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
        var certified = v.GetProperty("expected");
        var request = new FitRegressionRequest { YValues = { rows.Select(r => r[0]) } };
        string[] names = ["gnp_deflator", "gnp", "unemployed", "armed_forces", "population", "year"];
        for (var j = 0; j < 6; j++) request.Regressors.Add(new Regressor { Name = names[j], Values = { rows.Select(r => r[j + 1]) } });
        var viewer = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync("stats-longley", Role.Viewer)));

        var fit = await viewer.FitRegressionAsync(request);

        var b = certified.GetProperty("B").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var sd = certified.GetProperty("sd_B").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(["intercept", .. names], fit.Coefficients.Select(c => c.Name));
        for (var j = 0; j < 7; j++)
        {
            Near(b[j], fit.Coefficients[j].Estimate, 1e-9 * Math.Abs(b[j]), $"B{j}");
            Near(sd[j], fit.Coefficients[j].StandardError, 1e-9 * sd[j], $"sd_B{j}");
        }
        Near(certified.GetProperty("residual_sd").GetDouble(), fit.ResidualStandardError, 1e-9 * 305, "residual sd");
        Near(certified.GetProperty("r_squared").GetDouble(), fit.RSquared, 1e-9, "R²");
        Near(certified.GetProperty("f_statistic").GetDouble(), fit.FStatistic, 1e-9 * 330.3, "F");
        Near(0.99246501, fit.AdjustedRSquared, 5e-9, "adjusted R²");
        Near(4.984e-10, fit.FPValue, 5e-14, "F p-value");
        Near(0.003560, fit.Coefficients[0].PValue, 5e-7, "intercept p");
        Assert.Equal((6, 9, 16), (fit.DfRegression, fit.DfResidual, fit.N));
        Assert.Empty(fit.UndefinedStatistics);
    }

    [Fact]
    public async Task FitsStoredSeriesOnAnotherMetricGivenWomen()
    {
        // R summary(lm(weight ~ height, data = women)) and confint(fit): (Intercept) −87.51667, SE 5.93694, t −14.74,
        // Pr 1.71e-09, CI (−100.342655, −74.690679); height 3.45000, SE 0.09114, CI (3.253112, 3.646888).
        var (viewer, _, profile) = await Seed("stats-women", ("engagements", Weight), ("impressions", Height));

        var fit = await viewer.FitRegressionAsync(new FitRegressionRequest
        {
            Y = Selector(profile, "engagements", 15), Regressors = { new Regressor { Name = "height", Series = Selector(profile, "impressions", 15) } },
        });

        var intercept = fit.Coefficients[0];
        var height = fit.Coefficients[1];
        Near(-87.51667, intercept.Estimate, 5e-6, "intercept");
        Near(5.93694, intercept.StandardError, 5e-6, "intercept SE");
        Near(-14.74, intercept.TStatistic, 5e-3, "intercept t");
        Near(1.71e-09, intercept.PValue, 5e-12, "intercept p");
        Near(-100.342655, intercept.Ci.Lower, 5e-7, "intercept CI lower");
        Near(-74.690679, intercept.Ci.Upper, 5e-7, "intercept CI upper");
        Near(3.45, height.Estimate, 5e-6, "height");
        Near(0.09114, height.StandardError, 5e-6, "height SE");
        Near(3.253112, height.Ci.Lower, 5e-7, "height CI lower");
        Near(3.646888, height.Ci.Upper, 5e-7, "height CI upper");
        Assert.Equal("height", height.Name);
        Assert.Equal(15, fit.N);

        var collinear = await Assert.ThrowsAsync<RpcException>(() => viewer.FitRegressionAsync(new FitRegressionRequest
        {
            Y = Selector(profile, "engagements", 15),
            Regressors = { new Regressor { Series = Selector(profile, "impressions", 15) }, new Regressor { Series = Selector(profile, "impressions", 15) } },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, collinear.StatusCode);
        Assert.Equal("regressors", collinear.FieldViolations().Single().Field);
    }

    [Fact]
    public async Task ReturnsKendallScoreVarianceAndContinuitySwitchGivenKendall1976Example43()
    {
        // Kendall (1976) Rank Correlation Methods p. 55, Example 4.3, quoted in R Kendall package man/Kendall.Rd:
        // "Kendall obtains S=34 and Var(S)=203.30"; with ties Kendall::Kendall uses the normal approximation with
        // continuity correction, z = (S − 1)/√Var(S).
        double[] x = [1.5, 1.5, 3, 4, 6, 6, 6, 8, 9.5, 9.5, 11, 12];
        double[] y = [2.5, 2.5, 7, 4.5, 1, 4.5, 6, 11.5, 11.5, 8.5, 8.5, 10];
        var (viewer, _, profile) = await Seed("stats-kendall", ("impressions", x), ("engagements", y));
        var request = new CorrelateMetricsRequest { X = Selector(profile, "impressions", 12), Y = Selector(profile, "engagements", 12) };

        var plain = (await viewer.CorrelateMetricsAsync(request)).KendallTauB;
        request.ContinuityCorrection = true;
        var corrected = (await viewer.CorrelateMetricsAsync(request)).KendallTauB;

        Assert.Equal(34, plain.S);
        Near(203.30, plain.VarianceS, 5e-3, "Var(S)");
        Assert.False(plain.ContinuityCorrection);
        Near(34 / Math.Sqrt(203.30), plain.Statistic, 1e-4, "z = S/√Var(S)");
        Assert.True(corrected.ContinuityCorrection);
        Near(33 / Math.Sqrt(203.30), corrected.Statistic, 1e-4, "z = (S − 1)/√Var(S)");
        Assert.False((await viewer.CorrelateMetricsAsync(request)).Pearson.HasS);
    }

    [Fact]
    public async Task ReturnsHoltStartFinalStateAndFittedValuesGivenWwwUsage()
    {
        // R 4.2.2 HoltWinters(WWWusage, alpha = 0.5, beta = 0.3, gamma = FALSE)
        // (tests/vectors/trends/v10_holt_linear_ses_fixed_wwwusage.json): coefficients a = 225.40095379687364,
        // b = 1.043224106742525; fitted(hw) first rows (xhat, level, trend) [80, 84, −4], [79.25, 82.5, −3.25], …
        // The first row's level and trend are the start values (?HoltWinters: l.start = x[2], b.start = x[2] − x[1]).
        var v = Vector("v10_holt_linear_ses_fixed_wwwusage.json");
        var y = v.GetProperty("inputs").GetProperty("y").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var holt = v.GetProperty("expected").GetProperty("holt");
        var rows = holt.GetProperty("first_fitted_rows_xhat_level_trend").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
        var (viewer, _, profile) = await Seed("stats-holt", ("impressions", y));

        var r = await viewer.ForecastAsync(new ForecastRequest
        {
            Series = Selector(profile, "impressions", y.Length), Method = ForecastMethod.Holt, Alpha = 0.5, Beta = 0.3, Horizon = 1,
        });

        Assert.Equal(rows[0][1], r.StartLevel);
        Assert.Equal(rows[0][2], r.StartTrend);
        Assert.Empty(r.StartSeasonals);
        Near(holt.GetProperty("level_n").GetDouble(), r.FinalLevel, 1e-9, "a");
        Near(holt.GetProperty("trend_n").GetDouble(), r.FinalTrend, 1e-12, "b");
        Assert.Equal(y.Length, r.Fitted.Count);
        Assert.False(r.Fitted[0].HasValue || r.Fitted[1].HasValue); // Holt filters from the third slot, as R
        for (var i = 0; i < rows.Length; i++) Near(rows[i][0], r.Fitted[i + 2].Value, 1e-12, $"xhat[{i + 3}]");
        Assert.Equal(D(Mon.AddDays(2)), r.Fitted[2].PeriodStart);
    }

    [Fact]
    public async Task ScoresAnomaliesByTheChosenConventionGivenPublishedExamples()
    {
        // Leys et al. (2013) J. Exp. Soc. Psychol. 49:764-766: 1, 3, 3, 6, 8, 10, 10, 1000 → median 7, MAD·1.4826 = 5.1891.
        var (viewer, _, profile) = await Seed("stats-anomaly", ("impressions", [1, 3, 3, 6, 8, 10, 10, 1000]),
            ("clicks", [0.3148, 0.0478, 0.6243, 0.4608]));
        var series = Selector(profile, "impressions", 8);

        var scaled = await viewer.DetectAnomaliesAsync(new DetectAnomaliesRequest { Series = series, ScoreMethod = AnomalyScoreMethod.MadScaled });
        var byDefault = await viewer.DetectAnomaliesAsync(new DetectAnomaliesRequest { Series = series });
        // scipy.stats.zscore documentation, stats.zscore(b, axis=1, ddof=1), first row: [-0.19264823, -1.28415119, 1.07259584, 0.40420358]
        var z = await viewer.DetectAnomaliesAsync(new DetectAnomaliesRequest
        {
            Series = Selector(profile, "clicks", 4), ScoreMethod = AnomalyScoreMethod.ZScore, Threshold = 1.0,
        });

        Assert.Equal(AnomalyScoreMethod.MadScaled, scaled.ScoreMethod);
        Assert.Equal(7, scaled.Center);
        Near(5.1891, scaled.Scale, 5e-5, "1.4826·MAD");
        Near((1000 - 7) / 5.1891, Assert.Single(scaled.Anomalies).Score, 2e-3, "score of 1000");
        Assert.Equal(AnomalyScoreMethod.ModifiedZ, byDefault.ScoreMethod);
        Assert.Equal(3.5, byDefault.Scale); // Iglewicz-Hoaglin: the unscaled MAD
        Assert.Equal(AnomalyScoreMethod.ZScore, z.ScoreMethod);
        Assert.Equal([1, 2], z.Anomalies.Select(a => a.Index));
        Near(-1.28415119, z.Anomalies[0].Score, 5e-8, "z[1]");
        Near(1.07259584, z.Anomalies[1].Score, 5e-8, "z[2]");
    }
}
