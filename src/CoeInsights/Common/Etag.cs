using System.Globalization;
using System.Text.RegularExpressions;
using CoeInsights.Analytics;

namespace CoeInsights.Common;

/// <summary>
/// AIP-154 etags of event-sourced resources: the stream version as a weak etag, <c>W/"15"</c> (weak: what a caller
/// sees of one version depends on who asks, e.g. blind scoring). Input also takes the strong form <c>"15"</c> and,
/// for the 0.x releases, the unquoted <c>15</c> that older servers issued.
/// </summary>
public static partial class Etag
{
    public static string Format(long version) => $"W/\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The version an etag names; empty means "no precondition". Anything else: INVALID_ARGUMENT on <paramref name="field"/>.</summary>
    public static long? Parse(string? etag, string field = "etag")
    {
        if (string.IsNullOrWhiteSpace(etag)) return null;
        var m = Pattern().Match(etag.Trim());
        return m.Success && long.TryParse(m.Groups["v"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v
            : throw new InvalidInputException(field, "is not an etag this server issued");
    }

    [GeneratedRegex("""^(?:(?:W/)?"(?<v>[0-9]{1,19})"|(?<v>[0-9]{1,19}))$""")]
    private static partial Regex Pattern();
}
