using CoeInsights.Kpis;
using CoeInsights.Kpis.QueryingSeries;
using CoeInsights.Kpis.RecordingKpis;
using CoeInsights.Kpis.RegisteringProfile;
using CoeInsights.Analytics.Trends;
using Marten;
using CoeInsights.Testing;

namespace CoeInsights.Tests.Kpis;

/// <summary>The Kpis module against a real Marten store in a schema of its own.</summary>
public sealed class KpiStoreTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task StoresOneEventAndItsRowsInOneTransactionGivenBatch()
    {
        await using var session = fixture.Store.LightweightSession("store-a");
        var profile = await RegisterProfileHandler.Handle(session, new RegisterProfile(Network.Instagram, "ig", "Retail", Ownership.Owned, "", null, Now), default);
        var batch = new RecordKpiBatch(0, "store-batch-1", "csv", "Asia/Tokyo",
            Enumerable.Range(0, 50).Select(d => new SentObservation(profile.Id.ToString(), "followers", 2025, 3, 1 + d % 28, 1000 + d)).Take(28).ToList(),
            "tester", Now);

        var ack = await RecordKpiBatchHandler.Handle(session, batch, [], default);

        var events = await session.Events.FetchStreamAsync(ack.BatchId);
        var recorded = Assert.IsType<KpiBatchRecorded>(events.Single().Data);
        Assert.Equal(28, recorded.Count);
        Assert.Equal(1027, recorded.Observation(27).Value);
        var series = await QuerySeriesHandler.Handle(session, new SeriesQuery([profile.Id.ToString()], [], [], null, ["followers"], null, null, Granularity.Day), default);
        Assert.Equal(Enumerable.Range(1000, 28).Select(v => (double?)v), series.Single().Series.Values);
    }

    /// <summary>
    /// A daily batch's event is stored as before hourly data (no <c>hours</c> key), so events written before it read back
    /// the same; a batch with hours carries them and reads them back.
    /// </summary>
    [Fact]
    public async Task KeepsDailyBatchEventsInTheirOldShapeAndHourlyOnesWithTheirHours()
    {
        await using var session = fixture.Store.LightweightSession("store-hours");
        var profile = await RegisterProfileHandler.Handle(session, new RegisterProfile(Network.X, "x", "Retail", Ownership.Owned, "", null, Now), default);
        var daily = await RecordKpiBatchHandler.Handle(session, new RecordKpiBatch(0, "daily", "csv", "UTC",
            [new SentObservation(profile.Id.ToString(), "impressions", 2025, 1, 1, 5)], "t", Now), [], default);
        var mixed = await RecordKpiBatchHandler.Handle(session, new RecordKpiBatch(0, "mixed", "csv", "UTC",
            [new SentObservation(profile.Id.ToString(), "impressions", 2025, 1, 1, 6, 13), new SentObservation(profile.Id.ToString(), "impressions", 2025, 1, 2, 7)],
            "t", Now), [], default);

        var dailyJson = await EventJsonAsync(daily.BatchId);
        Assert.DoesNotContain("hours", dailyJson, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("observations", dailyJson, StringComparison.OrdinalIgnoreCase);
        var readDaily = Assert.IsType<KpiBatchRecorded>((await session.Events.FetchStreamAsync(daily.BatchId)).Single().Data);
        Assert.Null(readDaily.Hours);
        Assert.Null(readDaily.Observation(0).Hour);

        Assert.Contains("hours", await EventJsonAsync(mixed.BatchId), StringComparison.OrdinalIgnoreCase);
        var readMixed = Assert.IsType<KpiBatchRecorded>((await session.Events.FetchStreamAsync(mixed.BatchId)).Single().Data);
        Assert.Equal([13, (int?)null], new[] { readMixed.Observation(0).Hour, readMixed.Observation(1).Hour });

        // An event as written before hourly data existed (no hours key) deserializes as all-daily.
        var old = System.Text.Json.JsonSerializer.Deserialize<KpiBatchRecorded>(dailyJson, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        Assert.Null(old.Hours);
        Assert.Equal(5, old.Observation(0).Value);
    }

    private async Task<string> EventJsonAsync(Guid streamId)
    {
        await using var conn = fixture.Store.Storage.Database.CreateConnection();
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"select data::text from {fixture.Store.Options.Events.DatabaseSchemaName}.mt_events where stream_id = $1", conn)
        {
            Parameters = { new() { Value = streamId } },
        };
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task StoresNoRowsGivenTransactionThatFailsAfterCopy()
    {
        await using var setup = fixture.Store.LightweightSession("store-b");
        var profile = await RegisterProfileHandler.Handle(setup, new RegisterProfile(Network.X, "x", "Retail", Ownership.Owned, "", null, Now), default);
        var first = new RecordKpiBatch(0, "dup-key", "csv", "UTC", [new SentObservation(profile.Id.ToString(), "impressions", 2025, 1, 1, 5)], "t", Now);
        await RecordKpiBatchHandler.Handle(setup, first, [], default);

        // A second session that missed the receipt (as a concurrent retry would): its COPY ran, then the receipt insert failed.
        await using var racing = fixture.Store.LightweightSession("store-b");
        var batch = RecordKpiBatchHandler.Decide(first with { Observations = [new SentObservation(profile.Id.ToString(), "impressions", 2025, 1, 2, 9)] },
            new HashSet<Guid> { profile.Id }, Guid.CreateVersion7());
        racing.Events.StartStream<KpiBatch>(batch.BatchId, batch);
        racing.Insert(new KpiBatchReceipt(batch.IdempotencyKey, batch.BatchId, batch.Count, batch.RecordedAt));
        await ObservationTable.CopyInAsync(racing, batch, default);
        await Assert.ThrowsAnyAsync<Exception>(() => racing.SaveChangesAsync());

        await using var read = fixture.Store.QuerySession("store-b");
        var rows = await ObservationTable.LatestAsync(read, [profile.Id], ["impressions"], new DateOnly(2025, 1, 1), new DateOnly(2025, 1, 31), default);
        Assert.Equal([new DateOnly(2025, 1, 1)], rows.Select(r => r.Date));
    }
}
