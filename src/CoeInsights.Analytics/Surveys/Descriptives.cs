namespace CoeInsights.Analytics.Surveys;

/// <summary>Small descriptive helpers shared by the survey statistics.</summary>
public static class Descriptives
{
    /// <summary>Reverse-keys a Likert answer: (min + max) − x. Applying it twice gives x back.</summary>
    public static double ReverseKey(double x, double min, double max) => min + max - x;

    /// <summary>Median: the middle value, or the mean of the two middle values for an even count. Needs at least one value.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Sample standard deviation (n − 1); null for fewer than 2 values.</summary>
    public static double? SampleStandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return null;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(x => (x - mean) * (x - mean)) / (values.Count - 1));
    }

    /// <summary>Department-balanced mean: the mean over departments of each department's mean (each department counts equally).</summary>
    public static double BalancedMean(IReadOnlyList<double> values, IReadOnlyList<string> departments)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        return Enumerable.Range(0, values.Count).GroupBy(i => departments[i], StringComparer.Ordinal)
            .Average(g => g.Average(i => values[i]));
    }

    internal static NumericSummary Summarize(IReadOnlyList<double> values, IReadOnlyList<string> departments) => new()
    {
        N = values.Count,
        Mean = values.Average(),
        Median = Median(values),
        StandardDeviation = SampleStandardDeviation(values),
        Minimum = values.Min(),
        Maximum = values.Max(),
        BalancedMean = BalancedMean(values, departments),
        Departments = departments.Distinct(StringComparer.Ordinal).Count(),
    };

    /// <summary>Plain share and department-balanced share of answers satisfying <paramref name="predicate"/>.</summary>
    internal static (double Plain, double Balanced) Shares<T>(IReadOnlyList<T> answers, IReadOnlyList<string> departments, Func<T, bool> predicate)
    {
        var plain = (double)answers.Count(predicate) / answers.Count;
        var balanced = BalancedMean(answers.Select(a => predicate(a) ? 1.0 : 0.0).ToArray(), departments);
        return (plain, balanced);
    }
}
