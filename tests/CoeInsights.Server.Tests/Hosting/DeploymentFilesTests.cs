using System.Diagnostics;
using System.Text.RegularExpressions;
using CoeInsights.Testing;
using YamlDotNet.RepresentationModel;

namespace CoeInsights.Server.Tests.Hosting;

/// <summary>
/// deploy/ (Dockerfile, compose file, nginx configuration) where no container engine runs: nginx itself checks the
/// configuration, and the three files agree with each other and with docs/deploy.md's settings of every replica.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly string Deploy = Path.Combine(Repository.Root(), "deploy");

    private static YamlMappingNode Services()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Deploy, "compose.yaml"));
        yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
    }

    private static string Env(YamlMappingNode service, string name) => ((YamlScalarNode)((YamlMappingNode)service["environment"])[name]).Value!;

    [Fact]
    public async Task NginxAcceptsConfigurationGivenComposeServiceNamesAsAddresses()
    {
        var nginx = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nginx is missing: run scripts/install-deps.sh");
        var work = TestPostgres.NewFolder("nginx-t");
        await File.WriteAllTextAsync(Path.Combine(work, "nginx.conf"),
            ShippedNginx.Configuration(work, "127.0.0.1:5080", "127.0.0.1:5081", "127.0.0.2:5080", "127.0.0.2:5081", 8443, 8080));
        using var check = Process.Start(new ProcessStartInfo(nginx, ["-t", "-c", Path.Combine(work, "nginx.conf")]) { RedirectStandardError = true })!;
        var output = await check.StandardError.ReadToEndAsync();
        await check.WaitForExitAsync();
        Assert.True(check.ExitCode == 0, output);
        Assert.Contains("syntax is ok", output);
    }

    [Fact]
    public void AgreesAcrossComposeNginxDockerfileAndInitScript()
    {
        var services = Services();
        var names = services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet();
        Assert.Superset(new HashSet<string> { "postgres", "migrate", "bootstrap", "replica1", "replica2", "nginx" }, names);

        // The upstreams are the compose replicas on the image's ports.
        var nginx = File.ReadAllText(Path.Combine(Deploy, "nginx.conf"));
        var upstreams = Regex.Matches(nginx, @"server (\w+):(\d+)").Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToHashSet();
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));
        var grpc = Regex.Match(dockerfile, @"COE_GRPC_PORT=(\d+)").Groups[1].Value;
        var json = Regex.Match(dockerfile, @"COE_HTTP_PORT=(\d+)").Groups[1].Value;
        Assert.Equal(new HashSet<(string, string)> { ("replica1", grpc), ("replica2", grpc), ("replica1", json), ("replica2", json) }, upstreams);
        Assert.Contains("COE_ADDRESS=0.0.0.0", dockerfile);
        Assert.Contains("Coe__MigrateOnStart=false", dockerfile);
        Assert.Contains("Coe__BootstrapAdminOnStart=false", dockerfile);

        // Replicas run on the role migrate grants and the init script creates, with the documented pool size.
        var migrate = (YamlSequenceNode)((YamlMappingNode)services["migrate"])["command"];
        var role = ((YamlScalarNode)migrate.Children[2]).Value!;
        Assert.Equal(["migrate", "--grant", role], migrate.Children.Select(c => ((YamlScalarNode)c).Value));
        Assert.Contains($"CREATE ROLE {role} LOGIN", File.ReadAllText(Path.Combine(Deploy, "postgres-init.sql")));
        foreach (var replica in new[] { "replica1", "replica2" })
        {
            var connection = Env((YamlMappingNode)services[replica], "COE_POSTGRES");
            Assert.Contains($"Username={role};", connection);
            Assert.Contains("Maximum Pool Size=40", connection);
        }
        Assert.Contains("`Maximum Pool Size=40`", File.ReadAllText(Path.Combine(Repository.Root(), "docs", "deploy.md")));
    }
}
