using System.Globalization;

namespace CoeInsights.Analytics.Trends.Backtest;

/// <summary>Which profiles of a backtest set: those the defaults were tuned on, the others, or all.</summary>
public enum BacktestHalf
{
    Test,
    Tune,
    All,
}

/// <summary>A labelled crisis: the day indexes of its first and last elevated day (inclusive).</summary>
public sealed record BacktestCrisisLabel(string Kind, int Start, int End);

/// <summary>One profile's daily mentions and negative mentions (missing days null) and its labelled crises.</summary>
public sealed record BacktestProfile(
    string Id, string Background, BacktestHalf Half, IReadOnlyList<double?> Mentions, IReadOnlyList<double?> NegativeMentions,
    IReadOnlyList<BacktestCrisisLabel> Crises);

/// <summary>
/// A labelled set of daily series, all on the same days from <see cref="FirstDay"/>. <see cref="Shipped"/> is the one in
/// the repository (Trends/Backtest/backtest-set.csv, written by the CLI's BacktestSetGenerator; docs/alerts.md).
/// </summary>
public sealed class BacktestSet
{
    public const string Header = "profile,background,half,day,mentions,negative_mentions,crisis";
    private const string ResourceName = "CoeInsights.Analytics.backtest-set.csv";

    private static readonly Lazy<BacktestSet> LazyShipped = new(() => Parse(ShippedCsv()));

    private BacktestSet(DateOnly firstDay, int days, IReadOnlyList<BacktestProfile> profiles)
    {
        FirstDay = firstDay;
        Days = days;
        Profiles = profiles;
    }

    public DateOnly FirstDay { get; }
    public int Days { get; }
    public DateOnly LastDay => FirstDay.AddDays(Days - 1);
    public IReadOnlyList<BacktestProfile> Profiles { get; }

    /// <summary>The set shipped in the repository (embedded in this assembly).</summary>
    public static BacktestSet Shipped => LazyShipped.Value;

    /// <summary>The shipped set's CSV text, as committed.</summary>
    public static string ShippedCsv()
    {
        using var stream = typeof(BacktestSet).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in {typeof(BacktestSet).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Reads the CSV (<see cref="Header"/>; one row per profile and day, every profile on the same consecutive days;
    /// empty counts are missing days). Anything else is INVALID_ARGUMENT naming the line.
    /// </summary>
    public static BacktestSet Parse(string csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        if (lines.Length == 0 || lines[0] != Header) throw new InvalidInputException("backtest_set", $"must start with the header {Header}");
        var rows = new List<(string Profile, string Background, BacktestHalf Half, DateOnly Day, double? Mentions, double? Negative, string Crisis)>();
        for (var i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split(',');
            if (f.Length != 7
                || !DateOnly.TryParseExact(f[3], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                || f[2] is not ("tune" or "test")
                || !TryCount(f[4], out var mentions) || !TryCount(f[5], out var negative))
                throw new InvalidInputException("backtest_set", $"line {i + 1}: expected {Header} with a tune|test half, an ISO day and counts of at least 0");
            rows.Add((f[0], f[1], f[2] == "tune" ? BacktestHalf.Tune : BacktestHalf.Test, day, mentions, negative, f[6]));
        }
        if (rows.Count == 0) throw new InvalidInputException("backtest_set", "holds no rows");
        var first = rows.Min(r => r.Day);
        var days = rows.Max(r => r.Day).DayNumber - first.DayNumber + 1;
        var profiles = new List<BacktestProfile>();
        foreach (var group in rows.GroupBy(r => r.Profile))
        {
            var mentions = new double?[days];
            var negative = new double?[days];
            var labels = new string[days];
            var seen = new bool[days];
            foreach (var r in group)
            {
                var d = r.Day.DayNumber - first.DayNumber;
                if (seen[d]) throw new InvalidInputException("backtest_set", $"{group.Key} holds {r.Day:yyyy-MM-dd} twice");
                seen[d] = true;
                mentions[d] = r.Mentions;
                negative[d] = r.Negative;
                labels[d] = r.Crisis;
            }
            var crises = new List<BacktestCrisisLabel>();
            for (var d = 0; d < days; d++)
            {
                if (string.IsNullOrEmpty(labels[d]) || (d > 0 && labels[d - 1] == labels[d])) continue;
                var end = d;
                while (end + 1 < days && labels[end + 1] == labels[d]) end++;
                crises.Add(new BacktestCrisisLabel(labels[d], d, end));
            }
            var head = group.First();
            profiles.Add(new BacktestProfile(group.Key, head.Background, head.Half, mentions, negative, crises));
        }
        return new BacktestSet(first, days, profiles);
    }

    private static bool TryCount(string text, out double? value)
    {
        value = null;
        if (text.Length == 0) return true;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v) || v < 0) return false;
        value = v;
        return true;
    }
}
