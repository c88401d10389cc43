using System.Collections;
using System.Text;
using CoeInsights.Analytics;
using CoeInsights.Analytics.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CoeInsights.Server.Validation;

/// <summary>
/// The door check on every string of a request, found by protobuf reflection (nested messages, repeated
/// fields, oneofs, map keys and values): no character XML cannot carry (see <see cref="PlainText"/>) and
/// no more characters than the field's cap. Violations name the field by its proto path, e.g.
/// <c>criteria[1].description</c>. The caps are listed in docs/limits.md ("Text").
/// </summary>
public static class RequestText
{
    /// <summary>Cap on names, titles, ids, handles, tokens and every other short string.</summary>
    public const int MaxShortLength = 1_000;

    /// <summary>Cap on the long free-text fields in <see cref="LongTextFields"/>.</summary>
    public const int MaxLongLength = 10_000;

    /// <summary>A request reports at most this many violations (the rest are alike).</summary>
    public const int MaxViolations = 50;

    /// <summary>Proto field names (in any message) that hold prose rather than a name: they get <see cref="MaxLongLength"/>.</summary>
    public static readonly IReadOnlySet<string> LongTextFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "description", "purpose", "comment", "evidence", "rationale", "reason", "correction_reason",
        "free_text", "text", "note", "summary", "formula",
    };

    public static int MaxLength(FieldDescriptor field) =>
        LongTextFields.Contains(field.Name) ? MaxLongLength : MaxShortLength;

    /// <summary>Every violation in the message (at most <see cref="MaxViolations"/>); empty when its text is fine.</summary>
    public static IReadOnlyList<FieldViolation> Check(IMessage message)
    {
        var violations = new List<FieldViolation>();
        Walk(message, "", violations);
        return violations;
    }

    /// <summary>Throws <see cref="InvalidInputException"/> (INVALID_ARGUMENT) when the message has a bad string.</summary>
    public static void ThrowIfInvalid(IMessage message)
    {
        var violations = Check(message);
        if (violations.Count > 0) throw new InvalidInputException(violations);
    }

    private static void Walk(IMessage message, string prefix, List<FieldViolation> violations)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (violations.Count >= MaxViolations) return;
            if (!HoldsText(field)) continue;
            var path = prefix + field.Name;
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                var keyField = field.MessageType.FindFieldByNumber(1);
                var valueField = field.MessageType.FindFieldByNumber(2);
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    var entryPath = $"{path}[{KeyLabel(entry.Key)}]";
                    if (entry.Key is string key) CheckString(key, $"{entryPath} (key)", keyField, violations);
                    CheckValue(entry.Value, entryPath, valueField, violations);
                }
            }
            else if (field.IsRepeated)
            {
                var i = 0;
                foreach (var item in (IList)value) CheckValue(item, $"{path}[{i++}]", field, violations);
            }
            else
            {
                // A oneof member that is not the chosen case reads as its default ("" or null): nothing to check.
                CheckValue(value, path, field, violations);
            }
        }
    }

    private static bool HoldsText(FieldDescriptor field) =>
        field.FieldType is FieldType.String or FieldType.Message or FieldType.Group;

    private static void CheckValue(object? value, string path, FieldDescriptor field, List<FieldViolation> violations)
    {
        switch (value)
        {
            case string text:
                CheckString(text, path, field, violations);
                break;
            case IMessage nested:
                Walk(nested, path + ".", violations);
                break;
        }
    }

    private static void CheckString(string text, string path, FieldDescriptor field, List<FieldViolation> violations)
    {
        if (violations.Count >= MaxViolations) return;
        if (PlainText.FirstIllegal(text) is { } bad)
        {
            violations.Add(new FieldViolation(path,
                $"contains {PlainText.Name(bad.CodePoint)} at position {bad.Index}: control characters other than tab, line feed and " +
                "carriage return, U+FFFE, U+FFFF and unpaired surrogates are not accepted in text"));
            return;
        }
        var max = MaxLength(field);
        if (text.Length > max && PlainText.CountCharacters(text) is var length && length > max)
            violations.Add(new FieldViolation(path, $"is {length:N0} characters long; at most {max:N0} are accepted"));
    }

    /// <summary>A map key as it appears in a path: strings quoted, with characters outside printable ASCII as \uXXXX.</summary>
    private static string KeyLabel(object key)
    {
        if (key is not string s) return Convert.ToString(key, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        var sb = new StringBuilder("\"");
        foreach (var c in s.Length > 64 ? s[..64] : s)
        {
            if (c is >= ' ' and <= '~' && c is not '"' and not '\\') sb.Append(c);
            else sb.Append($"\\u{(int)c:X4}");
        }
        if (s.Length > 64) sb.Append('…');
        return sb.Append('"').ToString();
    }
}
