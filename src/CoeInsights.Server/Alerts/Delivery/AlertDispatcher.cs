using System.Diagnostics;
using CoeInsights.Alerts.Delivery;
using CoeInsights.Alerts.Delivery.Dispatching;
using CoeInsights.Server.Hosting;
using CoeInsights.Store;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CoeInsights.Server.Alerts.Delivery;

/// <summary>
/// Drains the alert outbox of every tenant. Woken by the LISTEN/NOTIFY <see cref="ChangeNotifier"/> (key
/// <see cref="ChangeKeys.AlertDeliveries"/>, sent in the transaction that enqueues), and otherwise every
/// <see cref="DeliveryOptions.PollInterval"/> or when the earliest retry falls due. Safe with several replicas: a round
/// claims due rows with <c>FOR UPDATE SKIP LOCKED</c> and stamps a lease (owner + expiry) in the same statement, so two
/// replicas never claim one row; the result is written only while this replica still owns the lease. A replica that
/// dies mid-send frees its rows when the lease passes (the receiver may then see that notice twice, with the same
/// webhook-id / Message-ID to drop it by): at least once, never lost.
/// </summary>
public sealed partial class AlertDispatcher(
    IDocumentStore store, ChangeNotifier notifier, NoticeSenders senders, IOptions<DeliveryOptions> options, TimeProvider clock,
    ILogger<AlertDispatcher> log) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled) return;
        using var wake = notifier.Subscribe(ChangeKeys.AlertDeliveries);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var claimed = await RunOnceAsync(stoppingToken);
                // A full batch: more may be due at once.
                if (claimed >= settings.BatchSize) continue;
                wait = await UntilNextDueAsync(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or IOException)
            {
                LogRoundFailed(e.Message);
                wait = settings.PollInterval;
            }
            try
            {
                if (wait > TimeSpan.Zero) await wake.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Claims what is due now and sends it; how many were claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var claimed = await ClaimAsync(settings.BatchSize, settings.Lease, ct);
        await Task.WhenAll(claimed.Select(d => DeliverAsync(d, settings.Policy(), ct)));
        return claimed.Count;
    }

    private string Table => store.Options.Schema.For<AlertDelivery>();

    private async Task<IReadOnlyList<AlertDelivery>> ClaimAsync(int limit, TimeSpan lease, CancellationToken ct)
    {
        var serializer = store.Options.Serializer();
        var now = clock.GetUtcNow();
        await using var connection = await OpenAsync(ct);
        // Dates are compared as timestamptz (the documents hold ISO 8601 with offset); the state as the serializer writes it.
        await using var command = new NpgsqlCommand($"""
            with due as (
              select tenant_id, id from {Table}
              where data->>'state' = @pending
                and (data->>'nextAttemptAt')::timestamptz <= @now
                and (data->>'leaseUntil' is null or (data->>'leaseUntil')::timestamptz <= @now)
              order by (data->>'nextAttemptAt')::timestamptz
              limit @limit
              for update skip locked)
            update {Table} t
               set data = t.data || jsonb_build_object('leaseUntil', @until, 'leaseOwner', @owner), mt_last_modified = now()
              from due where t.tenant_id = due.tenant_id and t.id = due.id
            returning t.data
            """, connection);
        command.Parameters.AddWithValue("pending", serializer.ToJson(DeliveryState.Pending).Trim('"'));
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("until", Iso(now + lease));
        command.Parameters.AddWithValue("owner", _owner);
        var rows = new List<AlertDelivery>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(serializer.FromJson<AlertDelivery>(reader, 0));
        return rows;
    }

    private async Task DeliverAsync(AlertDelivery delivery, DeliveryPolicy policy, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        SendResult result;
        try
        {
            DeliveryChannel? channel = null;
            if (delivery.ChannelId is { } channelId)
            {
                await using var query = store.QuerySession(delivery.Tenant);
                channel = await query.LoadAsync<DeliveryChannel>(channelId, ct);
            }
            result = await senders.SendAsync(delivery, channel, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down mid-send: hand the row back at once rather than when the lease passes (a replica that is
            // killed instead cannot, and its rows wait for the lease).
            await ReleaseAsync(delivery);
            return;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or HttpRequestException or IOException or FormatException or ArgumentException)
        {
            result = SendResult.Transient(e.Message);
        }
        var next = policy.Apply(delivery, result, started, started + watch.Elapsed, Random.Shared.NextDouble());
        var written = await FinishAsync(next, ct);
        if (!written) LogLeaseLost(delivery.Id);
        else if (next.State is DeliveryState.DeadLettered) LogDeadLettered(delivery.Id, delivery.Target, next.Attempts, next.LastError ?? "");
        else if (next.State is DeliveryState.Pending) LogRetry(delivery.Id, delivery.Target, next.Attempts, next.NextAttemptAt, next.LastError ?? "");
    }

    /// <summary>Writes the outcome if the lease is still ours (a replica that took over after it passed wins).</summary>
    private async Task<bool> FinishAsync(AlertDelivery next, CancellationToken ct)
    {
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(
            $"update {Table} set data = @data::jsonb, mt_last_modified = now() where tenant_id = @tenant and id = @id and data->>'leaseOwner' = @owner",
            connection);
        command.Parameters.AddWithValue("data", store.Options.Serializer().ToJson(next));
        command.Parameters.AddWithValue("tenant", next.Tenant);
        command.Parameters.AddWithValue("id", next.Id);
        command.Parameters.AddWithValue("owner", _owner);
        // Not cancelled by shutdown: an attempt that was made is recorded.
        _ = ct;
        return await command.ExecuteNonQueryAsync(CancellationToken.None) == 1;
    }

    private async Task ReleaseAsync(AlertDelivery delivery)
    {
        try
        {
            await using var connection = await OpenAsync(CancellationToken.None);
            await using var command = new NpgsqlCommand(
                $"update {Table} set data = data || jsonb_build_object('leaseUntil', null, 'leaseOwner', null) where tenant_id = @tenant and id = @id and data->>'leaseOwner' = @owner",
                connection);
            command.Parameters.AddWithValue("tenant", delivery.Tenant);
            command.Parameters.AddWithValue("id", delivery.Id);
            command.Parameters.AddWithValue("owner", _owner);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException e)
        {
            LogRoundFailed(e.Message); // the lease passes instead
        }
    }

    /// <summary>How long until the earliest pending delivery falls due (at most <paramref name="max"/>).</summary>
    private async Task<TimeSpan> UntilNextDueAsync(TimeSpan max, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand($"""
            select min(greatest((data->>'nextAttemptAt')::timestamptz, coalesce((data->>'leaseUntil')::timestamptz, '-infinity'))) from {Table}
            where data->>'state' = @pending
            """, connection);
        command.Parameters.AddWithValue("pending", store.Options.Serializer().ToJson(DeliveryState.Pending).Trim('"'));
        var next = await command.ExecuteScalarAsync(ct);
        if (next is not DateTime due) return max;
        var wait = new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc)) - clock.GetUtcNow();
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait < max ? wait : max;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        return connection;
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'+00:00'", System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert delivery round failed; trying again shortly: {Error}")]
    private partial void LogRoundFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert delivery {Id} was taken over by another dispatcher after its lease passed; its outcome here is not recorded")]
    private partial void LogLeaseLost(string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert delivery {Id} to {Target} dead-lettered after {Attempts} attempts: {Error}")]
    private partial void LogDeadLettered(string id, string target, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert delivery {Id} to {Target} failed (attempt {Attempts}), next at {Next:O}: {Error}")]
    private partial void LogRetry(string id, string target, int attempts, DateTimeOffset next, string error);
}
