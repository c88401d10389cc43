extern alias server;
using System.Diagnostics;
using CoeInsights.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using server::CoeInsights.Server.Postgres;

namespace CoeInsights.Server.Tests;

/// <summary>The launcher against the machine's real PostgreSQL binaries, each test with its own cluster.</summary>
public sealed class EmbeddedPostgresTests
{
    // Durable settings (fsync, synchronous commit) as the server uses them: a kill -9 must lose nothing committed.
    private static Task<EmbeddedPostgres> Start(string folder) =>
        EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = folder }, NullLogger.Instance);

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> Count(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from kept", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task SaysWhichFolderToChangeGivenDataDirectoryInsidePrivateFolder()
    {
        var parent = TestPostgres.NewFolder("private");
        File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // 0700, like mktemp -d
        var folder = Path.Combine(parent, "data");

        if (!Environment.IsPrivilegedProcess)
        {
            // Not root: the cluster runs as us, and we may enter our own 0700 folder.
            await using var own = await Start(folder);
            Assert.True(File.Exists(Path.Combine(own.PgData, "PG_VERSION")));
            return;
        }
        var e = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => Start(folder));

        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains($"cannot enter {parent},", e.Message);
        Assert.Contains("COE_DATA_DIR", e.Message);
        Assert.Contains($"chmod o+x {parent}", e.Message);
        Assert.False(Directory.Exists(Path.Combine(folder, "pgdata")));
    }

    [Fact]
    public async Task KeepsDataGivenStopAndRestart()
    {
        var folder = TestPostgres.NewFolder("launcher");
        var first = await Start(folder);
        await Execute(first.ConnectionString, "create table kept(id int); insert into kept values (1), (2)");
        await first.StopAsync();

        await using var second = await Start(folder); // disposing stops the cluster
        Assert.Equal(2, await Count(second.ConnectionString));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "pg-password")));
    }

    [Fact]
    public async Task RecoversGivenPostmasterKilledWithSigkill()
    {
        var folder = TestPostgres.NewFolder("killed");
        var first = await Start(folder);
        await Execute(first.ConnectionString, "create table kept(id int); insert into kept values (1)");
        var pid = int.Parse(File.ReadLines(Path.Combine(first.PgData, "postmaster.pid")).First());

        Process.GetProcessById(pid).Kill(); // SIGKILL: no shutdown, postmaster.pid left behind
        await WaitForExit(pid);
        NpgsqlConnection.ClearAllPools();
        Assert.True(File.Exists(Path.Combine(first.PgData, "postmaster.pid")));

        await using var second = await Start(folder); // disposing stops the cluster
        Assert.Equal(1, await Count(second.ConnectionString));
    }

    [Fact]
    public async Task AdoptsRunningClusterGivenOwnerDiedWithoutStopping()
    {
        var folder = TestPostgres.NewFolder("adopt");
        var orphaned = await Start(folder); // never stopped: like a server killed with -9
        await Execute(orphaned.ConnectionString, "create table kept(id int); insert into kept values (7)");

        await using var adopter = await Start(folder); // disposing stops the cluster
        Assert.Equal(orphaned.Port, adopter.Port);
        Assert.Equal(1, await Count(adopter.ConnectionString));
    }

    [Fact]
    public async Task RemovesStalePidFileGivenDeadProcess()
    {
        var folder = TestPostgres.NewFolder("stale");
        var first = await Start(folder);
        await first.StopAsync();
        // A pid file whose process is gone (pid far above pid_max on a default kernel is never live).
        await File.WriteAllLinesAsync(Path.Combine(first.PgData, "postmaster.pid"), ["4194000", first.PgData, "0", "5999", "", "127.0.0.1", "0 0", "ready"]);

        await using var second = await Start(folder); // disposing stops the cluster
        await Execute(second.ConnectionString, "select 1");
    }

    private static async Task WaitForExit(int pid)
    {
        for (var i = 0; i < 100 && Directory.Exists($"/proc/{pid}"); i++) await Task.Delay(50);
    }
}
