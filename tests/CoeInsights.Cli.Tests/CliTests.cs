using System.Globalization;
using System.Text.Json;
using CoeInsights.Testing;
using CoeInsights.V1;

namespace CoeInsights.Cli.Tests;

/// <summary>The `coe` program run in-process against a real server on 127.0.0.1.</summary>
public sealed class CliTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<(int Code, string Out, string Err)> Coe(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CoeCli.RunAsync([.. args, "--address", server.GrpcAddress.ToString()], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string TempCsv(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"coe-cli-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task PrintsServerInfoAsJsonGivenKey()
    {
        var (code, output, _) = await Coe("server-info", "--key", server.AdminKey, "-o", "json");

        Assert.Equal(ExitCodes.Ok, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("default", json.RootElement.GetProperty("tenantId").GetString());
    }

    [Fact]
    public async Task ReproducesTzengHuangClosenessGivenCsvMatrix()
    {
        // Tzeng & Huang (2011), Multiple Attribute Decision Making, CRC Press: TOPSIS with vector normalisation
        // (tests/vectors/mcda/topsis_vikor_tzeng_huang_2011.json, computed_full_precision.topsis_vector.closeness).
        var vector = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "mcda", "topsis_vikor_tzeng_huang_2011.json"))).RootElement;
        var inputs = vector.GetProperty("inputs");
        var lines = new List<string> { "alternative," + string.Join(',', inputs.GetProperty("criteria").EnumerateArray().Select(c => c.GetString())) };
        var alternatives = inputs.GetProperty("alternatives").EnumerateArray().Select(a => a.GetString()!).ToArray();
        var matrix = inputs.GetProperty("matrix").EnumerateArray().ToArray();
        for (var i = 0; i < alternatives.Length; i++)
            lines.Add(alternatives[i] + "," + string.Join(',', matrix[i].EnumerateArray().Select(v => v.GetDouble().ToString(CultureInfo.InvariantCulture))));
        var weights = inputs.GetProperty("weights").EnumerateArray().Select(w => w.GetDouble().ToString(CultureInfo.InvariantCulture));

        var (code, output, error) = await Coe(["scoring", "score-matrix", TempCsv(string.Join('\n', lines)), "--weights", .. weights,
            "--method", "Topsis", "--key", server.AdminKey, "-o", "json"]);

        Assert.True(code == ExitCodes.Ok, error);
        var result = ScoringResult.Parser.ParseJson(output);
        var expected = vector.GetProperty("computed_full_precision").GetProperty("topsis_vector").GetProperty("closeness").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var topsis = result.Methods.Single(m => m.Method == ScoringMethod.Topsis);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], topsis.Scores[i], 1e-9);
    }

    [Fact]
    public async Task PrintsRankingTableAndCaveatsGivenRobustness()
    {
        var csv = TempCsv("alternative,analytics,annual_cost\nAlpha,4,12000\nBeta,5,18000\nGamma,3,9000\n");

        var (code, output, error) = await Coe("scoring", "score-matrix", csv, "--weights", "0.7", "0.3", "--cost", "annual_cost",
            "--method", "Topsis", "--monte-carlo", "2000", "--sensitivity", "--key", server.AdminKey);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("P(first)", output);
        Assert.Contains("recommendation: ", output);
    }

    [Fact]
    public async Task ExitsRefusedWithFieldViolationGivenNegativeWeight()
    {
        var csv = TempCsv("alternative,a,b\nx,1,2\ny,2,1\n");

        var (code, _, error) = await Coe("scoring", "score-matrix", csv, "--weights", "-1", "2", "--key", server.AdminKey);

        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("weights[0]", error);
    }

    [Fact]
    public async Task ExitsUsageNamingCellGivenNonNumericValue()
    {
        var csv = TempCsv("alternative,a,b\nx,1,two\ny,2,1\n");

        var (code, _, error) = await Coe("scoring", "score-matrix", csv, "--weights", "1", "1", "--key", server.AdminKey);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("column 'b'", error);
    }

    [Fact]
    public async Task ExitsAuthGivenUnknownKey()
    {
        var (code, _, error) = await Coe("server-info", "--key", "coe_00000000000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        Assert.Equal(ExitCodes.Auth, code);
        Assert.Contains("Unauthenticated", error);
    }

    [Fact]
    public async Task CreatesListsAndRevokesKeyGivenAdminKey()
    {
        var (created, createdOut, _) = await Coe("admin", "keys", "create", "--name", "cli-made", "--role", "Viewer", "--key", server.AdminKey, "-o", "json");
        var key = CreateApiKeyResponse.Parser.ParseJson(createdOut);
        var (usedCode, _, _) = await Coe("server-info", "--key", key.Secret);
        var (revoked, _, _) = await Coe("admin", "keys", "revoke", key.ApiKey.KeyId, "--key", server.AdminKey);
        var (listed, listOut, _) = await Coe("admin", "keys", "list", "--key", server.AdminKey);
        var (afterCode, _, _) = await Coe("server-info", "--key", key.Secret);

        Assert.Equal((ExitCodes.Ok, ExitCodes.Ok, ExitCodes.Ok, ExitCodes.Ok), (created, usedCode, revoked, listed));
        Assert.Contains("cli-made", listOut);
        Assert.Equal(ExitCodes.Auth, afterCode);
    }

    [Fact]
    public async Task ExitsUsageGivenUnknownRole()
    {
        var (code, _, error) = await Coe("admin", "keys", "create", "--name", "x", "--role", "Overlord", "--key", server.AdminKey);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("Overlord", error);
    }

    [Fact]
    public async Task ReproducesKendallWGivenSiegelCastellanRatingsCsv()
    {
        // Siegel & Castellan (1988) via DescTools KendallW (tests/vectors/mcda/kendall_w_siegel_castellan_1988.json): W = 0.656084656084656.
        var vector = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "mcda", "kendall_w_siegel_castellan_1988.json"))).RootElement;
        var ranks = vector.GetProperty("inputs").GetProperty("ranks_subjects_x_raters").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var lines = new List<string> { "rater," + string.Join(',', Enumerable.Range(1, ranks.Length).Select(i => $"item{i}")) };
        for (var r = 0; r < ranks[0].Length; r++) lines.Add($"r{r}," + string.Join(',', ranks.Select(s => s[r].ToString(CultureInfo.InvariantCulture))));

        var (code, output, error) = await Coe("scoring", "agreement", TempCsv(string.Join('\n', lines)), "--key", server.AdminKey, "-o", "json");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal(vector.GetProperty("expected").GetProperty("W").GetDouble(), AgreementResult.Parser.ParseJson(output).W, 1e-12);
    }
}
