using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CoeInsights.StarSchema;
using CsvHelper;
using Parquet;

namespace CoeInsights.Server.Tests.Bi;

/// <summary>CSV and Parquet files of the star schema: reopened with CsvHelper and Parquet.Net, equal to the OData feed's rows.</summary>
public sealed class StarFilesTests(BiServer server) : IClassFixture<BiServer>
{
    private async Task<List<JsonObject>> Feed(string set, string query = "")
    {
        using var http = server.Http(server.ViewerKey);
        return (await BiServer.ReadAllAsync(http, $"odata/{set}{query}")).Rows;
    }

    [Fact]
    public async Task CsvOfEveryTableHasTheFeedsRowsGivenBasicCredentials()
    {
        using var http = server.Basic(server.ViewerKey);
        foreach (var table in StarTables.Tables)
        {
            using var response = await http.GetAsync($"bi/csv/{table.Name}.csv");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/csv", response.Content.Headers.ContentType!.ToString());
            using var reader = new CsvReader(new StreamReader(await response.Content.ReadAsStreamAsync()), CultureInfo.InvariantCulture);
            Assert.True(await reader.ReadAsync());
            reader.ReadHeader();
            Assert.Equal(table.Columns.Select(c => c.Name), reader.HeaderRecord);
            var rows = new List<string[]>();
            while (await reader.ReadAsync()) rows.Add(reader.Parser.Record!);
            var feed = await Feed(table.Name);
            Assert.Equal(feed.Count, rows.Count); // unpaged: the whole table
            for (var i = 0; i < feed.Count; i++)
            for (var c = 0; c < table.Columns.Count; c++)
                Assert.Equal(Expected(feed[i][table.Columns[c].Name], table.Columns[c].Type), rows[i][c]);
        }
    }

    private static string Expected(JsonNode? node, StarType type) => node switch
    {
        null => "",
        _ when type == StarType.Double => node.GetValue<double>().ToString("R", CultureInfo.InvariantCulture),
        _ when type == StarType.Boolean => node.GetValue<bool>() ? "true" : "false",
        _ when type == StarType.DateTimeOffset => DateTimeOffset.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture).ToUniversalTime()
            .ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    [Fact]
    public async Task CsvTakesTheFeedsFilterAndRefusesOtherTenantsData()
    {
        using var http = server.Http(server.ViewerKey);

        var text = await http.GetStringAsync("bi/csv/FactKpi.csv?$filter=Date ge 2025-02-01 and Metric eq 'spend'&$select=Date,Value");

        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Date,Value", lines[0]);
        Assert.Equal(3 * 14, lines.Length - 1); // 3 profiles × Feb 1–14
        using var other = server.Http(await server.CreateKeyAsync("bi-files-other", CoeInsights.V1.Role.Viewer));
        Assert.Equal(["ProfileId,Metric,Date,Value"], (await other.GetStringAsync("bi/csv/FactKpi.csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
        using var anonymous = server.Http();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("bi/csv/FactKpi.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("bi/csv/Nope.csv")).StatusCode);
    }

    [Fact]
    public async Task ParquetOfEveryTableReopensWithTheFeedsRows()
    {
        using var http = server.Basic(server.ViewerKey);
        foreach (var table in StarTables.Tables)
        {
            using var response = await http.GetAsync($"bi/parquet/{table.Name}.parquet");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var file = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
            await using var reader = await ParquetReader.CreateAsync(file);
            var fields = reader.Schema.GetDataFields();
            Assert.Equal(table.Columns.Select(c => c.Name), fields.Select(f => f.Name));
            file.Position = 0;
            var untyped = await Parquet.Serialization.ParquetSerializer.DeserializeUntypedAsync(file);
            var columns = fields.Select(f => untyped.Data.Select(row => row.TryGetValue(f.Name, out var v) ? v : null).ToList()).ToArray();
            var feed = await Feed(table.Name);
            Assert.Equal(feed.Count, columns[0].Count);
            for (var i = 0; i < feed.Count; i++)
            for (var c = 0; c < table.Columns.Count; c++)
                Assert.Equal(Expected(feed[i][table.Columns[c].Name], table.Columns[c].Type), FromParquet(columns[c][i], table.Columns[c].Type));
        }
    }

    private static string FromParquet(object? value, StarType type) => value switch
    {
        null => "",
        DateTime t when type == StarType.DateTimeOffset => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc))
            .ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", CultureInfo.InvariantCulture),
        DateTime d => DateOnly.FromDateTime(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
