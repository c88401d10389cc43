using System.Globalization;
using CoeInsights.Cli.Csv;
using CoeInsights.Testing;
using CoeInsights.V1;
using CsvHelper;
using Date = Google.Type.Date;

namespace CoeInsights.Cli.Tests;

/// <summary>Every CSV the CLI writes goes through CsvOutput: formula-like text is neutralised, numbers stay numbers.</summary>
public sealed class CsvOutputTests(TestServer server) : IClassFixture<TestServer>
{
    private const string HostileHandle = "=HYPERLINK(\"http://evil.example\",\"x\")";

    private static async Task<List<string[]>> Written(Func<CsvOutput, Task> write)
    {
        await using var text = new StringWriter(CultureInfo.InvariantCulture);
        await using (var output = new CsvOutput(text)) await write(output);
        using var reader = new CsvReader(new StringReader(text.ToString()), CultureInfo.InvariantCulture);
        var rows = new List<string[]>();
        while (reader.Read()) rows.Add(reader.Parser.Record!);
        return rows;
    }

    [Theory]
    [InlineData("=1+1")]
    [InlineData("+1")]
    [InlineData("-1")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tx")]
    [InlineData("\rx")]
    [InlineData(HostileHandle)]
    public async Task PrefixesQuoteGivenTextStartingWithFormulaTrigger(string text)
    {
        var rows = await Written(async o => { o.Text(text); await o.EndRowAsync(); });

        Assert.Equal("'" + text, Assert.Single(Assert.Single(rows)));
    }

    [Theory]
    [InlineData("coe-li")]
    [InlineData("a=b")]
    [InlineData(" =padded")]
    public async Task KeepsTextGivenNoLeadingFormulaTrigger(string text)
    {
        var rows = await Written(async o => { o.Text(text); await o.EndRowAsync(); });

        Assert.Equal(text, Assert.Single(Assert.Single(rows)));
    }

    [Fact]
    public async Task KeepsNegativeNumberGivenNumberCell()
    {
        var rows = await Written(async o => { o.Number(-3.5).Number(-7).Number(null).Text("-3.5"); await o.EndRowAsync(); });

        Assert.Equal(["-3.5", "-7", "", "'-3.5"], Assert.Single(rows));
    }

    [Fact]
    public async Task NeutralisesHostileHandleGivenSeriesAsCsv()
    {
        const string tenant = "cli-csv-injection";
        var committee = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Committee)));
        var ingest = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Ingest)));
        var profile = await committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = HostileHandle, BusinessUnit = "@Brand", Ownership = Ownership.Owned, RequestId = "reg",
        });
        using (var call = ingest.RecordKpis())
        {
            await call.RequestStream.WriteAsync(new RecordKpisRequest
            {
                IdempotencyKey = "seed", Source = "test", SourceTimeZone = "UTC",
                Observations = { new KpiObservation { ProfileId = profile.ProfileId, Date = new Date { Year = 2026, Month = 1, Day = 5 }, Metric = "impressions", Value = 1250 } },
            });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            await call.RequestStream.CompleteAsync();
        }
        var viewer = await server.CreateKeyAsync(tenant, Role.Viewer);

        var (code, output, error) = await CoeProcess.RunAsync(server.GrpcAddress, viewer,
            "kpis", "series", "--metric", "impressions", "--from", "2026-01-05", "--to", "2026-01-05", "--csv");

        Assert.True(code == ExitCodes.Ok, error);
        using var reader = new CsvReader(new StringReader(output), CultureInfo.InvariantCulture);
        reader.Read();
        reader.ReadHeader();
        Assert.True(reader.Read());
        Assert.Equal(("'" + HostileHandle, "'@Brand", "1250", "2026-01-05"),
            (reader.GetField("handle"), reader.GetField("business_unit"), reader.GetField("value"), reader.GetField("period_start")));
    }
}
