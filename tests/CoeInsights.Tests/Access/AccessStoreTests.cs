using CoeInsights.Access;
using CoeInsights.Access.Bootstrapping;
using CoeInsights.Access.CreatingApiKey;
using CoeInsights.Access.ListingApiKeys;
using CoeInsights.Common;
using CoeInsights.Testing;

namespace CoeInsights.Tests.Access;

/// <summary>The Access handlers over real PostgreSQL, a fresh schema for this class.</summary>
public sealed class AccessStoreTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task IssuesOneBootstrapKeyGivenConcurrentStarts()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => IssueBootstrapAdminKey.Handle(fixture.Store, Now, default)));

        var issued = Assert.Single(results, r => r is not null);
        await using var session = fixture.Store.QuerySession();
        var stored = await session.LoadAsync<ApiKeyRecord>(issued!.Key.Id);
        Assert.Equal(Tenants.Operator, stored!.TenantId);
        Assert.Equal([Role.Admin], stored.Roles);
        Assert.Null(await IssueBootstrapAdminKey.Handle(fixture.Store, Now, default));
    }

    [Fact]
    public async Task ReturnsSameKeyWithoutSecretGivenRetriedRequestId()
    {
        var op = new Caller(Tenants.Operator, Guid.NewGuid(), "op", new HashSet<Role> { Role.Admin });
        await using (var session = fixture.Store.LightweightSession())
        {
            session.Store(new TenantRecord("retry", "Retry", Now, null));
            await session.SaveChangesAsync();
        }
        var command = new CreateApiKey("retry", "BI", [Role.Viewer], null, "req-7", Now);

        CreatedApiKey first, second;
        await using (var session = fixture.Store.LightweightSession()) first = await CreateApiKeyHandler.Handle(session, op, command, default);
        await using (var session = fixture.Store.LightweightSession()) second = await CreateApiKeyHandler.Handle(session, op, command, default);

        Assert.Equal(first.Key.Id, second.Key.Id);
        Assert.NotNull(first.Secret);
        Assert.Null(second.Secret);
        await using var query = fixture.Store.QuerySession();
        var (keys, _) = await ListApiKeysHandler.Handle(query, op, "retry", Page.From(0, null), default);
        Assert.Single(keys);
    }
}
