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

    /// <summary>Cap on one scale level's description (e.g. "3: meets the need with workarounds").</summary>
    public const int LevelDescriptionMax = 500;

    /// <summary>A scale with more whole-number levels than this takes no level descriptions (a 0–20 scale has 21).</summary>
    public const int DescribedLevelsMax = 21;

    /// <summary>The number of whole-number levels of the scale [min, max], or null when its ends are not whole numbers.</summary>
    public static int? ScaleLevels(double min, double max) =>
        double.IsFinite(min) && double.IsFinite(max) && min == Math.Floor(min) && max == Math.Floor(max) && max > min && max - min < int.MaxValue
            ? (int)(max - min) + 1
            : null;

    /// <summary>
    /// A criterion's scale level descriptions: none, or exactly one per whole-number level of the evaluation's scale, each
    /// at most <see cref="LevelDescriptionMax"/> characters (an empty entry leaves that level undescribed).
    /// </summary>
    public static Validator ValidLevelDescriptions(this Validator v, IReadOnlyList<string>? descriptions, string field, double scaleMin, double scaleMax)
    {
        if (descriptions is not { Count: > 0 }) return v;
        var levels = ScaleLevels(scaleMin, scaleMax);
        if (levels is null)
            return v.Add(field, $"the score scale [{scaleMin}, {scaleMax}] does not have whole-number ends, so it has no levels to describe");
        if (levels > DescribedLevelsMax)
            return v.Add(field, $"the score scale [{scaleMin}, {scaleMax}] has {levels} levels; descriptions can be given for at most {DescribedLevelsMax}");
        if (descriptions.Count != levels)
            return v.Add(field, $"give one description per level of the score scale [{scaleMin}, {scaleMax}]: {levels}, not {descriptions.Count} (or none)");
        for (var i = 0; i < descriptions.Count; i++)
            v.Require(descriptions[i] is null || descriptions[i].Length <= LevelDescriptionMax, $"{field}[{i}]", $"at most {LevelDescriptionMax} characters");
        return v;
    }

    /// <summary>Trimmed level descriptions, null when there are none (so the stored event carries nothing).</summary>
    public static IReadOnlyList<string>? CleanLevels(IReadOnlyList<string>? descriptions) =>
        descriptions is { Count: > 0 } ? descriptions.Select(Clean).ToList() : null;
}
