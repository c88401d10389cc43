using ClosedXML.Excel;
using CoeInsights.Testing;
using CoeInsights.V1;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using Grpc.Core;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Reports;

/// <summary>The KPI deck over a real channel, from KPIs recorded through KpiService.</summary>
public sealed class KpiDeckExportTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly DateOnly Start = new(2026, 3, 2); // a Monday: weeks are whole
    private const int Days = 56;

    private static Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    /// <summary>Two owned profiles and a competitor, 8 weeks of impressions, engagements, followers, spend and revenue.</summary>
    private async Task<int> Seed(string tenant)
    {
        var committee = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Committee)));
        var ingest = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Ingest)));
        var profiles = new List<Profile>();
        foreach (var (network, handle, ownership) in new[] { (Network.Linkedin, "acme", Ownership.Owned), (Network.Instagram, "acme.ig", Ownership.Owned), (Network.Linkedin, "globex", Ownership.Competitor) })
            profiles.Add(await committee.RegisterProfileAsync(new RegisterProfileRequest
            {
                Network = network, Handle = handle, BusinessUnit = "Corporate", Ownership = ownership, RequestId = $"reg-{handle}",
            }));
        var observations = new List<KpiObservation>();
        for (var d = 0; d < Days; d++)
            foreach (var (p, i) in profiles.Select((p, i) => (p, i)))
            {
                var day = D(Start.AddDays(d));
                observations.Add(new KpiObservation { ProfileId = p.ProfileId, Date = day, Metric = "impressions", Value = 1000 + 10 * d + 100 * i });
                observations.Add(new KpiObservation { ProfileId = p.ProfileId, Date = day, Metric = "engagements", Value = 50 + d });
                observations.Add(new KpiObservation { ProfileId = p.ProfileId, Date = day, Metric = "followers", Value = 2000 + 5 * d });
                if (p.Ownership == Ownership.Owned)
                {
                    observations.Add(new KpiObservation { ProfileId = p.ProfileId, Date = day, Metric = "spend", Value = 20 + 10 * i });
                    observations.Add(new KpiObservation { ProfileId = p.ProfileId, Date = day, Metric = "attributed_revenue", Value = 60 });
                }
            }
        using var call = ingest.RecordKpis();
        foreach (var (chunk, n) in observations.Chunk(500).Select((c, n) => (c, n)))
        {
            await call.RequestStream.WriteAsync(new RecordKpisRequest { IdempotencyKey = $"seed-{n}", Source = "test", SourceTimeZone = "UTC", Observations = { chunk } });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        }
        await call.RequestStream.CompleteAsync();
        return observations.Count; // every metric is a fact, spend and revenue too (ROI can be rebuilt from FactKpi)
    }

    private async Task<byte[]> Export(string tenant, ExportKpiDeckRequest request)
    {
        var reports = new ReportService.ReportServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Viewer)));
        using var call = reports.ExportKpiDeck(request);
        using var bytes = new MemoryStream();
        long size = -1;
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
            if (chunk.PartCase == ExportChunk.PartOneofCase.Metadata) size = chunk.Metadata.SizeBytes;
            else chunk.Data.WriteTo(bytes);
        Assert.Equal(size, bytes.Length);
        return bytes.ToArray();
    }

    [Fact]
    public async Task StreamsValidDeckWithEveryFactGivenRecordedKpis()
    {
        var facts = await Seed("deck-a");

        var bytes = await Export("deck-a", new ExportKpiDeckRequest { StartDate = D(Start), EndDate = D(Start.AddDays(Days - 1)) });

        using (var document = SpreadsheetDocument.Open(new MemoryStream(bytes), false))
            Assert.Empty(new OpenXmlValidator(FileFormatVersions.Office2016).Validate(document));
        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        Assert.Equal(facts, workbook.Worksheet("FactKpi").Table("FactKpi").DataRange.RowCount());
        Assert.Equal(Days, workbook.Worksheet("DimDate").Table("DimDate").DataRange.RowCount());
        Assert.Equal(3, workbook.Worksheet("DimProfile").Table("DimProfile").DataRange.RowCount());
        // ROI by network: LinkedIn spends 20/day for 60 revenue (200 %), Instagram 30/day (100 %).
        var roi = workbook.Worksheet("ROI by network").Table("NetworkRoi").DataRange.Rows().ToDictionary(r => r.Cell(1).GetString(), r => r.Cell(6).GetDouble());
        Assert.Equal(2.0, roi["LinkedIn"], 9);
        Assert.Equal(1.0, roi["Instagram"], 9);
        // 8 whole weeks per trend sheet.
        Assert.Equal(8, workbook.Worksheet("Trend impressions").Table("Trend_impressions").DataRange.RowCount());
        Assert.Contains(workbook.Worksheet("FactKpi").Table("FactKpi").DataRange.Rows(), r => r.Cell(3).GetString() == "attributed_revenue");
        // 8 weeks are not a year: no annualised CAGR; the last change is filled (the last week is whole).
        var statistics = workbook.Worksheet("Trend statistics").Table("TrendStatistics").DataRange.Rows().ToList();
        Assert.All(statistics, r => Assert.Equal("< 1 year of data", r.Cell(9).GetString()));
        Assert.All(statistics, r => Assert.Equal(XLDataType.Number, r.Cell(8).DataType));
    }

    [Fact]
    public async Task ReturnsFieldViolationsGivenMissingAndReversedDates()
    {
        var reports = new ReportService.ReportServiceClient(server.Channel(await server.CreateKeyAsync("deck-b", Role.Viewer)));

        async Task<RpcException> Refused(ExportKpiDeckRequest r) => await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = reports.ExportKpiDeck(r);
            await foreach (var _ in call.ResponseStream.ReadAllAsync()) { }
        });
        var missing = await Refused(new ExportKpiDeckRequest());
        var reversed = await Refused(new ExportKpiDeckRequest { StartDate = D(Start), EndDate = D(Start.AddDays(-1)) });
        var unknownMetric = await Refused(new ExportKpiDeckRequest { StartDate = D(Start), EndDate = D(Start), Metrics = { "vibes" } });

        Assert.Equal(["start_date", "end_date"], Client.CoeErrors.FieldViolations(missing).Select(v => v.Field));
        Assert.Equal("end_date", Client.CoeErrors.FieldViolations(reversed).Single().Field);
        Assert.Equal("metrics[0]", Client.CoeErrors.FieldViolations(unknownMetric).Single().Field);
    }
}
