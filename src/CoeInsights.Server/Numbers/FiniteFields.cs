using Google.Protobuf.Collections;
using A = CoeInsights.Analytics.Trends;

namespace CoeInsights.Server.Numbers;

/// <summary>
/// The mapping's side of "never NaN or Infinity": a statistic is set only when it is finite; otherwise its field
/// stays unset and the answer lists it in <c>undefined_statistics</c> with the reason the analytics gave (or, for
/// an overflow nobody foresaw, <see cref="Overflow"/>). docs/trends.md lists the cases.
/// </summary>
internal sealed class FiniteFields(RepeatedField<V1.UndefinedStatistic> sink)
{
    public const string Overflow = "not a finite number for this input (the result is beyond the range of a double, about ±1.8e308)";

    /// <summary>The value when finite; otherwise null, with <paramref name="path"/> listed as undefined.</summary>
    /// <param name="reasons">The analytics' reasons, looked up by the last segment of <paramref name="path"/>.</param>
    public double? Value(double x, string path, IReadOnlyList<A.UndefinedStatistic>? reasons = null)
    {
        if (double.IsFinite(x)) return x;
        Add(path, reasons);
        return null;
    }

    public double? Value(double? x, string path, IReadOnlyList<A.UndefinedStatistic>? reasons = null) =>
        x is { } v ? Value(v, path, reasons) : null;

    /// <summary>An interval whose bounds are both finite; otherwise null (the message field stays unset).</summary>
    public V1.Interval? Interval(A.Interval i, string path, IReadOnlyList<A.UndefinedStatistic>? reasons = null, string? reason = null)
    {
        if (double.IsFinite(i.Lower) && double.IsFinite(i.Upper)) return new V1.Interval { Lower = i.Lower, Upper = i.Upper };
        if (reason is not null) sink.Add(new V1.UndefinedStatistic { Field = path, Reason = reason });
        else Add(path, reasons);
        return null;
    }

    public void Add(string path, string reason) => sink.Add(new V1.UndefinedStatistic { Field = path, Reason = reason });

    private void Add(string path, IReadOnlyList<A.UndefinedStatistic>? reasons)
    {
        var name = path[(path.LastIndexOf('.') + 1)..];
        var reason = reasons?.FirstOrDefault(r => r.Field == name)?.Reason ?? Overflow;
        sink.Add(new V1.UndefinedStatistic { Field = path, Reason = reason });
    }
}
