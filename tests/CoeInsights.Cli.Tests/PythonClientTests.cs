using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CoeInsights.Testing;

namespace CoeInsights.Cli.Tests;

/// <summary>The Python client's example scripts (Debian's python3-grpcio) against a real server.</summary>
public sealed class PythonClientTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<(int Code, string Out, string Err)> Python(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(Repository.Root(), "clients", "python", "examples", script));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--address");
        psi.ArgumentList.Add(server.GrpcAddress.Authority);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task PrintsServerInfoGivenKey()
    {
        var (code, output, error) = await Python("server_info.py", "--key", server.AdminKey);

        Assert.True(code == 0, error);
        Assert.Equal("default", JsonDocument.Parse(output).RootElement.GetProperty("tenantId").GetString());
    }

    [Fact]
    public async Task CreatesAnAlertRuleOnceAndListsIt()
    {
        var key = await server.CreateKeyAsync("py-alerts", CoeInsights.V1.Role.Committee);
        var first = await Python("alert_rules.py", "--approver", "lead@coe.example", "--approver", "head@coe.example", "--key", key);
        var again = await Python("alert_rules.py", "--approver", "lead@coe.example", "--key", key);

        Assert.True(first.Code == 0, first.Err);
        Assert.True(again.Code == 0, again.Err);
        var rule = Assert.Single(JsonDocument.Parse(again.Out).RootElement.GetProperty("rules").EnumerateArray());
        Assert.Equal(("negative_mentions", "1800s"), (rule.GetProperty("metric").GetString(), rule.GetProperty("escalateAfter").GetString()));
        Assert.Equal(["lead@coe.example", "head@coe.example"], rule.GetProperty("approvers").EnumerateArray().Select(a => a.GetString()));
        var refused = await Python("alert_rules.py", "--approver", "not an address", "--name", "other", "--key", key);
        Assert.Equal(2, refused.Code);
        Assert.Contains("rule.approvers[0]", refused.Err);
    }

    [Fact]
    public async Task ReproducesTzengHuangClosenessGivenCsv()
    {
        // Tzeng & Huang (2011), Multiple Attribute Decision Making, CRC Press (tests/vectors/mcda/topsis_vikor_tzeng_huang_2011.json).
        var vector = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "mcda", "topsis_vikor_tzeng_huang_2011.json"))).RootElement;
        var inputs = vector.GetProperty("inputs");
        var alternatives = inputs.GetProperty("alternatives").EnumerateArray().Select(a => a.GetString()!).ToArray();
        var matrix = inputs.GetProperty("matrix").EnumerateArray().ToArray();
        var csv = Path.Combine(Path.GetTempPath(), $"coe-py-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(csv, [
            "alternative," + string.Join(',', inputs.GetProperty("criteria").EnumerateArray().Select(c => c.GetString())),
            .. alternatives.Select((a, i) => a + "," + string.Join(',', matrix[i].EnumerateArray().Select(v => v.GetDouble().ToString(CultureInfo.InvariantCulture)))),
        ]);

        var (code, output, error) = await Python("score_matrix.py", [csv, "--weights",
            .. inputs.GetProperty("weights").EnumerateArray().Select(w => w.GetDouble().ToString(CultureInfo.InvariantCulture)), "--key", server.AdminKey]);

        Assert.True(code == 0, error);
        var closeness = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(',')).ToDictionary(f => f[1], f => double.Parse(f[2], CultureInfo.InvariantCulture));
        var expected = vector.GetProperty("computed_full_precision").GetProperty("topsis_vector").GetProperty("closeness").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (var i = 0; i < alternatives.Length; i++) Assert.Equal(expected[i], closeness[alternatives[i]], 1e-9);
    }

    [Fact]
    public async Task ReportsFieldViolationGivenNegativeWeight()
    {
        var csv = Path.Combine(Path.GetTempPath(), $"coe-py-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, "alternative,a,b\nx,1,2\ny,2,1\n");

        var (code, _, error) = await Python("score_matrix.py", csv, "--weights", "-1", "2", "--key", server.AdminKey);

        Assert.Equal(2, code);
        Assert.Contains("INVALID_ARGUMENT: weights[0]", error);
    }
}
