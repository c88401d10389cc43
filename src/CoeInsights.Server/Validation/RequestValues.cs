using System.Collections;
using CoeInsights.Analytics;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CoeInsights.Server.Validation;

/// <summary>
/// The door check on values that no method accepts, found by protobuf reflection like <see cref="RequestText"/>:
/// an enum number the proto does not define (e.g. <c>granularity = 99</c>: protobuf keeps unknown numbers, and
/// a switch downstream would meet a value it has no case for), and the all-zero uuid in an id field (no resource
/// ever has it; <c>Guid.CreateVersion7</c> never makes it). Violations name the field by its proto path.
/// </summary>
public static class RequestValues
{
    /// <summary>Id fields that hold a client's own token, not a resource's uuid: any value the client likes.</summary>
    private static readonly IReadOnlySet<string> ClientTokens = new HashSet<string>(StringComparer.Ordinal) { "request_id" };

    public static IReadOnlyList<FieldViolation> Check(IMessage message)
    {
        var violations = new List<FieldViolation>();
        Walk(message, "", violations);
        return violations;
    }

    private static void Walk(IMessage message, string prefix, List<FieldViolation> violations)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (violations.Count >= RequestText.MaxViolations) return;
            if (field.FieldType is not (FieldType.Enum or FieldType.Message or FieldType.Group or FieldType.String)) continue;
            var path = prefix + field.Name;
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                var valueField = field.MessageType.FindFieldByNumber(2);
                foreach (DictionaryEntry entry in (IDictionary)value) CheckValue(entry.Value, $"{path}[{entry.Key}]", valueField, violations);
            }
            else if (field.IsRepeated)
            {
                var i = 0;
                foreach (var item in (IList)value) CheckValue(item, $"{path}[{i++}]", field, violations);
            }
            else
            {
                CheckValue(value, path, field, violations);
            }
        }
    }

    private static void CheckValue(object? value, string path, FieldDescriptor field, List<FieldViolation> violations)
    {
        switch (value)
        {
            case IMessage nested:
                Walk(nested, path + ".", violations);
                break;
            case Enum when field.FieldType == FieldType.Enum:
                var number = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
                if (field.EnumType.FindValueByNumber(number) is null)
                    violations.Add(new FieldViolation(path, $"{number} is not a value of {field.EnumType.Name} (one of: " +
                        $"{string.Join(", ", field.EnumType.Values.Where(v => v.Number != 0).Select(v => v.Name))})"));
                break;
            case string text when IsIdField(field) && Guid.TryParse(text, out var id) && id == Guid.Empty:
                violations.Add(new FieldViolation(path, "must not be the all-zero id: no resource has it"));
                break;
        }
    }

    private static bool IsIdField(FieldDescriptor field) =>
        (field.Name.EndsWith("_id", StringComparison.Ordinal) || field.Name.EndsWith("_ids", StringComparison.Ordinal) || field.Name == "id")
        && !ClientTokens.Contains(field.Name);
}
