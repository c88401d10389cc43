using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using CoeInsights.Alerts.Delivery;
using CoeInsights.Alerts.Delivery.Dispatching;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CoeInsights.Server.Alerts.Delivery;

/// <summary>
/// Hands one delivery to its receiver. HTTP kinds go through the named client <see cref="HttpClientName"/>
/// (IHttpClientFactory) without a resilience handler: the outbox retries durably, so an in-process retry would only
/// hide attempts from the record and hold the lease longer.
/// </summary>
public sealed class NoticeSenders(IHttpClientFactory http, IOptions<SmtpOptions> smtp, IOptions<DeliveryOptions> options, TimeProvider clock)
{
    public const string HttpClientName = "coe-alert-delivery";

    public async Task<SendResult> SendAsync(AlertDelivery delivery, DeliveryChannel? channel, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.AttemptTimeout);
        try
        {
            if (delivery.Email is { } address) return await MailAsync([address], delivery.Notice, timeout.Token);
            if (channel is null) return SendResult.Refused("the delivery channel was deleted");
            if (!channel.Enabled) return SendResult.Refused($"the delivery channel '{channel.Name}' is disabled");
            return channel.Kind switch
            {
                ChannelKind.Email => await MailAsync(channel.EmailTo, delivery.Notice, timeout.Token),
                ChannelKind.Webhook => await PostAsync(channel, NoticeFormats.Webhook(delivery), delivery, signed: true, timeout.Token),
                ChannelKind.Slack => await PostAsync(channel, NoticeFormats.Slack(delivery), delivery, signed: false, timeout.Token),
                _ => await PostAsync(channel, NoticeFormats.Teams(delivery), delivery, signed: false, timeout.Token),
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return SendResult.Transient($"no answer within {options.Value.AttemptTimeout.TotalSeconds:0.#} s");
        }
    }

    private async Task<SendResult> PostAsync(DeliveryChannel channel, string body, AlertDelivery delivery, bool signed, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signed)
        {
            // Standard Webhooks (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
            // the id stays the same on every retry (receivers drop duplicates by it), the timestamp is this attempt's.
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            request.Headers.Add("webhook-id", delivery.Id);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", NoticeFormats.Signature(channel.Secret ?? "", delivery.Id, timestamp, body));
        }
        HttpResponseMessage response;
        try
        {
            response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            return SendResult.Transient($"could not reach {Host(channel.Url)}: {e.HttpRequestError} ({(e.InnerException as SocketException)?.SocketErrorCode.ToString() ?? e.Message})");
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return SendResult.Ok(status);
            var text = await ReadShort(response, ct);
            var error = $"{Host(channel.Url)} answered {status} {response.ReasonPhrase}{(text.Length > 0 ? $": {text}" : "")}";
            return Classify(status, error, RetryAfter(response.Headers.RetryAfter));
        }
    }

    /// <summary>
    /// 408, 429 and 5xx are worth another try (429/503 after Retry-After); any other status is the receiver's final
    /// word (Slack: 400 invalid_payload, 403 action_prohibited, 404 channel_not_found, 410 channel_is_archived). Redirects
    /// are not followed (the client is built without), so a 3xx is refused too: the channel's URL needs fixing.
    /// </summary>
    public static SendResult Classify(int status, string error, TimeSpan? retryAfter) =>
        status is 408 or 429 || status >= 500
            ? SendResult.Transient(error, status, retryAfter)
            : SendResult.Refused(error, status);

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) =>
        header?.Delta ?? (header?.Date is { } date ? date - clock.GetUtcNow() : null);

    private static async Task<string> ReadShort(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            text = text.ReplaceLineEndings(" ").Trim();
            return text.Length <= 200 ? text : text[..200] + "…";
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }

    /// <summary>Scheme and host only: Slack and Teams URLs carry their secret in the path, which must not reach logs or answers.</summary>
    public static string Host(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var u) ? $"{u.Scheme}://{u.Authority}" : "(no url)";

    private async Task<SendResult> MailAsync(IReadOnlyList<string> to, CoeInsights.Alerts.AlertNotice notice, CancellationToken ct)
    {
        var settings = smtp.Value;
        if (string.IsNullOrWhiteSpace(settings.Host)) return SendResult.Refused("SMTP is not configured (Coe:Smtp:Host): set it, then requeue");
        if (!MailboxAddress.TryParse(settings.From, out var from)) return SendResult.Refused("Coe:Smtp:From is not a mail address: set it, then requeue");
        var message = new MimeMessage();
        message.From.Add(from);
        foreach (var address in to) message.To.Add(MailboxAddress.Parse(address));
        message.Subject = NoticeFormats.EmailSubject(notice);
        // A receiving system that threads by Message-ID sees every retry of one notice as one message.
        message.MessageId = $"{notice.AlertId:N}.{notice.Version}@coeinsights";
        message.Headers.Add("X-Coe-Alert-Id", notice.AlertId.ToString());
        message.Body = new BodyBuilder { TextBody = NoticeFormats.EmailText(notice), HtmlBody = NoticeFormats.EmailHtml(notice) }.ToMessageBody();

        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, settings.Security switch
            {
                SmtpSecurity.None => SecureSocketOptions.None,
                SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
                SmtpSecurity.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.Auto,
            }, ct);
            if (!string.IsNullOrEmpty(settings.Username)) await client.AuthenticateAsync(settings.Username, settings.Password, ct);
            await client.SendAsync(message, ct);
            await client.DisconnectAsync(quit: true, ct);
            return SendResult.Ok();
        }
        // RFC 5321 §4.2.1: 5yz is a permanent negative reply, 4yz a transient one.
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            return SendResult.Refused($"the mail server refused ({(int)e.StatusCode} {e.ErrorCode}): {e.Message}");
        }
        catch (SmtpCommandException e)
        {
            return SendResult.Transient($"the mail server deferred ({(int)e.StatusCode} {e.ErrorCode}): {e.Message}");
        }
        catch (AuthenticationException e)
        {
            return SendResult.Refused($"the mail server refused the credentials of Coe:Smtp:Username: {e.Message}");
        }
        catch (Exception e) when (e is SmtpProtocolException or SocketException or IOException or ServiceNotConnectedException or SslHandshakeException)
        {
            return SendResult.Transient($"could not reach the mail server {settings.Host}:{settings.Port}: {e.Message}");
        }
    }
}
