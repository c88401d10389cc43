using CoeInsights.Analytics;
using CoeInsights.Kpis.RecordingKpis;

namespace CoeInsights.Kpis;

/// <summary>Dates as callers send them (year, month, day; all three 0 = not set) and the range observations may have.</summary>
public static class ObservationDates
{
    /// <summary>The calendar date, or null: not set (no violation), or not a calendar date (a violation on <paramref name="field"/>).</summary>
    public static DateOnly? Parse(int year, int month, int day, string field, Validator v)
    {
        if (year == 0 && month == 0 && day == 0) return null;
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            v.Add(field, "must be a full calendar date (year, month and day)");
            return null;
        }
        return new DateOnly(year, month, day);
    }

    /// <summary>A date that selects stored observations: a calendar date within the recordable range 2000-01-01 … 2100-12-31.</summary>
    public static DateOnly? Stored(int year, int month, int day, string field, Validator v)
    {
        var date = Parse(year, month, day, field, v);
        if (date is { } x && (x < RecordKpiBatchHandler.MinDate || x > RecordKpiBatchHandler.MaxDate))
        {
            v.Add(field, $"must be between {RecordKpiBatchHandler.MinDate:yyyy-MM-dd} and {RecordKpiBatchHandler.MaxDate:yyyy-MM-dd}");
            return null;
        }
        return date;
    }
}
