using System.Globalization;
using System.Text;
using System.Text.Json;
using CoeInsights.Testing;
using CoeInsights.V1;

namespace CoeInsights.Cli.Tests;

/// <summary>`coe kpis series | derived | versions | correct | correlate | benchmark | alerts | analyze` run as a process against a real server.</summary>
public sealed class KpiQueryCommandTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly DateOnly First = new(2026, 1, 1);
    private const int Days = 30;
    private static readonly string[] Range = ["--from", "2026-01-01", "--to", "2026-01-30"];

    private Task<(int Code, string Out, string Err)> Coe(string key, params string[] args) => CoeProcess.RunAsync(server.GrpcAddress, key, args);

    /// <summary>
    /// A tenant with an owned LinkedIn profile coe-li (impressions 1000 + 10·day, engagements 50 + day) and a competitor
    /// rival (impressions 500 + 5·day), 30 days from 2026-01-01, all through the CLI.
    /// </summary>
    private async Task<(string Key, string LinkedIn)> Imported(string tenant)
    {
        var key = await server.CreateKeyAsync(tenant, "ops", Role.Committee, Role.Ingest, Role.Viewer);
        var li = await Coe(key, "kpis", "profiles", "register", "--network", "Linkedin", "--handle", "coe-li", "--business-unit", "Brand", "-o", "json");
        var rival = await Coe(key, "kpis", "profiles", "register", "--network", "Linkedin", "--handle", "rival", "--business-unit", "Brand", "--ownership", "Competitor");
        Assert.True(li.Code == ExitCodes.Ok, li.Err);
        Assert.True(rival.Code == ExitCodes.Ok, rival.Err);
        var csv = new StringBuilder("profile,date,metric,value\n");
        for (var d = 0; d < Days; d++)
        {
            var date = First.AddDays(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture, $"coe-li,{date},impressions,{1000 + 10 * d}\n");
            csv.Append(CultureInfo.InvariantCulture, $"coe-li,{date},engagements,{50 + d}\n");
            csv.Append(CultureInfo.InvariantCulture, $"rival,{date},impressions,{500 + 5 * d}\n");
        }
        var imported = await Coe(key, "kpis", "import", CoeProcess.TempFile(csv.ToString()));
        Assert.True(imported.Code == ExitCodes.Ok, imported.Err);
        return (key, Profile.Parser.ParseJson(li.Out).ProfileId);
    }

    [Fact]
    public async Task PrintsStoredSeriesAsJsonAndCsvGivenImportedKpis()
    {
        var (key, linkedIn) = await Imported("cli-kpi-series");

        var json = await Coe(key, ["kpis", "series", "--profile", "coe-li", "--metric", "impressions", .. Range, "-o", "json"]);
        var csv = await Coe(key, ["kpis", "series", "--profile", "linkedin:coe-li", "--metric", "impressions", "--metric", "engagements", .. Range, "--granularity", "Week", "--csv"]);
        var table = await Coe(key, ["kpis", "series", "--ownership", "Competitor", "--metric", "impressions", .. Range]);
        var unknown = await Coe(key, ["kpis", "series", "--profile", "nobody", "--metric", "impressions", .. Range]);

        Assert.True(json.Code == ExitCodes.Ok, json.Err);
        var series = JsonDocument.Parse(json.Out).RootElement.GetProperty("series").EnumerateArray().Select(s => KpiSeries.Parser.ParseJson(s.GetRawText())).ToList();
        var one = Assert.Single(series);
        Assert.Equal((linkedIn, "impressions", Network.Linkedin), (one.ProfileId, one.Metric, one.Network));
        Assert.Equal(Enumerable.Range(0, Days).Select(d => 1000.0 + 10 * d), one.Points.Select(p => p.Value));
        Assert.True(csv.Code == ExitCodes.Ok, csv.Err);
        var lines = csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("profile_id,network,handle,business_unit,ownership,metric,unit,granularity,period_start,value,observation_count,days_in_period", lines[0]);
        // ISO week of Monday 2026-01-05: days 4…10, impressions are a flow (sum) = 7·1000 + 10·(4+…+10) = 7490.
        Assert.Contains(lines, l => l.StartsWith($"{linkedIn},Linkedin,coe-li,Brand,Owned,impressions,", StringComparison.Ordinal) && l.EndsWith(",Week,2026-01-05,7490,7,7", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",engagements,", StringComparison.Ordinal) && l.EndsWith(",Week,2026-01-05,399,7,7", StringComparison.Ordinal));
        Assert.True(table.Code == ExitCodes.Ok, table.Err);
        Assert.Contains("linkedin:rival", table.Out);
        Assert.DoesNotContain("coe-li", table.Out);
        Assert.Equal(ExitCodes.Usage, unknown.Code);
        Assert.Contains("unknown profile 'nobody'", unknown.Err);
    }

    [Fact]
    public async Task PrintsNumeratorAndDenominatorOfEachDerivedValueGivenRecordedDays()
    {
        var key = await server.CreateKeyAsync("cli-kpi-derived", "ops", Role.Committee, Role.Ingest, Role.Viewer);
        var li = await Coe(key, "kpis", "profiles", "register", "--network", "Linkedin", "--handle", "coe-li", "--business-unit", "Brand", "-o", "json");
        Assert.True(li.Code == ExitCodes.Ok, li.Err);
        var linkedIn = Profile.Parser.ParseJson(li.Out).ProfileId;
        // Monday 2026-01-05 … Friday 2026-01-09: the 7th has engagements but no impressions, the 9th has 0 impressions.
        (string Date, double? Impressions, double Engagements)[] days =
            [("2026-01-05", 1000, 50), ("2026-01-06", 1200, 30), ("2026-01-07", null, 40), ("2026-01-08", 800, 20), ("2026-01-09", 0, 7)];
        var csv = new StringBuilder("profile,date,metric,value\n");
        foreach (var (date, impressions, engagements) in days)
        {
            if (impressions is { } i) csv.Append(CultureInfo.InvariantCulture, $"coe-li,{date},impressions,{i}\n");
            csv.Append(CultureInfo.InvariantCulture, $"coe-li,{date},engagements,{engagements}\n");
        }
        var imported = await Coe(key, "kpis", "import", CoeProcess.TempFile(csv.ToString()));
        Assert.True(imported.Code == ExitCodes.Ok, imported.Err);
        string[] week = ["--from", "2026-01-05", "--to", "2026-01-09"];

        var json = await Coe(key, ["kpis", "derived", "--profile", "coe-li", "--kpi", "engagement_rate_by_impressions", .. week, "-o", "json"]);
        var weekly = await Coe(key, ["kpis", "derived", "--kpi", "engagement-rate-by-impressions", .. week, "--granularity", "Week", "--csv"]);
        var table = await Coe(key, ["kpis", "derived", "--kpi", "EngagementRateByImpressions", .. week]);

        Assert.True(json.Code == ExitCodes.Ok, json.Err);
        var series = JsonDocument.Parse(json.Out).RootElement.GetProperty("series").EnumerateArray().Select(s => DerivedKpiSeries.Parser.ParseJson(s.GetRawText())).ToList();
        var one = Assert.Single(series);
        Assert.Equal((linkedIn, DerivedKpi.EngagementRateByImpressions, "engagement_rate_by_impressions", "engagements", "impressions"),
            (one.ProfileId, one.Kpi, one.Name, one.Numerator, one.Denominator));
        // Per day: engagements / impressions × 100 where both were observed; no impressions → nothing; 0 impressions → no value, the 0 shown.
        Assert.Equal(
            [
                (50.0, 1000.0, 5.0, 1), (30.0, 1200.0, 2.5, 1), (null, null, null, 0), (20.0, 800.0, 2.5, 1), (7.0, 0.0, null, 1),
            ],
            one.Points.Select(p => ((double?)(p.HasNumerator ? p.Numerator : null), (double?)(p.HasDenominator ? p.Denominator : null),
                (double?)(p.HasValue ? p.Value : null), p.ObservedDays)));
        Assert.True(weekly.Code == ExitCodes.Ok, weekly.Err);
        var lines = weekly.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("profile_id,network,handle,business_unit,ownership,kpi,unit,granularity,period_start,value,numerator,denominator,observed_days,days_in_period", lines[0]);
        // The week uses the 4 days with both components: (50 + 30 + 20 + 7) / (1000 + 1200 + 800 + 0) × 100.
        var row = Assert.Single(lines[1..]).Split(',');
        Assert.Equal([linkedIn, "Linkedin", "coe-li", "Brand", "Owned", "engagement_rate_by_impressions", "%", "Week", "2026-01-05"], row[..9]);
        Assert.Equal(107.0 / 3000 * 100, double.Parse(row[9], CultureInfo.InvariantCulture), 12);
        Assert.Equal(["107", "3000", "4", "5"], row[10..]);
        Assert.True(table.Code == ExitCodes.Ok, table.Err);
        Assert.True(table.Out.Contains("linkedin:coe-li", StringComparison.Ordinal), table.Out);
        Assert.Contains("engagement_rate_by_impressions (%) = engagements / impressions", table.Out);
        Assert.Contains("numerator: engagements; denominator: impressions", table.Out);
    }

    [Fact]
    public async Task PrintsViolationGivenUnknownDerivedKpiOrReversedRange()
    {
        var key = await server.CreateKeyAsync("cli-kpi-derived-bad", Role.Viewer);

        var unknown = await Coe(key, "kpis", "derived", "--kpi", "engagement_rate_by_vibes", "--from", "2026-01-01", "--to", "2026-01-31");
        var reversed = await Coe(key, "kpis", "derived", "--kpi", "roi", "--from", "2026-01-31", "--to", "2026-01-01");

        Assert.Equal(ExitCodes.Usage, unknown.Code);
        Assert.Contains("--kpi: unknown derived KPI 'engagement_rate_by_vibes' (one of: engagement_rate_by_impressions,", unknown.Err);
        Assert.Equal(ExitCodes.Refused, reversed.Code);
        Assert.Contains("InvalidArgument: end_date: must not be before start_date", reversed.Err); // the server's field violation
    }

    [Fact]
    public async Task KeepsEveryVersionGivenCorrection()
    {
        var (key, linkedIn) = await Imported("cli-kpi-correct");
        string[] day = ["--profile", "coe-li", "--metric", "impressions", "--date", "2026-01-10"];

        var corrected = await Coe(key, ["kpis", "correct", .. day, "--value", "9999", "--reason", "typo in the export", "-o", "json"]);
        var versions = await Coe(key, ["kpis", "versions", .. day, "-o", "json"]);
        var versionsTable = await Coe(key, ["kpis", "versions", .. day]);
        var series = await Coe(key, "kpis", "series", "--profile", "coe-li", "--metric", "impressions", "--from", "2026-01-10", "--to", "2026-01-10", "-o", "json");
        var nothing = await Coe(key, "kpis", "correct", "--profile", "coe-li", "--metric", "impressions", "--date", "2026-03-01", "--value", "1", "--reason", "r");
        var badMetric = await Coe(key, "kpis", "versions", "--profile", linkedIn, "--metric", "reach_of_doom", "--date", "2026-01-10");

        Assert.True(corrected.Code == ExitCodes.Ok, corrected.Err);
        Assert.Equal(corrected.Out, versions.Out);
        var history = ObservationHistory.Parser.ParseJson(versions.Out);
        Assert.Equal([(1090.0, ""), (9999.0, "typo in the export")], history.Versions.Select(v => (v.Value, v.CorrectionReason)));
        Assert.Contains("2 version(s)", versionsTable.Out);
        var point = JsonDocument.Parse(series.Out).RootElement.GetProperty("series")[0].GetProperty("points")[0];
        Assert.Equal(9999, point.GetProperty("value").GetDouble());
        Assert.Equal(ExitCodes.Refused, nothing.Code);
        Assert.Contains("FailedPrecondition", nothing.Err);
        Assert.Equal(ExitCodes.Refused, badMetric.Code);
        Assert.Contains("InvalidArgument: metric: unknown metric 'reach_of_doom'", badMetric.Err); // the server's field violation
    }

    [Fact]
    public async Task CorrelatesAndBenchmarksGivenImportedKpis()
    {
        var (key, linkedIn) = await Imported("cli-kpi-bench");

        var correlated = await Coe(key, ["kpis", "correlate", "--profile", "coe-li", "--metric", "impressions", "--y-metric", "engagements", .. Range, "-o", "json"]);
        var correlatedTable = await Coe(key, ["kpis", "correlate", "--profile", "coe-li", "--metric", "impressions", "--y-profile", "rival", "--y-metric", "impressions", .. Range]);
        var benchmark = await Coe(key, ["kpis", "benchmark", "--metric", "impressions", .. Range, "-o", "json"]);
        var benchmarkTable = await Coe(key, ["kpis", "benchmark", "--metric", "impressions", .. Range]);
        var trendTable = await Coe(key, ["kpis", "trend", "--profile", "coe-li", "--metric", "impressions", .. Range]); // intervals print as text, not markup

        Assert.True(correlated.Code == ExitCodes.Ok, correlated.Err);
        var tests = CorrelateMetricsResponse.Parser.ParseJson(correlated.Out);
        Assert.Equal(Days, tests.Pearson.N);
        Assert.Equal(1.0, tests.Pearson.Coefficient, 12); // both series are linear in the day
        Assert.Equal(1.0, tests.Spearman.Coefficient, 12);
        Assert.Equal(1.0, tests.KendallTauB.Coefficient, 12);
        Assert.True(correlatedTable.Code == ExitCodes.Ok, correlatedTable.Err);
        Assert.Contains("Kendall tau-b", correlatedTable.Out);
        Assert.True(benchmark.Code == ExitCodes.Ok, benchmark.Err);
        var rows = BenchmarkCompetitorsResponse.Parser.ParseJson(benchmark.Out).Profiles.OrderBy(p => p.Rank).ToList();
        // Sums over 30 days: 30·1000 + 10·435 = 34350 and 30·500 + 5·435 = 17175; shares 2/3 and 1/3.
        Assert.Equal([(linkedIn, 1, 34350.0, Ownership.Owned), (rows[1].ProfileId, 2, 17175.0, Ownership.Competitor)],
            rows.Select(r => (r.ProfileId, r.Rank, r.Value, r.Ownership)));
        Assert.Equal(200.0 / 3, rows[0].SharePct, 9);
        Assert.Contains("rival", benchmarkTable.Out);
        Assert.True(trendTable.Code == ExitCodes.Ok, trendTable.Err);
        Assert.Contains("Sen's slope", trendTable.Out);
        Assert.Contains("10 [10, 10]", trendTable.Out);
    }

    [Fact]
    public async Task PrintsAlertGivenSpikeRecordedWhileWatching()
    {
        var (key, linkedIn) = await Imported("cli-kpi-alerts");
        using var watch = CoeWatch.Start(server.GrpcAddress, key, "kpis", "alerts", "--metric", "impressions", "--profile", "coe-li", "--max", "1", "--timeout", "120", "-o", "json");
        await watch.Established;

        var spike = await Coe(key, "kpis", "import", CoeProcess.TempFile("profile,date,metric,value\ncoe-li,2026-01-31,impressions,50000\nrival,2026-01-31,impressions,650\n"));
        var (code, output, error) = await watch.ExitAsync();

        Assert.True(spike.Code == ExitCodes.Ok, spike.Err);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("watching impressions for alerts", error);
        var alert = KpiAlert.Parser.ParseJson(Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal((linkedIn, "coe-li", 50000.0, AlertDirection.Up, AlertSeverity.Critical, Days),
            (alert.ProfileId, alert.Handle, alert.Value, alert.Direction, alert.Severity, alert.HistoryCount));
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 1, Day = 31 }, alert.Date);
    }

    [Fact]
    public async Task EndsQuietlyGivenTimeoutAndNothingRecorded()
    {
        var (key, _) = await Imported("cli-kpi-quiet");

        var (code, output, error) = await Coe(key, "kpis", "alerts", "--metric", "impressions", "--timeout", "15");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("watching impressions", error);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task PrintsFieldViolationGivenAlertsForUnknownMetric()
    {
        var key = await server.CreateKeyAsync("cli-kpi-alerts-bad", Role.Viewer);

        var (code, _, error) = await Coe(key, "kpis", "alerts", "--metric", "reach_of_doom", "--timeout", "30");

        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("error: InvalidArgument: metrics[0]:", error); // the server's field violation
    }

    [Fact]
    public async Task AnalyzesCsvValuesWithoutStoringGivenAnalyze()
    {
        var key = await server.CreateKeyAsync("cli-kpi-analyze", Role.Viewer);
        var csv = new StringBuilder("date,value\n");
        for (var d = 0; d < 20; d++) csv.Append(CultureInfo.InvariantCulture, $"{First.AddDays(d):yyyy-MM-dd},{(d == 7 ? "" : $"{100 + 3 * d}")}\n");

        var json = await Coe(key, "kpis", "analyze", CoeProcess.TempFile(csv.ToString()), "-o", "json");
        var table = await Coe(key, "kpis", "analyze", CoeProcess.TempFile(csv.ToString()));
        var bad = await Coe(key, "kpis", "analyze", CoeProcess.TempFile("date,value\n2026-01-01,1\n2026-01-32,2\n2026-01-03,many\n"));

        Assert.True(json.Code == ExitCodes.Ok, json.Err);
        var report = TrendReport.Parser.ParseJson(json.Out);
        Assert.Equal((20, 19), (report.Slots, report.Observed)); // the empty value is a missing slot
        Assert.Equal(3, report.SenSlope.Slope, 12);
        Assert.Contains("Sen's slope", table.Out);
        Assert.Equal(ExitCodes.Usage, bad.Code);
        Assert.Contains("line 3: column 'date': '2026-01-32' is not a date", bad.Err);
        Assert.Contains("line 4: column 'value': 'many' is not a number", bad.Err);
    }
}
