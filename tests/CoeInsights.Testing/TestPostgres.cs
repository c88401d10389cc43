extern alias server;
using server::CoeInsights.Server.Postgres;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoeInsights.Testing;

/// <summary>
/// One PostgreSQL for the whole test process: COE_TEST_POSTGRES when set (./test.sh and CI leave it
/// unset), otherwise a throw-away embedded cluster (fsync off) started with our own launcher and
/// stopped when the process exits. Test classes isolate themselves by schema, not by cluster.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<Task<string>> Shared = new(StartAsync);
    private static EmbeddedPostgres? _cluster;

    public static Task<string> ConnectionStringAsync() => Shared.Value;

    /// <summary>A fresh, unique Marten schema name for one test class.</summary>
    public static string NewSchema(string prefix = "t") => $"{prefix}_{Guid.NewGuid():N}"[..30];

    /// <summary>A folder the postgres system user can traverse (Directory.CreateTempSubdirectory makes 0700 ones).</summary>
    public static string NewFolder(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "coe-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(Path.Combine(Path.GetTempPath(), "coe-tests"), (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("COE_TEST_POSTGRES") is { Length: > 0 } external) return external;
        var folder = NewFolder("pg");
        _cluster = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions { DataDirectory = folder, Ephemeral = true }, NullLogger.Instance);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            _cluster.StopAsync().GetAwaiter().GetResult();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return _cluster.ConnectionString;
    }
}
