using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CoeInsights.Connectors.Tests.Fakes;

/// <summary>
/// The Microsoft identity platform's token endpoint for the OAuth 2.0 client credentials grant, as documented at
/// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow — "Get a token":
/// <c>POST /{tenant}/oauth2/v2.0/token</c>, <c>Content-Type: application/x-www-form-urlencoded</c>, form fields
/// <c>client_id</c>, <c>scope</c> (a resource's <c>/.default</c> scope), <c>client_secret</c>, <c>grant_type=client_credentials</c>;
/// "Successful response": <c>{"token_type":"Bearer","expires_in":3599,"access_token":"eyJ0eXAi…"}</c>; "Error response":
/// HTTP 400/401 with <c>{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. …",
/// "error_codes":[7000215],"timestamp":"…","trace_id":"…","correlation_id":"…"}</c>.
/// Served over HTTPS: Azure.Identity (MSAL) refuses an authority that is not https. It sends the grant's fields plus MSAL's own
/// (<c>client_info=1</c>) and <c>x-client-*</c> headers; the fake checks the documented fields and ignores the rest.
/// </summary>
public sealed class FakeEntra : FakeApi
{
    public FakeEntra() => Certificate = SelfSigned();

    public const string DirectoryId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    public string ClientId { get; } = Guid.NewGuid().ToString();
    public string ClientSecret { get; } = "entra-secret-" + Guid.NewGuid().ToString("N");
    public int ExpiresIn { get; set; } = 3599;

    /// <summary>Every access token issued, in order.</summary>
    public ConcurrentQueue<string> Issued { get; } = new();
    /// <summary>Every token request's form fields, in order.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Forms { get; } = new();

    public Uri TokenEndpoint => new(Address, $"/{DirectoryId}/oauth2/v2.0/token");

    /// <summary>Azure.Identity's <c>AuthorityHost</c> for this fake.</summary>
    public Uri AuthorityHost => Address;

    /// <summary>The token endpoint authenticates by the form's client credentials, not by a bearer token.</summary>
    protected override bool Authorized(HttpRequest request) => true;

    protected override void Map(WebApplication app) =>
        app.MapPost("/{tenant}/oauth2/v2.0/token", async (string tenant, HttpContext context) =>
        {
            if (!context.Request.HasFormContentType)
                return Error(400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'grant_type'.");
            var form = await context.Request.ReadFormAsync();
            var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString());
            Forms.Enqueue(fields);
            if (tenant != DirectoryId) return Error(400, "invalid_request", $"AADSTS90002: Tenant '{tenant}' not found.");
            if (fields.GetValueOrDefault("grant_type") != "client_credentials")
                return Error(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.");
            if (fields.GetValueOrDefault("scope") is not { } scope || !scope.EndsWith("/.default", StringComparison.Ordinal))
                return Error(400, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.");
            if (fields.GetValueOrDefault("client_id") != ClientId)
                return Error(400, "unauthorized_client", $"AADSTS700016: Application with identifier '{fields.GetValueOrDefault("client_id")}' was not found in the directory.");
            if (fields.GetValueOrDefault("client_secret") != ClientSecret)
                return Error(401, "invalid_client", "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.\r\nTrace ID: 0000");
            var token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + Guid.NewGuid().ToString("N");
            Issued.Enqueue(token);
            return Results.Json(new { token_type = "Bearer", expires_in = ExpiresIn, ext_expires_in = ExpiresIn, access_token = token });
        });

    private static IResult Error(int status, string error, string description) => Results.Json(new
    {
        error, error_description = description, error_codes = new[] { 0 }, timestamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ssZ"),
        trace_id = Guid.NewGuid(), correlation_id = Guid.NewGuid(),
    }, statusCode: status);
}
