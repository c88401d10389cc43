using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CoeInsights.Testing;

/// <summary>
/// Test-side check that an answer holds no NaN or ±Infinity: the proto paths of every non-finite double or float
/// in any message (nested, repeated, map values), e.g. <c>series[0].points[2].value</c>. Independent of the
/// server's own safety net, so a test using it can catch that net failing.
/// </summary>
public static class FiniteScan
{
    public static IReadOnlyList<string> NonFinite(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var found = new List<string>();
        Walk(message, "", found);
        return found;
    }

    private static void Walk(IMessage m, string prefix, List<string> found)
    {
        foreach (var field in m.Descriptor.Fields.InFieldNumberOrder())
        {
            var path = prefix + field.Name;
            var value = field.Accessor.GetValue(m);
            if (field.IsMap)
            {
                foreach (DictionaryEntry e in (IDictionary)value) Check(e.Value, $"{path}[{e.Key}]", found);
            }
            else if (field.IsRepeated)
            {
                var i = 0;
                foreach (var item in (IList)value) Check(item, $"{path}[{i++}]", found);
            }
            else if (field.FieldType is FieldType.Double or FieldType.Float or FieldType.Message)
            {
                Check(value, path, found);
            }
        }
    }

    private static void Check(object? value, string path, List<string> found)
    {
        switch (value)
        {
            case double d when !double.IsFinite(d):
            case float f when !float.IsFinite(f):
                found.Add(path);
                break;
            case IMessage child:
                Walk(child, path + ".", found);
                break;
        }
    }
}
