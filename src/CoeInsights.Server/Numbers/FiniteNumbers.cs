using System.Collections;
using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.Reflection;

namespace CoeInsights.Server.Numbers;

/// <summary>
/// The safety net behind the mappings' own decisions (<see cref="FiniteFields"/>): no answer of any method carries
/// NaN or ±Infinity, on either port (JSON would print "NaN"). Found by protobuf reflection over every double and
/// float field, nested, repeated and in maps. A non-finite value in a field with presence (proto3 optional, a
/// oneof member) is cleared; one in a plain field clears the nearest enclosing message field (e.g. an Interval).
/// Each clearing is listed in the answer's <c>undefined_statistics</c> when it has one. What cannot be cleared (a
/// repeated or map number, or a plain field of the answer itself) fails the call instead (INTERNAL, logged): a
/// wrong zero would be worse than no answer.
/// </summary>
public static class FiniteNumbers
{
    public const string Reason = "not a finite number for this input (an overflow or undefined value the analysis did not foresee)";

    /// <summary>A non-finite number the net could not clear.</summary>
    public sealed class NonFiniteResultException(string message) : Exception(message);

    private static readonly ConcurrentDictionary<MessageDescriptor, bool> HoldsNumbersCache = new();

    /// <summary>Clears every non-finite number of <paramref name="message"/> (see the class); returns the cleared paths.</summary>
    /// <exception cref="NonFiniteResultException">A non-finite number that has no field to clear.</exception>
    public static IReadOnlyList<string> Enforce(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!HoldsNumbers(message.Descriptor)) return [];
        // A cached answer (one GetEvaluation message per version, shared by every caller) is the same instance on
        // every call: once found finite it is not walked again (answers are never changed after they are built).
        if (Clean.TryGetValue(message, out _)) return [];
        var visited = 0;
        if (AllFinite(message, ref visited))
        {
            if (visited >= RememberFrom) Clean.AddOrUpdate(message, Marker);
            return [];
        }
        var cleared = new List<string>();
        var stuck = Fix(message, "", cleared);
        if (stuck is not null) throw new NonFiniteResultException($"{message.Descriptor.Name}.{stuck} is not a finite number and cannot be left unset");
        if (cleared.Count > 0 && UndefinedSink(message) is { } sink)
        {
            var listed = sink.Select(u => u.Field).ToHashSet(StringComparer.Ordinal);
            foreach (var path in cleared)
                if (listed.Add(path)) sink.Add(new V1.UndefinedStatistic { Field = path, Reason = Reason });
        }
        return cleared;
    }

    /// <summary>Answers walked at least this many values are remembered as clean; small ones cost less to walk than to remember.</summary>
    private const int RememberFrom = 256;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IMessage, object> Clean = new();
    private static readonly object Marker = new();

    /// <summary>
    /// Whether every number below <paramref name="m"/> is finite: the common case, walked without building a path per
    /// field (which cost more than the rest of a 1,152-score GetEvaluation); <see cref="Fix"/> runs only when it is not.
    /// </summary>
    private static bool AllFinite(IMessage m, ref int visited)
    {
        foreach (var field in m.Descriptor.Fields.InFieldNumberOrder())
        {
            if (!HoldsNumbers(field)) continue;
            var value = field.Accessor.GetValue(m);
            if (field.IsMap)
            {
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    visited++;
                    if (!IsFinite(entry.Value) || (entry.Value is IMessage child && !AllFinite(child, ref visited))) return false;
                }
            }
            else if (field.IsRepeated)
            {
                foreach (var item in (IList)value)
                {
                    visited++;
                    if (!IsFinite(item) || (item is IMessage child && !AllFinite(child, ref visited))) return false;
                }
            }
            else
            {
                visited++;
                if (!IsFinite(value) || (value is IMessage child && !AllFinite(child, ref visited))) return false;
            }
        }
        return true;
    }

    /// <summary>Fixes <paramref name="m"/> in place; returns the path of a number it could not clear (the caller clears <paramref name="m"/>), or null.</summary>
    private static string? Fix(IMessage m, string prefix, List<string> cleared)
    {
        string? stuck = null;
        foreach (var field in m.Descriptor.Fields.InFieldNumberOrder())
        {
            if (!HoldsNumbers(field)) continue;
            var path = prefix + field.Name;
            var value = field.Accessor.GetValue(m);
            if (field.IsMap)
            {
                var valueField = field.MessageType.FindFieldByNumber(2);
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    var entryPath = $"{path}[{entry.Key}]";
                    if (IsNumber(valueField) && !IsFinite(entry.Value))
                        throw new NonFiniteResultException($"{m.Descriptor.Name}.{entryPath} is not a finite number (map values cannot be left unset)");
                    if (entry.Value is IMessage child && Fix(child, entryPath + ".", cleared) is { } inner)
                        throw new NonFiniteResultException($"{m.Descriptor.Name}.{inner} is not a finite number (map values cannot be left unset)");
                }
            }
            else if (field.IsRepeated)
            {
                var i = 0;
                foreach (var item in (IList)value)
                {
                    var itemPath = $"{path}[{i++}]";
                    if (IsNumber(field) && !IsFinite(item))
                        throw new NonFiniteResultException($"{m.Descriptor.Name}.{itemPath} is not a finite number (repeated numbers cannot be left unset)");
                    if (item is IMessage child && Fix(child, itemPath + ".", cleared) is { } inner)
                        throw new NonFiniteResultException($"{m.Descriptor.Name}.{inner} is not a finite number (a repeated element cannot be left unset)");
                }
            }
            else if (IsNumber(field))
            {
                if (IsFinite(value)) continue;
                if (field.HasPresence)
                {
                    field.Accessor.Clear(m);
                    cleared.Add(path);
                }
                else stuck ??= path;
            }
            else if (value is IMessage child && Fix(child, path + ".", cleared) is not null)
            {
                // a plain number inside a message field: the whole sub-message goes (an interval with a NaN bound is no interval)
                field.Accessor.Clear(m);
                cleared.RemoveAll(p => p.StartsWith(path + ".", StringComparison.Ordinal));
                cleared.Add(path);
            }
        }
        return stuck;
    }

    private static RepeatedField<V1.UndefinedStatistic>? UndefinedSink(IMessage m) =>
        m.Descriptor.FindFieldByName("undefined_statistics") is { IsRepeated: true } f && f.MessageType == V1.UndefinedStatistic.Descriptor
            ? (RepeatedField<V1.UndefinedStatistic>)f.Accessor.GetValue(m)
            : null;

    private static bool IsNumber(FieldDescriptor f) => f.FieldType is FieldType.Double or FieldType.Float;

    private static bool IsFinite(object? v) => v switch
    {
        double d => double.IsFinite(d),
        float f => float.IsFinite(f),
        _ => true,
    };

    private static bool HoldsNumbers(FieldDescriptor f) => IsNumber(f) || (f.FieldType == FieldType.Message && HoldsNumbers(f.MessageType));

    /// <summary>Whether a message type holds a double or float anywhere below it (cached; most answers hold none and are not walked).</summary>
    private static bool HoldsNumbers(MessageDescriptor d) => HoldsNumbersCache.TryGetValue(d, out var known) ? known : Compute(d, []);

    private static bool Compute(MessageDescriptor d, HashSet<MessageDescriptor> visiting)
    {
        if (HoldsNumbersCache.TryGetValue(d, out var known)) return known;
        if (!visiting.Add(d)) return false; // a recursive type: decided by its other fields
        var holds = d.Fields.InFieldNumberOrder().Any(f => IsNumber(f) || (f.FieldType == FieldType.Message && Compute(f.MessageType, visiting)));
        visiting.Remove(d);
        // a "no" found inside a cycle may still turn into a "yes" through the outer type: only final answers are kept
        if (holds || visiting.Count == 0) HoldsNumbersCache[d] = holds;
        return holds;
    }
}
