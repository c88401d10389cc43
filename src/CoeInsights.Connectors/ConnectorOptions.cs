namespace CoeInsights.Connectors;

/// <summary>
/// Section <c>Coe:Connectors</c>. Access tokens come from configuration or the environment
/// (e.g. <c>Coe__Connectors__Sprout__0__AccessToken</c>) and are never logged nor returned by the API.
/// </summary>
public sealed class ConnectorsOptions
{
    public const string Section = "Coe:Connectors";

    public List<SproutConnectorOptions> Sprout { get; set; } = [];
    public List<PowerBiConnectorOptions> PowerBi { get; set; } = [];
    public ConnectorResilienceOptions Resilience { get; set; } = new();

    public IEnumerable<ConnectorOptions> All => Sprout.Cast<ConnectorOptions>().Concat(PowerBi);

    public ConnectorOptions? Find(string name) => All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
}

public abstract class ConnectorOptions
{
    /// <summary>Unique across all connectors; the HttpClient, the checkpoints and the idempotency keys are named after it.</summary>
    public string Name { get; set; } = "";
    /// <summary>The tenant whose data the connector reads or writes.</summary>
    public string Tenant { get; set; } = "default";
    public Uri BaseAddress { get; set; } = null!;
    /// <summary>Bearer token. A secret: never logged. (Power BI: unused when <see cref="PowerBiConnectorOptions.ClientId"/> is set.)</summary>
    public string AccessToken { get; set; } = "";
    /// <summary>How often the background service runs it; zero or absent: only on TriggerSync.</summary>
    public TimeSpan SyncInterval { get; set; }
}

/// <summary>Pulls daily profile analytics from Sprout Social into KPI batches. Limits default to the documented ones (docs/connectors.md).</summary>
public sealed class SproutConnectorOptions : ConnectorOptions
{
    public SproutConnectorOptions() => BaseAddress = new Uri("https://api.sproutsocial.com");

    /// <summary>0: the one customer metadata/client returns for the token; required when the token sees several.</summary>
    public long CustomerId { get; set; }
    /// <summary>Sprout customer_profile_ids to sync; empty: every profile of the customer.</summary>
    public List<long> ProfileIds { get; set; } = [];
    /// <summary>The first day of a first sync (no checkpoint yet).</summary>
    public DateOnly StartDate { get; set; } = new(2024, 1, 1);
    /// <summary>
    /// Overrides of the zone Sprout reports a network's days in, by network name (facebook, instagram, x, linkedin, tiktok,
    /// youtube, threads) → IANA id. Absent: Sprout's documented zone (Pacific for Facebook, Instagram, YouTube; UTC for the others).
    /// </summary>
    public Dictionary<string, string> TimeZones { get; set; } = [];
    /// <summary>
    /// Listening Topic ids to sync (mentions and their sentiment split, per day, into a profile per topic); empty: none
    /// (Listening is a product of its own in Sprout).
    /// </summary>
    public List<long> TopicIds { get; set; } = [];
    /// <summary>
    /// Listening Topics of competitors, synced like <see cref="TopicIds"/> into competitor profiles: Sprout documents no share
    /// of voice metric, so share of voice is computed from the topics' documented <c>messages_count</c> (owned mentions /
    /// all mentions, the KPI deck's "Share of voice (mentions)").
    /// </summary>
    public List<long> CompetitorTopicIds { get; set; } = [];
    /// <summary>The zone the topics' days are asked in (the documented <c>timezone</c> parameter).</summary>
    public string ListeningTimeZone { get; set; } = "UTC";
    /// <summary>
    /// Also sync the profiles' inbox messages (Sprout's Messages endpoint) into messages_received, messages_answered and
    /// median_response_time per profile and day of receipt (response rate: the derived KPI response_rate). Off by default:
    /// one more request per window and profile group.
    /// </summary>
    public bool SyncInboxMessages { get; set; }
    /// <summary>Business unit for profiles registered on first sight.</summary>
    public string BusinessUnit { get; set; } = "Social";
    /// <summary>Days per analytics request; capped at 365 (documented: at most one year per request) and by <see cref="MaxResultsPerRequest"/>.</summary>
    public int MaxDaysPerRequest { get; set; } = 31;
    /// <summary>Documented: at most 100 profiles per analytics request.</summary>
    public int MaxProfilesPerRequest { get; set; } = 100;
    /// <summary>Documented: results past 10,000 are truncated; a request asks for at most this many profile-days.</summary>
    public int MaxResultsPerRequest { get; set; } = 10_000;
    /// <summary>Documented: 60 requests per minute per customer account.</summary>
    public int MaxRequestsPerMinute { get; set; } = 60;
    /// <summary>Retries of a 202 ("not ready, retry"), waiting NotReadyDelay, doubling.</summary>
    public int NotReadyRetries { get; set; } = 5;
    public TimeSpan NotReadyDelay { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>Retries of a 429, waiting TooManyRequestsDelay (one rate window), doubling, at most 8 windows.</summary>
    public int TooManyRequestsRetries { get; set; } = 5;
    public TimeSpan TooManyRequestsDelay { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>From this day on, Facebook's <c>impressions</c> (Meta's views since its deprecation of Page impressions) is recorded as <c>views</c>.</summary>
    public DateOnly FacebookViewsSince { get; set; } = Sprout.SproutMetricMap.FacebookViewsSince;
    /// <summary>
    /// Every sync reads the last RestateDays days up to the checkpoint again: a value the platform restated since is
    /// recorded as a new version (the old one kept), an unchanged one stores nothing. 0: never re-read.
    /// </summary>
    public int RestateDays { get; set; } = 3;

    /// <summary>
    /// With a ClientId, the connector gets its access token itself by Sprout's documented machine-to-machine OAuth (client
    /// credentials grant against Sprout's identity server) and renews it before it expires; without, <see cref="ConnectorOptions.AccessToken"/> (an API token) is sent as it is.
    /// </summary>
    public string ClientId { get; set; } = "";
    /// <summary>A secret: never logged, stored or returned.</summary>
    public string ClientSecret { get; set; } = "";
    /// <summary>The documented token endpoint of Sprout's identity server.</summary>
    public Uri TokenEndpoint { get; set; } = new("https://identity.sproutsocial.com/oauth2/84e39c75-d770-45d9-90a9-7b79e3037d2c/v1/token");
    /// <summary>The documented example requests <c>scope=organization_id</c>.</summary>
    public string Scope { get; set; } = "organization_id";

    public bool UsesClientCredentials => !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>The IANA zone Sprout reports <paramref name="network"/>'s days in.</summary>
    public string ZoneOf(Sprout.SproutNetwork network) => TimeZones.TryGetValue(network.Name, out var z) && !string.IsNullOrWhiteSpace(z) ? z : network.TimeZone;
}

/// <summary>
/// Pushes FactKpi and FactScore rows to a Power BI push dataset. Limits default to the documented ones
/// (https://learn.microsoft.com/en-us/power-bi/developer/embedded/push-datasets-limitations).
/// </summary>
public sealed class PowerBiConnectorOptions : ConnectorOptions
{
    public PowerBiConnectorOptions() => BaseAddress = new Uri("https://api.powerbi.com");

    public string DatasetName { get; set; } = "CoeInsights";
    /// <summary>
    /// The Power BI workspace (group id) that holds the dataset. Required with a service principal (<see cref="ClientId"/>): a service
    /// principal has no "My workspace"; empty with a user's <see cref="ConnectorOptions.AccessToken"/> means My workspace.
    /// </summary>
    public string WorkspaceId { get; set; } = "";

    /// <summary>The REST path segment after <c>/v1.0/myorg</c>: <c>""</c> (My workspace) or <c>/groups/{WorkspaceId}</c>.</summary>
    public string ApiScope => string.IsNullOrWhiteSpace(WorkspaceId) ? "" : $"/groups/{Uri.EscapeDataString(WorkspaceId.Trim())}";
    /// <summary>Documented: 10,000 rows per POST rows request.</summary>
    public int MaxRowsPerRequest { get; set; } = 10_000;
    /// <summary>Documented: 120 POST rows requests per minute per dataset.</summary>
    public int MaxRequestsPerWindow { get; set; } = 120;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Documented: 1,000,000 rows added per hour per dataset.</summary>
    public long MaxRowsPerHour { get; set; } = 1_000_000;
    /// <summary>Documented: 120 POST rows requests per hour once a table holds <see cref="LargeTableRows"/> rows or more.</summary>
    public int MaxRequestsPerHourLargeTable { get; set; } = 120;
    public long LargeTableRows { get; set; } = 250_000;
    /// <summary>
    /// How long one run may wait for Power BI (429 Retry-After): a longer wait ends the run as deferred, and the next run
    /// continues where it stopped.
    /// </summary>
    public TimeSpan RunBudget { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// With a ClientId, the connector acquires its Microsoft Entra token itself (OAuth 2.0 client credentials grant of a service
    /// principal allowed to use the Power BI REST API) and renews it shortly before it expires; without, <see cref="ConnectorOptions.AccessToken"/> is sent as it is.
    /// </summary>
    public string ClientId { get; set; } = "";
    /// <summary>The app registration's client secret. A secret: never logged, stored or returned.</summary>
    public string ClientSecret { get; set; } = "";
    /// <summary>The Microsoft Entra tenant (directory id or domain) of the app registration.</summary>
    public string EntraTenantId { get; set; } = "";
    /// <summary>
    /// The Microsoft Entra authority host (Azure.Identity's <c>AuthorityHost</c>): the public cloud by default, or a national cloud's
    /// (<c>AzureAuthorityHosts</c>). Another host (a private cloud, or the tests' fake) gets no instance discovery, as Azure.Identity's
    /// <c>DisableInstanceDiscovery</c> documents for hosts whose metadata endpoint cannot be reached.
    /// </summary>
    public Uri AuthorityHost { get; set; } = Azure.Identity.AzureAuthorityHosts.AzurePublicCloud;
    public string Scope { get; set; } = "https://analysis.windows.net/powerbi/api/.default";

    public bool UsesClientCredentials => !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>Where Azure.Identity asks for the token: <c>{AuthorityHost}/{EntraTenantId}/oauth2/v2.0/token</c>.</summary>
    public Uri TokenEndpoint => new(AuthorityHost, $"{Uri.EscapeDataString(EntraTenantId)}/oauth2/v2.0/token");
}

/// <summary>The HTTP resilience pipeline of every connector client (outermost first: total timeout, retry, breaker, attempt timeout).</summary>
public sealed class ConnectorResilienceOptions
{
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public int MaxRetryAttempts { get; set; } = 5;
    /// <summary>First backoff delay (exponential, jittered) when the server names no Retry-After.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);
    public double BreakerFailureRatio { get; set; } = 0.5;
    public int BreakerMinimumThroughput { get; set; } = 10;
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
