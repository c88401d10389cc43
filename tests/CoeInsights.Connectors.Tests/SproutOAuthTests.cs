using System.Collections.Concurrent;
using CoeInsights.Connectors.Http;
using CoeInsights.Connectors.PowerBi;
using CoeInsights.Connectors.Sprout;
using CoeInsights.Connectors.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace CoeInsights.Connectors.Tests;

/// <summary>
/// Sprout with machine-to-machine OAuth beside the static API token: the connector gets its token from a fake of Sprout's
/// identity server (client credentials grant, as documented), sends it as the bearer, reuses it, and never logs the secret.
/// </summary>
public sealed class SproutOAuthTests : IAsyncLifetime
{
    private readonly FakeSproutIdentity _identity = new();
    private readonly FakeSprout _sprout = new();
    private readonly ConcurrentQueue<string> _logs = new();

    public async Task InitializeAsync()
    {
        await _identity.StartAsync();
        await _sprout.StartAsync();
        _sprout.AcceptToken = token => _identity.Issued.Contains(token);
    }

    public async Task DisposeAsync()
    {
        await _sprout.DisposeAsync();
        await _identity.DisposeAsync();
    }

    private ServiceProvider Services(string secret) => Connectors.Services(new ConnectorsOptions
    {
        Sprout =
        [
            new SproutConnectorOptions
            {
                Name = "sprout", BaseAddress = _sprout.Address, ClientId = _identity.ClientId, ClientSecret = secret,
                TokenEndpoint = _identity.TokenEndpoint,
            },
        ],
        Resilience = Connectors.FastResilience(),
    }, logs: _logs);

    [Fact]
    public async Task GetsOneTokenByClientCredentialsAndSendsItAsTheBearer()
    {
        await using var services = Services(_identity.ClientSecret);
        var source = new SproutSource(services.GetRequiredService<IHttpClientFactory>().Sprout("sprout"));

        var customer = await source.ResolveCustomerIdAsync(0, default);
        var profiles = await source.ProfilesAsync(customer, default);

        Assert.Equal(2, profiles.Count);
        var token = Assert.Single(_identity.Issued);
        Assert.All(_sprout.Requests, r => Assert.Equal("Bearer " + token, r.Authorization));
        var form = Assert.Single(_identity.Forms);
        Assert.Equal(("client_credentials", _identity.ClientId, "organization_id"), (form["grant_type"], form["client_id"], form["scope"]));
        Assert.DoesNotContain(_logs, l => l.Contains(_identity.ClientSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task FailsWithTheIdentityServersErrorGivenAWrongSecret()
    {
        await using var services = Services("wrong");
        var source = new SproutSource(services.GetRequiredService<IHttpClientFactory>().Sprout("sprout"));

        var e = await Assert.ThrowsAnyAsync<Exception>(() => source.ResolveCustomerIdAsync(0, default));

        var token = Assert.IsType<EntraTokenException>(e as EntraTokenException ?? e.InnerException);
        Assert.Equal($"Sprout token endpoint {_identity.TokenEndpoint} answered 401: invalid_client (Client authentication failed.)", token.Message);
        Assert.Empty(_sprout.Requests);
    }

    [Fact]
    public void DefaultsToSproutsDocumentedTokenEndpoint()
    {
        var o = new SproutConnectorOptions();

        Assert.Equal(new Uri("https://identity.sproutsocial.com/oauth2/84e39c75-d770-45d9-90a9-7b79e3037d2c/v1/token"), o.TokenEndpoint);
        Assert.Equal("organization_id", o.Scope);
        Assert.False(o.UsesClientCredentials);
        var incomplete = new ConnectorsOptions { Sprout = [new SproutConnectorOptions { Name = "sprout", ClientId = "0oa1" }] };
        Assert.Contains("ClientSecret", Assert.Throws<InvalidOperationException>(() => Connectors.Services(incomplete)).Message);
    }
}
