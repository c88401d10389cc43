namespace CoeInsights.Server.Hosting;

/// <summary>Section "Coe" of the configuration (environment: COE__GRPCPORT etc., or the flat COE_* names below).</summary>
public sealed class CoeServerOptions
{
    public const string Section = "Coe";

    /// <summary>Interface to listen on. Loopback by default: put a TLS-terminating proxy in front to expose it.</summary>
    public string Address { get; set; } = "127.0.0.1";
    /// <summary>gRPC (HTTP/2, cleartext). 0 picks a free port.</summary>
    public int GrpcPort { get; set; } = 5080;
    /// <summary>The same API as JSON over HTTP/1.1 (gRPC JSON transcoding). 0 picks a free port; -1 turns it off.</summary>
    public int HttpPort { get; set; } = 5081;
    /// <summary>Holds the embedded cluster (pgdata/), its password and the bootstrap admin key file.</summary>
    public string DataDirectory { get; set; } = ".coe";
    /// <summary>Marten schema holding every table.</summary>
    public string Schema { get; set; } = CoeInsights.Store.CoeStore.DefaultSchema;
    /// <summary>Solo, HotCold or Disabled. Empty: Solo on the embedded cluster (one node by construction), HotCold otherwise.</summary>
    public string DaemonMode { get; set; } = "";
    /// <summary>Base of download links handed to browsers (e.g. https://coe.example.com behind a proxy). Empty: the JSON port's address.</summary>
    public string PublicBaseUrl { get; set; } = "";
    /// <summary>Largest request on either port, in bytes: one gRPC message, or one JSON body (docs/limits.md). Default 4 MiB.</summary>
    public int MaxMessageBytes { get; set; } = MessageSizeLimit.DefaultMaxMessageBytes;
    /// <summary>How often an open stream re-checks its API key (a revoked key ends it within this time). At most 5 s.</summary>
    public TimeSpan StreamKeyCheckInterval { get; set; } = Auth.StreamKeyGuard.DefaultCheckInterval;
    /// <summary>
    /// Watches (evaluations, alerts) are woken by PostgreSQL LISTEN/NOTIFY; without a notification they read again after
    /// 80–100 % of this anyway. A safety net only (a lost LISTEN connection already wakes every watch when it is back):
    /// each idle watch costs one read per interval, so 1,000 idle watches cost about 2 × 1,000 / 108 s ≈ 19 commits/s.
    /// </summary>
    public TimeSpan WatchFallbackInterval { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>HTTP/2 PING to a client after this long without a frame, so proxies and NATs do not cut quiet streams.</summary>
    public TimeSpan Http2KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>A PING unanswered for this long closes the connection (a client that is gone frees its streams).</summary>
    public TimeSpan Http2KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);
    /// <summary>After SIGTERM: how long the replica reports NOT_SERVING yet keeps serving before open streams end (docs/deploy.md).</summary>
    public TimeSpan DrainPeriod { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>After the drain period: how long unary calls still running may take before the process exits anyway.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Apply the schema at start-up (needs DDL rights). False for replicas run with a DML-only role after <c>migrate</c>.</summary>
    public bool MigrateOnStart { get; set; } = true;
    /// <summary>Issue the bootstrap admin key on a fresh store at start-up. False for replicas once <c>bootstrap-admin</c> ran.</summary>
    public bool BootstrapAdminOnStart { get; set; } = true;
}
