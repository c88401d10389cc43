using System.Security.Cryptography;
using System.Text;

namespace CoeInsights.Server.Reports;

/// <summary>
/// The signing behind every browser link (downloads, invitations): <c>base64url(payload).base64url(HMAC-SHA256(secret, payload))</c>.
/// Verification compares in fixed time and answers only "these fields" or "no", whatever was wrong.
/// </summary>
public static class SignedTokens
{
    public static string Create(byte[] secret, params string[] fields)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', fields));
        return $"{System.Buffers.Text.Base64Url.EncodeToString(bytes)}.{System.Buffers.Text.Base64Url.EncodeToString(HMACSHA256.HashData(secret, bytes))}";
    }

    /// <summary>The signed fields, or null when the token is malformed or its signature does not match.</summary>
    public static string[]? Verify(byte[] secret, string token)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0 || !TryFromBase64Url(token[..dot], out var payload) || !TryFromBase64Url(token[(dot + 1)..], out var signature)) return null;
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(secret, payload), signature)) return null;
        return Encoding.UTF8.GetString(payload).Split('\n');
    }

    private static bool TryFromBase64Url(string text, out byte[] bytes)
    {
        var ok = System.Buffers.Text.Base64Url.IsValid(text);
        bytes = ok ? System.Buffers.Text.Base64Url.DecodeFromChars(text) : [];
        return ok;
    }
}
