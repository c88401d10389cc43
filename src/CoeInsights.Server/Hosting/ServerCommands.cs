using CoeInsights.Access;
using CoeInsights.Access.Bootstrapping;
using CoeInsights.Access.CreatingApiKey;
using Marten;
using Npgsql;

namespace CoeInsights.Server.Hosting;

/// <summary>
/// One-shot commands of the server binary, for many replicas on one database (docs/deploy.md):
/// <c>migrate [--grant ROLE]</c> applies the schema (and grants a replica role its DML rights);
/// <c>bootstrap-admin [--key-file PATH]</c> issues the store's one bootstrap admin key into a 0600 file;
/// <c>mint-admin-key [--key-file PATH]</c> issues another admin key for an existing store (secret on stdout unless a file is given).
/// They read the same configuration as the server (COE_POSTGRES, Coe:Schema, ...), bind no port and exit.
/// Three verbs and two options: parsed here rather than through a parser package; the rest goes to the configuration.
/// </summary>
public static class ServerCommands
{
    private static readonly string[] Verbs = ["migrate", "bootstrap-admin", "mint-admin-key"];

    public static bool IsCommand(string[] args) => args is [var verb, ..] && Verbs.Contains(verb);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        var verb = args[0];
        var rest = new List<string>();
        string? grant = null, keyFile = null;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] is "--grant" or "--key-file")
            {
                if (i + 1 >= args.Length) return Usage(stderr, $"{args[i]} needs a value");
                if (args[i] == "--grant") grant = args[++i]; else keyFile = args[++i];
            }
            else rest.Add(args[i]);
        }
        if (grant is not null && verb != "migrate") return Usage(stderr, "--grant belongs to migrate");
        if (keyFile is not null && verb == "migrate") return Usage(stderr, "--key-file belongs to bootstrap-admin and mint-admin-key");

        await using var app = await CoeServer.BuildAsync(rest.ToArray(), builder =>
        {
            // Nothing runs at start (the app is never started), and the command's own output stays readable.
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }, ct);
        // Resolving it hands an embedded cluster (no COE_POSTGRES) to the container, which stops it on dispose.
        var embedded = app.Services.GetService<Postgres.EmbeddedPostgres>();
        var store = app.Services.GetRequiredService<IDocumentStore>();
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CoeServerOptions>>().Value;
        var now = TimeProvider.System.GetUtcNow();
        switch (verb)
        {
            case "migrate":
                await Migrations.ApplyAsync(store);
                stdout.WriteLine($"Schema '{options.Schema}' is up to date.");
                if (grant is not null)
                {
                    await using var connection = new NpgsqlConnection(
                        app.Configuration.GetConnectionString("Marten") is { Length: > 0 } given ? given : embedded!.ConnectionString);
                    await connection.OpenAsync(ct);
                    await using var command = new NpgsqlCommand(Migrations.GrantDmlSql(options.Schema, grant), connection);
                    await command.ExecuteNonQueryAsync(ct);
                    stdout.WriteLine($"Role '{grant}' may read and write rows of '{options.Schema}' (no DDL).");
                }
                return 0;
            case "bootstrap-admin":
            {
                var created = await IssueBootstrapAdminKey.Handle(store, now, ct);
                if (created?.Secret is null)
                {
                    stderr.WriteLine("coeinsights: this store has its bootstrap admin key already; `mint-admin-key` issues another admin key.");
                    return 2;
                }
                var path = Path.GetFullPath(keyFile ?? Path.Combine(options.DataDirectory, BootstrapAdminKey.FileName));
                await BootstrapAdminKey.WriteKeyFileAsync(path, created.Secret);
                stdout.WriteLine($"Bootstrap admin key {created.Key.Id} (tenant '{Tenants.Operator}') written to {path} (mode 0600).");
                return 0;
            }
            default: // mint-admin-key
            {
                var created = CreateApiKeyHandler.Decide(
                    new CreateApiKey(Tenants.Operator, $"admin minted on {Environment.MachineName} {now:yyyy-MM-dd HH:mm}Z", [Role.Admin], null, null, now),
                    Guid.CreateVersion7(now));
                await using (var session = store.LightweightSession())
                {
                    if (await session.LoadAsync<TenantRecord>(Tenants.Operator, ct) is null)
                        session.Insert(new TenantRecord(Tenants.Operator, "Default tenant", now, null));
                    session.Insert(created.Key);
                    await session.SaveChangesAsync(ct);
                }
                if (keyFile is null)
                {
                    // Only the secret on stdout, so `KEY=$(coeinsights-server mint-admin-key)` works; the rest to stderr.
                    stdout.WriteLine(created.Secret);
                    stderr.WriteLine($"Admin key {created.Key.Id} issued for tenant '{Tenants.Operator}'.");
                }
                else
                {
                    var path = Path.GetFullPath(keyFile);
                    if (File.Exists(path)) return Usage(stderr, $"{path} exists; the new key is issued but not written: revoke key {created.Key.Id}");
                    await BootstrapAdminKey.WriteKeyFileAsync(path, created.Secret!);
                    stdout.WriteLine($"Admin key {created.Key.Id} (tenant '{Tenants.Operator}') written to {path} (mode 0600).");
                }
                return 0;
            }
        }
    }

    private static int Usage(TextWriter stderr, string problem)
    {
        stderr.WriteLine($"""
            coeinsights: {problem}
            usage: CoeInsights.Server migrate [--grant ROLE]
                   CoeInsights.Server bootstrap-admin [--key-file PATH]
                   CoeInsights.Server mint-admin-key [--key-file PATH]
            (configuration as for the server: COE_POSTGRES, Coe__Schema, COE_DATA_DIR, ...)
            """);
        return 64;
    }
}
