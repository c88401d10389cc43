using CoeInsights.Common;
using CoeInsights.Evaluations;
using CoeInsights.Evaluations.AddingVendors;
using CoeInsights.Evaluations.GettingDetails;
using CoeInsights.Evaluations.ListingEvaluations;
using CoeInsights.Evaluations.OpeningEvaluation;
using Marten;
using CoeInsights.Testing;

namespace CoeInsights.Tests.Evaluations;

/// <summary>The stream, the inline projections and the etag check over real PostgreSQL.</summary>
public sealed class EvaluationStoreTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private Func<IDocumentSession> Tenant(string tenant) => () => fixture.Store.LightweightSession(tenant);

    private async Task<Guid> OpenAsync(string tenant, string? requestId = null) =>
        await OpenEvaluationHandler.Handle(Tenant(tenant), new OpenEvaluation(Guid.CreateVersion7(), "Suite", "", 1, 5, [], 0, false, requestId, "chair", T0), default);

    private static Func<Evaluation, IReadOnlyList<object>> AddVendor(string id) =>
        e => AddVendorsHandler.Decide(new AddVendors(e.Id, null, [new VendorDefinition(id, id.ToUpperInvariant(), "", [])], "chair", T0), e);

    [Fact]
    public async Task ProjectsDetailsAndSummaryInlineWithStreamVersion()
    {
        var id = await OpenAsync("t1");
        var written = await EvaluationStream.AppendAsync(Tenant("t1"), id, 1, AddVendor("a"), default);

        await using var query = fixture.Store.QuerySession("t1");
        var details = await query.LoadAsync<EvaluationDetails>(id);
        var summary = await query.LoadAsync<EvaluationSummary>(id);
        Assert.Equal(2, written.Version);
        Assert.Equal(2, details!.Version);
        Assert.Equal("a", Assert.Single(details.Evaluation.Vendors).Id);
        Assert.Equal(2, summary!.Version);
        Assert.Equal(1, summary.VendorCount);
    }

    [Fact]
    public async Task RefusesStaleExpectedVersionAndAppendsNothing()
    {
        var id = await OpenAsync("t1");
        await EvaluationStream.AppendAsync(Tenant("t1"), id, null, AddVendor("a"), default);

        var stale = await Assert.ThrowsAsync<StaleEtagException>(() => EvaluationStream.AppendAsync(Tenant("t1"), id, 1, AddVendor("b"), default));
        Assert.Equal(2, stale.Actual);
        await using var query = fixture.Store.QuerySession("t1");
        Assert.Equal(2, (await query.Events.FetchStreamStateAsync(id))!.Version);
    }

    [Fact]
    public async Task HidesStreamFromOtherTenantsAndDeduplicatesCreateRequestIdPerTenant()
    {
        var id = await OpenAsync("t1", "same-request");
        Assert.Equal(id, await OpenAsync("t1", "same-request"));
        var other = await OpenAsync("t2", "same-request");

        Assert.NotEqual(id, other);
        await Assert.ThrowsAsync<NotFoundException>(() => EvaluationStream.AppendAsync(Tenant("t2"), id, null, AddVendor("x"), default));
    }
}
