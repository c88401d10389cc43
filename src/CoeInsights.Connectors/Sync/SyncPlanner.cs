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

    /// <summary>
    /// Days per request for <paramref name="profiles"/> profiles: at most <paramref name="maxDays"/>, at most 365 (Sprout: one
    /// year per request) and at most <paramref name="maxResults"/> / profiles (Sprout truncates past 10,000 results); at least 1.
    /// </summary>
    public static int DaysPerRequest(int profiles, int maxDays, int maxResults)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(profiles, 1);
        var days = Math.Min(Math.Min(maxDays, 365), maxResults / profiles);
        return Math.Max(1, days);
    }

    /// <summary>
    /// The last day of the unbroken run of days from <paramref name="from"/> on that came back, at most <paramref name="to"/>;
    /// null when <paramref name="from"/> itself is missing. A checkpoint may move to it, never past a missing day.
    /// </summary>
    public static DateOnly? CompleteThrough(IEnumerable<DateOnly> came, DateOnly from, DateOnly to)
    {
        var set = came.ToHashSet();
        DateOnly? last = null;
        for (var day = from; day <= to && set.Contains(day); day = day.AddDays(1)) last = day;
        return last;
    }

    /// <summary>"Today" for a sync across zones: the earliest local date among them, so "yesterday" is over in every zone.</summary>
    public static DateOnly Today(DateTimeOffset now, IEnumerable<TimeZoneInfo> zones)
    {
        DateOnly? today = null;
        foreach (var zone in zones)
        {
            var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
            if (today is null || local < today) today = local;
        }
        return today ?? DateOnly.FromDateTime(now.UtcDateTime);
    }
}
