using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;

namespace CoeInsights.Server.Tests;

/// <summary>ScoringService over a real channel, checked against the published vectors in tests/vectors/mcda.</summary>
public sealed class ScoringServiceTests(TestServer server) : IClassFixture<TestServer>
{
    private static JsonElement Vector(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "mcda", name))).RootElement;

    private static Row RowOf(JsonElement row) => new() { Values = { row.EnumerateArray().Select(v => v.GetDouble()) } };

    private async Task<ScoringService.ScoringServiceClient> Client() =>
        new(server.Channel(await server.CreateKeyAsync("scoring", Role.Viewer)));

    [Fact]
    public async Task ReproducesTopsisAndVikorGivenTzengHuang2011Data()
    {
        // Tzeng & Huang (2011), Multiple Attribute Decision Making, CRC Press (tests/vectors/mcda/topsis_vikor_tzeng_huang_2011.json).
        var vector = Vector("topsis_vikor_tzeng_huang_2011.json");
        var inputs = vector.GetProperty("inputs");
        var request = new ScoreMatrixRequest
        {
            AlternativeIds = { inputs.GetProperty("alternatives").EnumerateArray().Select(a => a.GetString()!) },
            Criteria = { inputs.GetProperty("criteria").EnumerateArray().Select(c => new CriterionSpec { CriterionId = c.GetString()!, Direction = CriterionDirection.Benefit }) },
            Matrix = { inputs.GetProperty("matrix").EnumerateArray().Select(RowOf) },
            Weights = { inputs.GetProperty("weights").EnumerateArray().Select(w => w.GetDouble()) },
            Options = new ScoringOptions { PrimaryMethod = ScoringMethod.Topsis, Methods = { ScoringMethod.Vikor } },
        };

        var result = await (await Client()).ScoreMatrixAsync(request);

        var full = vector.GetProperty("computed_full_precision");
        var closeness = full.GetProperty("topsis_vector").GetProperty("closeness").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var topsis = result.Methods.Single(m => m.Method == ScoringMethod.Topsis);
        for (var i = 0; i < closeness.Length; i++) Assert.Equal(closeness[i], topsis.Scores[i], 1e-9);
        var q = full.GetProperty("vikor").GetProperty("Q").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var vikor = result.Methods.Single(m => m.Method == ScoringMethod.Vikor);
        for (var i = 0; i < q.Length; i++) Assert.Equal(q[i], vikor.Vikor.Q[i], 1e-9);
        Assert.Equal("A3", result.Recommendation.WinnerId);
        Assert.Equal(1.0, result.Weights.Sum(), 12);
    }

    [Fact]
    public async Task ReproducesSaatyDrinksWeightsGivenPairwiseMatrix()
    {
        // Saaty (2008), Int. J. Services Sciences 1(1):83-98, drinks consumption (tests/vectors/mcda/ahp_saaty2008_drinks.json).
        var vector = Vector("ahp_saaty2008_drinks.json");
        var matrix = new Matrix { Rows = { vector.GetProperty("inputs").GetProperty("matrix_row_major").EnumerateArray().Select(RowOf) } };

        var result = await (await Client()).ComputeAhpWeightsAsync(new ComputeAhpWeightsRequest { PairwiseMatrices = { matrix } });

        var expected = vector.GetProperty("expected").GetProperty("weights_4dp").EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], result.Weights[i], 5e-5);
        Assert.Equal(0.022, result.ConsistencyRatio, 5e-4);
        Assert.Equal(RandomIndexTable.Saaty, result.RandomIndexTable);
    }

    [Fact]
    public async Task ReproducesKendallWGivenSiegelCastellanRanksAsJson()
    {
        // Siegel & Castellan (1988) via DescTools KendallW example (tests/vectors/mcda/kendall_w_siegel_castellan_1988.json).
        var vector = Vector("kendall_w_siegel_castellan_1988.json");
        var subjectsByRaters = vector.GetProperty("inputs").GetProperty("ranks_subjects_x_raters").EnumerateArray()
            .Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var ratersByItems = Enumerable.Range(0, subjectsByRaters[0].Length)
            .Select(r => new { values = subjectsByRaters.Select(s => s[r]).ToArray() }).ToArray();
        using var http = server.Http(await server.CreateKeyAsync("scoring", Role.Viewer));

        using var response = await http.PostAsJsonAsync("/v1/scoring:computeAgreement", new { scores = ratersByItems });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var expected = vector.GetProperty("expected");
        Assert.Equal(expected.GetProperty("W").GetDouble(), json.RootElement.GetProperty("w").GetDouble(), 1e-12);
        Assert.Equal(expected.GetProperty("p_value").GetDouble(), json.RootElement.GetProperty("pValue").GetDouble(), 1e-10);
    }

    [Fact]
    public async Task ReturnsSeededRobustnessGivenSameSeedTwice()
    {
        var request = new ScoreMatrixRequest
        {
            AlternativeIds = { "a", "b", "c" },
            Criteria = { new CriterionSpec { CriterionId = "x" }, new CriterionSpec { CriterionId = "cost", Direction = CriterionDirection.Cost } },
            Matrix = { new Row { Values = { 3, 100 } }, new Row { Values = { 4, 140 } }, new Row { Values = { 2, 60 } } },
            Weights = { 0.6, 0.4 },
            Robustness = new RobustnessOptions { Sensitivity = true, MonteCarloSamples = 2000, RankReversal = true, Seed = 42 },
        };
        var client = await Client();

        var first = await client.ScoreMatrixAsync(request);
        var second = await client.ScoreMatrixAsync(request);

        Assert.Equal(first.Robustness.MonteCarlo.RankAcceptability, second.Robustness.MonteCarlo.RankAcceptability);
        Assert.Equal(first.Recommendation.ProbabilityFirst, first.Robustness.MonteCarlo.WinnerProbabilityFirst);
        Assert.Equal(2, first.Robustness.Sensitivity.Count);
        Assert.All(first.Robustness.MonteCarlo.RankAcceptability, row => Assert.Equal(1.0, row.Values.Sum(), 9));
    }

    [Fact]
    public async Task ReproducesPrometheeNetFlowsOverJsonAndRefusesThresholdsTheFunctionCannotUse()
    {
        // Zhao, Peng & Li (2013) via pymcdm's TestPROMETHEE_II (tests/vectors/mcda/promethee_ii_published_examples.json).
        var zhao = Vector("promethee_ii_published_examples.json").GetProperty("zhao_2013");
        using var http = server.Http(await server.CreateKeyAsync("scoring", Role.Viewer));
        var body = new
        {
            alternativeIds = new[] { "a1", "a2", "a3" },
            criteria = new[] { new { criterionId = "c1" }, new { criterionId = "c2" }, new { criterionId = "c3" } },
            matrix = zhao.GetProperty("matrix").EnumerateArray().Select(r => new { values = r.EnumerateArray().Select(x => x.GetDouble()).ToArray() }).ToArray(),
            weights = zhao.GetProperty("weights").EnumerateArray().Select(x => x.GetDouble()).ToArray(),
            options = new { primaryMethod = "SCORING_METHOD_PROMETHEE_II" },
        };

        using var response = await http.PostAsJsonAsync("/v1/scoring:scoreMatrix", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var method = json.RootElement.GetProperty("methods")[0];
        Assert.Equal("SCORING_METHOD_PROMETHEE_II", method.GetProperty("method").GetString());
        var expected = zhao.GetProperty("expected_net_flow_2dp").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var scores = method.GetProperty("scores").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (var i = 0; i < 3; i++) Assert.Equal(expected[i], scores[i], zhao.GetProperty("tolerance_2dp").GetDouble());
        Assert.Equal(3, method.GetProperty("promethee").GetProperty("leavingFlow").GetArrayLength());
        Assert.Equal("a3", json.RootElement.GetProperty("recommendation").GetProperty("winnerId").GetString());

        var refused = new ScoreMatrixRequest
        {
            AlternativeIds = { "a", "b" },
            Criteria = { new CriterionSpec { CriterionId = "x" } },
            Matrix = { new Row { Values = { 1 } }, new Row { Values = { 2 } } },
            Weights = { 1 },
            Options = new ScoringOptions
            {
                PrimaryMethod = ScoringMethod.PrometheeIi,
                Preferences = { new CriterionPreference { CriterionId = "x", Function = PreferenceFunction.Linear, Q = 2, P = 1 } },
            },
        };
        var e = await Assert.ThrowsAsync<RpcException>(() => new ScoringService.ScoringServiceClient(server.Channel()).ScoreMatrixAsync(refused).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("options.preferences[0].p", e.FieldViolations().Single().Field);
    }

    [Fact]
    public async Task ReturnsFieldViolationsGivenNaNScoreAndNegativeWeight()
    {
        var request = new ScoreMatrixRequest
        {
            AlternativeIds = { "a", "b" },
            Criteria = { new CriterionSpec { CriterionId = "x" }, new CriterionSpec { CriterionId = "y" } },
            Matrix = { new Row { Values = { double.NaN, 1 } }, new Row { Values = { 2, 3 } } },
            Weights = { -0.5, 1.5 },
        };

        var e = await Assert.ThrowsAsync<RpcException>(() => new ScoringService.ScoringServiceClient(server.Channel()).ScoreMatrixAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var fields = e.FieldViolations().Select(v => v.Field).ToList();
        Assert.Contains("matrix[0][0]", fields);
        Assert.Contains("weights[0]", fields);
    }

    [Fact]
    public async Task ReturnsFieldViolationGivenUnknownEnumNumber()
    {
        var request = new ScoreMatrixRequest
        {
            AlternativeIds = { "a", "b" },
            Criteria = { new CriterionSpec { CriterionId = "x", Direction = (CriterionDirection)9 } },
            Matrix = { new Row { Values = { 1 } }, new Row { Values = { 2 } } },
            Weights = { 1 },
        };

        var e = await Assert.ThrowsAsync<RpcException>(() => new ScoringService.ScoringServiceClient(server.Channel()).ScoreMatrixAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("criteria[0].direction", e.FieldViolations().Single().Field);
    }

    [Fact]
    public async Task ReturnsFieldViolationGivenNonReciprocalPairwiseMatrix()
    {
        var matrix = new Matrix { Rows = { new Row { Values = { 1, 3 } }, new Row { Values = { 3, 1 } } } };

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            new ScoringService.ScoringServiceClient(server.Channel()).ComputeAhpWeightsAsync(new ComputeAhpWeightsRequest { PairwiseMatrices = { matrix } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("pairwise_matrices[0]", e.FieldViolations()[0].Field);
    }
}
