using System.CommandLine;
using CoeInsights.V1;
using Spectre.Console;

namespace CoeInsights.Cli.Commands;

/// <summary>coe admin tenants|keys …: needs an admin key.</summary>
internal static class AdminCommands
{
    public static Command Build(CommandRunner run)
    {
        var admin = new Command("admin", "Tenants and API keys (admin role).");
        admin.Add(Tenants(run));
        admin.Add(Keys(run));
        return admin;
    }

    private static Command Tenants(CommandRunner run)
    {
        var tenants = new Command("tenants", "Create and list tenants.");

        var id = new Argument<string>("tenant-id") { Description = "Lower-case id, e.g. acme-emea." };
        var name = new Option<string>("--name") { Description = "Display name.", Required = true };
        var create = new Command("create", "Create a tenant (operator tenant admins only).") { id, name };
        create.SetAction((result, ct) => run(result, async context =>
        {
            var tenantId = result.GetValue(id)!;
            var tenant = await Client(context).CreateTenantAsync(new CreateTenantRequest
            {
                TenantId = tenantId, DisplayName = result.GetValue(name)!, RequestId = $"cli-create-tenant-{tenantId}",
            }, cancellationToken: ct);
            context.Write(tenant, console => console.WriteLine($"created tenant {tenant.TenantId} ({tenant.DisplayName})"));
        }));

        var list = new Command("list", "List the tenants the key may see.");
        list.SetAction((result, ct) => run(result, async context =>
        {
            var all = new ListTenantsResponse();
            var token = "";
            do
            {
                var page = await Client(context).ListTenantsAsync(new ListTenantsRequest { PageToken = token }, cancellationToken: ct);
                all.Tenants.AddRange(page.Tenants);
                token = page.NextPageToken;
            } while (token != "");
            context.Write(all, console =>
            {
                var table = new Table().AddColumns("tenant", "name", "created");
                foreach (var t in all.Tenants) table.AddRow(Markup.Escape(t.TenantId), Markup.Escape(t.DisplayName), t.CreateTime.ToDateTimeOffset().ToString("u"));
                console.Write(table);
            });
        }));

        tenants.Add(create);
        tenants.Add(list);
        return tenants;
    }

    private static Command Keys(CommandRunner run)
    {
        var keys = new Command("keys", "Create, list and revoke API keys.");
        var tenant = new Option<string>("--tenant") { Description = "Tenant id.", DefaultValueFactory = _ => "default" };

        var name = new Option<string>("--name") { Description = "What the key is for.", Required = true };
        var roles = new Option<Role[]>("--role")
        {
            Description = "Role(s): Admin, Committee, Evaluator, Viewer, Ingest. Repeat for several.",
            Required = true, AllowMultipleArgumentsPerToken = true,
            CustomParser = r =>
            {
                var parsed = new List<Role>();
                foreach (var token in r.Tokens)
                {
                    if (Enum.TryParse<Role>(token.Value, ignoreCase: true, out var role) && role != Role.Unspecified) parsed.Add(role);
                    else r.AddError($"Unknown role '{token.Value}': use Admin, Committee, Evaluator, Viewer or Ingest.");
                }
                return parsed.ToArray();
            },
        };
        var principal = new Option<string?>("--principal") { Description = "Who the key speaks for (an evaluator id)." };
        var create = new Command("create", "Create a key; its secret is printed once.") { tenant, name, roles, principal };
        create.SetAction((result, ct) => run(result, async context =>
        {
            var created = await Client(context).CreateApiKeyAsync(new CreateApiKeyRequest
            {
                TenantId = result.GetValue(tenant)!, DisplayName = result.GetValue(name)!,
                Roles = { result.GetValue(roles)! }, Principal = result.GetValue(principal) ?? "",
            }, cancellationToken: ct);
            context.Write(created, console =>
            {
                console.WriteLine($"key {created.ApiKey.KeyId} for tenant {created.ApiKey.TenantId} ({string.Join(", ", created.ApiKey.Roles)})");
                console.WriteLine("secret (shown once, store it now):");
                console.WriteLine(created.Secret);
            });
        }));

        var list = new Command("list", "List a tenant's keys (never their secrets).") { tenant };
        list.SetAction((result, ct) => run(result, async context =>
        {
            var all = new ListApiKeysResponse();
            var token = "";
            do
            {
                var page = await Client(context).ListApiKeysAsync(new ListApiKeysRequest { TenantId = result.GetValue(tenant)!, PageToken = token }, cancellationToken: ct);
                all.ApiKeys.AddRange(page.ApiKeys);
                token = page.NextPageToken;
            } while (token != "");
            context.Write(all, console =>
            {
                var table = new Table().AddColumns("key", "name", "roles", "principal", "revoked");
                foreach (var k in all.ApiKeys)
                    table.AddRow(k.KeyId, Markup.Escape(k.DisplayName), string.Join(", ", k.Roles), Markup.Escape(k.Principal),
                        k.RevokeTime is null ? "" : k.RevokeTime.ToDateTimeOffset().ToString("u"));
                console.Write(table);
            });
        }));

        var keyId = new Argument<string>("key-id");
        var revoke = new Command("revoke", "Revoke a key; calls with it fail from then on.") { tenant, keyId };
        revoke.SetAction((result, ct) => run(result, async context =>
        {
            var key = await Client(context).RevokeApiKeyAsync(new RevokeApiKeyRequest { TenantId = result.GetValue(tenant)!, KeyId = result.GetValue(keyId)! }, cancellationToken: ct);
            context.Write(key, console => console.WriteLine($"revoked {key.KeyId}"));
        }));

        keys.Add(create);
        keys.Add(list);
        keys.Add(revoke);
        return keys;
    }

    private static AdminService.AdminServiceClient Client(CliContext context) => new(context.Channel);
}
