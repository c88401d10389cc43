namespace CoeInsights.Server.Reports;

/// <summary>
/// What a download link grants: one export (its kind, the one resource it is scoped to, and its
/// parameters: the export request's protobuf bytes, base64url), in one tenant, until it expires, seen as
/// the caller who created the link (principal and roles: blind scoring still applies) and only while the
/// API key that created it (<paramref name="KeyId"/>) is not revoked.
/// </summary>
public sealed record DownloadGrant(
    string TenantId, string ExportKind, string ResourceId, DateTimeOffset ExpiresAt, string Principal = "", string Roles = "", string Parameters = "",
    string KeyId = "");

/// <summary>
/// Short-lived signed download links, for browsers that cannot send a bearer header. The token is
/// <c>base64url(payload).base64url(HMAC-SHA256(secret, payload))</c> (<see cref="SignedTokens"/>); anything tampered, expired or
/// malformed is refused the same way, so a refusal says nothing about the workbook.
/// </summary>
public sealed class DownloadLinks(byte[] secret)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    public string Create(DownloadGrant grant) =>
        SignedTokens.Create(secret, "v3", grant.TenantId, grant.ExportKind, grant.ResourceId, grant.ExpiresAt.ToUnixTimeSeconds().ToString(),
            grant.Principal, grant.Roles, grant.Parameters, grant.KeyId);

    public DownloadGrant? Verify(string token, DateTimeOffset now)
    {
        var fields = SignedTokens.Verify(secret, token);
        if (fields is not { Length: 9 } || fields[0] != "v3" || !long.TryParse(fields[4], out var expires)) return null;
        var grant = new DownloadGrant(fields[1], fields[2], fields[3], DateTimeOffset.FromUnixTimeSeconds(expires), fields[5], fields[6], fields[7], fields[8]);
        return grant.ExpiresAt > now ? grant : null;
    }
}
