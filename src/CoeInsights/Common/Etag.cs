using System.Globalization;

namespace CoeInsights.Common;

/// <summary>
/// The one etag of every event-sourced resource: its stream version as text. Every module parses and prints etags
/// here, so no module reads another's. (The wire format is the mapping layer's concern; this text is what it wraps.)
/// </summary>
public static class Etag
{
    /// <summary>Parses an etag as handed out (the stream version, quotes and a weak W/ prefix tolerated); empty means "no precondition".</summary>
    public static long? Parse(string? etag)
    {
        if (string.IsNullOrWhiteSpace(etag)) return null;
        var text = etag.Trim().Trim('"');
        if (text.StartsWith("W/", StringComparison.Ordinal)) text = text[2..].Trim('"');
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v
            : throw new Analytics.InvalidInputException("etag", "is not an etag this server issued");
    }

    public static string Of(long version) => version.ToString(CultureInfo.InvariantCulture);
}
