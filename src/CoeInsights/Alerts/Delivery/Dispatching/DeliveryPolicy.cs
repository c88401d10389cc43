namespace CoeInsights.Alerts.Delivery.Dispatching;

/// <summary>What one attempt to hand a notice to its receiver came to.</summary>
/// <param name="Permanent">The receiver refused for good (a 4xx other than 408/429, a rejected mailbox): no retry.</param>
/// <param name="RetryAfter">The receiver said when to come back (HTTP 429/503 Retry-After).</param>
public sealed record SendResult(bool Succeeded, bool Permanent, string? Error, int? HttpStatus, TimeSpan? RetryAfter = null)
{
    public static SendResult Ok(int? status = null) => new(true, false, null, status);

    public static SendResult Transient(string error, int? status = null, TimeSpan? retryAfter = null) => new(false, false, error, status, retryAfter);

    public static SendResult Refused(string error, int? status = null) => new(false, true, error, status);
}

/// <summary>
/// Pure retry rules of the outbox: exponential backoff with "equal jitter" (half the step fixed, half random, so
/// replicas that failed together do not retry together), Retry-After honoured up to a cap, a dead letter after
/// <see cref="MaxAttempts"/> or on a permanent refusal.
/// </summary>
public sealed record DeliveryPolicy(int MaxAttempts, TimeSpan FirstRetry, TimeSpan MaxRetry, TimeSpan MaxRetryAfter)
{
    /// <summary>8 attempts over about 2 hours at most: 30 s, 1, 2, 4, 8, 16, 32 min (each 50–100 % of the step), then dead letter.</summary>
    public static readonly DeliveryPolicy Default = new(8, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), TimeSpan.FromHours(1));

    /// <summary>How many attempts the history keeps (the count in <see cref="AlertDelivery.Attempts"/> is exact).</summary>
    public const int HistoryKept = 20;

    /// <summary>The wait before attempt <paramref name="failures"/> + 1; <paramref name="random"/> in [0, 1).</summary>
    public TimeSpan Backoff(int failures, double random)
    {
        var step = Math.Min(MaxRetry.Ticks, FirstRetry.Ticks * Math.Pow(2, Math.Min(failures - 1, 30)));
        return TimeSpan.FromTicks((long)(step * (0.5 + 0.5 * Math.Clamp(random, 0, 1))));
    }

    /// <summary>The delivery after one attempt: delivered, due again later, or dead-lettered. The lease is released.</summary>
    public AlertDelivery Apply(AlertDelivery delivery, SendResult result, DateTimeOffset startedAt, DateTimeOffset now, double random)
    {
        var attempts = delivery.Attempts + 1;
        var attempt = new DeliveryAttempt(startedAt, result.Succeeded, result.Error, (now - startedAt).TotalMilliseconds, result.HttpStatus);
        var history = delivery.History.Append(attempt).TakeLast(HistoryKept).ToList();
        var next = delivery with { Attempts = attempts, History = history, LeaseUntil = null, LeaseOwner = null };
        if (result.Succeeded)
            return next with { State = DeliveryState.Delivered, DeliveredAt = now, LastError = null };
        if (result.Permanent || attempts >= MaxAttempts)
            return next with
            {
                State = DeliveryState.DeadLettered, DeadLetteredAt = now,
                LastError = result.Permanent ? result.Error : $"{result.Error} (gave up after {attempts} attempts)",
            };
        var wait = result.RetryAfter is { } after && after > TimeSpan.Zero
            ? (after < MaxRetryAfter ? after : MaxRetryAfter)
            : Backoff(attempts, random);
        return next with { LastError = result.Error, NextAttemptAt = now + wait };
    }
}
