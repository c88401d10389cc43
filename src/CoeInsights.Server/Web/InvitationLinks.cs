using CoeInsights.Access.SigningKeys;
using CoeInsights.Invitations;
using CoeInsights.Server.Hosting;
using CoeInsights.Server.Reports;
using Marten;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CoeInsights.Server.Web;

/// <summary>
/// Signs and checks invitation links with the download links' scheme (<see cref="SignedTokens"/>) under a key of their own.
/// The token carries tenant, invitation id, send number and expiry; the stored invitation must still agree (not revoked,
/// not resent), so a link is one person's for one survey or evaluation until then.
/// </summary>
public sealed class InvitationLinks(IDocumentStore store, IServer server, IOptions<CoeServerOptions> options, TimeProvider clock)
{
    public const string KeyId = "invitation-links";
    private byte[]? _secret;

    private async Task<byte[]> Secret(CancellationToken ct) => _secret ??= await SigningKeyStore.GetOrCreate(store, KeyId, clock.GetUtcNow(), ct);

    public async Task<string> Url(string tenantId, Invitation i, CancellationToken ct)
    {
        var token = SignedTokens.Create(await Secret(ct), "i1", tenantId, i.Id.ToString("N"), i.Sends.ToString(System.Globalization.CultureInfo.InvariantCulture),
            i.ExpiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        return $"{BaseUrl().TrimEnd('/')}/i/{token}";
    }

    /// <summary>The tenant and invitation a token opens, or null for anything else (tampered, expired, resent, revoked, gone).</summary>
    public async Task<(string TenantId, Invitation Invitation)?> Open(string token, CancellationToken ct)
    {
        var f = SignedTokens.Verify(await Secret(ct), token);
        if (f is not { Length: 5 } || f[0] != "i1" || !Guid.TryParseExact(f[2], "N", out var id) || !int.TryParse(f[3], out var sends)
            || !long.TryParse(f[4], out var expires)) return null;
        await using var session = store.QuerySession(f[1]);
        var invitation = await session.LoadAsync<Invitation>(id, ct);
        return invitation is not null && InvitationRules.Admits(invitation, sends, DateTimeOffset.FromUnixTimeSeconds(expires), clock.GetUtcNow())
            ? (f[1], invitation!)
            : null;
    }

    private string BaseUrl()
    {
        if (!string.IsNullOrEmpty(options.Value.PublicBaseUrl)) return options.Value.PublicBaseUrl;
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        return addresses.Count > 1 ? addresses[1] : addresses.FirstOrDefault() ?? "http://127.0.0.1:5081";
    }
}
