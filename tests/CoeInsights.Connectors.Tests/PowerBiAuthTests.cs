using Microsoft.Extensions.DependencyInjection;
using System.Collections.Concurrent;
using CoeInsights.Connectors.Tests.Fakes;
using CoeInsights.Testing;

namespace CoeInsights.Connectors.Tests;

/// <summary>
/// Power BI with a service principal: the connector gets its Microsoft Entra token by the client credentials grant from a
/// fake token endpoint that answers as documented at
/// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow ("Get a token",
/// "Successful response", "Error response"), caches it until shortly before it expires, and never logs the secret.
/// </summary>
public sealed class PowerBiAuthTests(StoreFixture fixture) : IClassFixture<StoreFixture>, IAsyncLifetime
{
    private readonly FakeEntra _entra = new();
    private readonly FakePowerBi _powerBi = new();
    private readonly ConcurrentQueue<string> _logs = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2024, 2, 1, 9, 30, 0, TimeSpan.Zero));

    public async Task InitializeAsync()
    {
        await _entra.StartAsync();
        await _powerBi.StartAsync();
        _powerBi.AcceptToken = token => _entra.Issued.Contains(token);
        _powerBi.IsServicePrincipal = token => _entra.Issued.Contains(token);
    }

    private static readonly string Workspace = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";

    public async Task DisposeAsync()
    {
        await _powerBi.DisposeAsync();
        await _entra.DisposeAsync();
    }

    private ConnectorsOptions Options(string tenant, string secret) => new()
    {
        PowerBi =
        [
            new PowerBiConnectorOptions
            {
                Name = "powerbi", Tenant = tenant, BaseAddress = _powerBi.Address, ClientId = _entra.ClientId, ClientSecret = secret,
                EntraTenantId = FakeEntra.DirectoryId, AuthorityHost = _entra.AuthorityHost, WorkspaceId = Workspace,
            },
        ],
        Resilience = Connectors.FastResilience(),
    };

    private void AssertNoSecretLogged(params string[] secrets)
    {
        Assert.NotEmpty(_logs); // the capture works: HttpClient logs every request at Information
        foreach (var secret in secrets) Assert.DoesNotContain(_logs, l => l.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public void DefaultsToTheTenantsTokenEndpointAndThePowerBiScope()
    {
        var o = new PowerBiConnectorOptions { ClientId = "app", ClientSecret = "s", EntraTenantId = "contoso.onmicrosoft.com" };

        Assert.Equal(new Uri("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"), o.TokenEndpoint);
        Assert.Equal("https://analysis.windows.net/powerbi/api/.default", o.Scope);
        Assert.True(o.UsesClientCredentials);
        var incomplete = new ConnectorsOptions { PowerBi = [new PowerBiConnectorOptions { Name = "powerbi", ClientId = "app", ClientSecret = "s" }] };
        Assert.Contains("EntraTenantId", Assert.Throws<InvalidOperationException>(() => Connectors.Services(incomplete)).Message);
        // A service principal has no My workspace: without a workspace id the connector does not start.
        var noWorkspace = new ConnectorsOptions
        {
            PowerBi = [new PowerBiConnectorOptions { Name = "powerbi", ClientId = "app", ClientSecret = "s", EntraTenantId = "contoso.onmicrosoft.com" }],
        };
        Assert.Contains("WorkspaceId", Assert.Throws<InvalidOperationException>(() => Connectors.Services(noWorkspace)).Message);
        Assert.Equal($"/groups/{Workspace}", new PowerBiConnectorOptions { WorkspaceId = Workspace }.ApiScope);
        Assert.Equal("", new PowerBiConnectorOptions().ApiScope);
    }

    /// <summary>The connector's token client trusts the fake's self-signed certificate (and only there: the real Entra needs no help).</summary>
    private void TrustEntra(IServiceCollection services) =>
        services.AddHttpClient(CoeInsights.Connectors.Http.ConnectorHttp.TokenClientName("powerbi")).ConfigurePrimaryHttpMessageHandler(() => _entra.TrustingHandler());

    [Fact]
    public async Task AcquiresOneTokenThroughAzureIdentityAndRenewsItWithinFiveMinutesOfExpiry()
    {
        var tenant = "pbi-token";
        await using var services = Connectors.Services(Options(tenant, _entra.ClientSecret), fixture.Store, _clock, _logs, configure: TrustEntra);

        var first = await services.Runs().RunAsync(tenant, "powerbi", "test", default);

        Assert.Equal(SyncRunState.Succeeded, first.State);
        var form = Assert.Single(_entra.Forms);
        // The documented grant's fields, as Azure.Identity's ClientSecretCredential sends them (MSAL adds client_info).
        Assert.Equal(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = _entra.ClientId, ["client_secret"] = _entra.ClientSecret,
            ["scope"] = "https://analysis.windows.net/powerbi/api/.default",
        }, form.Where(f => f.Key != "client_info").ToDictionary());
        var token = Assert.Single(_entra.Issued);
        Assert.NotEmpty(_powerBi.Requests);
        Assert.All(_powerBi.Requests, r => Assert.Equal(("Bearer " + token, 200), (r.Authorization, r.Status is 201 ? 200 : r.Status)));
        // Every call addressed the workspace ("… In Group" operations), which the fake requires of a service principal.
        Assert.All(_powerBi.Requests, r => Assert.StartsWith($"/v1.0/myorg/groups/{Workspace}/datasets", r.Path));

        // expires_in 3599 s: the credential's cache answers the next run.
        var cached = await services.Runs().RunAsync(tenant, "powerbi", "test", default);
        Assert.Equal(SyncRunState.Succeeded, cached.State);
        Assert.Single(_entra.Forms);

        // A token within MSAL's 5-minute margin of its expiry is never used from the cache: with expires_in 240 s every request
        // to Power BI carries a token asked for just before it.
        _entra.ExpiresIn = 240;
        await using var shortLived = Connectors.Services(Options("pbi-token-short", _entra.ClientSecret), fixture.Store, _clock, _logs, configure: TrustEntra);
        var (seen, issued) = (_powerBi.Requests.Count, _entra.Issued.Count);
        Assert.Equal(SyncRunState.Succeeded, (await shortLived.Runs().RunAsync("pbi-token-short", "powerbi", "test", default)).State);
        var sent = _powerBi.Requests.Skip(seen).ToList();
        Assert.True(sent.Count > 1);
        Assert.Equal(sent.Count, _entra.Issued.Count - issued);
        Assert.Equal(_entra.Issued.Skip(issued).Select(t => "Bearer " + t), sent.Select(r => r.Authorization));
        AssertNoSecretLogged(_entra.ClientSecret, _entra.Issued.First(), _entra.Issued.Last());
    }

    [Fact]
    public async Task RenewsTheTokenOnceGivenPowerBiRefusesIt()
    {
        var tenant = "pbi-revoked";
        await using var services = Connectors.Services(Options(tenant, _entra.ClientSecret), fixture.Store, _clock, configure: TrustEntra);
        await services.Runs().RunAsync(tenant, "powerbi", "test", default);
        var revoked = Assert.Single(_entra.Issued);
        _powerBi.AcceptToken = token => token != revoked && _entra.Issued.Contains(token);

        var run = await services.Runs().RunAsync(tenant, "powerbi", "test", default);

        Assert.Equal(SyncRunState.Succeeded, run.State);
        Assert.Equal(2, _entra.Issued.Count);
        Assert.Single(_powerBi.Requests, r => r.Status == 401);
    }

    [Fact]
    public async Task FailsTheRunWithTheEntraErrorAndNeverLogsTheSecretGivenAWrongSecret()
    {
        var tenant = "pbi-wrong-secret";
        var wrong = "wrong-" + Guid.NewGuid().ToString("N");
        await using var services = Connectors.Services(Options(tenant, wrong), fixture.Store, _clock, _logs, configure: TrustEntra);

        var run = await services.Runs().RunAsync(tenant, "powerbi", "test", default);

        Assert.Equal(SyncRunState.Failed, run.State);
        var error = Assert.Single(run.Errors);
        Assert.Equal($"Microsoft Entra token endpoint {_entra.TokenEndpoint} refused the client credentials: AADSTS7000215: Invalid client secret provided. " +
                     "Ensure the secret being sent in the request is the client secret value, not the client secret ID.", error);
        Assert.Empty(_powerBi.Requests); // nothing sent without a token
        Assert.Empty(_entra.Issued);
        Assert.Equal(wrong, Assert.Single(_entra.Forms)["client_secret"]); // 401 is not transient: asked once
        AssertNoSecretLogged(wrong);
    }
}
