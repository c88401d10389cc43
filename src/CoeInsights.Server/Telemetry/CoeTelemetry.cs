using System.Diagnostics;
using System.Diagnostics.Metrics;
using CoeInsights.Server.Hosting;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CoeInsights.Server.Telemetry;

/// <summary>Section "Coe:Telemetry": where traces and metrics go, and how logs are written (docs/deploy.md, "Observability").</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Coe:Telemetry";

    /// <summary>
    /// OTLP collector for traces and metrics (e.g. http://otel-collector:4318, HTTP/protobuf). Empty: the standard
    /// OTEL_EXPORTER_OTLP_ENDPOINT variable when set, else no OTLP export.
    /// </summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>Prometheus text format at GET /metrics (no API key: keep the port on the internal network).</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>One JSON object per log line (for log shippers) instead of single-line text.</summary>
    public bool JsonLogs { get; set; }
}

/// <summary>
/// Our own instruments, beside what ASP.NET Core (HTTP and gRPC calls), Npgsql (commands, pool) and Marten (sessions,
/// appended events) report: KPI batches, alerts sent on watches, and exports rendered.
/// </summary>
public static class CoeTelemetry
{
    public const string Name = "CoeInsights";

    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> KpiBatches = Meter.CreateCounter<long>("coe.kpi.batches", "{batch}", "KPI batches acknowledged (outcome: stored or replayed)");
    public static readonly Counter<long> KpiObservations = Meter.CreateCounter<long>("coe.kpi.observations", "{observation}", "KPI values stored (replays count none)");
    public static readonly Counter<long> AlertsSent = Meter.CreateCounter<long>("coe.alerts.sent", "{alert}", "Alerts written to open WatchAlerts streams");
    public static readonly Counter<long> Exports = Meter.CreateCounter<long>("coe.exports", "{export}", "Decks and workbooks rendered (kind, outcome)");
    public static readonly Histogram<double> ExportDuration = Meter.CreateHistogram<double>("coe.export.duration", "s", "Time to render a deck or workbook");

    public static void AddCoeTelemetry(this WebApplicationBuilder builder, TelemetryOptions options)
    {
        var otlp = options.OtlpEndpoint.Length > 0 ? new Uri(options.OtlpEndpoint)
            : Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } env ? new Uri(env) : null;
        if (otlp is null && !options.Prometheus) return;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("coeinsights", serviceVersion: typeof(CoeServer).Assembly.GetName().Version?.ToString()))
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation().AddRuntimeInstrumentation()
                    .AddMeter("Npgsql", "Marten", Name);
                if (otlp is not null) m.AddOtlpExporter(o => Otlp(o, otlp, "v1/metrics"));
                if (options.Prometheus) m.AddPrometheusExporter();
            });
        // Traces only where they go somewhere: a span per call costs, and nobody reads them without a collector.
        if (otlp is not null)
            telemetry.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = c => c.Request.Path != "/metrics" && c.Request.Path != "/healthz" && c.Request.Path != "/readyz")
                .AddNpgsql()
                .AddSource("Marten", Name)
                .AddOtlpExporter(o => Otlp(o, otlp, "v1/traces")));
    }

    /// <summary>HTTP/protobuf to the collector's signal path (the exporter appends none when the endpoint is set in code).</summary>
    private static void Otlp(OpenTelemetry.Exporter.OtlpExporterOptions o, Uri endpoint, string path)
    {
        o.Protocol = OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf;
        o.Endpoint = new Uri(endpoint, endpoint.AbsolutePath.TrimEnd('/') + "/" + path);
    }

    public static void MapCoeTelemetry(this WebApplication app, TelemetryOptions options)
    {
        if (options.Prometheus) app.MapPrometheusScrapingEndpoint("/metrics");
    }
}
