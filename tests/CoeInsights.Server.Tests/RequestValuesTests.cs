using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests;

/// <summary>
/// Values no method accepts are refused at the door with INVALID_ARGUMENT naming the field, and change nothing:
/// enum numbers the proto does not define, the all-zero uuid, out-of-range options and cursors.
/// </summary>
public sealed class RequestValuesTests(TestServer server) : IClassFixture<TestServer>
{
    private const string ZeroId = "00000000-0000-0000-0000-000000000000";

    private async Task<(long Events, long Streams)> StoreCounts(string key)
    {
        var info = await new ServerInfoService.ServerInfoServiceClient(server.Channel(key)).GetServerInfoAsync(new GetServerInfoRequest());
        return (info.EventCount, info.StreamCount);
    }

    private static async Task<string> RefusedField(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("INVALID_ARGUMENT", e.Reason());
        return Assert.Single(e.FieldViolations()).Field;
    }

    [Fact]
    public async Task NamesGranularityGivenUnknownEnumNumberInExportKpiDeck()
    {
        var reports = new ReportService.ReportServiceClient(server.Channel(await server.CreateKeyAsync("values-enum", Role.Viewer)));
        using var call = reports.ExportKpiDeck(new ExportKpiDeckRequest
        {
            StartDate = new Date { Year = 2026, Month = 1, Day = 1 }, EndDate = new Date { Year = 2026, Month = 1, Day = 31 }, Granularity = (Granularity)99,
        });

        Assert.Equal("granularity", await RefusedField(() => call.ResponseStream.MoveNext(CancellationToken.None)));
    }

    [Fact]
    public async Task NamesRepeatedEnumElementGivenUnknownRole()
    {
        var admin = new AdminService.AdminServiceClient(server.Channel());
        var before = (await admin.ListApiKeysAsync(new ListApiKeysRequest { TenantId = "default", PageSize = 1000 })).ApiKeys.Count;

        var field = await RefusedField(() => admin.CreateApiKeyAsync(new CreateApiKeyRequest
        {
            TenantId = "default", DisplayName = "odd", Roles = { Role.Viewer, (Role)42 },
        }).ResponseAsync);

        Assert.Equal("roles[1]", field);
        Assert.Equal(before, (await admin.ListApiKeysAsync(new ListApiKeysRequest { TenantId = "default", PageSize = 1000 })).ApiKeys.Count);
    }

    [Fact]
    public async Task NamesRepeatedEnumElementGivenUnknownRoleNumberAsJson()
    {
        using var http = server.Http(server.AdminKey);

        using var response = await http.PostAsync("/v1/tenants/default/apiKeys",
            new StringContent("""{"displayName": "odd", "roles": [4, 42]}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var badRequest = json.RootElement.GetProperty("details").EnumerateArray()
            .Single(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest");
        Assert.Equal("roles[1]", badRequest.GetProperty("fieldViolations")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task NamesIdFieldGivenAllZeroIdOnWritesAndReadsAndStoresNothing()
    {
        var key = await server.CreateKeyAsync("values-zero", "chair", Role.Committee);
        var evaluations = new EvaluationService.EvaluationServiceClient(server.Channel(key));
        var kpis = new KpiService.KpiServiceClient(server.Channel(key));
        var before = await StoreCounts(key);

        var write = await RefusedField(() => evaluations.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = ZeroId, Criteria = { new Criterion { CriterionId = "reach", Description = "Reach", Category = "Reach" } },
        }).ResponseAsync);
        var read = await RefusedField(() => evaluations.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = ZeroId }).ResponseAsync);
        using var series = kpis.QuerySeries(new QuerySeriesRequest { ProfileIds = { ZeroId }, Metrics = { "followers" } });
        var list = await RefusedField(() => series.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal("evaluation_id", write);
        Assert.Equal("evaluation_id", read);
        Assert.Equal("profile_ids[0]", list);
        Assert.Equal(before, await StoreCounts(key));
    }

    [Fact]
    public async Task NamesObservationGivenAllZeroProfileIdInRecordKpisStream()
    {
        var key = await server.CreateKeyAsync("values-zero-kpis", Role.Ingest);
        var before = await StoreCounts(key);
        using var call = new KpiService.KpiServiceClient(server.Channel(key)).RecordKpis();

        await call.RequestStream.WriteAsync(new RecordKpisRequest
        {
            IdempotencyKey = "zero", Source = "test",
            Observations = { new KpiObservation { ProfileId = ZeroId, Date = new Date { Year = 2026, Month = 1, Day = 1 }, Metric = "followers", Value = 1 } },
        });

        Assert.Equal("batches[0].observations[0].profile_id", await RefusedField(() => call.ResponseStream.MoveNext(CancellationToken.None)));
        Assert.Equal(before, await StoreCounts(key));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public async Task NamesAcceptableConsistencyRatioGivenOutsideZeroToOne(double ratio)
    {
        var scoring = new ScoringService.ScoringServiceClient(server.Channel());
        var matrix = new Matrix { Rows = { new Row { Values = { 1, 3 } }, new Row { Values = { 1.0 / 3, 1 } } } };

        var field = await RefusedField(() => scoring.ComputeAhpWeightsAsync(new ComputeAhpWeightsRequest
        {
            PairwiseMatrices = { matrix }, Options = new AhpOptions { AcceptableConsistencyRatio = ratio },
        }).ResponseAsync);

        Assert.Equal("options.acceptable_consistency_ratio", field);
    }

    [Fact]
    public async Task NamesAfterVersionGivenCursorBeyondTheEvaluation()
    {
        var evaluations = new EvaluationService.EvaluationServiceClient(server.Channel(await server.CreateKeyAsync("values-cursor", "chair", Role.Committee)));
        var evaluation = await evaluations.CreateEvaluationAsync(new CreateEvaluationRequest
        {
            Title = "Cursor", Purpose = "p", Scale = new ScoreScale { Min = 1, Max = 5 }, RequestId = "cursor",
        });
        using var beyond = evaluations.WatchEvaluation(new WatchEvaluationRequest { EvaluationId = evaluation.EvaluationId, AfterVersion = long.MaxValue });

        Assert.Equal("after_version", await RefusedField(() => beyond.ResponseStream.MoveNext(CancellationToken.None)));
    }
}
