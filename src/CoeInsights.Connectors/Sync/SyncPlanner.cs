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
    /// With a checkpoint, the last <paramref name="restateDays"/> days up to it are read again first (platforms restate
    /// recent history), never before <paramref name="startDate"/>. Windows follow each other with neither gap nor overlap.
    /// </summary>
    public static IReadOnlyList<DateWindow> Plan(DateOnly? lastSynced, DateOnly startDate, DateOnly today, int maxDaysPerWindow, int restateDays = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDaysPerWindow, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(restateDays);
        DateOnly from;
        if (lastSynced is { } last)
        {
            var next = last.AddDays(1);
            var restated = next.AddDays(-restateDays);
            var floor = startDate < next ? startDate : next; // a StartDate moved past the checkpoint opens no gap
            from = restated > floor ? restated : floor;
        }
        else from = startDate;
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
