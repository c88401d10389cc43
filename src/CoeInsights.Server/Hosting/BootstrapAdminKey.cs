using CoeInsights.Access.Bootstrapping;
using Marten;
using Microsoft.Extensions.Options;

namespace CoeInsights.Server.Hosting;

/// <summary>
/// Issues the first admin key on a fresh store. The secret goes to the console once and to a 0600
/// file under the data folder; the log only says where, never what.
/// </summary>
public sealed class BootstrapAdminKey(IDocumentStore store, IOptions<CoeServerOptions> options, TimeProvider clock, ILogger<BootstrapAdminKey> logger)
    : IHostedService
{
    public const string FileName = "admin-key";

    public string KeyFile => Path.GetFullPath(Path.Combine(options.Value.DataDirectory, FileName));

    public async Task StartAsync(CancellationToken ct)
    {
        // Replicas of a store bootstrapped by the `bootstrap-admin` command issue nothing.
        if (!options.Value.BootstrapAdminOnStart) return;
        var created = await IssueBootstrapAdminKey.Handle(store, clock.GetUtcNow(), ct);
        if (created?.Secret is null) return;

        await WriteKeyFileAsync(KeyFile, created.Secret);

        logger.LogWarning("Fresh store: issued bootstrap admin key {KeyId} for tenant 'default'; its secret is in {KeyFile} (mode 0600)",
            created.Key.Id, KeyFile);
        // Deliberately not through the logger: the secret must never reach log sinks.
        Console.Out.WriteLine($"""

            ==== CoeInsights bootstrap admin key (shown once; also saved to {KeyFile}) ====
            {created.Secret}
            ===============================================================================

            """);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Writes a secret to a new file only its owner can read (created 0600, never widened afterwards).</summary>
    public static async Task WriteKeyFileAsync(string path, string secret)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        await using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        await using var writer = new StreamWriter(stream);
        await writer.WriteLineAsync(secret);
    }
}
