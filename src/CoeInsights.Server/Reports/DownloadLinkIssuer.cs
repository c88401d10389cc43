using CoeInsights.Access;
using CoeInsights.Access.SigningKeys;
using CoeInsights.Evaluations;
using Marten;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using CoeInsights.Server.Hosting;

namespace CoeInsights.Server.Reports;

/// <summary>Issues signed links and serves <c>GET /downloads/{token}</c> on the HTTP/1.1 port.</summary>
public sealed class DownloadLinkIssuer(IDocumentStore store, IServer server, IOptions<CoeServerOptions> options, TimeProvider clock)
{
    public const string KeyId = "download-links";
    private DownloadLinks? _links;

    private async Task<DownloadLinks> Links(CancellationToken ct) =>
        _links ??= new DownloadLinks(await SigningKeyStore.GetOrCreate(store, KeyId, clock.GetUtcNow(), ct));

    public async Task<(string Url, DateTimeOffset Expires)> Issue(Caller caller, string kind, string resourceId, TimeSpan ttl, CancellationToken ct)
    {
        var expires = clock.GetUtcNow() + (ttl > DownloadLinks.MaxLifetime ? DownloadLinks.MaxLifetime : ttl);
        var token = (await Links(ct)).Create(new DownloadGrant(caller.TenantId, kind, resourceId, expires, caller.Principal,
            string.Join(',', caller.Roles.Order())));
        return ($"{BaseUrl().TrimEnd('/')}/downloads/{token}", expires);
    }

    /// <summary>The public base URL: Coe:PublicBaseUrl when set (behind a proxy), else the HTTP/1.1 address we listen on.</summary>
    private string BaseUrl()
    {
        if (!string.IsNullOrEmpty(options.Value.PublicBaseUrl)) return options.Value.PublicBaseUrl;
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        return addresses.Count > 1 ? addresses[1] : addresses.FirstOrDefault() ?? "http://127.0.0.1:5081";
    }

    /// <summary>
    /// The browser end of a link. Any problem with the token is a bare 403: a refusal must not tell a
    /// forged or expired link anything about the workbook (or whether it exists).
    /// </summary>
    public async Task<IResult> Download(string token, CancellationToken ct)
    {
        var grant = (await Links(ct)).Verify(token, clock.GetUtcNow());
        if (grant is null || grant.ExportKind != ReportService.EvaluationWorkbookKind || !Guid.TryParse(grant.ResourceId, out var id))
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        var roles = grant.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<Role>).ToHashSet();
        var caller = new Caller(grant.TenantId, Guid.Empty, grant.Principal, roles);
        try
        {
            await using var session = store.QuerySession(grant.TenantId);
            var export = await EvaluationWorkbookExport.Render(session, caller, id, null, null, clock.GetUtcNow(), ct);
            return Results.File(export.Content, export.ContentType, export.FileName);
        }
        catch (Common.DomainException)
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }
    }
}
