using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using CoeInsights.Analytics;

namespace CoeInsights.Common;

/// <summary>
/// AIP-158 paging: a page size with a default and a cap, and an opaque page token tied to the request it was issued
/// for. <see cref="Scope"/> is a hash of the request's parameters other than page_size and page_token (the server
/// edge computes it, see PageRequest in CoeInsights.Server); a token sent with other parameters is INVALID_ARGUMENT.
/// </summary>
public readonly record struct Page(int Offset, int Size, ulong Scope = 0)
{
    public const int DefaultSize = 50;
    public const int MaxSize = 1000;

    private const byte Format = 2; // 1 was base64url("o1:<offset>"), before tokens were tied to their request
    private const int TokenBytes = 1 + 4 + 8;

    /// <summary>Reads page_size / page_token; a negative size or a token not issued for <paramref name="scope"/> is INVALID_ARGUMENT.</summary>
    /// <param name="scope">The request's parameters that must stay the same from page to page (empty: none).</param>
    public static Page From(int pageSize, string? pageToken, ReadOnlySpan<byte> scope = default)
    {
        var v = new Validator();
        v.Require(pageSize >= 0, "page_size", "must not be negative");
        var hash = scope.IsEmpty ? 0 : BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(scope));
        var offset = 0;
        if (!string.IsNullOrEmpty(pageToken) && !TryDecode(pageToken, hash, out offset))
            v.Add("page_token", "is not a token this server issued for these parameters (only page_size may change from page to page)");
        v.ThrowIfInvalid();
        return new Page(offset, pageSize == 0 ? DefaultSize : Math.Min(pageSize, MaxSize), hash);
    }

    /// <summary>The token for the next page, or "" when <paramref name="fetched"/> (Size + 1 asked) shows there is none.</summary>
    public string NextToken(int fetched) => fetched > Size ? Encode(Offset + Size, Scope) : "";

    // Format byte, the offset masked with a key stream of the scope, and a tag over (scope, offset): not readable as
    // an offset, and a token of another request (or edited) fails the tag. Integrity against misuse, not a secret.
    private static string Encode(int offset, ulong scope)
    {
        Span<byte> token = stackalloc byte[TokenBytes];
        token[0] = Format;
        BinaryPrimitives.WriteInt32BigEndian(token[1..5], offset ^ Mask(scope));
        BinaryPrimitives.WriteUInt64BigEndian(token[5..], Tag(scope, offset));
        return Base64Url.EncodeToString(token);
    }

    private static bool TryDecode(string text, ulong scope, out int offset)
    {
        offset = 0;
        Span<byte> token = stackalloc byte[TokenBytes];
        if (!Base64Url.IsValid(text, out var length) || length != TokenBytes) return false;
        Base64Url.DecodeFromChars(text, token);
        if (token[0] != Format) return false;
        offset = BinaryPrimitives.ReadInt32BigEndian(token[1..5]) ^ Mask(scope);
        return offset >= 0 && BinaryPrimitives.ReadUInt64BigEndian(token[5..TokenBytes]) == Tag(scope, offset);
    }

    private static int Mask(ulong scope) => BinaryPrimitives.ReadInt32BigEndian(Hash(scope, -1, "mask"));

    private static ulong Tag(ulong scope, int offset) => BinaryPrimitives.ReadUInt64BigEndian(Hash(scope, offset, "tag"));

    private static byte[] Hash(ulong scope, int offset, string purpose)
    {
        Span<byte> input = stackalloc byte[12 + purpose.Length];
        BinaryPrimitives.WriteUInt64BigEndian(input, scope);
        BinaryPrimitives.WriteInt32BigEndian(input[8..], offset);
        System.Text.Encoding.ASCII.GetBytes(purpose, input[12..]);
        return SHA256.HashData(input);
    }
}
