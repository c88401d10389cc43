namespace CoeInsights.Connectors.PowerBi;

/// <summary>
/// At most <paramref name="limit"/> requests in any sliding <paramref name="window"/>: the documented
/// "120 POST rows requests per minute per dataset". One pacer per dataset; callers send one request at a time.
/// </summary>
public sealed class RequestPacer(int limit, TimeSpan window, TimeProvider clock)
{
    private readonly Queue<DateTimeOffset> _sent = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task WaitAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            while (_sent.Count > 0 && _sent.Peek() + window <= now) _sent.Dequeue();
            if (_sent.Count >= limit)
            {
                var wait = _sent.Peek() + window - now;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, ct);
                _sent.Dequeue();
            }
            _sent.Enqueue(clock.GetUtcNow());
        }
        finally
        {
            _gate.Release();
        }
    }
}
