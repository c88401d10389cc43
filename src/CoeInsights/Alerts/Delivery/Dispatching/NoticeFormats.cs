using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CoeInsights.Alerts.Delivery.Dispatching;

/// <summary>
/// The bodies each kind of receiver is sent (docs/alerts.md, "Delivery", shows one of each). Pure: the same delivery
/// always makes the same bytes, so a retry sends what the first attempt sent.
/// </summary>
public static class NoticeFormats
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>The event type of the generic webhook: <c>alert.raised</c>, <c>alert.escalated</c>, ….</summary>
    public static string EventType(AlertNotice notice) => $"alert.{Kind(notice)}";

    public static string Kind(AlertNotice notice) => notice.Kind.ToString().ToLowerInvariant();

    /// <summary>What to do to acknowledge: the alert module's hint, or the alert's id for the AcknowledgeAlert call.</summary>
    public static string Acknowledge(AlertNotice notice) =>
        string.IsNullOrWhiteSpace(notice.AcknowledgeHint)
            ? $"To acknowledge, a designated approver acknowledges alert {notice.AlertId} in CoeInsights (AcknowledgeAlert)."
            : notice.AcknowledgeHint;

    public static string Number(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>"observed 42 vs expected 12.5" (or n/a where the alert module gave no number).</summary>
    public static string ObservedVsExpected(AlertNotice notice) => $"observed {Number(notice.Observed)} vs expected {Number(notice.Expected)}";

    /// <summary>
    /// Generic webhook body, in the Standard Webhooks payload shape (<c>type</c>, <c>timestamp</c>, <c>data</c>;
    /// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md).
    /// </summary>
    public static string Webhook(AlertDelivery delivery)
    {
        var n = delivery.Notice;
        var body = new JsonObject
        {
            ["type"] = EventType(n),
            ["timestamp"] = n.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["data"] = new JsonObject
            {
                ["deliveryId"] = delivery.Id,
                ["tenant"] = delivery.Tenant,
                ["alertId"] = n.AlertId.ToString(),
                ["alertVersion"] = n.Version,
                ["kind"] = Kind(n),
                ["rule"] = n.RuleName,
                ["severity"] = n.Severity,
                ["title"] = n.Title,
                ["body"] = n.Body,
                ["metric"] = n.Metric,
                ["observed"] = n.Observed is { } o && double.IsFinite(o) ? o : null,
                ["expected"] = n.Expected is { } e && double.IsFinite(e) ? e : null,
                ["protocol"] = n.Protocol,
                ["acknowledge"] = Acknowledge(n),
            },
        };
        return body.ToJsonString(Compact);
    }

    /// <summary>
    /// Slack incoming-webhook body: <c>text</c> (the notification and fallback) and Block Kit <c>blocks</c> — a header
    /// (plain_text, at most 150 characters) and mrkdwn sections (at most 3,000 characters each), per
    /// https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks and the Block Kit reference.
    /// </summary>
    public static string Slack(AlertDelivery delivery)
    {
        var n = delivery.Notice;
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = PlainText(Cut($"{n.Severity.ToUpperInvariant()} · {n.Title}", 150)) },
            new JsonObject
            {
                ["type"] = "section",
                ["fields"] = new JsonArray
                {
                    Mrkdwn($"*Rule*\n{Escape(n.RuleName)}"), Mrkdwn($"*Severity*\n{Escape(n.Severity)}"),
                    Mrkdwn($"*Observed*\n{Number(n.Observed)}"), Mrkdwn($"*Expected*\n{Number(n.Expected)}"),
                },
            },
        };
        if (!string.IsNullOrWhiteSpace(n.Body)) blocks.Add(Section(Escape(n.Body)));
        if (!string.IsNullOrWhiteSpace(n.Protocol)) blocks.Add(Section($"*Response protocol*\n{Escape(n.Protocol)}"));
        blocks.Add(new JsonObject { ["type"] = "context", ["elements"] = new JsonArray { Mrkdwn(Escape(Acknowledge(n))) } });
        return new JsonObject
        {
            ["text"] = Cut($"[{n.Severity}] {n.Title} — {n.RuleName}: {ObservedVsExpected(n)}", 3000),
            ["blocks"] = blocks,
        }.ToJsonString(Compact);
    }

    /// <summary>
    /// Microsoft Teams Workflows webhook body ("When a Teams webhook request is received"): a message with one Adaptive
    /// Card attachment (contentType application/vnd.microsoft.card.adaptive, card version 1.4). Workflows accept Adaptive
    /// Cards only, not the legacy Office 365 connector MessageCard
    /// (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using).
    /// </summary>
    public static string Teams(AlertDelivery delivery)
    {
        var n = delivery.Notice;
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = n.Title, ["size"] = "Large", ["weight"] = "Bolder", ["wrap"] = true },
            new JsonObject
            {
                ["type"] = "FactSet",
                ["facts"] = new JsonArray
                {
                    Fact("Rule", n.RuleName), Fact("Severity", n.Severity), Fact("Observed", Number(n.Observed)),
                    Fact("Expected", Number(n.Expected)), Fact("Alert", $"{n.AlertId} ({Kind(n)})"),
                },
            },
        };
        if (!string.IsNullOrWhiteSpace(n.Body)) body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = n.Body, ["wrap"] = true });
        if (!string.IsNullOrWhiteSpace(n.Protocol))
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = "Response protocol", ["weight"] = "Bolder", ["wrap"] = true });
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = n.Protocol, ["wrap"] = true });
        }
        body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = Acknowledge(n), ["isSubtle"] = true, ["wrap"] = true });
        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray
            {
                new JsonObject
                {
                    ["contentType"] = "application/vnd.microsoft.card.adaptive",
                    ["contentUrl"] = null,
                    ["content"] = new JsonObject
                    {
                        ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                        ["type"] = "AdaptiveCard",
                        ["version"] = "1.4",
                        ["body"] = body,
                    },
                },
            },
        }.ToJsonString(Compact);
    }

    public static string EmailSubject(AlertNotice n) => Cut($"[CoE alert] {n.Severity}: {n.Title}", 200).ReplaceLineEndings(" ");

    public static string EmailText(AlertNotice n) => $"""
        {n.Title}

        Rule:     {n.RuleName}
        Severity: {n.Severity}
        Notice:   {Kind(n)} (alert {n.AlertId}, version {n.Version})
        {(string.IsNullOrEmpty(n.Metric) ? "Metric:   n/a" : $"Metric:   {n.Metric}")}
        Observed: {Number(n.Observed)}
        Expected: {Number(n.Expected)}

        {n.Body}

        Response protocol:
        {(string.IsNullOrWhiteSpace(n.Protocol) ? "(none given)" : n.Protocol)}

        {Acknowledge(n)}
        """;

    public static string EmailHtml(AlertNotice n)
    {
        static string H(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body>");
        html.Append("<h1>").Append(H(n.Title)).Append("</h1>");
        html.Append("<table>");
        foreach (var (k, v) in new[]
                 {
                     ("Rule", n.RuleName), ("Severity", n.Severity), ("Notice", $"{Kind(n)} (alert {n.AlertId}, version {n.Version})"),
                     ("Metric", string.IsNullOrEmpty(n.Metric) ? "n/a" : n.Metric), ("Observed", Number(n.Observed)), ("Expected", Number(n.Expected)),
                 })
            html.Append("<tr><th align=\"left\">").Append(H(k)).Append("</th><td>").Append(H(v)).Append("</td></tr>");
        html.Append("</table>");
        if (!string.IsNullOrWhiteSpace(n.Body)) html.Append("<p>").Append(H(n.Body)).Append("</p>");
        html.Append("<h2>Response protocol</h2><p style=\"white-space:pre-wrap\">")
            .Append(H(string.IsNullOrWhiteSpace(n.Protocol) ? "(none given)" : n.Protocol)).Append("</p>");
        html.Append("<p><strong>").Append(H(Acknowledge(n))).Append("</strong></p>");
        html.Append("</body></html>");
        return html.ToString();
    }

    /// <summary>
    /// The Standard Webhooks signature header value: <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
    /// A secret "whsec_…" is base64 after the prefix (the specification's form); any other secret is used as its UTF-8 bytes.
    /// </summary>
    public static string Signature(string secret, string id, long timestamp, string body)
    {
        var content = Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(SigningKey(secret), content));
    }

    public static byte[] SigningKey(string secret)
    {
        if (secret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            var rest = secret["whsec_".Length..];
            var buffer = new byte[rest.Length];
            if (Convert.TryFromBase64String(rest, buffer, out var written)) return buffer[..written];
        }
        return Encoding.UTF8.GetBytes(secret);
    }

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };

    private static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = Cut(text, 2000) };

    private static JsonObject Section(string text) => new() { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut(text, 3000) } };

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };

    /// <summary>Slack's mrkdwn needs &amp;, &lt; and &gt; escaped (https://docs.slack.dev/messaging/formatting-message-text).</summary>
    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
