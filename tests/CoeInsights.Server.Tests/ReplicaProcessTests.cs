extern alias server;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Npgsql;

namespace CoeInsights.Server.Tests;

/// <summary>
/// The server binary as an operator runs it for many replicas: real processes, a real SIGTERM,
/// the one-shot commands, and a replica on a DML-only PostgreSQL role.
/// </summary>
public sealed class ReplicaProcessTests : IAsyncLifetime
{
    private readonly List<Process> _processes = [];
    private readonly ConcurrentQueue<string> _output = new();
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await TestPostgres.ConnectionStringAsync();

    [Fact]
    public async Task DrainsGivenSigterm()
    {
        var ports = LoopbackPorts.Free(2);
        var (grpcPort, httpPort) = (ports[0], ports[1]);
        var folder = TestPostgres.NewFolder("drain");
        var process = StartServer(folder, TestPostgres.NewSchema("d"), grpcPort, httpPort, _connectionString,
            new() { ["Coe__DrainPeriod"] = "00:00:03" });
        await WaitUntilServing(grpcPort);
        var key = (await File.ReadAllTextAsync(Path.Combine(folder, "admin-key"))).Trim();
        using var channel = CoeChannel.Create(new CoeClientOptions { Address = new Uri($"http://127.0.0.1:{grpcPort}"), ApiKey = key });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        var health = new Health.HealthClient(channel);
        var info = new ServerInfoService.ServerInfoServiceClient(channel);
        using var watch = new KpiService.KpiServiceClient(channel).WatchAlerts(new WatchAlertsRequest
        {
            Metrics = { "negative_mentions" }, Direction = AlertDirection.Both,
        });
        await watch.ResponseHeadersAsync; // the watch is open
        var reading = watch.ResponseStream.MoveNext();

        var stopwatch = Stopwatch.StartNew();
        Signal(process, "TERM");

        // The drain phase: not ready for the balancer, still live, still answering calls, the stream still open.
        await Eventually(async () => (await health.CheckAsync(new HealthCheckRequest())).Status == HealthCheckResponse.Types.ServingStatus.NotServing);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal("default", (await info.GetServerInfoAsync(new GetServerInfoRequest())).TenantId);
        Assert.False(reading.IsCompleted);
        var drainSeen = stopwatch.Elapsed;

        // Then the stream ends with a status a client resumes on, and the process exits well within a 30 s grace.
        var ended = await Assert.ThrowsAsync<RpcException>(() => reading);
        var streamEnded = stopwatch.Elapsed;
        Assert.Equal((StatusCode.Unavailable, "SERVER_DRAINING"), (ended.StatusCode, CoeErrors.Reason(ended)));
        Assert.True(process.WaitForExit(15_000), "the server did not exit within 15 s of SIGTERM:\n" + string.Join('\n', _output));
        var exited = stopwatch.Elapsed;
        Assert.Equal(0, process.ExitCode);
        Assert.InRange(drainSeen, TimeSpan.Zero, TimeSpan.FromSeconds(2.5));
        Assert.InRange(streamEnded, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(8));
        Assert.InRange(exited, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(12));
        Console.WriteLine($"drain: NOT_SERVING seen after {drainSeen.TotalMilliseconds:F0} ms, stream ended after {streamEnded.TotalMilliseconds:F0} ms, exit after {exited.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task ServesOnDmlOnlyRoleGivenMigrateAndBootstrapCommands()
    {
        var schema = TestPostgres.NewSchema("m");
        var role = $"coe_dml_{Guid.NewGuid():N}"[..20];
        var folder = TestPostgres.NewFolder("cmd");
        await using (var owner = new NpgsqlConnection(_connectionString))
        {
            await owner.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE ROLE \"{role}\" LOGIN PASSWORD 'dml'", owner);
            await create.ExecuteNonQueryAsync();
        }

        // One-shot steps on the machine with the DDL credentials.
        Assert.Equal(0, await RunCommand(folder, schema, _connectionString, "migrate", "--grant", role));
        Assert.Equal(0, await RunCommand(folder, schema, _connectionString, "bootstrap-admin"));
        var bootstrapKey = (await File.ReadAllTextAsync(Path.Combine(folder, "admin-key"))).Trim();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "admin-key")));
        Assert.Equal(2, await RunCommand(folder, schema, _connectionString, "bootstrap-admin")); // once only
        var mintedOut = new List<string>();
        Assert.Equal(0, await RunCommand(folder, schema, _connectionString, ["mint-admin-key"], mintedOut));
        var minted = Assert.Single(mintedOut, l => l.StartsWith("coe_"));

        // The replica: DML-only role, no migration, no bootstrap.
        var dml = new NpgsqlConnectionStringBuilder(_connectionString) { Username = role, Password = "dml" }.ConnectionString;
        await using (var replicaRole = new NpgsqlConnection(dml))
        {
            await replicaRole.OpenAsync();
            await using var ddl = new NpgsqlCommand($"CREATE TABLE \"{schema}\".not_allowed (i int)", replicaRole);
            var denied = await Assert.ThrowsAsync<PostgresException>(() => ddl.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
        }
        var replicaFolder = TestPostgres.NewFolder("replica");
        var port = LoopbackPorts.Free(1)[0];
        StartServer(replicaFolder, schema, port, -1, dml,
            new() { ["Coe__MigrateOnStart"] = "false", ["Coe__BootstrapAdminOnStart"] = "false", ["Coe__DaemonMode"] = "HotCold" });
        await WaitUntilServing(port);

        foreach (var key in new[] { bootstrapKey, minted })
        {
            using var channel = CoeChannel.Create(new CoeClientOptions { Address = new Uri($"http://127.0.0.1:{port}"), ApiKey = key });
            var admin = new AdminService.AdminServiceClient(channel);
            var tenant = $"t{Guid.NewGuid():N}"[..12];
            await admin.CreateTenantAsync(new CreateTenantRequest { TenantId = tenant, DisplayName = tenant, RequestId = tenant });
            var created = await admin.CreateApiKeyAsync(new CreateApiKeyRequest { TenantId = tenant, DisplayName = "lead", Roles = { Role.Committee } });
            using var editorChannel = CoeChannel.Create(new CoeClientOptions { Address = new Uri($"http://127.0.0.1:{port}"), ApiKey = created.Secret });
            var evaluations = new EvaluationService.EvaluationServiceClient(editorChannel);
            var evaluation = await evaluations.CreateEvaluationAsync(new CreateEvaluationRequest { Title = "On a DML role", Purpose = "replica test", Scale = new ScoreScale { Min = 1, Max = 5 } });
            Assert.Equal("On a DML role", (await evaluations.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = evaluation.EvaluationId })).Title);
        }
        // The replica issued nothing and points at no key file.
        Assert.False(File.Exists(Path.Combine(replicaFolder, "admin-key")));
        Assert.DoesNotContain(_output, l => l.Contains(Path.Combine(replicaFolder, "admin-key")));
    }

    /// <summary>
    /// The topology of docs/deploy.md on loopback: two replicas over one PostgreSQL behind Debian's nginx (grpc_pass,
    /// per-call balancing). An evaluation's whole lifecycle goes through nginx; one replica is killed (SIGKILL, no
    /// drain) while the evaluators keep submitting; every acknowledged write is in the store exactly once and the
    /// clients finish on the other replica.
    /// </summary>
    [Fact]
    public async Task KeepsEveryAcknowledgedWriteGivenReplicaKilledBehindNginx()
    {
        var nginx = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nginx is missing: run scripts/install-deps.sh (it installs Debian's nginx-light).");
        var schema = TestPostgres.NewSchema("lb");
        var folder = TestPostgres.NewFolder("lb");
        Assert.Equal(0, await RunCommand(folder, schema, _connectionString, "migrate"));
        Assert.Equal(0, await RunCommand(folder, schema, _connectionString, "bootstrap-admin"));
        var adminKey = (await File.ReadAllTextAsync(Path.Combine(folder, "admin-key"))).Trim();
        // gRPC of the replicas, nginx's gRPC listener; then the JSON upstreams (replicas run gRPC only here) and nginx's JSON listener.
        var ports = LoopbackPorts.Free(6);
        var replicas = new Process[2];
        for (var i = 0; i < 2; i++)
            replicas[i] = StartServer(TestPostgres.NewFolder($"lb{i + 1}"), schema, ports[i], -1, _connectionString,
                new() { ["Coe__MigrateOnStart"] = "false", ["Coe__BootstrapAdminOnStart"] = "false", ["Coe__DrainPeriod"] = "00:00:00" });
        await WaitUntilServing(ports[0]);
        await WaitUntilServing(ports[1]);

        // The shipped deploy/nginx.conf (docs/deploy.md), with the test's ports and paths.
        var work = TestPostgres.NewFolder("nginx");
        var conf = Path.Combine(work, "nginx.conf");
        await File.WriteAllTextAsync(conf, Hosting.ShippedNginx.Configuration(work, $"127.0.0.1:{ports[0]}", $"127.0.0.1:{ports[3]}",
            $"127.0.0.1:{ports[1]}", $"127.0.0.1:{ports[4]}", ports[2], ports[5]));
        var balancer = Process.Start(new ProcessStartInfo(nginx, ["-c", conf, "-g", "daemon off;"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        _processes.Add(balancer);
        await WaitUntilServing(ports[2]);

        var through = new Uri($"http://127.0.0.1:{ports[2]}");
        GrpcChannel Channel(string key) => CoeChannel.Create(new CoeClientOptions { Address = through, ApiKey = key });
        var admin = new AdminService.AdminServiceClient(Channel(adminKey));
        const string tenant = "balanced";
        await admin.CreateTenantAsync(new CreateTenantRequest { TenantId = tenant, DisplayName = tenant, RequestId = tenant });
        var kit = new Evaluations.EvaluationTestKit(async (principal, roles) => Channel((await admin.CreateApiKeyAsync(new CreateApiKeyRequest
        {
            TenantId = tenant, DisplayName = principal, Roles = { roles }, Principal = principal,
        })).Secret), tenant);
        var id = (await kit.CreateConfiguredAsync()).EvaluationId;

        // Six evaluators submit 8 rounds each; replica 2 is killed after the second round. A call that fails on the dead
        // replica is sent again with the same request id, as a client does: acknowledged once, stored once.
        var acknowledged = new ConcurrentBag<string>();
        var retries = 0;
        async Task Evaluator(string evaluator)
        {
            for (var round = 0; round < 8; round++)
            {
                if (round == 2 && evaluator == "e1") Signal(replicas[1], "KILL");
                var requestId = $"{evaluator}-{round}";
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await kit.ScoreAsync(evaluator, id, 1 + round % 5, requestId);
                        acknowledged.Add(requestId);
                        break;
                    }
                    // UNAVAILABLE/INTERNAL: the call died with the replica. ABORTED: six writers on one stream over two
                    // replicas outran the stream writer's retries; the answer says "re-read it and retry" (docs/errors.md).
                    catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Aborted && attempt < 5)
                    {
                        Interlocked.Increment(ref retries);
                        await Task.Delay(200);
                    }
                }
            }
        }
        await Task.WhenAll(Evaluations.EvaluationTestKit.EvaluatorsAndDepartments.Select(x => Evaluator(x.Id)));
        Assert.True(replicas[1].WaitForExit(10_000));

        // The rest of the lifecycle, through nginx, on the replica that is left.
        var chair = await kit.As("chair");
        var closed = await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });
        await chair.ProposeRecommendationAsync(new ProposeRecommendationRequest { EvaluationId = id, VendorId = "sprout", Etag = closed.Etag });
        await (await kit.As("m2")).ApproveRecommendationAsync(new ApproveRecommendationRequest { EvaluationId = id });
        var approved = await chair.ApproveRecommendationAsync(new ApproveRecommendationRequest { EvaluationId = id });
        Assert.Equal(EvaluationState.Approved, approved.State);

        // Every acknowledged score batch is in the audit trail exactly once.
        var history = new List<EvaluationEvent>();
        var token = "";
        do
        {
            var page = await chair.GetEvaluationHistoryAsync(new GetEvaluationHistoryRequest { EvaluationId = id, PageSize = 100, PageToken = token });
            history.AddRange(page.Events);
            token = page.NextPageToken;
        } while (token != "");
        var stored = history.Where(e => e.EventType == "ScoresSubmitted").Select(e => e.Details.Fields["requestId"].StringValue).ToList();
        Assert.Equal(48, acknowledged.Count);
        Assert.Equal(acknowledged.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        Assert.Equal(6 * 3 * 2, approved.Scores.Count);

        // Both replicas served calls before the kill (per-call balancing), and only the survivor after it.
        var upstreams = (await File.ReadAllLinesAsync(Path.Combine(work, "access.log"))).Select(l => l.Split(' ')[0]).ToList();
        Assert.Contains(upstreams, u => u.Contains($":{ports[0]}", StringComparison.Ordinal));
        Assert.Contains(upstreams, u => u.Contains($":{ports[1]}", StringComparison.Ordinal));
        Console.WriteLine($"through nginx: {upstreams.Count} calls ({upstreams.Count(u => u.Contains($":{ports[1]}", StringComparison.Ordinal))} reached replica 2), "
            + $"{acknowledged.Count} score batches acknowledged and stored once each, {retries} calls sent again after the kill");
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

    private Process StartServer(string folder, string schema, int grpcPort, int httpPort, string connectionString, Dictionary<string, string> more)
    {
        var psi = ServerStartInfo(folder, schema, connectionString);
        psi.Environment["COE_GRPC_PORT"] = grpcPort.ToString();
        psi.Environment["COE_HTTP_PORT"] = httpPort.ToString();
        foreach (var (k, v) in more) psi.Environment[k] = v;
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => _output.Enqueue($"[{grpcPort}] {e.Data}");
        process.ErrorDataReceived += (_, e) => _output.Enqueue($"[{grpcPort}] {e.Data}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    private Task<int> RunCommand(string folder, string schema, string connectionString, params string[] args) =>
        RunCommand(folder, schema, connectionString, args, []);

    private async Task<int> RunCommand(string folder, string schema, string connectionString, string[] args, List<string> stdout)
    {
        var psi = ServerStartInfo(folder, schema, connectionString);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        stdout.AddRange((await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        _output.Enqueue($"{string.Join(' ', args)} → {process.ExitCode}\n{await output}{await error}");
        return process.ExitCode;
    }

    private static ProcessStartInfo ServerStartInfo(string folder, string schema, string connectionString) =>
        new("dotnet", [ServerDll()])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder,
            Environment =
            {
                ["COE_POSTGRES"] = connectionString,
                ["COE_DATA_DIR"] = folder,
                ["Coe__Schema"] = schema,
                ["Coe__DaemonMode"] = "HotCold",
            },
        };

    private static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString()]);
        kill.WaitForExit();
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not hold within 5 s.");
            await Task.Delay(50);
        }
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
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
            }
            if (_processes.Any(p => p.HasExited)) throw new InvalidOperationException("A server process exited during start:\n" + string.Join('\n', _output));
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Server on port {port} did not start:\n" + string.Join('\n', _output));
            await Task.Delay(250);
        }
    }

    private static string ServerDll()
    {
        var dll = Path.Combine(Repository.Root(), "src", "CoeInsights.Server", "bin", Repository.Configuration, "net10.0", "CoeInsights.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the server first.", dll);
    }

}
