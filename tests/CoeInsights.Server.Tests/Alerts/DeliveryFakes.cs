using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CoeInsights.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace CoeInsights.Server.Tests.Alerts;

/// <summary>One request the receiver took (whatever it answered).</summary>
public sealed record ReceivedRequest(string Path, string Body, IReadOnlyDictionary<string, string> Headers, int Answered, DateTimeOffset At);

/// <summary>
/// A local HTTP receiver on a fixed loopback port, started and stopped at will (stopped = nothing listens: connection
/// refused, as for a receiver that is down). It answers as the vendors document:
/// <list type="bullet">
/// <item>/hook: a Standard Webhooks consumer (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md,
/// "Verifying webhook authenticity"): it recomputes v1 = base64(HMAC-SHA256(secret, id.timestamp.body)), refuses a
/// missing or wrong signature or a timestamp more than 5 minutes off with 401, and answers 2xx on success.</item>
/// <item>/slack/{hook}: a Slack incoming webhook (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks;
/// success as in https://docs.slack.dev/tools/python-slack-sdk/webhook, error strings from https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks): 200 with body
/// "ok"; 400 "invalid_payload" when the body is not JSON of a message (text or blocks); 410 "channel_is_archived" for an
/// archived channel; 404 "channel_not_found" for an unknown hook.</item>
/// <item>/teams: a Teams Workflows webhook trigger ("When a Teams webhook request is received"), which accepts Adaptive
/// Cards only (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using,
/// "Known issues"): 202 Accepted for a message whose attachments are application/vnd.microsoft.card.adaptive with a
/// content of type AdaptiveCard, 400 otherwise.</item>
/// </list>
/// <see cref="Script"/> queues answers that go first (e.g. 503, or 429 with Retry-After).
/// </summary>
public sealed class FakeReceiver : IAsyncDisposable
{
    private WebApplication? _app;

    public FakeReceiver() => Port = LoopbackPorts.Free(1)[0];

    public int Port { get; }
    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";
    public string WebhookSecret { get; set; } = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("a receiver's 32-byte test secret!"));
    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();
    public ConcurrentQueue<(int Status, string? RetryAfter)> Script { get; } = new();
    /// <summary>Slack hooks whose channel is archived (410).</summary>
    public ConcurrentDictionary<string, bool> ArchivedSlackHooks { get; } = new();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        var app = builder.Build();
        app.MapPost("/hook", (Delegate)(async (HttpContext c) => await Answer(c, Webhook)));
        app.MapPost("/slack/{**hook}", (Delegate)(async (HttpContext c) => await Answer(c, Slack)));
        app.MapPost("/teams", (Delegate)(async (HttpContext c) => await Answer(c, Teams)));
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task Answer(HttpContext c, Func<HttpContext, string, (int, string)> vendor)
    {
        using var reader = new StreamReader(c.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = c.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        int status;
        string text;
        if (Script.TryDequeue(out var scripted))
        {
            (status, text) = (scripted.Status, "");
            if (scripted.RetryAfter is { } after) c.Response.Headers.RetryAfter = after;
        }
        else (status, text) = vendor(c, body);
        Received.Enqueue(new ReceivedRequest(c.Request.Path, body, headers, status, DateTimeOffset.UtcNow));
        c.Response.StatusCode = status;
        if (text.Length > 0) await c.Response.WriteAsync(text);
    }

    private (int, string) Webhook(HttpContext c, string body)
    {
        var id = c.Request.Headers["webhook-id"].ToString();
        var timestamp = c.Request.Headers["webhook-timestamp"].ToString();
        var signatures = c.Request.Headers["webhook-signature"].ToString();
        if (!long.TryParse(timestamp, out var seconds) || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300) return (401, "bad timestamp");
        var key = Convert.FromBase64String(WebhookSecret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        // The header may carry several space-separated signatures; one match is enough.
        return signatures.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected)))
            ? (204, "")
            : (401, "bad signature");
    }

    private (int, string) Slack(HttpContext c, string body)
    {
        var hook = ((string)c.Request.RouteValues["hook"]!).Split('/')[0];
        if (!hook.StartsWith('T')) return (404, "channel_not_found");
        if (ArchivedSlackHooks.ContainsKey(hook)) return (410, "channel_is_archived");
        if (c.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true) return (400, "invalid_payload");
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var hasText = root.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String && t.GetString()!.Length > 0;
            var hasBlocks = root.TryGetProperty("blocks", out var b) && b.ValueKind == JsonValueKind.Array && b.GetArrayLength() > 0;
            return hasText || hasBlocks ? (200, "ok") : (400, "invalid_payload");
        }
        catch (JsonException)
        {
            return (400, "invalid_payload");
        }
    }

    private (int, string) Teams(HttpContext c, string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var ok = root.GetProperty("type").GetString() == "message"
                     && root.GetProperty("attachments").EnumerateArray().Any(a =>
                         a.GetProperty("contentType").GetString() == "application/vnd.microsoft.card.adaptive"
                         && a.GetProperty("content").GetProperty("type").GetString() == "AdaptiveCard");
            return ok ? (202, "") : (400, "The request body is not an Adaptive Card message");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (400, "The request body is not an Adaptive Card message");
        }
    }
}

/// <summary>
/// A real SMTP server: aiosmtpd (Debian's python3-aiosmtpd) run as a subprocess with its Mailbox handler, which stores
/// every message it accepts in a Maildir (new/) with X-MailFrom and X-RcptTo headers added.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; } = LoopbackPorts.Free(1)[0];
    public string Maildir { get; } = TestPostgres.NewFolder("maildir");

    public async Task StartAsync()
    {
        // A Maildir is the folder with tmp/, new/ and cur/ (Python's mailbox.Maildir creates them only for a new folder).
        foreach (var sub in new[] { "tmp", "new", "cur" }) Directory.CreateDirectory(Path.Combine(Maildir, sub));
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", Maildir },
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        _process = Process.Start(start)!;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, Port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public IReadOnlyList<MimeMessage> Messages()
    {
        var folder = Path.Combine(Maildir, "new");
        return Directory.Exists(folder) ? [.. Directory.GetFiles(folder).Order().Select(f => MimeMessage.Load(f))] : [];
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
        _process?.Dispose();
    }
}
