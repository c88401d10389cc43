using CoeInsights.Testing;

namespace CoeInsights.Server.Tests.Hosting;

/// <summary>
/// deploy/nginx.conf (the configuration docs/deploy.md ships) with the compose service names and public ports
/// replaced by loopback addresses, wrapped in the main context a test's own nginx needs (pid, logs, temp paths
/// under <paramref name="work"/>; the access log names the replica of each call).
/// </summary>
internal static class ShippedNginx
{
    public static string Configuration(string work, string replica1, string replica1Json, string replica2, string replica2Json, int grpcListen, int jsonListen)
    {
        var shipped = File.ReadAllText(Path.Combine(Repository.Root(), "deploy", "nginx.conf"));
        foreach (var part in new[] { "replica1:5080", "replica2:5080", "replica1:5081", "replica2:5081", "listen 8443 http2;", "listen 8080;" })
            if (!shipped.Contains(part, StringComparison.Ordinal)) throw new InvalidOperationException($"deploy/nginx.conf no longer has '{part}': update ShippedNginx");
        var site = shipped
            .Replace("replica1:5080", replica1).Replace("replica2:5080", replica2)
            .Replace("replica1:5081", replica1Json).Replace("replica2:5081", replica2Json)
            .Replace("listen 8443 http2;", $"listen 127.0.0.1:{grpcListen} http2;").Replace("listen 8080;", $"listen 127.0.0.1:{jsonListen};");
        File.WriteAllText(Path.Combine(work, "site.conf"), site);
        return $$"""
            worker_processes 1;
            pid {{work}}/nginx.pid;
            error_log {{work}}/error.log;
            events { worker_connections 256; }
            http {
              log_format upstream '$upstream_addr $status $request_uri';
              access_log {{work}}/access.log upstream;
              client_body_temp_path {{work}}/body; proxy_temp_path {{work}}/proxy;
              include {{work}}/site.conf;
            }
            """;
    }
}
