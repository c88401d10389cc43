using CoeInsights.Alerts.Delivery.Dispatching;

namespace CoeInsights.Server.Alerts.Delivery;

/// <summary>Section Coe:Delivery: how the outbox dispatcher retries and how long it waits (docs/alerts.md, "Delivery").</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Coe:Delivery";

    /// <summary>Attempts before a delivery is dead-lettered (1 … 50).</summary>
    public int MaxAttempts { get; set; } = DeliveryPolicy.Default.MaxAttempts;
    /// <summary>The first wait after a failure; it doubles per failure up to <see cref="MaxRetry"/>, each wait 50–100 % of its step.</summary>
    public TimeSpan FirstRetry { get; set; } = DeliveryPolicy.Default.FirstRetry;
    public TimeSpan MaxRetry { get; set; } = DeliveryPolicy.Default.MaxRetry;
    /// <summary>A receiver's Retry-After is honoured up to this.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = DeliveryPolicy.Default.MaxRetryAfter;
    /// <summary>Without a notification the dispatcher looks for due deliveries after this anyway (retries fall due silently).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>One attempt's time limit (HTTP request or SMTP session).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>How long a claimed delivery is this replica's; a replica that died mid-send frees it after this.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>Deliveries claimed per round, and sent concurrently.</summary>
    public int BatchSize { get; set; } = 16;
    /// <summary>Off: this replica sends nothing (another replica, or none, dispatches).</summary>
    public bool Enabled { get; set; } = true;

    public DeliveryPolicy Policy() => new(Math.Clamp(MaxAttempts, 1, 50), FirstRetry, MaxRetry, MaxRetryAfter);
}

/// <summary>How SMTP connects: <c>Auto</c> lets MailKit choose (SSL on port 465, STARTTLS when offered), as MailKit's SecureSocketOptions.</summary>
public enum SmtpSecurity { Auto, None, StartTls, StartTlsWhenAvailable, SslOnConnect }

/// <summary>Section Coe:Smtp: the mail server email channels and notice recipients are sent through.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Coe:Smtp";

    /// <summary>Empty: no mail is sent; email deliveries dead-letter with "SMTP is not configured".</summary>
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;
    /// <summary>Empty: no authentication.</summary>
    public string Username { get; set; } = "";
    public string Password { get; set; } = "";
    /// <summary>The From address (and display name, "CoE alerts &lt;alerts@example.org&gt;").</summary>
    public string From { get; set; } = "";
}
