using System.Text.RegularExpressions;
using CoeInsights.Analytics;

namespace CoeInsights.Evaluations;

/// <summary>Shared input rules (INVALID_ARGUMENT with field paths).</summary>
public static partial class Inputs
{
    public const int NameMax = 200;
    public const int TextMax = 4000;
    public const int ListMax = 1000;

    /// <summary>Ids chosen by the committee, e.g. "analytics", "annual-cost", "vendor.sprout".</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public static partial Regex IdPattern();

    public static Validator RequireId(this Validator v, string? value, string field) =>
        v.Require(value is not null && IdPattern().IsMatch(value), field,
            "is required: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");

    public static Validator RequireName(this Validator v, string? value, string field, int max = NameMax) =>
        v.Require(!string.IsNullOrWhiteSpace(value) && value.Length <= max, field, $"is required, at most {max} characters");

    public static Validator OptionalText(this Validator v, string? value, string field, int max = TextMax) =>
        v.Require(value is null || value.Length <= max, field, $"at most {max} characters");

    public static Validator RequireList<T>(this Validator v, IReadOnlyCollection<T>? list, string field, int max = ListMax) =>
        v.Require(list is { Count: > 0 } && list.Count <= max, field, $"give 1 to {max} entries");

    public static string Clean(string? s) => (s ?? "").Trim();
}
