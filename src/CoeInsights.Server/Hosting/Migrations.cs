using CoeInsights.Store;
using JasperFx;
using Marten;

namespace CoeInsights.Server.Hosting;

/// <summary>
/// The schema as one step of its own: <c>migrate</c> applies it with a DDL role, replicas then run with a role that
/// may only read and write rows (<see cref="CoeServerOptions.MigrateOnStart"/> = false; docs/deploy.md).
/// </summary>
public static class Migrations
{
    public static StoreOptions Configure(string connectionString, CoeServerOptions options)
    {
        var store = CoeStore.Configure(new StoreOptions(), connectionString, options.Schema);
        // A DML-only role cannot create or alter anything: Marten must not try (a missing table then fails loudly).
        if (!options.MigrateOnStart) store.AutoCreateSchemaObjects = AutoCreate.None;
        return store;
    }

    /// <summary>Creates or updates every table, function and sequence of the store.</summary>
    public static Task ApplyAsync(IDocumentStore store) => store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate);

    /// <summary>What a replica's role needs on a migrated schema: rows, sequences (event numbers) and Marten's functions, nothing else.</summary>
    public static string GrantDmlSql(string schema, string role)
    {
        var s = Quote(schema);
        var r = Quote(role);
        return $"""
            GRANT USAGE ON SCHEMA {s} TO {r};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {r};
            GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {s} TO {r};
            """;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
