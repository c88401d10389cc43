using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace CoeInsights.Server.Tests;

/// <summary>Two real server processes (HotCold daemon) on one database: both serve, one bootstrap key.</summary>
public sealed class TwoServerProcessesTests : IAsyncLifetime
{
    private readonly List<Process> _processes = [];
    private readonly List<string> _folders = [];
    private readonly List<int> _ports = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostgres.ConnectionStringAsync();
        var schema = TestPostgres.NewSchema("p");
        var ports = LoopbackPorts.Free(2);
        for (var n = 0; n < 2; n++)
        {
            var i = n;
            var folder = TestPostgres.NewFolder($"proc{i}");
            var port = ports[i];
            var psi = new ProcessStartInfo("dotnet", [ServerDll()])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder,
                Environment =
                {
                    ["COE_POSTGRES"] = connectionString,
                    ["COE_DATA_DIR"] = folder,
                    ["COE_GRPC_PORT"] = port.ToString(),
                    ["COE_HTTP_PORT"] = "-1",
                    ["Coe__Schema"] = schema,
                    ["Coe__DaemonMode"] = "HotCold",
                },
            };
            var process = Process.Start(psi)!;
            process.OutputDataReceived += (_, e) => _output.Enqueue($"[{i}] {e.Data}");
            process.ErrorDataReceived += (_, e) => _output.Enqueue($"[{i}] {e.Data}");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _processes.Add(process);
            _folders.Add(folder);
            _ports.Add(port);
        }
        foreach (var port in _ports) await WaitUntilServing(port);
    }

    [Fact]
    public async Task BothServeAndIssueOneBootstrapKeyGivenOneDatabase()
    {
        var keyFiles = _folders.Select(f => Path.Combine(f, "admin-key")).Where(File.Exists).ToList();
        Assert.Single(keyFiles);
        var key = (await File.ReadAllTextAsync(keyFiles[0])).Trim();

        foreach (var port in _ports)
        {
            using var channel = CoeChannel.Create(new CoeClientOptions { Address = new Uri($"http://127.0.0.1:{port}"), ApiKey = key });
            var info = await new ServerInfoService.ServerInfoServiceClient(channel).GetServerInfoAsync(new GetServerInfoRequest());
            Assert.Equal(("default", StoreStatus.Ready), (info.TenantId, info.StoreStatus));
        }
    }

    public Task DisposeAsync()
    {
        foreach (var p in _processes)
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
            p.Dispose();
        }
        return Task.CompletedTask;
    }

    private async Task WaitUntilServing(int port)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var health = new Health.HealthClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2))).Status ==
                    HealthCheckResponse.Types.ServingStatus.Serving) return;
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
            }
            if (_processes.Any(p => p.HasExited)) throw new InvalidOperationException("A server process exited during start:\n" + string.Join('\n', _output));
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Server on port {port} did not start.");
            await Task.Delay(250);
        }
    }

    /// <summary>The server built beside this test assembly, in the same configuration.</summary>
    private static string ServerDll()
    {
        var dll = Path.Combine(Repository.Root(), "src", "CoeInsights.Server", "bin", Repository.Configuration, "net10.0", "CoeInsights.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the server first.", dll);
    }

}
