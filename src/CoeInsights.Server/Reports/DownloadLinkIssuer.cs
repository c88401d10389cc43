using CoeInsights.Access;
using CoeInsights.Access.SigningKeys;
using Google.Protobuf;
using Marten;
using CoeInsights.Server.Auth;
using CoeInsights.Server.Hosting;

namespace CoeInsights.Server.Reports;

/// <summary>Issues signed links for every export kind and serves <c>GET /downloads/{token}</c> on the HTTP/1.1 port.</summary>
public sealed class DownloadLinkIssuer(IDocumentStore store, PublicBaseUrl baseUrl, TimeProvider clock)
{
    public const string KeyId = "download-links";
    private DownloadLinks? _links;

    private async Task<DownloadLinks> Links(CancellationToken ct) =>
        _links ??= new DownloadLinks(await SigningKeyStore.GetOrCreate(store, KeyId, clock.GetUtcNow(), ct));

    /// <summary>A link to one export request (see <see cref="ExportCatalogue"/>): its kind, scope and parameters are signed in.</summary>
    public async Task<(string Url, DateTimeOffset Expires)> Issue(Caller caller, IMessage export, TimeSpan ttl, CancellationToken ct)
    {
        // Whole seconds, as the token carries them: the expire_time we answer is the instant the link stops working.
        var expires = DateTimeOffset.FromUnixTimeSeconds((clock.GetUtcNow() + (ttl > DownloadLinks.MaxLifetime ? DownloadLinks.MaxLifetime : ttl)).ToUnixTimeSeconds());
        var (kind, resourceId) = ExportCatalogue.Scope(export);
        var token = (await Links(ct)).Create(new DownloadGrant(caller.TenantId, kind, resourceId, expires, caller.Principal,
            string.Join(',', caller.Roles.Order()), System.Buffers.Text.Base64Url.EncodeToString(export.ToByteArray()), caller.KeyId.ToString()));
        return (baseUrl.For($"/downloads/{token}"), expires);
    }

    /// <summary>
    /// What a browser shows for any refused link: the same few lines whatever the reason (expired, tampered, revoked,
    /// the workbook gone), so a refusal tells a forged link nothing about the workbook or whether it exists.
    /// </summary>
    public const string RefusedPage = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Link no longer valid</title></head>
        <body style="font-family: sans-serif; max-width: 36em; margin: 4em auto">
        <h1>This download link is no longer valid</h1>
        <p>Links expire after a few minutes and stop working when changed or when the key that made them is revoked.
        Ask whoever sent it for a new one (<code>coe reports link</code>).</p>
        </body></html>
        """;

    private static IResult Refused() => Results.Content(RefusedPage, "text/html; charset=utf-8", System.Text.Encoding.UTF8, StatusCodes.Status403Forbidden);

    /// <summary>
    /// The browser end of a link. Any problem with the token is the same 403 page (<see cref="RefusedPage"/>): a
    /// refusal must not tell a forged or expired link anything about the workbook (or whether it exists).
    /// </summary>
    public async Task<IResult> Download(string token, CancellationToken ct)
    {
        var grant = (await Links(ct)).Verify(token, clock.GetUtcNow());
        var export = grant is not null && System.Buffers.Text.Base64Url.IsValid(grant.Parameters)
            ? ExportCatalogue.Parse(grant.ExportKind, System.Buffers.Text.Base64Url.DecodeFromChars(grant.Parameters))
            : null;
        // The parameters must name the very resource the link is scoped to.
        if (grant is null || export is null || ExportCatalogue.Scope(export).ResourceId != grant.ResourceId || !Guid.TryParse(grant.KeyId, out var keyId))
            return Refused();
        // A link lives no longer than the key that made it: revoked (or gone, or moved tenant) → the same bare 403.
        ApiKeyRecord? key;
        await using (var keys = store.QuerySession())
            key = await keys.LoadAsync<ApiKeyRecord>(keyId, ct);
        if (key is null || key.RevokedAt is not null || key.TenantId != grant.TenantId)
            return Refused();
        var roles = grant.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<Role>).ToHashSet();
        var caller = new Caller(grant.TenantId, keyId, grant.Principal, roles);
        try
        {
            await using var session = TenantSessionFactory.For(store, caller).QuerySession();
            var rendered = await ExportCatalogue.Render(session, caller, export, clock.GetUtcNow(), ct);
            return Results.File(rendered.Content, rendered.ContentType, rendered.FileName);
        }
        catch (Exception e) when (e is DomainException)
        {
            return Refused();
        }
    }
}
