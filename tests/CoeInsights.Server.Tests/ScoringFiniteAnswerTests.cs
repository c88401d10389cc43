using System.Net;
using System.Text;
using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Google.Protobuf;
using Grpc.Core;

namespace CoeInsights.Server.Tests;

/// <summary>
/// Issue 13 item 6 for the scoring methods: degenerate matrices (all equal, all zero, at the 1e15 cap) score with
/// finite numbers on both ports; values beyond the cap (where TOPSIS and WSM would overflow near 1e308) are
/// INVALID_ARGUMENT naming the cell; AHP and Kendall's W stay finite with all-equal input.
/// </summary>
public sealed class ScoringFiniteAnswerTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<(ScoringService.ScoringServiceClient Grpc, HttpClient Http)> Clients()
    {
        var key = await server.CreateKeyAsync("scoring-finite", Role.Viewer);
        return (new ScoringService.ScoringServiceClient(server.Channel(key)), server.Http(key));
    }

    private static Row R(params double[] values) => new() { Values = { values } };

    private static async Task<string> Json(HttpClient http, string route, IMessage request, HttpStatusCode expected)
    {
        using var response = await http.PostAsync(route, new StringContent(JsonFormatter.Default.Format(request), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{route}: {(int)response.StatusCode} {body}");
        Assert.DoesNotContain("NaN", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", body, StringComparison.Ordinal);
        return body;
    }

    public static TheoryData<string, NormalisationMethod> Matrices()
    {
        var data = new TheoryData<string, NormalisationMethod>();
        foreach (var m in new[] { "all-equal", "all-zero", "at-cap", "one-column-zero" })
            foreach (var n in new[] { NormalisationMethod.Unspecified, NormalisationMethod.MinMax, NormalisationMethod.Vector, NormalisationMethod.Max, NormalisationMethod.Sum })
                data.Add(m, n);
        return data;
    }

    private static Row[] Matrix(string name) => name switch
    {
        "all-equal" => [R(3, 3, 3), R(3, 3, 3), R(3, 3, 3)],
        "all-zero" => [R(0, 0, 0), R(0, 0, 0), R(0, 0, 0)],
        "at-cap" => [R(1e15, -1e15, 1e15), R(-1e15, 1e15, 1e15), R(1e15, 1e15, -1e15)],
        _ => [R(0, 2, 5), R(0, 4, 1), R(0, 3, 3)],
    };

    [Theory]
    [MemberData(nameof(Matrices))]
    public async Task ScoresWithFiniteNumbersOnBothPortsGivenDegenerateMatrix(string name, NormalisationMethod normalisation)
    {
        var (grpc, http) = await Clients();
        var request = new ScoreMatrixRequest
        {
            AlternativeIds = { "A", "B", "C" },
            Criteria =
            {
                new CriterionSpec { CriterionId = "c1", Direction = CriterionDirection.Benefit },
                new CriterionSpec { CriterionId = "c2", Direction = CriterionDirection.Cost },
                new CriterionSpec { CriterionId = "c3", Direction = CriterionDirection.Benefit },
            },
            Matrix = { Matrix(name) },
            Weights = { 0.5, 0.3, 0.2 },
            Options = new ScoringOptions
            {
                PrimaryMethod = ScoringMethod.Topsis, Normalisation = normalisation,
                Methods = { ScoringMethod.Wsm, ScoringMethod.Wpm, ScoringMethod.Vikor },
            },
            Robustness = new RobustnessOptions { Sensitivity = true, MonteCarloSamples = 200 },
        };
        V1.ScoringResult? result = null;
        try
        {
            result = await grpc.ScoreMatrixAsync(request);
        }
        catch (RpcException e)
        {
            // a normalisation that cannot handle the matrix (e.g. WPM's zero base) is the client's choice: typed, never INTERNAL
            Assert.True(e.StatusCode == StatusCode.InvalidArgument, e.Describe());
        }
        if (result is not null) Assert.Empty(FiniteScan.NonFinite(result));
        await Json(http, "/v1/scoring:scoreMatrix", request, result is null ? HttpStatusCode.BadRequest : HttpStatusCode.OK);
        Assert.DoesNotContain(server.LogLines, l => l.Contains("answered non-finite numbers", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReturnsInvalidArgumentNamingCellGivenValueBeyondCap()
    {
        var (grpc, http) = await Clients();
        var request = new ScoreMatrixRequest
        {
            AlternativeIds = { "A", "B" },
            Criteria = { new CriterionSpec { CriterionId = "cost", Direction = CriterionDirection.Cost }, new CriterionSpec { CriterionId = "q", Direction = CriterionDirection.Benefit } },
            Matrix = { R(1.7e308, 1), R(1e300, 2e15) },
            Weights = { 1, 1 },
            Options = new ScoringOptions { PrimaryMethod = ScoringMethod.Topsis, Methods = { ScoringMethod.Wsm } },
        };
        var e = await Assert.ThrowsAsync<RpcException>(() => grpc.ScoreMatrixAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(["matrix[0][0]", "matrix[1][0]", "matrix[1][1]"], e.FieldViolations().Select(v => v.Field));
        Assert.All(e.FieldViolations(), v => Assert.Contains("1e15", v.Description));
        Assert.Contains("matrix[1][1]", await Json(http, "/v1/scoring:scoreMatrix", request, HttpStatusCode.BadRequest));

        request.Matrix[0].Values[0] = 1;
        request.Matrix[1].Values[0] = 2;
        request.Matrix[1].Values[1] = 3;
        request.Weights[1] = 1e16;
        var w = await Assert.ThrowsAsync<RpcException>(() => grpc.ScoreMatrixAsync(request).ResponseAsync);
        Assert.Equal(["weights[1]"], w.FieldViolations().Select(v => v.Field));
    }

    [Fact]
    public async Task GivesEqualWeightsAndZeroInconsistencyGivenAllOnesPairwiseMatrix()
    {
        var (grpc, http) = await Clients();
        foreach (var n in new[] { 2, 3, 5 })
        {
            var request = new ComputeAhpWeightsRequest { PairwiseMatrices = { new Matrix { Rows = { Enumerable.Range(0, n).Select(_ => R(Enumerable.Repeat(1.0, n).ToArray())) } } } };
            var result = await grpc.ComputeAhpWeightsAsync(request);
            Assert.Empty(FiniteScan.NonFinite(result));
            Assert.All(result.Weights, x => Assert.Equal(1.0 / n, x, 12));
            Assert.Equal(0, result.ConsistencyRatio, 12);
            Assert.True(result.AcceptablyConsistent);
            await Json(http, "/v1/scoring:computeAhpWeights", request, HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task ReportsUndefinedAgreementAsZeroGivenAllEqualScoresAndRefusesSingleRater()
    {
        var (grpc, http) = await Clients();
        var tied = new ComputeAgreementRequest { Scores = { R(4, 4, 4, 4), R(4, 4, 4, 4), R(4, 4, 4, 4) } };
        var result = await grpc.ComputeAgreementAsync(tied);
        Assert.Empty(FiniteScan.NonFinite(result));
        Assert.False(result.Defined);
        Assert.Equal(0, result.W);
        Assert.Equal(0, result.WTieCorrected);
        Assert.Equal(1, result.PValue);
        await Json(http, "/v1/scoring:computeAgreement", tied, HttpStatusCode.OK);

        var extreme = new ComputeAgreementRequest { Scores = { R(1e300, -1e300, 0), R(-1.7e308, 1.7e308, 1e-300) } };
        Assert.Empty(FiniteScan.NonFinite(await grpc.ComputeAgreementAsync(extreme)));
        await Json(http, "/v1/scoring:computeAgreement", extreme, HttpStatusCode.OK);

        var single = new ComputeAgreementRequest { Scores = { R(1, 2, 3) } };
        var e = await Assert.ThrowsAsync<RpcException>(() => grpc.ComputeAgreementAsync(single).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(["scores"], e.FieldViolations().Select(v => v.Field));
        await Json(http, "/v1/scoring:computeAgreement", single, HttpStatusCode.BadRequest);
    }
}
