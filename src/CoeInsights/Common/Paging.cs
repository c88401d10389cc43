using System.Buffers.Text;
using System.Text;
using CoeInsights.Analytics;

namespace CoeInsights.Common;

/// <summary>AIP-158 paging: a page size with a default and a cap, and an opaque page token.</summary>
public readonly record struct Page(int Offset, int Size)
{
    public const int DefaultSize = 50;
    public const int MaxSize = 1000;

    /// <summary>Reads page_size / page_token; a negative size or a token we did not issue is INVALID_ARGUMENT.</summary>
    public static Page From(int pageSize, string? pageToken)
    {
        var v = new Validator();
        v.Require(pageSize >= 0, "page_size", "must not be negative");
        var offset = 0;
        if (!string.IsNullOrEmpty(pageToken) && !TryDecode(pageToken, out offset))
            v.Add("page_token", "is not a token this server issued");
        v.ThrowIfInvalid();
        return new Page(offset, pageSize == 0 ? DefaultSize : Math.Min(pageSize, MaxSize));
    }

    /// <summary>The token for the next page, or "" when <paramref name="fetched"/> (Size + 1 asked) shows there is none.</summary>
    public string NextToken(int fetched) => fetched > Size ? Encode(Offset + Size) : "";

    private static string Encode(int offset) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"o1:{offset}"));

    private static bool TryDecode(string token, out int offset)
    {
        offset = 0;
        if (!Base64Url.IsValid(token)) return false;
        var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        return text.StartsWith("o1:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(3), out offset) && offset >= 0;
    }
}
