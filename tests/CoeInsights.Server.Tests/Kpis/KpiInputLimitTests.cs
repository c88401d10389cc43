using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Kpis;

/// <summary>
/// Limits that follow from the input, over gRPC (docs/limits.md): the season_length of 10^9 on a 40-day series
/// answers INVALID_ARGUMENT naming the field at once, instead of allocating season_length × n.
/// </summary>
public sealed class KpiInputLimitTests(TestServer server) : IClassFixture<TestServer>
{
    private static readonly DateOnly Start = new(2025, 3, 3);

    private static Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    private static async Task AssertField(string field, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(e.StatusCode == StatusCode.InvalidArgument, e.Describe());
        Assert.Equal([field], e.FieldViolations().Select(v => v.Field));
    }

    private async Task<(KpiService.KpiServiceClient Viewer, SeriesSelector Series)> FortyDays()
    {
        var committee = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync("kpi-limits", Role.Committee)));
        var ingest = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync("kpi-limits", Role.Ingest)));
        var viewer = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync("kpi-limits", Role.Viewer)));
        var profile = await committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = "limits", BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = "reg-limits",
        });
        using (var call = ingest.RecordKpis())
        {
            await call.RequestStream.WriteAsync(new RecordKpisRequest
            {
                IdempotencyKey = "limits-40", Source = "test", SourceTimeZone = "UTC",
                Observations = { Enumerable.Range(0, 40).Select(i => new KpiObservation { ProfileId = profile.ProfileId, Metric = "followers", Date = D(Start.AddDays(i)), Value = 1000 + i * 3 + i % 7 }) },
            });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            await call.RequestStream.CompleteAsync();
            Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        }
        return (viewer, new SeriesSelector { ProfileId = profile.ProfileId, Metric = "followers", Granularity = Granularity.Day, StartDate = D(Start), EndDate = D(Start.AddDays(39)) });
    }

    [Fact]
    public async Task ReturnsInvalidArgumentNamingSeasonLengthGivenHugeSeasonOnFortyDaySeries()
    {
        var (viewer, series) = await FortyDays();

        await AssertField("season_length", () => viewer.DetectAnomaliesAsync(new DetectAnomaliesRequest { Series = series, SeasonLength = 1_000_000_000 }).ResponseAsync);
        await AssertField("options.season_length", () => viewer.GetTrendAsync(new GetTrendRequest { Series = series, Options = new TrendOptions { SeasonLength = 1_000_000_000 } }).ResponseAsync);
        await AssertField("season_length", () => viewer.ForecastAsync(new ForecastRequest
        {
            Series = series, Method = ForecastMethod.HoltWinters, SeasonLength = 21, Alpha = 0.5, Beta = 0.1, Gamma = 0.1, Horizon = 7,
        }).ResponseAsync);
        var seasonal = await viewer.DetectAnomaliesAsync(new DetectAnomaliesRequest { Series = series, SeasonLength = 20 });
        Assert.True(seasonal.Scale >= 0);
    }

    [Fact]
    public async Task ReturnsInvalidArgumentNamingOptionGivenOutOfRangeWindowPeriodsOrSeason()
    {
        var viewer = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync("kpi-limits", Role.Viewer)));
        var points = Enumerable.Range(0, 40).Select(i => new SeriesPoint { PeriodStart = D(Start.AddDays(i)), Value = 10 + i }).ToList();
        AnalyzeSeriesRequest With(TrendOptions options) => new() { Points = { points }, Granularity = Granularity.Day, Options = options };

        await AssertField("options.season_length", () => viewer.AnalyzeSeriesAsync(With(new TrendOptions { SeasonLength = 21 })).ResponseAsync);
        await AssertField("options.moving_average_window", () => viewer.AnalyzeSeriesAsync(With(new TrendOptions { MovingAverageWindow = 1_000_000_000 })).ResponseAsync);
        await AssertField("options.periods_per_year", () => viewer.AnalyzeSeriesAsync(With(new TrendOptions { PeriodsPerYear = 1e9 })).ResponseAsync);
        var report = await viewer.AnalyzeSeriesAsync(With(new TrendOptions { SeasonLength = 20 }));
        Assert.Equal(40, report.Slots);
    }
}
