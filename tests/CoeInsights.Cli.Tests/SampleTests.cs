using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using CoeInsights.Cli.Sample;
using CoeInsights.Exports.Tests;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;

namespace CoeInsights.Cli.Tests;

/// <summary>A real server on 127.0.0.1 with the sample loaded once by `coe sample load` run as a process.</summary>
public sealed class SampleServer : TestServer
{
    public string WorkingDirectory { get; } = Directory.CreateTempSubdirectory("coe-sample-").FullName;
    public (int Code, string Out, string Err) FirstLoad { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        FirstLoad = await LoadAsync("--if-empty");
    }

    /// <summary>Any `coe` command against this server with the admin key.</summary>
    public Task<(int Code, string Out, string Err)> CoeAsync(params string[] args) =>
        ChildProcess.Coe(WorkingDirectory, [.. args, "--address", GrpcAddress.ToString(), "--key", AdminKey]);

    public Task<(int Code, string Out, string Err)> LoadAsync(params string[] extra) =>
        ChildProcess.Coe(WorkingDirectory, ["sample", "load", .. extra, "-o", "json", "--address", GrpcAddress.ToString(), "--key", AdminKey]);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(WorkingDirectory, recursive: true);
    }
}

/// <summary>`coe sample load` against a real server, checked through the C# client; the Python examples on the same data.</summary>
public sealed class SampleTests(SampleServer server) : IClassFixture<SampleServer>
{
    private EvaluationService.EvaluationServiceClient Evaluations => new(server.Channel());
    private KpiService.KpiServiceClient Kpis => new(server.Channel());

    private async Task<Evaluation> SampleEvaluation()
    {
        Assert.True(server.FirstLoad.Code == ExitCodes.Ok, server.FirstLoad.Err + server.FirstLoad.Out);
        var listed = await Evaluations.ListEvaluationsAsync(new ListEvaluationsRequest { PageSize = 100 });
        var summary = Assert.Single(listed.Evaluations, e => e.Title == SampleData.EvaluationTitle);
        return await Evaluations.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = summary.EvaluationId });
    }

    private async Task<Profile> Profile(Network network, string handle)
    {
        var listed = await Kpis.ListProfilesAsync(new ListProfilesRequest { Network = network, PageSize = 100 });
        return listed.Profiles.Single(p => p.Handle == handle);
    }

    [Fact]
    public async Task LoadsSixVendorsAndTwentyFourCriteriaInSixCategoriesGivenEmptyStore()
    {
        var evaluation = await SampleEvaluation();

        Assert.Equal(SampleData.EvaluationTitle, evaluation.Title);
        Assert.Equal(6, evaluation.Vendors.Count);
        Assert.Equal(24, evaluation.Criteria.Count);
        Assert.Equal(6, evaluation.Criteria.Select(c => c.Category).Distinct().Count());
        Assert.Contains(evaluation.Criteria, c => c.Category == "Cost" && c.Direction == CriterionDirection.Cost && c.Source == CriterionSource.VendorFact);
        Assert.Equal(8, evaluation.Evaluators.Count);
        Assert.Equal(5, evaluation.Evaluators.Select(e => e.Department).Distinct().Count());
        Assert.Equal(8 * 22 * 6, evaluation.Scores.Count); // every evaluator scored every scored criterion of every vendor
        Assert.All(evaluation.Vendors, v => Assert.Equal(2, v.Facts.Count));
    }

    [Fact]
    public async Task SetsWeightsFromFortySurveyResponses()
    {
        var evaluation = await SampleEvaluation();
        var surveys = new SurveyService.SurveyServiceClient(server.Channel());

        var listed = Assert.Single((await surveys.ListSurveysAsync(new ListSurveysRequest { PageSize = 100 })).Surveys, x => x.Title == SampleData.SurveyTitle);
        var survey = await surveys.GetSurveyAsync(new GetSurveyRequest { SurveyId = listed.SurveyId });
        var derived = await surveys.DeriveWeightsAsync(new DeriveWeightsRequest { SurveyId = survey.SurveyId, Method = WeightDerivationMethod.ImportanceRatings });

        Assert.Equal(40, survey.Respondents);
        Assert.Equal(SurveyState.Closed, survey.State);
        Assert.Equal(5, survey.Audience.Count);
        Assert.Equal(WeightSource.Survey, evaluation.Weights.Source);
        Assert.Equal(survey.SurveyId, evaluation.Weights.Survey.SurveyId);
        Assert.Equal(24, evaluation.Weights.CriterionWeights.Count);
        Assert.Equal(1.0, evaluation.Weights.CriterionWeights.Sum(w => w.Weight), 1e-9);
        foreach (var w in derived.Weights)
            Assert.Equal(w.Weight, evaluation.Weights.CriterionWeights.Single(x => x.CriterionId == w.CriterionId).Weight, 1e-9);
        // The departments really disagree: weights are not uniform.
        Assert.True(evaluation.Weights.CriterionWeights.Max(w => w.Weight) > 1.1 * evaluation.Weights.CriterionWeights.Min(w => w.Weight));
    }

    [Fact]
    public async Task RanksVendorsAndProposesTheWinner()
    {
        var evaluation = await SampleEvaluation();

        var scored = await Evaluations.ScoreEvaluationAsync(new ScoreEvaluationRequest { EvaluationId = evaluation.EvaluationId });

        Assert.Equal(EvaluationState.RecommendationProposed, evaluation.State);
        Assert.Equal(6, scored.Result.VendorIds.Count);
        Assert.Equal(Enumerable.Range(1, 6), scored.Result.Methods[0].Ranks.Order());
        Assert.Equal(scored.Result.Recommendation.WinnerId, evaluation.Recommendation.VendorId);
        Assert.Contains(SampleData.Vendors.Single(v => v.Id == evaluation.Recommendation.VendorId).Name, evaluation.Recommendation.Rationale);
    }

    [Fact]
    public async Task RecordsEighteenMonthsOfDailyKpisForElevenProfiles()
    {
        Assert.True(server.FirstLoad.Code == ExitCodes.Ok, server.FirstLoad.Err);
        var profiles = (await Kpis.ListProfilesAsync(new ListProfilesRequest { PageSize = 100 })).Profiles;
        Assert.Equal(8, profiles.Count(p => p.Ownership == Ownership.Owned));
        Assert.Equal(3, profiles.Count(p => p.Ownership == Ownership.Competitor));
        Assert.True(profiles.Select(p => p.Network).Distinct().Count() >= 5);

        using var call = Kpis.QuerySeries(new QuerySeriesRequest { Metrics = { "followers", "negative_mentions" }, Granularity = Granularity.Day });
        var series = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal(22, series.Count);
        Assert.All(series, s =>
        {
            Assert.Equal(546, s.Points.Count); // 2025-01-01 … 2026-06-30 (365 + 181 days), every day observed
            Assert.All(s.Points, p => Assert.True(p.HasValue));
            Assert.Equal(new Google.Type.Date { Year = 2025, Month = 1, Day = 1 }, s.Points[0].PeriodStart);
        });
        // Followers grow over the 18 months on every owned profile that is meant to grow.
        Assert.All(series.Where(s => s.Metric == "followers"), s => Assert.True(s.Points[^1].Value > s.Points[0].Value));
    }

    [Fact]
    public async Task FindsThePlantedNegativeMentionSpike()
    {
        Assert.True(server.FirstLoad.Code == ExitCodes.Ok, server.FirstLoad.Err);
        var profile = await Profile(Network.Instagram, "northwind.home");

        var detected = await Kpis.DetectAnomaliesAsync(new DetectAnomaliesRequest
        {
            Series = new SeriesSelector { ProfileId = profile.ProfileId, Metric = "negative_mentions", Granularity = Granularity.Day }, SeasonLength = 7,
        });

        var top = detected.Anomalies.MaxBy(a => Math.Abs(a.Score))!;
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 3, Day = 17 }, top.PeriodStart);
        Assert.True(top.Value > 4 * top.Expected, $"{top.Value} vs {top.Expected}");
        using var json = JsonDocument.Parse(server.FirstLoad.Out);
        Assert.Equal("2026-03-17", json.RootElement.GetProperty("summary").GetProperty("anomalyDetectedOn").GetString());
    }

    /// <summary>The sample ships one enabled rule on negative mentions; the server raises its alert on the planted spike.</summary>
    [Fact]
    public async Task ShipsAnAlertRuleThatRaisesThePlantedSpike()
    {
        Assert.True(server.FirstLoad.Code == ExitCodes.Ok, server.FirstLoad.Err);
        var alerts = new AlertService.AlertServiceClient(server.Channel());
        var rule = Assert.Single((await alerts.ListAlertRulesAsync(new ListAlertRulesRequest())).Rules);
        Assert.Equal(("negative_mentions", true), (rule.Metric, rule.Enabled));
        var profile = await Profile(Network.Instagram, "northwind.home");
        var until = DateTime.UtcNow.AddSeconds(30);
        var spike = new Google.Type.Date { Year = 2026, Month = 3, Day = 17 };
        List<V1.Alert> raised;
        do
        {
            raised = [.. (await alerts.ListAlertsAsync(new ListAlertsRequest { RuleId = rule.RuleId, PageSize = 1000 })).Alerts];
            if (raised.Any(a => a.ProfileId == profile.ProfileId && a.Date.Equals(spike))) break;
            await Task.Delay(200);
        } while (DateTime.UtcNow < until);
        var alert = Assert.Single(raised, a => a.ProfileId == profile.ProfileId && a.Date.Equals(spike));
        Assert.Equal((V1.AlertState.Open, "crisis.lead@northwind.example"), (alert.State, alert.CurrentApprover));
    }

    [Fact]
    public async Task AddsNothingGivenSecondRun()
    {
        Assert.True(server.FirstLoad.Code == ExitCodes.Ok, server.FirstLoad.Err);
        var info = new ServerInfoService.ServerInfoServiceClient(server.Channel());
        var before = await info.GetServerInfoAsync(new GetServerInfoRequest());

        var (code, output, error) = await server.LoadAsync();

        Assert.True(code == ExitCodes.Ok, error);
        var after = await info.GetServerInfoAsync(new GetServerInfoRequest());
        Assert.Equal(before.EventCount, after.EventCount);
        Assert.Equal(before.StreamCount, after.StreamCount);
        var summary = JsonDocument.Parse(output).RootElement.GetProperty("summary");
        Assert.Equal(0, summary.GetProperty("batchesStored").GetInt32());
        Assert.Equal(18, summary.GetProperty("batchesReplayed").GetInt32());
        Assert.Equal(2, (await Evaluations.ListEvaluationsAsync(new ListEvaluationsRequest())).Evaluations.Count); // the decided one and the open one behind the evaluator link
        Assert.Equal(11, (await Kpis.ListProfilesAsync(new ListProfilesRequest { PageSize = 100 })).Profiles.Count);
    }

    [Fact]
    public async Task LeavesTenantAloneGivenIfEmptyAndDataOfItsOwn()
    {
        var key = await server.CreateKeyAsync("sample-busy", Role.Admin);
        var evaluations = new EvaluationService.EvaluationServiceClient(server.Channel(key));
        await evaluations.CreateEvaluationAsync(new CreateEvaluationRequest { Title = "Our own", Scale = new ScoreScale { Min = 1, Max = 5 } });

        var (code, output, error) = await ChildProcess.Coe(server.WorkingDirectory,
            "sample", "load", "--if-empty", "--address", server.GrpcAddress.ToString(), "--key", key);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("sample not loaded", output);
        Assert.Single((await evaluations.ListEvaluationsAsync(new ListEvaluationsRequest())).Evaluations);
    }

    [Fact]
    public async Task PrintsSummaryAndDownloadCommandsGivenTableOutput()
    {
        Assert.True(server.FirstLoad.Code == ExitCodes.Ok, server.FirstLoad.Err);
        var evaluation = await SampleEvaluation();

        var (code, output, error) = await ChildProcess.Coe(server.WorkingDirectory,
            "sample", "load", "--address", server.GrpcAddress.ToString(), "--key", server.AdminKey);

        Assert.True(code == ExitCodes.Ok, error);
        // (Progress lines come and go with timing when the output is not a terminal; the summary is always there.)
        Assert.Contains("KPIs            11 profiles, 69,888 daily values 2025-01-01 … 2026-06-30 (0 batches stored, 18 already there)", output);
        Assert.Contains($"recommendation  {SampleData.Vendors.Single(v => v.Id == evaluation.Recommendation.VendorId).Name}", output);
        // One survey link and one evaluator link a newcomer can open at once (issue 19): both pages answer 200.
        using var web = new HttpClient();
        foreach (var prefix in new[] { "survey link", "evaluator link" })
        {
            var url = output.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Trim();
            using var page = await web.GetAsync(url);
            Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
            // The evaluator's score sheet says what the levels mean where the sample's committee said (coverage, alerts).
            if (prefix == "evaluator link") Assert.Contains("Covers every network, news site and forum we named", await page.Content.ReadAsStringAsync());
        }
        Assert.Contains("anomaly         negative_mentions on Instagram/northwind.home, 2026-03-17", output);
        Assert.Contains($"./coe reports evaluation-workbook {evaluation.EvaluationId} -f sample-evaluation.xlsx", output);
        Assert.Contains("./coe reports kpi-deck --from 2026-01-01 --to 2026-03-31 -f sample-kpi-deck.xlsx", output);
        Assert.Contains("/v1/downloadLinks", output);
    }

    [Fact]
    public async Task PythonWritesWeeklyFollowerTrendToCsv()
    {
        Assert.True(server.FirstLoad.Code == ExitCodes.Ok, server.FirstLoad.Err);
        var csv = Path.Combine(server.WorkingDirectory, $"trend-{Guid.NewGuid():N}.csv");

        var (code, _, error) = await ChildProcess.Python("kpi_trend_to_csv.py", "--handle", "northwind.home", "--network", "instagram",
            "--metric", "followers", "--granularity", "week", "--start", "2025-01-06", "--end", "2026-06-28",
            "-o", csv, "--address", server.GrpcAddress.Authority, "--key", server.AdminKey);

        Assert.True(code == 0, error);
        var lines = await File.ReadAllLinesAsync(csv);
        Assert.Equal("period_start,value,moving_average,period_over_period_pct", lines[0]);
        Assert.Equal(52 + 25, lines.Length - 1); // ISO weeks Monday 2025-01-06 … Sunday 2026-06-28: 52 to 2026-01-04, 25 more
        Assert.StartsWith("2025-01-06,", lines[1]);
        // Followers are a level: a week's value is its last day's value, which the server also returns by day.
        var daily = Kpis.QuerySeries(new QuerySeriesRequest
        {
            ProfileIds = { (await Profile(Network.Instagram, "northwind.home")).ProfileId }, Metrics = { "followers" },
            StartDate = new Google.Type.Date { Year = 2025, Month = 1, Day = 12 }, EndDate = new Google.Type.Date { Year = 2025, Month = 1, Day = 12 },
        });
        var sunday = (await daily.ResponseStream.ReadAllAsync().SingleAsync()).Points.Single().Value;
        Assert.Equal(sunday, double.Parse(lines[1].Split(',')[1], CultureInfo.InvariantCulture));
        Assert.Contains("Mann-Kendall", error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PythonDownloadsVendorWorkbook(bool throughLink)
    {
        var evaluation = await SampleEvaluation();
        var path = Path.Combine(server.WorkingDirectory, $"workbook-{Guid.NewGuid():N}.xlsx");

        var (code, output, error) = await ChildProcess.Python("download_vendor_workbook.py",
            [evaluation.EvaluationId, "-o", path, .. throughLink ? new[] { "--link" } : [], "--address", server.GrpcAddress.Authority, "--key", server.AdminKey]);

        Assert.True(code == 0, error);
        Assert.Contains("saved ", output);
        using var zip = ZipFile.OpenRead(path);
        Assert.NotNull(zip.GetEntry("xl/workbook.xml"));
        using var reader = new StreamReader(zip.GetEntry("xl/workbook.xml")!.Open());
        Assert.Contains("Dashboard", await reader.ReadToEndAsync());
    }

    /// <summary>A closed, scored evaluation in <paramref name="tenant"/> (chair and e1 keys of its own).</summary>
    private async Task<string> ClosedEvaluation(string tenant, string chairKey, string title)
    {
        var chair = new EvaluationService.EvaluationServiceClient(server.Channel(chairKey));
        var id = (await chair.CreateEvaluationAsync(new CreateEvaluationRequest { Title = title, Scale = new ScoreScale { Min = 1, Max = 5 } })).EvaluationId;
        await chair.AddCriteriaAsync(new AddCriteriaRequest { EvaluationId = id, Criteria = { new Criterion { CriterionId = "reach", Description = "Reach" } } });
        await chair.AddVendorsAsync(new AddVendorsRequest
        {
            EvaluationId = id, Vendors = { new Vendor { VendorId = "a", DisplayName = "Alpha" }, new Vendor { VendorId = "b", DisplayName = "Beta" } },
        });
        await chair.InviteEvaluatorsAsync(new InviteEvaluatorsRequest { EvaluationId = id, Evaluators = { new Evaluator { EvaluatorId = "e1", Department = "Social" } } });
        await chair.SetWeightsAsync(new SetWeightsRequest
        {
            EvaluationId = id, Direct = new DirectWeights { Weights = { new CriterionWeight { CriterionId = "reach", Weight = 1 } } },
        });
        var e1 = new EvaluationService.EvaluationServiceClient(server.Channel(await server.CreateKeyAsync(tenant, "e1", Role.Evaluator)));
        await e1.SubmitScoresAsync(new SubmitScoresRequest
        {
            EvaluationId = id, RequestId = $"s-{id}",
            Scores = { new ScoreEntry { VendorId = "a", CriterionId = "reach", Value = 4 }, new ScoreEntry { VendorId = "b", CriterionId = "reach", Value = 2 } },
        });
        await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });
        return id;
    }

    /// <summary>
    /// One series, one CAGR: LinkedIn impressions of northwind by week, over the whole sample (78 weeks: annualised) and
    /// over the sample deck's Q1 2026 (13 weeks: too short, so not a number anywhere) — the deck's Trend statistics,
    /// `coe kpis trend -o json`, GetTrend and AnalyzeSeries on the same days agree, the partial weeks at the edges left
    /// out by each alike.
    /// </summary>
    [Theory]
    [InlineData("2025-01-01", "2026-06-30", true)]
    [InlineData("2026-01-01", "2026-03-31", false)]
    public async Task GivesOneCagrInDeckCliAndApiGivenOneSeries(string from, string to, bool annualised)
    {
        Assert.True(server.FirstLoad.Code == ExitCodes.Ok, server.FirstLoad.Err);
        var profile = await Profile(Network.Linkedin, "northwind");
        var (first, last) = (DateOnly.Parse(from, CultureInfo.InvariantCulture), DateOnly.Parse(to, CultureInfo.InvariantCulture));
        static Google.Type.Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
        SeriesSelector Selector(Granularity g) => new() { ProfileId = profile.ProfileId, Metric = "impressions", StartDate = D(first), EndDate = D(last), Granularity = g };

        var api = await Kpis.GetTrendAsync(new GetTrendRequest { Series = Selector(Granularity.Week) });
        var days = await Kpis.GetTrendAsync(new GetTrendRequest { Series = Selector(Granularity.Day) });
        var analyzed = await Kpis.AnalyzeSeriesAsync(new AnalyzeSeriesRequest
        {
            Points = { days.Points.Select(p => p.HasValue ? new SeriesPoint { PeriodStart = p.PeriodStart, Value = p.Value } : new SeriesPoint { PeriodStart = p.PeriodStart }) },
            Granularity = Granularity.Week, Rollup = Rollup.Sum,
        });
        var (code, json, error) = await server.CoeAsync("kpis", "trend", "--profile", profile.ProfileId, "--metric", "impressions",
            "--from", from, "--to", to, "--granularity", "Week", "-o", "json");
        Assert.True(code == ExitCodes.Ok, error);
        var cli = JsonDocument.Parse(json).RootElement;
        var (xlsx, _, _) = await Printed($"kpi-deck-{from}", "reports", "kpi-deck", "--from", from, "--to", to, "--granularity", "Week");
        using var workbook = new ClosedXML.Excel.XLWorkbook(xlsx);
        var label = workbook.Worksheet("DimProfile").Table("DimProfile").DataRange.Rows()
            .Single(r => r.Field("ProfileId").GetString() == profile.ProfileId).Field("Label").GetString();
        var deck = workbook.Worksheet("Trend statistics").Table("TrendStatistics").DataRange.Rows()
            .Single(r => r.Cell(1).GetString() == label && r.Cell(2).GetString() == "impressions");

        // The same whole weeks: Monday after the first day (2025-01-01 and 2026-01-01 are Wednesday and Thursday) to the last whole one.
        Assert.Equal(api.Slots, analyzed.Slots);
        Assert.Equal(api.Points[0].PeriodStart, analyzed.Points[0].PeriodStart);
        Assert.Equal(DayOfWeek.Monday, new DateOnly(api.Points[0].PeriodStart.Year, api.Points[0].PeriodStart.Month, api.Points[0].PeriodStart.Day).DayOfWeek);
        Assert.True(new DateOnly(api.Points[0].PeriodStart.Year, api.Points[0].PeriodStart.Month, api.Points[0].PeriodStart.Day) > first);
        Assert.Equal(api.Observed, (int)deck.Cell(3).GetDouble());
        Assert.Equal(api.LastPeriodOverPeriodPct / 100, deck.Cell(8).GetDouble(), 9);
        if (annualised)
        {
            Assert.True(api.HasCagr);
            Assert.InRange(api.Cagr, 0.05, 2); // per year: the sample grows LinkedIn by about 45 % a year, not per week
            Assert.Equal(api.Cagr, analyzed.Cagr, 12);
            Assert.Equal(api.Cagr, cli.GetProperty("cagr").GetDouble(), 12);
            Assert.Equal(api.Cagr, deck.Cell(9).GetDouble(), 9);
        }
        else
        {
            Assert.False(api.HasCagr);
            Assert.False(analyzed.HasCagr);
            // Unset with the reason, as every undefined statistic (docs/kpis.md), in both calls.
            Assert.Contains(api.UndefinedStatistics, u => u.Field == "cagr" && u.Reason.Contains("less than a year", StringComparison.Ordinal));
            Assert.Contains(analyzed.UndefinedStatistics, u => u.Field == "cagr" && u.Reason.Contains("less than a year", StringComparison.Ordinal));
            Assert.False(cli.TryGetProperty("cagr", out _));
            Assert.Equal("< 1 year of data", deck.Cell(9).GetString());
        }
    }

    /// <summary>The sample's KPI deck as `coe sample load` prints its download: Q1 2026.</summary>
    private static readonly string[] SampleKpiDeck =
        ["reports", "kpi-deck", "--from", SampleData.DeckFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--to", SampleData.DeckTo.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)];

    /// <summary>Downloads a deck with `coe` and converts it with LibreOffice headless: the workbook, the PDF and its page count.</summary>
    private async Task<(string Xlsx, string Pdf, int Pages)> Printed(string name, params string[] download)
    {
        var folder = Directory.CreateTempSubdirectory("coe-sample-print-").FullName;
        var xlsx = Path.Combine(folder, name + ".xlsx");
        var (code, _, error) = await server.CoeAsync([.. download, "-f", xlsx]);
        Assert.True(code == ExitCodes.Ok, error);
        var pdf = await SpreadsheetProgram.ConvertToPdfAsync(xlsx);
        return (xlsx, pdf, await SpreadsheetProgram.PageCountAsync(pdf));
    }

    /// <summary>One printed page as pdftotext reads it (layout kept, so a table row reads as a line).</summary>
    private static Task<string> PageText(string pdf, int page) => SpreadsheetProgram.PageTextAsync(pdf, page);

    /// <summary>The first printed page that holds the text.</summary>
    private static async Task<string> PageWith(string pdf, int pages, string text)
    {
        for (var p = 1; p <= pages; p++)
            if (await PageText(pdf, p) is var page && page.Contains(text, StringComparison.Ordinal)) return page;
        Assert.Fail($"no printed page holds '{text}'");
        return "";
    }

    /// <summary>The printed line of a table row that starts with the label (then a gap of two spaces or more).</summary>
    private static string RowLine(string page, string label) =>
        page.Split('\n').FirstOrDefault(l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^\s*{System.Text.RegularExpressions.Regex.Escape(label)}\s{{2,}}"))
        ?? throw new Xunit.Sdk.XunitException($"no row '{label}' on the page:\n{page}");

    /// <summary>Downloads a deck with `coe`, converts it with LibreOffice headless and returns page 1 as pdftotext reads it.</summary>
    private async Task<(string Text, int Pages)> FirstPrintedPage(string name, params string[] download)
    {
        var (_, pdf, pages) = await Printed(name, download);
        return (await PageText(pdf, 1), pages);
    }

    /// <summary>
    /// The survey fed the weights, so each department's row is the winner under that department's own weights: the
    /// oracle is the API's own path (DeriveWeights' per-department weights, then ScoreEvaluation with them as what-if
    /// weights), not the workbook's code.
    /// </summary>
    [Fact]
    public async Task PrintsEachDepartmentsWinnerUnderItsOwnSurveyWeightsInVendorWorkbook()
    {
        var evaluation = await SampleEvaluation();
        var surveys = new SurveyService.SurveyServiceClient(server.Channel());
        // The survey that fed this evaluation's weights (the sample also holds an open "Try it" survey).
        var survey = Assert.Single((await surveys.ListSurveysAsync(new ListSurveysRequest { PageSize = 100 })).Surveys,
            s => s.EvaluationId == evaluation.EvaluationId).SurveyId;
        var derived = await surveys.DeriveWeightsAsync(new DeriveWeightsRequest { SurveyId = survey, Method = WeightDerivationMethod.ImportanceRatings });
        async Task<string> Winner(IReadOnlyList<double> weights)
        {
            var request = new ScoreEvaluationRequest { EvaluationId = evaluation.EvaluationId };
            request.WhatIfWeights.AddRange(derived.Weights.Select((w, j) => new CriterionWeight { CriterionId = w.CriterionId, Weight = weights[j] }));
            var scored = await Evaluations.ScoreEvaluationAsync(request);
            return evaluation.Vendors.Single(v => v.VendorId == scored.Result.Recommendation.WinnerId).DisplayName;
        }

        var (_, pdf, pages) = await Printed("vendor-workbook", "reports", "evaluation-workbook", evaluation.EvaluationId);
        var page = await PageWith(pdf, pages, "own weights (from the stakeholder survey)");

        Assert.Equal(5, derived.Departments.Count);
        var winners = new HashSet<string>();
        foreach (var d in derived.Departments)
        {
            var line = RowLine(page, d.Department);
            var winner = await Winner(d.Weights);
            winners.Add(winner);
            Assert.Matches($@"^\s*{d.Department}\s+{d.Respondents}\s+{System.Text.RegularExpressions.Regex.Escape(winner)}\s", line);
        }
        var balanced = RowLine(page, "All departments, each counting equally");
        Assert.Contains(await Winner(derived.BalancedWeights), balanced);
        Assert.Contains($" {derived.UsedRespondents.Count} ", balanced);
    }

    /// <summary>
    /// ROI by network as the sample's generator makes the data (owned profiles, spend and attributed revenue summed
    /// over the range), against the printed ROI page and the deck's FactKpi rows.
    /// </summary>
    [Fact]
    public async Task PrintsRoiByNetworkAsTheSampleDataSumToInKpiDeck()
    {
        Assert.True(server.FirstLoad.Code == ExitCodes.Ok, server.FirstLoad.Err);
        var (from, to) = (SampleData.DeckFrom, SampleData.DeckTo);
        var expected = SampleData.Kpis()
            .Where(o => SampleData.Profiles[o.Profile].Ownership == Ownership.Owned && o.Day >= from && o.Day <= to && o.Metric is "spend" or "attributed_revenue" or "engagements")
            .GroupBy(o => SampleData.Profiles[o.Profile].Network)
            .ToDictionary(g => g.Key, g => (
                Spend: g.Where(o => o.Metric == "spend").Sum(o => o.Value),
                Revenue: g.Where(o => o.Metric == "attributed_revenue").Sum(o => o.Value),
                Engagements: g.Where(o => o.Metric == "engagements").Sum(o => o.Value)));
        Assert.True(expected.Count >= 3);

        var (xlsx, pdf, pages) = await Printed("kpi-deck", SampleKpiDeck);
        var page = await PageWith(pdf, pages, "ROI by network (owned profiles)");
        using var workbook = new ClosedXML.Excel.XLWorkbook(xlsx);
        var fact = workbook.Table("FactKpi");
        var networkOf = workbook.Table("DimProfile").DataRange.Rows().ToDictionary(r => r.Field("ProfileId").GetString(), r => r.Field("Network").GetString());
        var sums = fact.DataRange.Rows()
            .Select(r => (Network: networkOf[r.Field("ProfileId").GetString()], Metric: r.Field("Metric").GetString(), Value: r.Field("Value").GetDouble()))
            .GroupBy(x => (x.Network, x.Metric)).ToDictionary(g => g.Key, g => g.Sum(x => x.Value));

        var c = CultureInfo.InvariantCulture;
        foreach (var (network, e) in expected)
        {
            var name = network.ToString();
            var line = RowLine(page, page.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(name, StringComparison.OrdinalIgnoreCase)).Split("  ")[0]);
            var roi = (e.Revenue - e.Spend) / e.Spend;
            Assert.Contains(e.Spend.ToString("#,##0", c), line);
            Assert.Contains(e.Revenue.ToString("#,##0", c), line);
            Assert.Contains(roi.ToString("0.0%", c), line);
            Assert.Contains((e.Spend / e.Engagements).ToString("0.00", c), line);
            Assert.Equal(e.Spend, sums.Single(k => string.Equals(k.Key.Network, name, StringComparison.OrdinalIgnoreCase) && k.Key.Metric == "spend").Value, 1e-6);
            Assert.Equal(e.Revenue, sums.Single(k => string.Equals(k.Key.Network, name, StringComparison.OrdinalIgnoreCase) && k.Key.Metric == "attributed_revenue").Value, 1e-6);
        }
    }

    /// <summary>
    /// Page 1 of the sample's KPI deck (Q1 2026) as a reader sees it: the dated period and its two comparison windows,
    /// each card's total with its change vs the previous 90 days and vs Q1 2025 — the oracle is the sample generator's own
    /// numbers summed here, not the deck's code — a rise of negative mentions printed red where a rise of impressions is
    /// green (the same ▲, colour read off the rendered page), and the planted spike with its date, size and profile.
    /// </summary>
    [Fact]
    public async Task PrintsCardsWithBothChangesAndPlantedSpikeOnPageOneOfKpiDeck()
    {
        Assert.True(server.FirstLoad.Code == ExitCodes.Ok, server.FirstLoad.Err);

        var (_, pdf, pages) = await Printed("kpi-deck", SampleKpiDeck);
        var page = await PageText(pdf, 1);

        Assert.InRange(pages, 1, 12); // the report sheets only: the data model is not printed
        Assert.Contains("Reporting period 2026-01-01 to 2026-03-31 (90 days)", page);
        Assert.Contains("Compared with the previous 90 days (2025-10-03 to 2025-12-31) and the same period a year earlier (2025-01-01 to 2025-03-31).", page);
        Assert.DoesNotContain("no data", page);

        // The owned profiles' figure per window by the metric's roll-up: flows summed, followers the last day of each profile.
        var owned = SampleData.Kpis().Where(o => SampleData.Profiles[o.Profile].Ownership == Ownership.Owned).ToList();
        double Figure(string metric, DateOnly from, DateOnly to)
        {
            var rows = owned.Where(o => o.Metric == metric && o.Day >= from && o.Day <= to).ToList();
            return metric == "followers" ? rows.GroupBy(o => o.Profile).Sum(g => g.MaxBy(o => o.Day)!.Value) : rows.Sum(o => o.Value);
        }
        var c = CultureInfo.InvariantCulture;
        static string Change(double now, double before) => (now - before) / Math.Abs(before) is var f && f > 0
            ? "▲ " + f.ToString("0.0%", CultureInfo.InvariantCulture) : "▼ " + (-f).ToString("0.0%", CultureInfo.InvariantCulture);
        var changes = new Dictionary<string, (string Previous, string LastYear, bool Rose)>();
        foreach (var metric in new[] { "impressions", "engagements", "followers", "negative_mentions" })
        {
            var now = Figure(metric, SampleData.DeckFrom, SampleData.DeckTo);
            var previous = Figure(metric, new DateOnly(2025, 10, 3), new DateOnly(2025, 12, 31));
            var lastYear = Figure(metric, new DateOnly(2025, 1, 1), new DateOnly(2025, 3, 31));
            Assert.Contains(now.ToString("#,##0", c), page);
            changes[metric] = (Change(now, previous), Change(now, lastYear), now > lastYear);
            Assert.Contains(changes[metric].Previous, page);
            Assert.Contains(changes[metric].LastYear, page);
        }
        Assert.Contains("vs previous", page);
        Assert.Contains("vs last year", page);
        Assert.Contains("Engagement rate (%)", page);

        // The same ▲ a year on: green on the impressions card, red on the negative mentions card (lower is better).
        Assert.True(changes["impressions"].Rose && changes["negative_mentions"].Rose, "both rose on Q1 2025");
        var words = await SpreadsheetProgram.PageWordBoxesAsync(pdf, 1);
        SpreadsheetProgram.PrintedWord Header(string text) => words.Where(w => w.Text == text).MinBy(w => w.YMin)!; // the cards come first
        var cardWidth = Header("Engagements").XMin - Header("Impressions").XMin; // cards side by side, equally wide
        async Task<(int R, int G, int B)> LastYearArrowColour(string cardName)
        {
            var header = Header(cardName);
            var arrows = words.Where(w => w.Text is "▲" or "▼" && w.XMin >= header.XMin - 2 && w.XMin < header.XMin + cardWidth - 2
                    && w.YMin > header.YMax && w.YMin < header.YMax + 100)
                .OrderBy(w => w.YMin).ToList();
            Assert.True(arrows.Count >= 2, $"{cardName}: {arrows.Count} arrows under the card");
            var colour = await SpreadsheetProgram.InkColourAsync(pdf, 1, arrows[1]); // vs previous, then vs last year
            Assert.True(colour is not null, $"{cardName}: the year-on-year arrow is not coloured (grey: within noise?)");
            return colour.Value;
        }
        var impressions = await LastYearArrowColour("Impressions");
        var negative = await LastYearArrowColour("Negative");
        Assert.True(impressions.G > impressions.R + 40, $"impressions ▲ should be green, is {impressions}");
        Assert.True(negative.R > negative.G + 40, $"negative mentions ▲ should be red, is {negative}");

        // The planted spike: its row under "Days that stood out", with the day's value as the generator made it, and a sentence.
        var anomaly = Array.FindIndex(SampleData.Profiles, p => p.Handle == SampleData.Anomaly.Handle && p.Network == SampleData.Anomaly.Network);
        var spikeValue = SampleData.Kpis().Single(o => o.Profile == anomaly && o.Metric == "negative_mentions" && o.Day == SampleData.Anomaly.Day).Value;
        var spike = page.Split('\n').First(l => l.Contains("2026-03-17") && l.Contains("Negative mentions"));
        Assert.Contains("Instagram northwind.home", spike);
        Assert.Contains(spikeValue.ToString("#,##0", c), spike);
        Assert.Contains($"Watch: Negative mentions on Instagram northwind.home on 2026-03-17 were {spikeValue.ToString("#,##0", c)} against an expected", page);
    }

    /// <summary>
    /// The sample's survey workbook as printed: the top-2-box chart labels every one of the 24 Likert items and reads its
    /// axis in % as the table beside it does; the weights chart (24 criteria, where a radar was unreadable) is bars from 0 %,
    /// heaviest on top, in the order of the weights DeriveWeights returns.
    /// </summary>
    [Fact]
    public async Task PrintsEveryLabelAndPercentAxesInSurveyWorkbookCharts()
    {
        Assert.True(server.FirstLoad.Code == ExitCodes.Ok, server.FirstLoad.Err);
        var surveys = new SurveyService.SurveyServiceClient(server.Channel());
        var survey = Assert.Single((await surveys.ListSurveysAsync(new ListSurveysRequest { PageSize = 100 })).Surveys, x => x.Title == SampleData.SurveyTitle).SurveyId;
        var derived = await surveys.DeriveWeightsAsync(new DeriveWeightsRequest { SurveyId = survey, Method = WeightDerivationMethod.ImportanceRatings });
        var (_, pdf, pages) = await Printed("survey-workbook", "reports", "survey-workbook", survey);

        // Words printed right of a table's last header word: the chart beside the table.
        async Task<List<SpreadsheetProgram.PrintedWord>> ChartWords(string title, string lastHeader)
        {
            for (var p = 1; p <= pages; p++)
            {
                if (!(await PageText(pdf, p)).Contains(title, StringComparison.Ordinal)) continue;
                var words = await SpreadsheetProgram.PageWordBoxesAsync(pdf, p);
                var edge = words.Where(w => w.Text == lastHeader).Min(w => w.XMax);
                return words.Where(w => w.XMin > edge).ToList();
            }
            Assert.Fail($"no printed page holds '{title}'");
            return [];
        }
        static void PercentAxis(List<SpreadsheetProgram.PrintedWord> chart, string what)
        {
            var ticks = chart.Where(w => System.Text.RegularExpressions.Regex.IsMatch(w.Text, @"^[0-9]+%$")).Select(w => w.Text).Distinct().ToList();
            Assert.True(ticks.Count >= 3 && ticks.Contains("0%"), $"{what}: axis ticks {string.Join(" ", ticks)}");
            Assert.DoesNotContain(chart, w => System.Text.RegularExpressions.Regex.IsMatch(w.Text, @"^0\.[0-9]+$")); // no fractions
        }

        var likert = SampleData.Criteria.Select(SampleData.QuestionId).ToList();
        var topTwo = await ChartWords("Top-2-box by Likert item", "Bottom-2-box");
        Assert.Equal(24, likert.Count);
        // Every item labelled (not every other one) by its wording, the lead-in all 24 share ("How important is this for
        // our next platform?") left out and a long wording cut at a word: "Shared content calendar with drafts, queues…".
        var printed = string.Join(' ', topTwo.Select(w => w.Text));
        Assert.All(SampleData.Criteria, c => Assert.Contains(string.Join(' ', c.Description.Split(' ').Take(2)), printed));
        Assert.Contains("Shared content calendar with drafts, queues…", printed);
        Assert.DoesNotContain(topTwo, w => w.Text.StartsWith("imp-", StringComparison.Ordinal));
        Assert.DoesNotContain("next platform", printed);
        PercentAxis(topTwo, "top-2-box");

        // A question's own distribution chart (7 points, a small chart): every scale point labelled, 1 to 7.
        var blocks = await ChartWords("Shared content calendar with drafts, queues…: distribution", "Balanced");
        var title = blocks.First(w => w.Text == "queues…:");
        var below = blocks.Where(w => w.Text.EndsWith(':') && w.YMin > title.YMax).Select(w => w.YMin).DefaultIfEmpty(double.MaxValue).Min();
        var points = blocks.Where(w => w.YMin > title.YMax && w.YMin < below && w.Text.Length == 1 && char.IsDigit(w.Text[0])).Select(w => w.Text).Order().ToList();
        Assert.Equal(["1", "2", "3", "4", "5", "6", "7"], points);
        PercentAxis(blocks, "distribution");

        var weights = await ChartWords("Importance ratings: plain vs department-balanced weight", "importance");
        var labels = weights.Where(w => SampleData.Criteria.Any(c => c.Id == w.Text)).OrderBy(w => w.YMin).Select(w => w.Text).ToList();
        var heaviestFirst = derived.Weights.OrderByDescending(w => w.Weight).ThenBy(w => w.CriterionId, StringComparer.Ordinal).Select(w => w.CriterionId).ToList();
        Assert.Equal(heaviestFirst, labels);
        PercentAxis(weights, "weights");
    }

    [Fact]
    public async Task PrintsRecommendationWithVendorNameOnPageOneOfVendorWorkbook()
    {
        var evaluation = await SampleEvaluation();
        var winner = evaluation.Vendors.Single(v => v.VendorId == evaluation.Recommendation.VendorId).DisplayName;

        var (page, pages) = await FirstPrintedPage("vendor-workbook", "reports", "evaluation-workbook", evaluation.EvaluationId);

        Assert.InRange(pages, 1, 12);
        var lines = page.Split('\n').Select(l => l.Trim()).ToList();
        var at = lines.FindIndex(l => l.StartsWith("Recommended vendor", StringComparison.Ordinal));
        Assert.True(at >= 0, page);
        Assert.StartsWith(winner, lines[at + 1]);
    }

    /// <summary>
    /// What Power BI / Power Pivot needs to load a sample deck's data model as is: every Dim table's key (its first
    /// column) unique, and every column of another table named after a Dim key holding only values found in that Dim.
    /// </summary>
    [Theory]
    [InlineData("vendor-workbook")]
    [InlineData("kpi-deck")]
    [InlineData("survey-workbook")]
    public async Task LoadsDataModelAsIsGivenSampleDeck(string deck)
    {
        var evaluation = await SampleEvaluation();
        var surveys = new SurveyService.SurveyServiceClient(server.Channel());
        var survey = Assert.Single((await surveys.ListSurveysAsync(new ListSurveysRequest { PageSize = 100 })).Surveys, x => x.Title == SampleData.SurveyTitle).SurveyId;
        var xlsx = Path.Combine(server.WorkingDirectory, $"{deck}-{Guid.NewGuid():N}.xlsx");
        string[] download = deck switch
        {
            "vendor-workbook" => ["reports", "evaluation-workbook", evaluation.EvaluationId],
            "kpi-deck" => SampleKpiDeck,
            _ => ["reports", "survey-workbook", survey],
        };
        var (code, _, error) = await server.CoeAsync([.. download, "-f", xlsx]);
        Assert.True(code == ExitCodes.Ok, error);

        using var workbook = new ClosedXML.Excel.XLWorkbook(xlsx);
        var tables = workbook.Worksheets.Where(w => w.Name.StartsWith("Fact", StringComparison.Ordinal) || w.Name.StartsWith("Dim", StringComparison.Ordinal))
            .SelectMany(w => w.Tables).ToList();
        List<string> Column(ClosedXML.Excel.IXLTable t, string name) =>
            t.DataRange.Rows().Select(r => r.Cell(t.Fields.Single(f => f.Name == name).Index + 1).GetFormattedString()).ToList();
        var keys = tables.Where(t => t.Name.StartsWith("Dim", StringComparison.Ordinal)).ToDictionary(t => t.Fields.First().Name, t => t);
        Assert.NotEmpty(keys);
        Assert.Contains(tables, t => t.Name.StartsWith("Fact", StringComparison.Ordinal));
        var checkedRelationships = 0;
        foreach (var (key, dim) in keys)
        {
            var values = Column(dim, key);
            Assert.True(values.Count == values.Distinct().Count(), $"{dim.Name}.{key} has duplicate keys");
            Assert.DoesNotContain("", values);
            foreach (var other in tables.Where(t => t != dim && t.Fields.Any(f => f.Name == key)))
            {
                var missing = Column(other, key).Where(v => v.Length > 0).Except(values).Take(5).ToList();
                Assert.True(missing.Count == 0, $"{other.Name}.{key} not in {dim.Name}: {string.Join(", ", missing)}");
                checkedRelationships++;
            }
        }
        Assert.True(checkedRelationships >= 2, $"{checkedRelationships} relationships");
        if (deck == "vendor-workbook") // workbooks of several evaluations append: every evaluation fact says which
            Assert.All(tables.Where(t => t.Name.StartsWith("Fact", StringComparison.Ordinal)),
                t => Assert.Equal([evaluation.EvaluationId], Column(t, "EvaluationId").Distinct()));
    }

    [Fact]
    public async Task PythonDownloadsNewestWorkbookGivenNoId()
    {
        // Three evaluations made one after another in a tenant of their own. The newest sorts neither first nor last by
        // title, so oldest first, title order either way, or the sample's evaluation would each save another workbook.
        const string tenant = "sample-newest";
        var chairKey = await server.CreateKeyAsync(tenant, "chair", Role.Committee);
        string[] titles = ["Charlie oldest", "Alpha middle", "Bravo newest"];
        foreach (var title in titles) await ClosedEvaluation(tenant, chairKey, title);

        var (code, output, error) = await ChildProcess.Run("/usr/bin/python3",
            [Path.Combine(Repository.Root(), "clients", "python", "examples", "download_vendor_workbook.py"), "--address", server.GrpcAddress.Authority, "--key", chairKey],
            server.WorkingDirectory);

        Assert.True(code == 0, error);
        var saved = output.Trim()["saved ".Length..output.Trim().LastIndexOf(" (", StringComparison.Ordinal)];
        Assert.StartsWith("Bravo-newest-", Path.GetFileName(saved), StringComparison.Ordinal); // the server names it after the title
        using var zip = ZipFile.OpenRead(saved);
        using var strings = new StreamReader(zip.GetEntry("xl/sharedStrings.xml")!.Open());
        var text = await strings.ReadToEndAsync();
        Assert.Contains("Bravo newest", text);
        Assert.DoesNotContain("Charlie oldest", text);
        Assert.DoesNotContain("Alpha middle", text);
    }

    [Fact]
    public async Task RunsReadmeQuickStartAsPrinted()
    {
        Assert.True(server.FirstLoad.Code == ExitCodes.Ok, server.FirstLoad.Err);
        var readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root(), "README.md"));
        var section = readme[readme.IndexOf("## Quick start", StringComparison.Ordinal)..];
        var start = section.IndexOf("```bash\n", StringComparison.Ordinal) + "```bash\n".Length;
        var block = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
        // What ./run.sh leaves behind: the admin key in .coe/, ./coe at the root, clients/ beside it.
        var root = Directory.CreateTempSubdirectory("coe-readme-").FullName;
        Directory.CreateDirectory(Path.Combine(root, ".coe"));
        await File.WriteAllTextAsync(Path.Combine(root, ".coe", "admin-key"), server.AdminKey);
        await File.WriteAllTextAsync(Path.Combine(root, "coe"), $"#!/usr/bin/env bash\nexec dotnet '{ChildProcess.CoeDll}' \"$@\"\n");
        File.SetUnixFileMode(Path.Combine(root, "coe"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(Path.Combine(root, "clients"), Path.Combine(Repository.Root(), "clients"));
        // The only change: the test server's ports instead of 5080/5081.
        var script = Path.Combine(root, "quickstart.sh");
        await File.WriteAllTextAsync(script, "set -euo pipefail\n" + block.Replace("http://127.0.0.1:5081", server.HttpAddress.ToString().TrimEnd('/')));

        var (code, output, error) = await ChildProcess.Run("bash", [script], root, new Dictionary<string, string>
        {
            ["COE_ADDRESS"] = server.GrpcAddress.ToString(), ["COE_GRPC_ADDRESS"] = server.GrpcAddress.Authority,
        });

        Assert.True(code == 0, output + error + block);
        Assert.Contains("Download its decks:", output);
        foreach (var xlsx in new[] { "sample-evaluation.xlsx", "sample-kpi-deck.xlsx", "sample-from-link.xlsx", "sample-vendor-workbook.xlsx" })
        {
            using var zip = ZipFile.OpenRead(Path.Combine(root, xlsx));
            Assert.NotNull(zip.GetEntry("xl/workbook.xml"));
        }
        var csv = await File.ReadAllLinesAsync(Path.Combine(root, "followers.csv"));
        Assert.Equal("period_start,value,moving_average,period_over_period_pct", csv[0]);
        Assert.True(csv.Length > 70, csv.Length.ToString(CultureInfo.InvariantCulture));
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task PipInstalledClientCallsServerOutsideRepository()
    {
        var folder = Directory.CreateTempSubdirectory("coe-pip-").FullName;
        var venv = Path.Combine(folder, "venv");
        var (venvCode, _, venvError) = await ChildProcess.Run("/usr/bin/python3", ["-m", "venv", "--system-site-packages", venv]);
        Assert.True(venvCode == 0, venvError);
        // A copy, so the build leaves nothing in the checkout (setuptools writes build/ and *.egg-info beside the sources).
        var source = Path.Combine(folder, "python");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Repository.Root(), "clients", "python"), "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Path.Combine(Repository.Root(), "clients", "python"), file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "build" or "__pycache__" || part.EndsWith(".egg-info", StringComparison.Ordinal))) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(source, relative))!);
            File.Copy(file, Path.Combine(source, relative));
        }
        // Offline: Debian's setuptools builds it (no build isolation), Debian's grpcio and protobuf satisfy the dependencies.
        var (pipCode, pipOut, pipError) = await ChildProcess.Run(Path.Combine(venv, "bin", "pip"),
            ["install", "--no-build-isolation", "--no-index", source], folder);
        Assert.True(pipCode == 0, pipOut + pipError);

        var (code, output, error) = await ChildProcess.Run(Path.Combine(venv, "bin", "python"), ["-c", $$"""
            import json, coeinsights_client
            assert "/venv/" in coeinsights_client.__file__, coeinsights_client.__file__
            from coeinsights_client import connect
            with connect("{{server.GrpcAddress.Authority}}", "{{server.AdminKey}}") as coe:
                k = coe.v1.kpi_service_pb2
                print(len(coe.kpis.ListProfiles(k.ListProfilesRequest(page_size=100)).profiles))
            """], folder);

        Assert.True(code == 0, error);
        Assert.Equal("11", output.Trim());
        Directory.Delete(folder, recursive: true);
    }
}
