using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CoeInsights.Connectors.Tests.Fakes;

/// <summary>
/// Sprout's identity server for machine-to-machine authentication, as Sprout documents it (https://api.sproutsocial.com/docs/,
/// "OAuth", machine-to-machine; server metadata: grant types authorization_code, refresh_token, client_credentials; token
/// endpoint auth client_secret_basic / client_secret_post): <c>POST /oauth2/{server}/v1/token</c> with
/// <c>Content-Type: application/x-www-form-urlencoded</c> and <c>client_id</c>, <c>client_secret</c>,
/// <c>grant_type=client_credentials</c>, <c>scope=organization_id</c>; answered with an OAuth 2.0 token response
/// <c>{"token_type":"Bearer","expires_in":…,"access_token":"…","scope":"…"}</c> or <c>{"error":"invalid_client","error_description":"…"}</c>.
/// </summary>
public sealed class FakeSproutIdentity : FakeApi
{
    public const string Server = "84e39c75-d770-45d9-90a9-7b79e3037d2c";
    public string ClientId { get; } = "0oa" + Guid.NewGuid().ToString("N")[..17];
    public string ClientSecret { get; } = "sprout-secret-" + Guid.NewGuid().ToString("N");
    public int ExpiresIn { get; set; } = 3600;
    public ConcurrentQueue<string> Issued { get; } = new();
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Forms { get; } = new();

    public Uri TokenEndpoint => new(Address, $"/oauth2/{Server}/v1/token");

    protected override bool Authorized(HttpRequest request) => true;

    protected override void Map(WebApplication app) =>
        app.MapPost("/oauth2/{server}/v1/token", async (string server, HttpContext context) =>
        {
            if (!context.Request.HasFormContentType) return Error(400, "invalid_request", "The request is missing a required parameter.");
            var fields = (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
            Forms.Enqueue(fields);
            if (server != Server) return Results.NotFound();
            if (fields.GetValueOrDefault("grant_type") != "client_credentials")
                return Error(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.");
            if (fields.GetValueOrDefault("client_id") != ClientId || fields.GetValueOrDefault("client_secret") != ClientSecret)
                return Error(401, "invalid_client", "Client authentication failed.");
            if (fields.GetValueOrDefault("scope") != "organization_id")
                return Error(400, "invalid_scope", "One or more scopes are not configured for the authorization server resource.");
            var token = "eyJraWQiOiJzcHJvdXQifQ." + Guid.NewGuid().ToString("N");
            Issued.Enqueue(token);
            return Results.Json(new { token_type = "Bearer", expires_in = ExpiresIn, access_token = token, scope = "organization_id" });
        });

    private static IResult Error(int status, string error, string description) =>
        Results.Json(new { error, error_description = description }, statusCode: status);
}
