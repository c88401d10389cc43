using CoeInsights.Access;
using CoeInsights.Access.Authenticating;
using CoeInsights.Access.CreatingApiKey;
using CoeInsights.Access.CreatingTenant;
using CoeInsights.Access.RevokingApiKey;
using CoeInsights.Analytics;
using CoeInsights.Common;

namespace CoeInsights.Tests.Access;

/// <summary>The pure rules of the Access module: no store, no clock.</summary>
public sealed class AccessDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly Caller Operator = new(Tenants.Operator, Guid.NewGuid(), "op", new HashSet<Role> { Role.Admin });
    private static readonly Caller AcmeAdmin = new("acme", Guid.NewGuid(), "acme-admin", new HashSet<Role> { Role.Admin });

    [Fact]
    public void StoresOnlyHashOfSecretGivenNewKey()
    {
        var created = CreateApiKeyHandler.Decide(new CreateApiKey("acme", "BI", [Role.Viewer], null, null, Now), Guid.CreateVersion7(Now));

        Assert.NotNull(created.Secret);
        Assert.Equal(32, created.Key.SecretHash.Length);
        Assert.True(ApiKeySecrets.Matches(created.Secret!, created.Key.SecretHash));
        Assert.Equal(created.Key.Id.ToString(), created.Key.Principal);
    }

    [Fact]
    public void AuthenticatesCallerGivenMatchingSecretOnly()
    {
        var created = CreateApiKeyHandler.Decide(new CreateApiKey("acme", "BI", [Role.Viewer, Role.Ingest], "bot", null, Now), Guid.CreateVersion7(Now));

        var caller = AuthenticateApiKey.Decide(created.Key, created.Secret!);
        var wrong = AuthenticateApiKey.Decide(created.Key, created.Secret![..^1] + (created.Secret[^1] == 'a' ? 'b' : 'a'));
        var revoked = AuthenticateApiKey.Decide(created.Key with { RevokedAt = Now }, created.Secret!);

        Assert.Equal(("acme", "bot"), (caller!.TenantId, caller.Principal));
        Assert.True(caller.Has(Role.Ingest));
        Assert.False(caller.Has(Role.Committee));
        Assert.Null(wrong);
        Assert.Null(revoked);
    }

    [Fact]
    public void SaysRevokedOnlyToTheHolderOfTheSecret()
    {
        var created = CreateApiKeyHandler.Decide(new CreateApiKey("acme", "BI", [Role.Viewer], "bot", null, Now), Guid.CreateVersion7(Now));
        var revokedKey = created.Key with { RevokedAt = Now };
        var guess = created.Secret![..^1] + (created.Secret[^1] == 'a' ? 'b' : 'a');

        Assert.Equal(KeyRefusal.Revoked, AuthenticateApiKey.Verify(revokedKey, created.Secret).Refusal);
        Assert.Equal(KeyRefusal.Invalid, AuthenticateApiKey.Verify(revokedKey, guess).Refusal);
        Assert.Equal(KeyRefusal.Invalid, AuthenticateApiKey.Verify(null, created.Secret).Refusal);
        Assert.Null(AuthenticateApiKey.Verify(created.Key, created.Secret).Refusal);
        Assert.True(AuthenticateApiKey.StillValid(created.Key));
        Assert.False(AuthenticateApiKey.StillValid(revokedKey));
        Assert.False(AuthenticateApiKey.StillValid(null));
    }

    [Fact]
    public void RejectsKeyGivenNoRolesAndBlankName()
    {
        var e = Assert.Throws<InvalidInputException>(() =>
            CreateApiKeyHandler.Decide(new CreateApiKey("acme", " ", [], null, null, Now), Guid.CreateVersion7(Now)));

        Assert.Equal(["display_name", "roles"], e.Violations.Select(v => v.Field));
    }

    [Fact]
    public void ReturnsExistingTenantGivenRetriedRequestId()
    {
        var existing = new TenantRecord("acme", "Acme", Now, "req-1");

        var retried = CreateTenantHandler.Decide(Operator, new CreateTenant("acme", "Acme", "req-1", Now), existing);

        Assert.Same(existing, retried);
        Assert.Throws<AlreadyExistsException>(() => CreateTenantHandler.Decide(Operator, new CreateTenant("acme", "Acme", "req-2", Now), existing));
    }

    [Fact]
    public void DeniesTenantCreationGivenTenantAdmin()
    {
        Assert.Throws<PermissionDeniedException>(() => CreateTenantHandler.Decide(AcmeAdmin, new CreateTenant("other", "Other", null, Now), null));
    }

    [Fact]
    public void HidesKeyGivenOtherTenantsAdmin()
    {
        var key = CreateApiKeyHandler.Decide(new CreateApiKey("globex", "x", [Role.Viewer], null, null, Now), Guid.CreateVersion7(Now)).Key;

        Assert.Throws<NotFoundException>(() => RevokeApiKeyHandler.Decide(AcmeAdmin, new RevokeApiKey("globex", key.Id.ToString(), Now), key));
    }

    [Fact]
    public void KeepsFirstRevocationTimeGivenSecondRevoke()
    {
        var key = CreateApiKeyHandler.Decide(new CreateApiKey("acme", "x", [Role.Viewer], null, null, Now), Guid.CreateVersion7(Now)).Key;

        var once = RevokeApiKeyHandler.Decide(AcmeAdmin, new RevokeApiKey("acme", key.Id.ToString(), Now), key);
        var twice = RevokeApiKeyHandler.Decide(AcmeAdmin, new RevokeApiKey("acme", key.Id.ToString(), Now.AddHours(1)), once);

        Assert.Equal(Now, twice.RevokedAt);
    }

    [Theory]
    [InlineData(0, null, 0, 50)]
    [InlineData(5000, null, 0, 1000)]
    [InlineData(10, "", 0, 10)]
    public void ReadsPageGivenSizeAndToken(int size, string? token, int offset, int expectedSize)
    {
        Assert.Equal(new Page(offset, expectedSize), Page.From(size, token));
    }

    [Fact]
    public void RoundTripsNextPageTokenGivenFullPage()
    {
        var first = Page.From(2, null);
        var next = first.NextToken(fetched: 3);

        Assert.Equal(new Page(2, 2), Page.From(2, next));
        Assert.Equal("", first.NextToken(fetched: 2));
    }
}
