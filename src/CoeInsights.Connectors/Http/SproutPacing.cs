using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using CoeInsights.Connectors.Sprout;

namespace CoeInsights.Connectors.Http;

/// <summary>
/// The waits of connector pacing and back-off, on a clock. One seam so tests record the waits and move a virtual clock
/// instead of sleeping; production waits on <see cref="TimeProvider"/>.
/// </summary>
public class ConnectorDelays(TimeProvider clock)
{
    public virtual TimeProvider Clock => clock;

    public virtual Task DelayAsync(TimeSpan delay, CancellationToken ct) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, clock, ct);
}

/// <summary>
/// Sprout's "60 requests per minute" per customer account (https://api.sproutsocial.com/docs/, "Rate Limits"), shared by every
/// request to the account — across connectors and, with a shared implementation, across server processes.
/// </summary>
public interface ISproutRateGate
{
    /// <summary>Reserves the next send slot of <paramref name="account"/>: the time to send at (≥ <paramref name="now"/>), slots <paramref name="spacing"/> apart.</summary>
    Task<DateTimeOffset> ReserveAsync(string account, DateTimeOffset now, TimeSpan spacing, CancellationToken ct);
}

/// <summary>Slots within this process only: enough while one process runs the connectors (the connector lock keeps a connector's runs to one at a time).</summary>
public sealed class InProcessSproutRateGate : ISproutRateGate
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _next = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public Task<DateTimeOffset> ReserveAsync(string account, DateTimeOffset now, TimeSpan spacing, CancellationToken ct)
    {
        lock (_lock)
        {
            var slot = _next.TryGetValue(account, out var next) && next > now ? next : now;
            _next[account] = slot + spacing;
            return Task.FromResult(slot);
        }
    }
}

/// <summary>
/// Outermost handler of a Sprout client: paces every request to ≤ <see cref="SproutConnectorOptions.MaxRequestsPerMinute"/>
/// (one slot every 60 s / limit, so no 60-second window ever holds more), retries 202 ("processed successfully but is not
/// ready for a proper answer. Retry the request") and backs off on 429 ("making requests too quickly, or has exhausted the
/// allowed requests in a month. Slow down") — outside the resilience pipeline, so neither reaches the circuit breaker and
/// the back-off is not cut by the attempt timeout. Sprout documents no Retry-After; one is honoured if sent.
/// </summary>
public sealed partial class SproutPacingHandler(SproutConnectorOptions options, ISproutRateGate gate, ConnectorDelays delays) : DelegatingHandler
{
    [GeneratedRegex(@"^/v\d+/(\d+)/")]
    private static partial Regex CustomerPath();

    /// <summary>The account a request counts against: its customer id (path <c>/v1/{customer_id}/…</c>), else the connector.</summary>
    public static string Account(HttpRequestMessage request, string connector) =>
        request.RequestUri is { } uri && CustomerPath().Match(uri.AbsolutePath) is { Success: true } m ? "sprout-customer:" + m.Groups[1].Value : "sprout-connector:" + connector;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var account = Account(request, options.Name);
        var spacing = TimeSpan.FromMinutes(1) / Math.Max(1, options.MaxRequestsPerMinute);
        for (int notReady = 0, tooMany = 0; ;)
        {
            var slot = await gate.ReserveAsync(account, delays.Clock.GetUtcNow(), spacing, ct);
            await delays.DelayAsync(slot - delays.Clock.GetUtcNow(), ct);
            var response = await base.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                if (notReady++ < options.NotReadyRetries)
                {
                    response.Dispose();
                    await delays.DelayAsync(options.NotReadyDelay * Math.Pow(2, notReady - 1), ct);
                    continue;
                }
                var id = RequestId(response);
                response.Dispose();
                throw SourceApiException.From("request", 202, "Accepted", $"still not ready after {options.NotReadyRetries} retries", id);
            }
            if (response.StatusCode == HttpStatusCode.TooManyRequests && tooMany++ < options.TooManyRequestsRetries)
            {
                var wait = response.Headers.RetryAfter?.Delta ?? Backoff(tooMany);
                response.Dispose();
                await delays.DelayAsync(wait, ct);
                continue;
            }
            return response;
        }
    }

    /// <summary>First a whole rate window (another client of the account may have used it up), then doubling, at most 8 windows.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var wait = options.TooManyRequestsDelay * Math.Pow(2, attempt - 1);
        var cap = options.TooManyRequestsDelay * 8;
        return wait < cap ? wait : cap;
    }

    private static string? RequestId(HttpResponseMessage r) =>
        r.Headers.TryGetValues(SourceApiException.RequestIdHeader, out var v) ? v.FirstOrDefault() : null;
}
