using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using CoeInsights.Connectors.Http;

namespace CoeInsights.Connectors.PowerBi;

/// <summary>The token endpoint refused or answered something else than a token. Holds no secret.</summary>
public sealed class EntraTokenException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// What a client credentials grant needs. <see cref="Issuer"/> names the token endpoint in errors ("Microsoft Entra",
/// "Sprout"); the secret is never part of a message.
/// </summary>
public sealed record ClientCredentials(string Connector, string Issuer, Uri TokenEndpoint, string ClientId, string ClientSecret, string Scope)
{
    /// <summary>
    /// Sprout's machine-to-machine authentication (https://api.sproutsocial.com/docs/, "OAuth": "POST /v1/token" on Sprout's
    /// identity server with <c>client_id</c>, <c>client_secret</c>, <c>grant_type=client_credentials</c>, <c>scope=organization_id</c>).
    /// </summary>
    public static ClientCredentials For(SproutConnectorOptions o) =>
        new(o.Name, "Sprout", o.TokenEndpoint, o.ClientId, o.ClientSecret, o.Scope);
}

/// <summary>A connector's bearer token: current, cached, renewed before it expires; <see cref="Invalidate"/> after the API refused one.</summary>
public interface IAccessTokens
{
    Task<string> GetAsync(CancellationToken ct);

    void Invalidate(string refused);
}

/// <summary>
/// Power BI's Microsoft Entra token for a service principal, from Azure.Identity's <see cref="ClientSecretCredential"/>
/// (https://learn.microsoft.com/dotnet/api/azure.identity.clientsecretcredential: the client credentials grant through MSAL, which
/// caches the token and renews it before it expires). Its HTTP goes through the connector's token client (resilience pipeline; Azure
/// Core's own retries are off so that one policy governs). A refused token is dropped by starting a new credential: its cache is empty.
/// </summary>
public sealed class EntraCredentialTokens(PowerBiConnectorOptions options, HttpClient http) : IAccessTokens
{
    private static readonly Uri[] KnownHosts =
        [AzureAuthorityHosts.AzurePublicCloud, AzureAuthorityHosts.AzureChina, AzureAuthorityHosts.AzureGovernment];

    private volatile TokenCredential _credential = Create(options, http);
    private volatile string? _last;

    public static ClientSecretCredential Create(PowerBiConnectorOptions o, HttpClient http)
    {
        var credential = new ClientSecretCredentialOptions
        {
            AuthorityHost = o.AuthorityHost,
            Transport = new HttpClientTransport(http),
            // Instance discovery asks login.microsoft.com about the host: only the public and national clouds are known there.
            DisableInstanceDiscovery = !KnownHosts.Any(h => Uri.Compare(h, o.AuthorityHost, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0),
        };
        credential.Retry.MaxRetries = 0;
        return new ClientSecretCredential(o.EntraTenantId, o.ClientId, o.ClientSecret, credential);
    }

    public async Task<string> GetAsync(CancellationToken ct)
    {
        try
        {
            var token = await _credential.GetTokenAsync(new TokenRequestContext([options.Scope]), ct);
            _last = token.Token;
            return token.Token;
        }
        catch (AuthenticationFailedException e)
        {
            // MSAL wraps Entra's description ("A configuration issue … Original exception: AADSTS7000215: …", then trace ids and a
            // troubleshooting link); the run shows Entra's own first line, never the secret.
            var message = e.InnerException?.Message ?? e.Message;
            var at = message.IndexOf("AADSTS", StringComparison.Ordinal);
            var first = (at >= 0 ? message[at..] : message).Split('\n', 2)[0].Trim();
            throw new EntraTokenException($"Microsoft Entra token endpoint {options.TokenEndpoint} refused the client credentials: {first}", e);
        }
    }

    public void Invalidate(string refused)
    {
        if (_last == refused) _credential = Create(options, http);
    }
}

/// <summary>
/// A connector's access token by the OAuth 2.0 client credentials grant, hand-written for Sprout's identity server (not Microsoft
/// Entra, so Azure.Identity does not apply; the same standard grant and response), as documented for the grant at
/// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow ("Get a token"):
/// <c>POST {token endpoint}</c>, form <c>grant_type=client_credentials&amp;client_id=…&amp;client_secret=…&amp;scope=https://analysis.windows.net/powerbi/api/.default</c>,
/// answered <c>{"token_type":"Bearer","expires_in":3599,"access_token":"…"}</c> or <c>{"error":"invalid_client","error_description":"AADSTS…"}</c>.
/// Cached until <see cref="RefreshMargin"/> (at most half its lifetime) before it expires; one request at a time.
/// </summary>
public sealed class EntraTokenSource(ClientCredentials options, HttpClient http, TimeProvider clock) : IAccessTokens
{
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private sealed record Cached(string Token, DateTimeOffset RenewAt);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Cached? _cached;

    /// <summary>Token requests sent so far (for the run's diagnostics and tests).</summary>
    public int Acquired { get; private set; }

    public async Task<string> GetAsync(CancellationToken ct)
    {
        if (_cached is { } cached && clock.GetUtcNow() < cached.RenewAt) return cached.Token;
        await _gate.WaitAsync(ct);
        try
        {
            if (_cached is { } fresh && clock.GetUtcNow() < fresh.RenewAt) return fresh.Token;
            var (token, lifetime) = await RequestAsync(ct);
            var margin = lifetime / 2 < RefreshMargin ? lifetime / 2 : RefreshMargin;
            _cached = new Cached(token, clock.GetUtcNow() + lifetime - margin);
            Acquired++;
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the cached token (the API refused it): the next call asks for a new one.</summary>
    public void Invalidate(string refused)
    {
        if (_cached is { } cached && cached.Token == refused) _cached = null;
    }

    private async Task<(string Token, TimeSpan Lifetime)> RequestAsync(CancellationToken ct)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = options.ClientId,
            ["client_secret"] = options.ClientSecret,
            ["scope"] = options.Scope,
        });
        var endpoint = options.TokenEndpoint;
        var where = $"{options.Issuer} token endpoint {endpoint.GetLeftPart(UriPartial.Path)}";
        using var response = await http.PostAsync(endpoint, form, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        TokenResponse? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<TokenResponse>(body);
        }
        catch (JsonException e)
        {
            throw new EntraTokenException($"{where} answered {(int)response.StatusCode} with a body that is not the documented JSON.", e);
        }
        if (!response.IsSuccessStatusCode)
        {
            var description = parsed?.ErrorDescription?.Split('\n', 2)[0].Trim();
            throw new EntraTokenException($"{where} answered {(int)response.StatusCode}: {parsed?.Error ?? "no error code"}" +
                                          (string.IsNullOrEmpty(description) ? "" : $" ({description})"));
        }
        if (parsed is not { AccessToken.Length: > 0 } || !string.Equals(parsed.TokenType, "Bearer", StringComparison.OrdinalIgnoreCase) ||
            parsed.ExpiresIn is not > 0)
            throw new EntraTokenException($"{where}: the response lacks token_type Bearer, a positive expires_in or access_token.");
        return (parsed.AccessToken, TimeSpan.FromSeconds(parsed.ExpiresIn.Value));
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("token_type")] string? TokenType,
        [property: JsonPropertyName("expires_in"), JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] long? ExpiresIn,
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? ErrorDescription);
}

/// <summary>One <see cref="EntraTokenSource"/> per connector that uses client credentials: the cache outlives the HTTP handlers.</summary>
public sealed class EntraTokens(IHttpClientFactory http, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, IAccessTokens> _sources = new(StringComparer.Ordinal);

    public IAccessTokens For(ClientCredentials c) =>
        _sources.GetOrAdd(c.Connector, _ => new EntraTokenSource(c, http.CreateClient(ConnectorHttp.TokenClientName(c.Connector)), clock));

    public IAccessTokens For(PowerBiConnectorOptions o) =>
        _sources.GetOrAdd(o.Name, _ => new EntraCredentialTokens(o, http.CreateClient(ConnectorHttp.TokenClientName(o.Name))));
}

/// <summary>Sets each request's <c>Authorization: Bearer</c> from the connector's token source; a 401 renews the token once.</summary>
public sealed class EntraAuthHandler(IAccessTokens tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var token = await tokens.GetAsync(ct);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, ct);
        if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized) return response;
        // Revoked or expired early: one more try with a new token.
        tokens.Invalidate(token);
        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(ct));
        return await base.SendAsync(request, ct);
    }
}
