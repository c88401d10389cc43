namespace CoeInsights.Connectors.PowerBi;

/// <summary>
/// The push dataset limits a client must keep itself
/// (https://learn.microsoft.com/power-bi/developer/embedded/push-datasets-limitations): 120 POST rows requests per minute,
/// 1,000,000 rows added per hour, and 120 POST rows requests per hour once the table holds 250,000 rows or more.
/// </summary>
public sealed record PushLimits(
    int RequestsPerWindow = 120, TimeSpan? Window = null, long RowsPerHour = 1_000_000, int RequestsPerHourLargeTable = 120,
    long LargeTableRows = 250_000)
{
    public TimeSpan MinuteWindow => Window ?? TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long to wait before posting <paramref name="rows"/> more rows into a table that holds <paramref name="tableRows"/>, given
    /// the requests already answered (<paramref name="sent"/>: when, how many rows; oldest first). Pure: the clock comes in.
    /// </summary>
    public TimeSpan Wait(IReadOnlyList<(DateTimeOffset At, int Rows)> sent, DateTimeOffset now, int rows, long tableRows)
    {
        var hour = TimeSpan.FromHours(1);
        var due = now;
        // Per minute: the oldest of the last RequestsPerWindow requests must have left the window.
        var inWindow = sent.Where(s => s.At + MinuteWindow > now).ToList();
        if (inWindow.Count >= RequestsPerWindow) Later(inWindow[inWindow.Count - RequestsPerWindow].At + MinuteWindow);
        var inHour = sent.Where(s => s.At + hour > now).ToList();
        // Per hour, large table: the same rule over the hour.
        if (tableRows >= LargeTableRows && inHour.Count >= RequestsPerHourLargeTable)
            Later(inHour[inHour.Count - RequestsPerHourLargeTable].At + hour);
        // Rows per hour: wait until enough of the hour's rows have aged out to make room for these.
        var total = inHour.Sum(s => (long)s.Rows);
        foreach (var s in inHour)
        {
            if (total + rows <= RowsPerHour) break;
            total -= s.Rows;
            Later(s.At + hour);
        }
        return due - now;

        void Later(DateTimeOffset t)
        {
            if (t > due) due = t;
        }
    }

    /// <summary>
    /// How long until the last of <paramref name="rows"/> rows, posted in chunks of <paramref name="chunk"/> into a table
    /// being filled from empty, would be sent, pacing after <paramref name="sent"/> (requests taken to answer at once). Pure.
    /// </summary>
    public TimeSpan TimeToPost(IReadOnlyList<(DateTimeOffset At, int Rows)> sent, DateTimeOffset now, int rows, int chunk)
    {
        var history = sent.ToList();
        var t = now;
        for (var posted = 0; posted < rows; posted += chunk)
        {
            var n = Math.Min(chunk, rows - posted);
            t += Wait(history, t, n, posted);
            history.Add((t, n));
        }
        return t - now;
    }
}

/// <summary>
/// Paces POST rows requests to <see cref="PushLimits"/>. One pacer per dataset; requests go one at a time (the documented
/// "5 max pending POST rows requests" is never approached). A request counts from when its answer arrived, not from when it
/// left: the service counts it on arrival, which is later, so timing from the send could squeeze a request into the service's
/// window (and earn a 429).
/// </summary>
public sealed class RequestPacer(PushLimits limits, TimeProvider clock)
{
    private readonly List<(DateTimeOffset At, int Rows)> _sent = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    public RequestPacer(int limit, TimeSpan window, TimeProvider clock) : this(new PushLimits(limit, window), clock)
    {
    }

    public Task SendAsync(Func<Task> send, CancellationToken ct) => SendAsync(1, 0, send, ct);

    /// <summary>
    /// How much longer than on an idle dataset posting the table would take now, because of the requests of the last hour
    /// (<see cref="PushLimits.TimeToPost"/>): the wait before a table can be emptied and refilled at the limits' pace.
    /// </summary>
    public async Task<TimeSpan> BacklogAsync(int rows, int chunk, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            return limits.TimeToPost(_sent, now, rows, chunk) - limits.TimeToPost([], now, rows, chunk);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task SendAsync(int rows, long tableRows, Func<Task> send, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var hourAgo = clock.GetUtcNow() - TimeSpan.FromHours(1);
            _sent.RemoveAll(s => s.At <= hourAgo);
            // Timers run on the tick count, not the wall clock, and can wake a millisecond early: wait until the wall clock has
            // really passed the due time.
            for (var wait = limits.Wait(_sent, clock.GetUtcNow(), rows, tableRows); wait > TimeSpan.Zero;
                 wait = limits.Wait(_sent, clock.GetUtcNow(), rows, tableRows))
                await Task.Delay(wait + TimeSpan.FromMilliseconds(1), clock, ct);
            try
            {
                await send();
            }
            finally
            {
                _sent.Add((clock.GetUtcNow(), rows));
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
