using System.Text;
using CoeInsights.Access;
using CoeInsights.Access.Authenticating;
using Marten;

namespace CoeInsights.Server.Bi;

/// <summary>
/// Authenticates a BI tool's plain GET with the same API keys as every other read. Three ways to hand over the key, because the
/// Power Query OData connector's credential dialog offers Anonymous, Windows, Basic, Web API and Organizational account
/// (https://learn.microsoft.com/power-query/connectors/odata-feed, "Authentication Types Supported"):
/// <list type="bullet">
/// <item><c>Authorization: Bearer &lt;key&gt;</c>, as for gRPC and JSON (scripts, Tableau, curl);</item>
/// <item><c>Authorization: Basic base64(anything:&lt;key&gt;)</c>: the key is the password, the user name is ignored ("Basic" in the dialog;
/// in the Power BI service Basic needs a gateway, per the same page);</item>
/// <item><c>?api_key=&lt;key&gt;</c>: the dialog's "Web API" credential with <c>OData.Feed(url, null, [ApiKeyName="api_key"])</c>, which puts
/// the key in the URL under that name (https://learn.microsoft.com/powerquery-m/odata-feed, option ApiKeyName); works in the service
/// without a gateway.</item>
/// </list>
/// </summary>
public static class BiAuth
{
    public const string ApiKeyParameter = "api_key";

    /// <summary>The caller, or null with the reason a 401 gives (the key itself is never echoed).</summary>
    public static async Task<(Caller? Caller, string Problem)> AuthenticateAsync(HttpContext http, IDocumentStore store, CancellationToken ct)
    {
        var secret = Secret(http.Request);
        if (secret is null) return (null, "Send 'Authorization: Bearer <api key>', Basic with the API key as password, or ?api_key=<api key>.");
        await using var session = store.QuerySession();
        var caller = await AuthenticateApiKey.Handle(session, secret, ct);
        return caller is null ? (null, "The API key is unknown or revoked.") : (caller, "");
    }

    private static string? Secret(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header["Bearer ".Length..].Trim();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = pair.IndexOf(':');
                return colon < 0 ? null : pair[(colon + 1)..];
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return request.Query.TryGetValue(ApiKeyParameter, out var key) && key.Count == 1 && !string.IsNullOrEmpty(key[0]) ? key[0] : null;
    }

    /// <summary>401 with the challenges a client can answer (Basic first: browsers and Excel show their credential prompt for it).</summary>
    public static void Challenge(HttpResponse response)
    {
        response.Headers.Append("WWW-Authenticate", "Basic realm=\"CoeInsights\", charset=\"UTF-8\"");
        response.Headers.Append("WWW-Authenticate", "Bearer realm=\"CoeInsights\"");
    }
}
