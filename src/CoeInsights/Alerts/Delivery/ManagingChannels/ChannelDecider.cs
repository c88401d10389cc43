using System.Net;

namespace CoeInsights.Alerts.Delivery.ManagingChannels;

/// <summary>What a caller sends to create or replace a channel. An empty <see cref="Secret"/> on update keeps the stored one.</summary>
public sealed record ChannelInput(string Name, ChannelKind? Kind, string Url, string Secret, IReadOnlyList<string> EmailTo, bool Enabled);

/// <summary>Pure rules of a channel: which fields each kind needs, and the document a create or an update makes.</summary>
public static class ChannelDecider
{
    public const int MaxName = 100;
    public const int MaxUrl = 2000;
    public const int MinSecret = 16;
    public const int MaxSecret = 256;
    public const int MaxAddresses = 50;

    /// <summary>Every bad field at once (INVALID_ARGUMENT); <paramref name="prefix"/> is the request field holding the channel.</summary>
    public static void Validate(ChannelInput input, bool secretRequired, string prefix = "channel.")
    {
        var v = new Validator();
        v.Require(!string.IsNullOrWhiteSpace(input.Name) && input.Name.Trim().Length <= MaxName, prefix + "name", $"must be 1 to {MaxName} characters");
        v.Require(input.Kind is not null, prefix + "kind", "must be WEBHOOK, SLACK, TEAMS or EMAIL");
        if (input.Kind is ChannelKind.Email)
        {
            v.Require(string.IsNullOrEmpty(input.Url), prefix + "url", "must be empty for an EMAIL channel");
            v.Require(string.IsNullOrEmpty(input.Secret), prefix + "secret", "is only for WEBHOOK channels");
            v.Require(input.EmailTo.Count is > 0 and <= MaxAddresses, prefix + "email_to", $"must list 1 to {MaxAddresses} addresses");
            for (var i = 0; i < input.EmailTo.Count; i++)
                v.Require(IsAddress(input.EmailTo[i]), $"{prefix}email_to[{i}]", "must be a mail address (name@example.org)");
        }
        else if (input.Kind is { } kind)
        {
            v.Require(IsReceiverUrl(input.Url), prefix + "url",
                "must be an absolute https URL (http only to a loopback host), at most 2000 characters, without user info");
            v.Require(input.EmailTo.Count == 0, prefix + "email_to", "is only for EMAIL channels");
            if (kind is ChannelKind.Webhook)
            {
                if (secretRequired || !string.IsNullOrEmpty(input.Secret))
                    v.Require(input.Secret.Length is >= MinSecret and <= MaxSecret, prefix + "secret",
                        $"must be {MinSecret} to {MaxSecret} characters (the HMAC-SHA256 key receivers verify the signature with)");
            }
            else
            {
                v.Require(string.IsNullOrEmpty(input.Secret), prefix + "secret", "is only for WEBHOOK channels (Slack and Teams URLs carry their own secret)");
            }
        }
        v.ThrowIfInvalid();
    }

    public static DeliveryChannel Create(Guid id, ChannelInput input, string? requestId, DateTimeOffset now) => new()
    {
        Id = id,
        Name = input.Name.Trim(),
        Kind = input.Kind!.Value,
        Url = input.Kind is ChannelKind.Email ? null : input.Url,
        Secret = input.Kind is ChannelKind.Webhook ? input.Secret : null,
        EmailTo = input.Kind is ChannelKind.Email ? input.EmailTo.Select(a => a.Trim()).ToList() : [],
        Enabled = input.Enabled,
        CreatedAt = now,
        UpdatedAt = now,
        RequestId = string.IsNullOrEmpty(requestId) ? null : requestId,
    };

    /// <summary>The replaced channel; a webhook keeps its secret when none is sent, another kind drops it.</summary>
    public static DeliveryChannel Update(DeliveryChannel current, ChannelInput input, DateTimeOffset now)
    {
        var kind = input.Kind!.Value;
        var secret = kind is ChannelKind.Webhook ? (string.IsNullOrEmpty(input.Secret) ? current.Secret : input.Secret) : null;
        if (kind is ChannelKind.Webhook && string.IsNullOrEmpty(secret))
            throw new InvalidInputException("channel.secret", $"must be {MinSecret} to {MaxSecret} characters: the channel had no secret to keep");
        return Create(current.Id, input with { Secret = secret ?? "" }, current.RequestId, now) with { CreatedAt = current.CreatedAt, Version = current.Version };
    }

    private static bool IsAddress(string address) =>
        !string.IsNullOrWhiteSpace(address) && address.Length <= 254 && System.Net.Mail.MailAddress.TryCreate(address.Trim(), out var parsed)
        && parsed.Address == address.Trim() && parsed.Host.Contains('.', StringComparison.Ordinal);

    private static bool IsReceiverUrl(string url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxUrl || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) return false;
        if (!string.IsNullOrEmpty(uri.UserInfo)) return false;
        return uri.Scheme == Uri.UriSchemeHttps
               || (uri.Scheme == Uri.UriSchemeHttp && (uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip))));
    }
}
