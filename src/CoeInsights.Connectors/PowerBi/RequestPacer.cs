namespace CoeInsights.Connectors.PowerBi;

/// <summary>
/// At most <paramref name="limit"/> requests in any sliding <paramref name="window"/>: the documented
/// "120 POST rows requests per minute per dataset". One pacer per dataset; requests go one at a time.
/// A request counts from when its answer arrived, not from when it left: the service counts it on arrival, which is
/// later, so timing from the send could squeeze a request into the service's window (and earn a 429).
/// </summary>
public sealed class RequestPacer(int limit, TimeSpan window, TimeProvider clock)
{
    private readonly Queue<DateTimeOffset> _sent = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task SendAsync(Func<Task> send, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            while (_sent.Count > 0 && _sent.Peek() + window <= now) _sent.Dequeue();
            if (_sent.Count >= limit)
            {
                // Timers run on the tick count, not the wall clock, and can wake a millisecond early: wait until the
                // wall clock has really passed the oldest request's window.
                var due = _sent.Peek() + window;
                for (var wait = due - now; wait > TimeSpan.Zero; wait = due - clock.GetUtcNow())
                    await Task.Delay(wait + TimeSpan.FromMilliseconds(1), clock, ct);
                _sent.Dequeue();
            }
            try
            {
                await send();
            }
            finally
            {
                _sent.Enqueue(clock.GetUtcNow());
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
