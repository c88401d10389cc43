using System.Net;
using CoeInsights.Connectors;
using CoeInsights.Server.Admin;
using CoeInsights.Server.Alerts.Delivery;
using CoeInsights.Server.Auth;
using CoeInsights.Server.Bi;
using CoeInsights.Server.Connectors;
using CoeInsights.Server.Errors;
using CoeInsights.Server.Health;
using CoeInsights.Server.Postgres;
using CoeInsights.Server.ServerInfo;
using CoeInsights.Server.Telemetry;
using CoeInsights.Server.Web;
using CoeInsights.Store;
using JasperFx.Events.Daemon;
using JasperFx.OpenTelemetry;
using Marten;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CoeInsights.Server.Hosting;

/// <summary>Composes the host. Program.cs and the end-to-end tests build the very same server.</summary>
public static class CoeServer
{
    /// <summary>
    /// Builds the server. Without a connection string (COE_POSTGRES or ConnectionStrings:Marten) it first
    /// starts the embedded PostgreSQL cluster under the data folder; the host stops it on dispose.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(FlatEnvironmentNames());
        configure?.Invoke(builder);

        var options = builder.Configuration.GetSection(CoeServerOptions.Section).Get<CoeServerOptions>() ?? new CoeServerOptions();
        builder.Services.Configure<CoeServerOptions>(builder.Configuration.GetSection(CoeServerOptions.Section));
        builder.Services.Configure<Bi.BiOptions>(builder.Configuration.GetSection(Bi.BiOptions.Section));

        var telemetry = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (telemetry.JsonLogs) builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.AddCoeTelemetry(telemetry);

        var connectionString = builder.Configuration.GetConnectionString("Marten");
        EmbeddedPostgres? embedded = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            using var loggerFactory = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true));
            embedded = await EmbeddedPostgres.StartAsync(
                new EmbeddedPostgresOptions { DataDirectory = options.DataDirectory }, loggerFactory.CreateLogger<EmbeddedPostgres>(), ct);
            connectionString = embedded.ConnectionString;
            // Owned by the container (factory registration), so disposing the host stops the cluster.
            builder.Services.AddSingleton(_ => embedded);
            builder.Services.AddHostedService(sp => new EmbeddedPostgresLifetime(sp.GetRequiredService<EmbeddedPostgres>()));
        }

        ConfigureKestrel(builder, options);
        // The whole stop (drain period, then unary calls finishing) fits in this; set the orchestrator's grace above it.
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.DrainPeriod + options.StopTimeout);
        // Before AddServices: delivery's outbox must be registered before the alert module's "no outbox" fallback.
        builder.Services.AddAlertDelivery(builder.Configuration);
        AddServices(builder.Services, connectionString, options, daemonMode: ResolveDaemonMode(options, embedded is not null));
        builder.Services.AddConnectors(builder.Configuration.GetSection(ConnectorsOptions.Section).Get<ConnectorsOptions>() ?? new ConnectorsOptions());
        builder.Services.AddHostedService<Connectors.ConnectorSchedule>();

        var app = builder.Build();
        app.UseJsonBodyLimit(options.MaxMessageBytes);
        app.UseMalformedJsonStatus();
        app.UseMalformedRequestStatus();
        app.UseQueryEnumStatus();
        app.MapGrpcService<ServerInfoService>();
        app.MapGrpcService<AdminService>();
        app.MapGrpcService<Scoring.ScoringService>();
        app.MapGrpcService<Kpis.KpiService>();
        app.MapGrpcService<Evaluations.EvaluationService>();
        app.MapGrpcService<Reports.ReportService>();
        app.MapGrpcService<Surveys.SurveyService>();
        app.MapGrpcService<Connectors.ConnectorService>();
        app.MapGrpcService<Alerts.AlertBacktestService>();
        app.MapGrpcService<Alerts.AlertService>();
        app.MapGrpcService<Alerts.Delivery.AlertDeliveryService>();
        app.MapGrpcService<Invitations.InvitationService>();
        app.MapGrpcHealthChecksService();
        // For orchestrators and balancers, on the JSON port (no API key): live = the process answers (a database
        // outage must not get every replica restarted); ready = the store answers and the replica is not draining.
        app.MapHealthChecks("/healthz", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz");
        app.MapGrpcReflectionService();
        // Prometheus scrape (no API key; the port belongs on the internal network).
        app.MapCoeTelemetry(telemetry);
        // Signed links for browsers (no bearer header): the token is the credential.
        app.MapGet("/downloads/{token}", (string token, Reports.DownloadLinkIssuer issuer, CancellationToken ct) => issuer.Download(token, ct));
        // The star schema for BI tools: OData v4 feed under /odata/, CSV and Parquet under /bi/ (plain GETs, API key as Bearer, Basic or api_key).
        app.MapBi();
        // The stakeholders' pages behind invitation links (survey answers, score sheets): server-rendered HTML, antiforgery on every form.
        app.MapWebPages();
        app.MapGet("/", () => Results.Text(
            "CoeInsights: gRPC on the HTTP/2 port, the same API as JSON under /v1/ on this port. Send 'Authorization: Bearer <api key>'."));
        return app;
    }

    public static void AddServices(IServiceCollection services, string connectionString, CoeServerOptions options, DaemonMode daemonMode)
    {
        // Try: a host (a test with a fake clock) that registered its own TimeProvider first keeps it.
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<CallerContext>();
        // One LISTEN connection per process: watches wait for its notifications instead of polling the store.
        services.AddSingleton(sp => new ChangeNotifier(connectionString, options.Schema, options.WatchFallbackInterval,
            sp.GetRequiredService<ILogger<ChangeNotifier>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ChangeNotifier>());
        // Every key check (calls and open streams) goes through the cache.
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<ApiKeyLookup>(sp => sp.GetRequiredService<ApiKeyCache>());
        services.AddSingleton<ErrorMappingInterceptor>();
        services.AddSingleton<ServerDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<ServerDrain>());
        services.AddSingleton<DrainInterceptor>();
        services.AddSingleton<Validation.RequestTextInterceptor>();
        services.AddSingleton<Numbers.FiniteResponseInterceptor>();
        services.AddGrpc(o =>
        {
            // Outermost first: errors from authentication are mapped too.
            o.Interceptors.Add<ErrorMappingInterceptor>();
            // Inside the error mapping, outside authentication: streams end with SERVER_DRAINING when the drain period is over.
            o.Interceptors.Add<DrainInterceptor>();
            // Inside the error mapping (a number it cannot clear fails as a mapped INTERNAL): no answer carries NaN or ±∞.
            o.Interceptors.Add<Numbers.FiniteResponseInterceptor>();
            o.Interceptors.Add<ApiKeyInterceptor>();
            // After authentication (an anonymous caller learns nothing), before every service: bad text never reaches the store.
            o.Interceptors.Add<Validation.RequestTextInterceptor>();
            o.EnableDetailedErrors = false;
            o.MaxReceiveMessageSize = options.MaxMessageBytes;
        }).AddJsonTranscoding(o =>
            // Error details (google.rpc.*) are Any-packed: JSON needs their descriptors to render them.
            o.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromMessages(
                Google.Rpc.ErrorInfo.Descriptor, Google.Rpc.BadRequest.Descriptor, Google.Rpc.ResourceInfo.Descriptor,
                Google.Rpc.PreconditionFailure.Descriptor, Google.Rpc.QuotaFailure.Descriptor));
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks(o => o.UseHealthChecksCache = false)
            .AddCheck<PostgresHealthCheck>("postgres")
            .AddCheck<DrainHealthCheck>("draining");

        var marten = services.AddMarten(sp =>
            {
                var store = Migrations.Configure(connectionString, options);
                store.Logger(new QuietConflictsLogger(sp.GetRequiredService<ILogger<IDocumentStore>>()));
                // Marten's spans (sessions, connections) and its counter of appended events, for the traces and metrics.
                store.OpenTelemetry.TrackConnections = TrackLevel.Normal;
                store.OpenTelemetry.TrackEventCounters();
                return store;
            })
            .BuildSessionsWith<TenantSessionFactory>(ServiceLifetime.Scoped);
        // Off for replicas with a DML-only role: the schema comes from the `migrate` command (Migrations).
        if (options.MigrateOnStart) marten.ApplyAllDatabaseChangesOnStartup();
        if (daemonMode != DaemonMode.Disabled) marten.AddAsyncDaemon(daemonMode);

        services.AddHostedService<BootstrapAdminKey>();
        Alerts.AlertsRegistration.AddAlerts(services);
        services.AddSingleton<PublicBaseUrl>();
        services.AddSingleton<Reports.DownloadLinkIssuer>();
        services.AddSingleton<Web.InvitationLinks>();
        services.AddAntiforgery(o => { o.Cookie.Name = "coe.af"; o.FormFieldName = "__af"; });
    }

    private static DaemonMode ResolveDaemonMode(CoeServerOptions options, bool embedded) =>
        string.IsNullOrEmpty(options.DaemonMode)
            ? embedded ? DaemonMode.Solo : DaemonMode.HotCold
            : Enum.Parse<DaemonMode>(options.DaemonMode, ignoreCase: true);

    private static void ConfigureKestrel(WebApplicationBuilder builder, CoeServerOptions options)
    {
        var address = IPAddress.Parse(options.Address);
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Long streams (watches) go quiet for hours: pings keep proxies from cutting them and find dead clients.
            k.Limits.Http2.KeepAlivePingDelay = options.Http2KeepAlivePingDelay;
            k.Limits.Http2.KeepAlivePingTimeout = options.Http2KeepAlivePingTimeout;
            // Cleartext cannot negotiate HTTP/1.1 and HTTP/2 on one port, hence two.
            k.Listen(address, options.GrpcPort, l => l.Protocols = HttpProtocols.Http2);
            if (options.HttpPort >= 0) k.Listen(address, options.HttpPort, l => l.Protocols = HttpProtocols.Http1);
        });
    }

    /// <summary>The bound addresses: [0] gRPC (HTTP/2), [1] JSON (HTTP/1.1) when enabled.</summary>
    public static IReadOnlyList<Uri> Addresses(this WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();

    private static Dictionary<string, string?> FlatEnvironmentNames()
    {
        var map = new Dictionary<string, string?>();
        void Take(string env, string key)
        {
            if (Environment.GetEnvironmentVariable(env) is { Length: > 0 } value) map[key] = value;
        }
        Take("COE_POSTGRES", "ConnectionStrings:Marten");
        Take("COE_DATA_DIR", "Coe:DataDirectory");
        Take("COE_GRPC_PORT", "Coe:GrpcPort");
        Take("COE_HTTP_PORT", "Coe:HttpPort");
        Take("COE_ADDRESS", "Coe:Address");
        Take("COE_MAX_MESSAGE_BYTES", "Coe:MaxMessageBytes");
        Take("COE_DRAIN_PERIOD", "Coe:DrainPeriod");
        Take("COE_PUBLIC_BASE_URL", "Coe:PublicBaseUrl");
        Take("COE_SMTP_HOST", "Coe:Smtp:Host");
        Take("COE_SMTP_PASSWORD", "Coe:Smtp:Password");
        // Connector secrets (the first configured connector of each kind); Coe__Connectors__… variables work too.
        Take("COE_SPROUT_TOKEN", "Coe:Connectors:Sprout:0:AccessToken");
        Take("COE_SPROUT_CLIENT_SECRET", "Coe:Connectors:Sprout:0:ClientSecret");
        Take("COE_POWERBI_TOKEN", "Coe:Connectors:PowerBi:0:AccessToken");
        Take("COE_POWERBI_CLIENT_SECRET", "Coe:Connectors:PowerBi:0:ClientSecret");
        return map;
    }

    /// <summary>Stops the embedded cluster after the host has stopped serving.</summary>
    private sealed class EmbeddedPostgresLifetime(EmbeddedPostgres postgres) : IHostedService
    {
        public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

        public Task StopAsync(CancellationToken ct) => postgres.StopAsync(ct);
    }
}
