namespace CoeInsights.Analytics.Trends;

/// <summary>Calendar bucket of a regular series. Weeks are ISO weeks (Monday first).</summary>
public enum Granularity
{
    Day,
    Week,
    Month,
    Quarter,
}

/// <summary>
/// How the observations that fall in one bucket become the bucket's value. Additive (flow) metrics such
/// as impressions <see cref="Sum"/>; level (stock) metrics such as followers take the <see cref="Last"/>
/// observation of the bucket or the <see cref="Mean"/> of its observations.
/// </summary>
public enum AggregationMethod
{
    Sum,
    Last,
    Mean,
}

/// <summary>One dated value. A <c>null</c> value is a missing observation (a blank day), never zero.</summary>
public readonly record struct DatedValue(DateOnly Date, double? Value);

/// <summary>How to roll a dated series up to regular buckets.</summary>
/// <param name="Granularity">Bucket size.</param>
/// <param name="Method">Sum for additive metrics, Last or Mean for level metrics.</param>
/// <param name="RequireCompletePeriods">
/// When true a bucket whose calendar days are not all observed is missing (e.g. a week with a blank day
/// does not get a partial sum); when false a bucket is missing only if none of its days is observed.
/// </param>
public sealed record AggregationOptions(
    Granularity Granularity,
    AggregationMethod Method,
    bool RequireCompletePeriods = false);

/// <summary>
/// A regular series: one slot per bucket from <see cref="Start"/>, consecutive, with <c>null</c> for a
/// bucket without a value. The slot index is the time axis of every trend statistic (slopes are per bucket).
/// </summary>
/// <param name="PeriodStarts">First calendar day of each bucket.</param>
/// <param name="Values">Bucket values; <c>null</c> = missing.</param>
/// <param name="ObservationCounts">How many observed (non-missing) days went into each bucket.</param>
/// <param name="DaysInPeriod">Calendar days in each bucket.</param>
public sealed record RegularSeries(
    Granularity Granularity,
    IReadOnlyList<DateOnly> PeriodStarts,
    IReadOnlyList<double?> Values,
    IReadOnlyList<int> ObservationCounts,
    IReadOnlyList<int> DaysInPeriod)
{
    public DateOnly? Start => PeriodStarts.Count > 0 ? PeriodStarts[0] : null;
}

/// <summary>Rolls dated observations up into a regular series whose gaps stay gaps.</summary>
public static class SeriesAggregator
{
    /// <summary>Slots per year, to annualise growth: 365.25 days, 52.1775 ISO weeks, 12 months, 4 quarters.</summary>
    public static double PeriodsPerYear(Granularity granularity) => granularity switch
    {
        Granularity.Week => 52.1775,
        Granularity.Month => 12,
        Granularity.Quarter => 4,
        _ => 365.25,
    };

    /// <summary>First day of the bucket that contains <paramref name="date"/>.</summary>
    public static DateOnly PeriodStart(DateOnly date, Granularity granularity) => granularity switch
    {
        Granularity.Day => date,
        Granularity.Week => date.AddDays(-(((int)date.DayOfWeek + 6) % 7)),
        Granularity.Month => new DateOnly(date.Year, date.Month, 1),
        Granularity.Quarter => new DateOnly(date.Year, (date.Month - 1) / 3 * 3 + 1, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(granularity)),
    };

    /// <summary>First day of the bucket after the one starting at <paramref name="periodStart"/>.</summary>
    public static DateOnly NextPeriodStart(DateOnly periodStart, Granularity granularity) => granularity switch
    {
        Granularity.Day => periodStart.AddDays(1),
        Granularity.Week => periodStart.AddDays(7),
        Granularity.Month => periodStart.AddMonths(1),
        Granularity.Quarter => periodStart.AddMonths(3),
        _ => throw new ArgumentOutOfRangeException(nameof(granularity)),
    };

    /// <summary>
    /// Aggregates <paramref name="observations"/> (dates strictly increasing, one per day) into consecutive
    /// buckets from the bucket of the first date to the bucket of the last. A bucket with no observed value
    /// is <c>null</c>; with <see cref="AggregationOptions.RequireCompletePeriods"/> so is a partly observed one.
    /// </summary>
    /// <exception cref="InvalidInputException">Field <c>dates</c> (unsorted or duplicate) or <c>values[i]</c> (NaN/infinite).</exception>
    public static RegularSeries Aggregate(IReadOnlyList<DatedValue> observations, AggregationOptions options)
    {
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(options);
        var v = new Validator();
        if (!Enum.IsDefined(options.Granularity)) v.Add("granularity", "unknown granularity");
        if (!Enum.IsDefined(options.Method)) v.Add("method", "unknown aggregation method");
        ValidateDated(observations, v);
        v.ThrowIfInvalid();

        var starts = new List<DateOnly>();
        var values = new List<double?>();
        var counts = new List<int>();
        var days = new List<int>();
        if (observations.Count == 0) return new RegularSeries(options.Granularity, starts, values, counts, days);

        var g = options.Granularity;
        var current = PeriodStart(observations[0].Date, g);
        var i = 0;
        while (i < observations.Count)
        {
            var next = NextPeriodStart(current, g);
            double sum = 0, last = 0;
            var n = 0;
            while (i < observations.Count && observations[i].Date < next)
            {
                if (observations[i].Value is { } x)
                {
                    sum += x;
                    last = x;
                    n++;
                }
                i++;
            }
            var daysIn = next.DayNumber - current.DayNumber;
            double? value = n == 0 || (options.RequireCompletePeriods && n < daysIn)
                ? null
                : options.Method switch
                {
                    AggregationMethod.Sum => sum,
                    AggregationMethod.Last => last,
                    _ => sum / n,
                };
            starts.Add(current);
            values.Add(value);
            counts.Add(n);
            days.Add(daysIn);
            current = next;
        }
        return new RegularSeries(g, starts, values, counts, days);
    }

    /// <summary>
    /// The series without a first or last slot whose calendar days are not all observed: the range edge (or a source
    /// that has not reported the last days yet) cuts those periods, and a three-day week read next to whole weeks looks
    /// like a collapse (or, first, inflates growth from a small base). Trend statistics in the API, the CLI and the KPI
    /// deck all run on this one series. Slots inside the series are kept as they are (a gap stays a gap).
    /// </summary>
    public static RegularSeries WholePeriods(RegularSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var first = 0;
        var end = series.Values.Count;
        if (end > 0 && series.ObservationCounts[0] < series.DaysInPeriod[0]) first++;
        if (end > first && series.ObservationCounts[end - 1] < series.DaysInPeriod[end - 1]) end--;
        if (first == 0 && end == series.Values.Count) return series;
        return series with
        {
            PeriodStarts = series.PeriodStarts.Skip(first).Take(end - first).ToList(),
            Values = series.Values.Skip(first).Take(end - first).ToList(),
            ObservationCounts = series.ObservationCounts.Skip(first).Take(end - first).ToList(),
            DaysInPeriod = series.DaysInPeriod.Skip(first).Take(end - first).ToList(),
        };
    }

    /// <summary>
    /// Places dated values on the daily grid from the first to the last date (absent days are <c>null</c>).
    /// Same as <see cref="Aggregate"/> with <see cref="Granularity.Day"/>.
    /// </summary>
    public static RegularSeries Daily(IReadOnlyList<DatedValue> observations)
        => Aggregate(observations, new AggregationOptions(Granularity.Day, AggregationMethod.Last));

    internal static void ValidateDated(IReadOnlyList<DatedValue> observations, Validator v)
    {
        var datesReported = false;
        for (var i = 0; i < observations.Count; i++)
        {
            if (observations[i].Value is { } x && !double.IsFinite(x))
                v.Add($"values[{i}]", "must be a finite number (not NaN or infinite); send no value for a missing day");
            if (!datesReported && i > 0 && observations[i].Date <= observations[i - 1].Date)
            {
                datesReported = true;
                v.Add("dates", observations[i].Date == observations[i - 1].Date
                    ? $"duplicate date {observations[i].Date:yyyy-MM-dd} at index {i}"
                    : $"dates must be strictly increasing (index {i})");
            }
        }
    }
}
