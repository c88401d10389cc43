using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CoeInsights.Access;

/// <summary>
/// Bearer secrets look like <c>coe_{key id, 32 hex}_{43 chars of base64url}</c>: the key id finds the
/// record with one primary-key read, and 256 random bits make a fast hash (SHA-256) safe to store.
/// </summary>
public static class ApiKeySecrets
{
    private const string Prefix = "coe_";

    public static (string Secret, byte[] Hash) New(Guid keyId)
    {
        var random = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var secret = $"{Prefix}{keyId:N}_{random}";
        return (secret, Hash(secret));
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool TryParseKeyId(string secret, out Guid keyId)
    {
        keyId = Guid.Empty;
        return secret.Length == Prefix.Length + 32 + 1 + 43
            && secret.StartsWith(Prefix, StringComparison.Ordinal)
            && secret[Prefix.Length + 32] == '_'
            && Guid.TryParseExact(secret.AsSpan(Prefix.Length, 32), "N", out keyId);
    }

    public static bool Matches(string secret, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);
}
