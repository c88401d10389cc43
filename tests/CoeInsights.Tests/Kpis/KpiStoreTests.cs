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
