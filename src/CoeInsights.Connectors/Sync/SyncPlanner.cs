namespace CoeInsights.Connectors.Sync;

/// <summary>Inclusive range of reporting days.</summary>
public readonly record struct DateWindow(DateOnly From, DateOnly To)
{
    public int Days => To.DayNumber - From.DayNumber + 1;
}

/// <summary>Which days to ask for: pure, no clock, no I/O.</summary>
public static class SyncPlanner
{
    /// <summary>
    /// From the day after the checkpoint (or <paramref name="startDate"/> on a first sync) to yesterday — today's
    /// figures are not final — in windows of at most <paramref name="maxDaysPerWindow"/> days, oldest first.
    /// Windows follow each other with neither gap nor overlap.
    /// </summary>
    public static IReadOnlyList<DateWindow> Plan(DateOnly? lastSynced, DateOnly startDate, DateOnly today, int maxDaysPerWindow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDaysPerWindow, 1);
        var from = lastSynced is { } last ? last.AddDays(1) : startDate;
        var to = today.AddDays(-1);
        var windows = new List<DateWindow>();
        while (from <= to)
        {
            var end = from.AddDays(maxDaysPerWindow - 1);
            if (end > to) end = to;
            windows.Add(new DateWindow(from, end));
            from = end.AddDays(1);
        }
        return windows;
    }
}
