using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CoeInsights.Server.Postgres;

public sealed record EmbeddedPostgresOptions
{
    /// <summary>Holds pgdata/, postgres.log and pg-password. Default ./.coe.</summary>
    public required string DataDirectory { get; init; }
    /// <summary>0 picks a free loopback port on every start.</summary>
    public int Port { get; init; }
    /// <summary>Folder with initdb and pg_ctl; found under /usr/lib/postgresql/*/bin when empty.</summary>
    public string? BinDirectory { get; init; }
    /// <summary>Turns off fsync and synchronous commit: for throw-away test clusters only.</summary>
    public bool Ephemeral { get; init; }
    public string Database { get; init; } = "coe";
}

/// <summary>
/// A PostgreSQL cluster of our own, made from the installed server binaries. PostgreSQL refuses
/// to run as root, so as root every server command runs as the <c>postgres</c> system user, which
/// owns the data folder. Loopback TCP only (no Unix socket: its path limit and folder rights vary).
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string Superuser = "coe";
    private readonly EmbeddedPostgresOptions _options;
    private readonly ILogger _logger;
    private readonly string? _runAs;
    private readonly string _bin;
    private bool _stopped;

    private EmbeddedPostgres(EmbeddedPostgresOptions options, ILogger logger, string bin, string? runAs)
    {
        _options = options;
        _logger = logger;
        _bin = bin;
        _runAs = runAs;
    }

    public int Port { get; private set; }
    public string ConnectionString { get; private set; } = "";
    public string PgData => Path.Combine(_options.DataDirectory, "pgdata");
    private string PasswordFile => Path.Combine(_options.DataDirectory, "pg-password");
    private string LogFile => Path.Combine(_options.DataDirectory, "postgres.log");

    /// <summary>Initialises the cluster on first use, recovers from a stale pid file, starts it and waits until it accepts connections.</summary>
    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, ILogger logger, CancellationToken ct = default)
    {
        var full = options with { DataDirectory = Path.GetFullPath(options.DataDirectory) };
        var pg = new EmbeddedPostgres(full, logger, FindBinaries(full.BinDirectory), Environment.IsPrivilegedProcess ? "postgres" : null);
        await pg.StartCoreAsync(ct);
        return pg;
    }

    private async Task StartCoreAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(_options.DataDirectory);
        await EnsureServerUserCanEnterAsync(ct);
        var password = ReadOrCreatePassword();
        if (!File.Exists(Path.Combine(PgData, "PG_VERSION"))) await InitialiseAsync(password, ct);

        var running = ReadRunningPostmaster();
        if (running is { } port)
        {
            // A server killed with -9 leaves its cluster running: adopt it rather than fail.
            _logger.LogInformation("PostgreSQL already running for {PgData} on port {Port}; using it", PgData, port);
            Port = port;
        }
        else
        {
            Port = _options.Port != 0 ? _options.Port : FreeLoopbackPort();
            await StartServerAsync(ct);
        }
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = Superuser, Password = password, Database = "postgres",
        }.ConnectionString;
        await EnsureDatabaseAsync(ct);
        ConnectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = _options.Database }.ConnectionString;
        _logger.LogInformation("Embedded PostgreSQL ready on 127.0.0.1:{Port}, data in {PgData}", Port, PgData);
    }

    private async Task InitialiseAsync(string password, CancellationToken ct)
    {
        _logger.LogInformation("Initialising PostgreSQL cluster in {PgData}", PgData);
        Directory.CreateDirectory(PgData);
        var pwFile = Path.Combine(_options.DataDirectory, $"initdb-{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(pwFile, password, ct);
        File.SetUnixFileMode(pwFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            await ChownAsync(PgData, ct);
            await ChownAsync(pwFile, ct);
            await RunAsync(Path.Combine(_bin, "initdb"),
                ["-D", PgData, "-U", Superuser, $"--pwfile={pwFile}", "--auth-host=scram-sha-256", "--auth-local=peer", "-E", "UTF8", "--no-locale", "--no-instructions"], ct);
        }
        finally
        {
            File.Delete(pwFile);
        }
        var settings = new List<string>
        {
            "", "# CoeInsights embedded cluster",
            "listen_addresses = '127.0.0.1'", "unix_socket_directories = ''", "max_connections = 200",
        };
        if (_options.Ephemeral) settings.AddRange(["fsync = off", "synchronous_commit = off", "full_page_writes = off"]);
        await File.AppendAllLinesAsync(Path.Combine(PgData, "postgresql.conf"), settings, ct);
    }

    /// <summary>The port of a live postmaster for this data folder, or null; deletes a stale pid file.</summary>
    private int? ReadRunningPostmaster()
    {
        var pidFile = Path.Combine(PgData, "postmaster.pid");
        if (!File.Exists(pidFile)) return null;
        var lines = File.ReadAllLines(pidFile);
        if (lines.Length >= 4 && int.TryParse(lines[0], out var pid) && int.TryParse(lines[3], out var port) && IsPostgres(pid))
            return port;
        _logger.LogWarning("Removing stale {PidFile} (its process is gone)", pidFile);
        File.Delete(pidFile);
        return null;
    }

    private static bool IsPostgres(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains("postgres", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        if (!File.Exists(LogFile)) await File.WriteAllTextAsync(LogFile, "", ct);
        await ChownAsync(LogFile, ct);
        // After a kill -9 the old backends take a moment to notice and release shared memory.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RunAsync(Path.Combine(_bin, "pg_ctl"),
                    ["start", "-D", PgData, "-l", LogFile, "-w", "-t", "60", "-o", $"-p {Port}"], ct);
                return;
            }
            catch (EmbeddedPostgresException) when (attempt < 5)
            {
                _logger.LogWarning("PostgreSQL did not start (attempt {Attempt}); retrying", attempt);
                var pidFile = Path.Combine(PgData, "postmaster.pid");
                if (File.Exists(pidFile) && ReadRunningPostmaster() is null) File.Delete(pidFile);
                await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
            }
        }
    }

    private async Task EnsureDatabaseAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", _options.Database);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"create database \"{_options.Database.Replace("\"", "\"\"")}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Fast shutdown: open sessions are ended, committed data is kept.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (_stopped) return;
        _stopped = true;
        NpgsqlConnection.ClearAllPools();
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["stop", "-D", PgData, "-m", "fast", "-w", "-t", "60"], ct);
        _logger.LogInformation("Embedded PostgreSQL stopped");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Stopping embedded PostgreSQL failed");
        }
    }

    private string ReadOrCreatePassword()
    {
        if (File.Exists(PasswordFile)) return File.ReadAllText(PasswordFile).Trim();
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        using (var stream = new FileStream(PasswordFile, new FileStreamOptions
               {
                   Mode = FileMode.CreateNew, Access = FileAccess.Write,
                   UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(password);
        }
        return password;
    }

    private static string FindBinaries(string? configured)
    {
        if (!string.IsNullOrEmpty(configured))
            return File.Exists(Path.Combine(configured, "pg_ctl")) ? configured
                : throw new EmbeddedPostgresException($"No pg_ctl in {configured}.");
        var found = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return found ?? throw new EmbeddedPostgresException(
            "PostgreSQL server binaries were not found under /usr/lib/postgresql/*/bin. Install them (apt-get install postgresql) " +
            "or point COE_POSTGRES at an existing database.");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// As root the cluster runs as <c>postgres</c>, which must be able to enter every folder above the data folder:
    /// a data folder inside a 0700 folder of root (e.g. a private temporary folder) would fail deep in initdb
    /// with a bare "Permission denied". Say which folder and what to do instead.
    /// </summary>
    private async Task EnsureServerUserCanEnterAsync(CancellationToken ct)
    {
        if (_runAs is null) return;
        for (var folder = _options.DataDirectory; folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (await CanEnterAsync(folder, ct)) continue;
            // Report the outermost folder it cannot enter: that is the one to change.
            var blocking = folder;
            for (var up = Path.GetDirectoryName(folder); up is not null; up = Path.GetDirectoryName(up))
                if (!await CanEnterAsync(up, ct)) blocking = up;
            throw new EmbeddedPostgresException(
                $"The '{_runAs}' system user cannot enter {blocking}, so the embedded PostgreSQL cannot use {_options.DataDirectory} " +
                $"(as root, PostgreSQL runs as '{_runAs}'). Choose a data directory it can reach (Coe:DataDirectory or COE_DATA_DIR, " +
                $"e.g. /var/lib/coeinsights), or let it pass: chmod o+x {blocking}.");
        }
    }

    private async Task<bool> CanEnterAsync(string folder, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("runuser") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = "/" };
        foreach (var a in (string[])["-u", _runAs!, "--", "test", "-x", folder]) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new EmbeddedPostgresException("Could not start runuser.");
        await process.WaitForExitAsync(ct);
        return process.ExitCode == 0;
    }

    private Task ChownAsync(string path, CancellationToken ct) =>
        _runAs is null ? Task.CompletedTask : RunAsync("chown", ["-R", $"{_runAs}:{_runAs}", path], ct, asServerUser: false);

    private async Task RunAsync(string file, IReadOnlyList<string> args, CancellationToken ct, bool asServerUser = true)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            // The cluster must outlive nothing but us; never inherit our working folder's rights issues.
            WorkingDirectory = "/",
        };
        if (asServerUser && _runAs is not null)
        {
            psi.FileName = "runuser";
            foreach (var a in (string[])["-u", _runAs, "--", file]) psi.ArgumentList.Add(a);
        }
        else
        {
            psi.FileName = file;
        }
        foreach (var a in args) psi.ArgumentList.Add(a);

        using var process = Process.Start(psi) ?? throw new EmbeddedPostgresException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var output = (await stdout + await stderr).Trim();
        if (process.ExitCode != 0)
            throw new EmbeddedPostgresException($"{Path.GetFileName(file)} {string.Join(' ', args.Where(a => !a.StartsWith("--pwfile", StringComparison.Ordinal)))} failed ({process.ExitCode}): {output}" +
                (File.Exists(LogFile) ? $"\nLast lines of {LogFile}:\n{string.Join('\n', File.ReadLines(LogFile).TakeLast(10))}" : ""));
        _logger.LogDebug("{Command}: {Output}", Path.GetFileName(file), output);
    }
}

public sealed class EmbeddedPostgresException(string message) : Exception(message);
