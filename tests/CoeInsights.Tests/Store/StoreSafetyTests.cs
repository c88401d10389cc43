using System.Diagnostics;
using CoeInsights.Evaluations;
using CoeInsights.Evaluations.AddingVendors;
using CoeInsights.Evaluations.OpeningEvaluation;
using CoeInsights.Testing;
using Marten;

namespace CoeInsights.Tests.Store;

/// <summary>CoeStore's write-model snapshots and Marten safety settings, over real PostgreSQL.</summary>
public sealed class StoreSafetyTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private Func<IDocumentSession> Tenant(string tenant) => () => fixture.Store.LightweightSession(tenant);

    private Task<Guid> OpenAsync(string tenant) =>
        OpenEvaluationHandler.Handle(Tenant(tenant), new OpenEvaluation(Guid.CreateVersion7(), "Suite", "", 1, 5, [], 0, false, null, "chair", T0), default);

    private static IReadOnlyList<object> AddVendor(Evaluation e, string id) =>
        AddVendorsHandler.Decide(new AddVendors(e.Id, null, [new VendorDefinition(id, id, "", [])], "chair", T0), e);

    [Fact]
    public async Task AWriteStartsFromTheStoredSnapshotNotAReplay()
    {
        var id = await OpenAsync("t1");
        await EvaluationStream.AppendAsync(Tenant("t1"), id, null, e => AddVendor(e, "a"), default);
        await using (var query = fixture.Store.QuerySession("t1"))
        {
            var snapshot = await query.LoadAsync<Evaluation>(id);
            Assert.Equal("a", Assert.Single(snapshot!.Vendors).Id);
        }

        // Mark the snapshot the way no event could: a write that sees the mark read the snapshot, not the events.
        await using (var session = fixture.Store.LightweightSession("t1"))
        {
            var snapshot = await session.LoadAsync<Evaluation>(id);
            session.Store(snapshot! with { Title = "from the snapshot" });
            await session.SaveChangesAsync();
        }
        string? seen = null;
        var written = await EvaluationStream.AppendAsync(Tenant("t1"), id, null, e => { seen = e.Title; return AddVendor(e, "b"); }, default);

        Assert.Equal("from the snapshot", seen);
        Assert.Equal(3, written.Version);
    }

    [Fact]
    public async Task RefusesAnAppendToAStreamThatWasNeverStarted()
    {
        await using var session = fixture.Store.LightweightSession("t1");
        session.Events.Append(Guid.CreateVersion7(), new EvaluationClosed("chair", T0));

        await Assert.ThrowsAnyAsync<Exception>(() => session.SaveChangesAsync());
    }

    [Fact]
    public async Task StampsEventsWithTheCallsTraceAndSpan()
    {
        using var activity = new Activity("SubmitScores").SetIdFormat(ActivityIdFormat.W3C).Start();
        var id = await OpenAsync("t1");
        activity.Stop();

        await using var query = fixture.Store.QuerySession("t1");
        var opened = Assert.Single(await query.Events.FetchStreamAsync(id));
        Assert.Equal(activity.TraceId.ToHexString(), opened.CorrelationId);
        Assert.Equal(activity.SpanId.ToHexString(), opened.CausationId);
    }
}
