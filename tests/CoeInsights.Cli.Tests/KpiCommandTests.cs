using System.Globalization;
using System.Text;
using System.Text.Json;
using ClosedXML.Excel;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;

namespace CoeInsights.Cli.Tests;

/// <summary>`coe kpis …` and `coe reports kpi-deck` run as a process against a real server.</summary>
public sealed class KpiCommandTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly DateOnly First = new(2026, 1, 1);
    private const int Days = 60;
    private const int SpikeDay = 40;

    private Task<(int Code, string Out, string Err)> Coe(string key, params string[] args) => CoeProcess.RunAsync(server.GrpcAddress, key, args);

    /// <summary>A tenant with a LinkedIn and an Instagram profile registered through the CLI.</summary>
    private async Task<(string Key, string LinkedIn)> Profiles(string tenant)
    {
        var key = await server.CreateKeyAsync(tenant, "ops", Role.Committee, Role.Ingest, Role.Viewer);
        var li = await Coe(key, "kpis", "profiles", "register", "--network", "Linkedin", "--handle", "coe-li", "--business-unit", "Brand", "-o", "json");
        var ig = await Coe(key, "kpis", "profiles", "register", "--network", "Instagram", "--handle", "coe-ig", "--business-unit", "Brand");
        Assert.True(li.Code == ExitCodes.Ok, li.Err);
        Assert.True(ig.Code == ExitCodes.Ok, ig.Err);
        return (key, Profile.Parser.ParseJson(li.Out).ProfileId);
    }

    /// <summary>Impressions 1000 + 10·day (one spike to 5000), engagements, spend and revenue for both profiles: 480 rows.</summary>
    private static string Observations()
    {
        var csv = new StringBuilder("profile,date,metric,value\n");
        for (var d = 0; d < Days; d++)
        {
            var date = First.AddDays(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            foreach (var (handle, revenue) in new[] { ("coe-li", 300), ("instagram:coe-ig", 150) })
            {
                csv.Append($"{handle},{date},impressions,{(d == SpikeDay ? 5000 : 1000 + 10 * d)}\n");
                csv.Append($"{handle},{date},engagements,{50 + d}\n");
                csv.Append($"{handle},{date},spend,100\n");
                csv.Append($"{handle},{date},attributed_revenue,{revenue}\n");
            }
        }
        return csv.ToString();
    }

    [Fact]
    public async Task AnalysesImportedSeriesGivenKpiCsv()
    {
        var (key, linkedIn) = await Profiles("cli-kpis");
        var csv = CoeProcess.TempFile(Observations());
        string[] range = ["--from", "2026-01-01", "--to", "2026-03-01"];

        var imported = await Coe(key, "kpis", "import", csv, "--batch-size", "100", "-o", "json");
        var replayed = await Coe(key, "kpis", "import", csv, "--batch-size", "100", "-o", "json");
        var table = await Coe(key, "kpis", "import", csv, "--batch-size", "100");
        var trend = await Coe(key, ["kpis", "trend", "--profile", "coe-li", "--metric", "impressions", .. range, "-o", "json"]);
        var anomalies = await Coe(key, ["kpis", "anomalies", "--profile", linkedIn, "--metric", "impressions", .. range, "-o", "json"]);
        var forecast = await Coe(key, ["kpis", "forecast", "--profile", "coe-li", "--metric", "impressions", .. range, "--horizon", "7", "-o", "json"]);
        var compared = await Coe(key, ["kpis", "compare-networks", .. range, "-o", "json"]);
        var comparedTable = await Coe(key, ["kpis", "compare-networks", .. range]);

        Assert.True(imported.Code == ExitCodes.Ok, imported.Err);
        var summary = JsonDocument.Parse(imported.Out).RootElement;
        Assert.Equal((480, 5, 0, 0), (summary.GetProperty("rows").GetInt32(), summary.GetProperty("batches").GetInt32(),
            summary.GetProperty("replayedBatches").GetInt32(), summary.GetProperty("skippedRows").GetInt32()));
        Assert.Equal(5, JsonDocument.Parse(replayed.Out).RootElement.GetProperty("replayedBatches").GetInt32()); // nothing stored twice
        Assert.Contains("replayed batches", table.Out);
        Assert.True(trend.Code == ExitCodes.Ok, trend.Err);
        var report = TrendReport.Parser.ParseJson(trend.Out);
        Assert.Equal((Days, Days), (report.Slots, report.Observed));
        Assert.Equal(10, report.SenSlope.Slope, 12); // every pair without the spike has slope 10
        Assert.Equal(TrendDirection.Increasing, report.MannKendall.Direction);
        Assert.True(anomalies.Code == ExitCodes.Ok, anomalies.Err);
        var spike = Assert.Single(DetectAnomaliesResponse.Parser.ParseJson(anomalies.Out).Anomalies);
        Assert.Equal((2026, 2, 10, 5000.0), (spike.PeriodStart.Year, spike.PeriodStart.Month, spike.PeriodStart.Day, spike.Value));
        Assert.True(forecast.Code == ExitCodes.Ok, forecast.Err);
        var points = ForecastResponse.Parser.ParseJson(forecast.Out).Forecast;
        Assert.Equal(7, points.Count);
        Assert.Equal((2026, 3, 2), (points[0].PeriodStart.Year, points[0].PeriodStart.Month, points[0].PeriodStart.Day));
        Assert.True(compared.Code == ExitCodes.Ok, compared.Err);
        var networks = CompareNetworksResponse.Parser.ParseJson(compared.Out).Networks;
        Assert.Equal([(Network.Linkedin, 200.0), (Network.Instagram, 50.0)], networks.OrderBy(n => n.Rank).Select(n => (n.Network, Math.Round(n.RoiPct, 9))));
        Assert.Contains("Linkedin", comparedTable.Out);
    }

    [Fact]
    public async Task SavesValidKpiDeckGivenImportedSeries()
    {
        var (key, _) = await Profiles("cli-kpi-deck");
        var imported = await Coe(key, "kpis", "import", CoeProcess.TempFile(Observations()));
        Assert.True(imported.Code == ExitCodes.Ok, imported.Err);
        var path = Path.Combine(Path.GetTempPath(), $"coe-cli-{Guid.NewGuid():N}.xlsx");

        var (code, output, error) = await Coe(key, "reports", "kpi-deck", "--from", "2026-01-01", "--to", "2026-03-01", "--title", "CLI deck", "-f", path, "-o", "json");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal(ExportMetadata.Parser.ParseJson(output).SizeBytes, new FileInfo(path).Length);
        using var workbook = new XLWorkbook(path);
        Assert.True(workbook.Worksheets.Count > 1);
        Assert.Contains(workbook.Worksheets, sheet => sheet.CellsUsed().Any(c => c.GetString().Contains("CLI deck")));
    }

    private async Task<double[]> StoredImpressions(string key, string profileId)
    {
        var client = new KpiService.KpiServiceClient(server.Channel(key));
        using var call = client.QuerySeries(new QuerySeriesRequest
        {
            ProfileIds = { profileId }, Metrics = { "impressions" },
            StartDate = new Google.Type.Date { Year = 2026, Month = 1, Day = 1 }, EndDate = new Google.Type.Date { Year = 2026, Month = 1, Day = 10 },
        });
        var values = new List<double>();
        await foreach (var series in call.ResponseStream.ReadAllAsync())
            values.AddRange(series.Points.Where(p => p.HasValue).Select(p => p.Value));
        return [.. values];
    }

    private const string HourlyKpis = """
        profile,date,metric,value,hour
        coe-li,2026-01-01,impressions,1000,
        coe-li,2026-01-01,impressions,40,9
        coe-li,2026-01-01,impressions,55,14:00
        """;

    [Fact]
    public async Task ImportsHourlyRowsBesideDailyOnesGivenHourColumn()
    {
        var (key, linkedIn) = await Profiles("cli-kpi-hourly");

        var imported = await Coe(key, "kpis", "import", CoeProcess.TempFile(HourlyKpis), "--time-zone", "Europe/Berlin", "-o", "json");
        var bad = await Coe(key, "kpis", "import", CoeProcess.TempFile(HourlyKpis.Replace(",14:00", ",24")));
        var twice = await Coe(key, "kpis", "import", CoeProcess.TempFile(HourlyKpis.Replace(",14:00", ",09:00")));

        Assert.True(imported.Code == ExitCodes.Ok, imported.Err);
        Assert.Equal(3, JsonDocument.Parse(imported.Out).RootElement.GetProperty("rows").GetInt32());
        var daily = await StoredImpressions(key, linkedIn);
        Assert.Equal([1000.0], daily); // the daily series: the daily value only
        var client = new KpiService.KpiServiceClient(server.Channel(key));
        using var call = client.QuerySeries(new QuerySeriesRequest
        {
            ProfileIds = { linkedIn }, Metrics = { "impressions" }, Resolution = ObservationResolution.Hourly,
            StartDate = new Google.Type.Date { Year = 2026, Month = 1, Day = 1 }, EndDate = new Google.Type.Date { Year = 2026, Month = 1, Day = 1 },
        });
        var hours = new List<(int, double)>();
        await foreach (var series in call.ResponseStream.ReadAllAsync())
            hours.AddRange(series.Points.Where(p => p.HasValue).Select(p => (p.Hour, p.Value)));
        Assert.Equal([(9, 40.0), (14, 55.0)], hours);
        var printed = await Coe(key, "kpis", "series", "--profile", "coe-li", "--metric", "impressions", "--from", "2026-01-01", "--to", "2026-01-01", "--hourly", "--csv");
        Assert.True(printed.Code == ExitCodes.Ok, printed.Err);
        var lines = printed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.EndsWith(",days_in_period,hour", lines[0]);
        Assert.Equal(25, lines.Length); // header + 24 hours
        Assert.EndsWith(",2026-01-01,40,1,0,9", lines[10]);
        Assert.EndsWith(",2026-01-01,,0,0,10", lines[11]);
        Assert.Equal(ExitCodes.Usage, bad.Code);
        Assert.Contains("line 4: column 'hour': '24' is not an hour", bad.Err);
        Assert.Equal(ExitCodes.Usage, twice.Code);
        Assert.Contains("at 09:00 appears twice", twice.Err);
    }

    private const string BadKpis = """
        profile,date,metric,value
        coe-li,2026-01-01,impressions,1000
        coe-li,2026-01-02,impressions,lots
        nobody,2026-01-03,impressions,1200
        coe-li,2026-13-04,impressions,1300
        coe-li,2026-01-05,reach_of_doom,1400
        coe-li,2026-01-06,impressions,1500
        """;

    [Fact]
    public async Task StoresNothingGivenKpiCsvWithWrongTypeAndUnknownProfile()
    {
        var (key, linkedIn) = await Profiles("cli-kpi-bad");

        var (code, _, error) = await Coe(key, "kpis", "import", CoeProcess.TempFile(BadKpis));

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("line 3: column 'value': 'lots' is not a number", error);
        Assert.Contains("line 4: column 'profile': unknown profile 'nobody'", error);
        Assert.Contains("line 5: column 'date': '2026-13-04' is not a date", error);
        Assert.Contains("line 6: column 'metric': unknown metric 'reach_of_doom'", error);
        Assert.Empty(await StoredImpressions(key, linkedIn));
    }

    [Fact]
    public async Task StoresGoodRowsAndReportsSkippedGivenKpiCsvAndContinueOnError()
    {
        var (key, linkedIn) = await Profiles("cli-kpi-continue");

        var (code, output, error) = await Coe(key, "kpis", "import", CoeProcess.TempFile(BadKpis), "--continue-on-error", "-o", "json");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("skipped 4 row(s)", error);
        Assert.Equal(4, JsonDocument.Parse(output).RootElement.GetProperty("skippedRows").GetInt32());
        var stored = await StoredImpressions(key, linkedIn);
        Assert.Equal(new[] { 1000.0, 1500.0 }, stored);
    }

    [Fact]
    public async Task ExitsUsageGivenKpiCsvWithoutValueColumn()
    {
        var (key, _) = await Profiles("cli-kpi-header");

        var (code, _, error) = await Coe(key, "kpis", "import", CoeProcess.TempFile("profile,date,metric\ncoe-li,2026-01-01,impressions\n"));

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("line 1: column 'value': missing column", error);
    }
}
