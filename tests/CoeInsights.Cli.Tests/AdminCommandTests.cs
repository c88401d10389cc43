using CoeInsights.Testing;
using CoeInsights.V1;

namespace CoeInsights.Cli.Tests;

/// <summary>`coe admin …` run as a process against a real server.</summary>
public sealed class AdminCommandTests(TestServer server) : IClassFixture<TestServer>
{
    private Task<(int Code, string Out, string Err)> Coe(string key, params string[] args) => CoeProcess.RunAsync(server.GrpcAddress, key, args);

    [Fact]
    public async Task CreatesTenantAndKeyThatWorksUntilRevoked()
    {
        var tenant = await Coe(server.AdminKey, "admin", "tenants", "create", "cli-acme", "--name", "Acme", "-o", "json");
        var tenants = await Coe(server.AdminKey, "admin", "tenants", "list", "-o", "json");
        var created = await Coe(server.AdminKey, "admin", "keys", "create", "--tenant", "cli-acme", "--name", "reader", "--role", "Viewer", "-o", "json");
        Assert.True(created.Code == ExitCodes.Ok, created.Err);
        var key = CreateApiKeyResponse.Parser.ParseJson(created.Out);
        var info = await Coe(key.Secret, "server-info", "-o", "json");
        var refused = await Coe(key.Secret, "admin", "keys", "list", "--tenant", "cli-acme");
        var revoked = await Coe(server.AdminKey, "admin", "keys", "revoke", "--tenant", "cli-acme", key.ApiKey.KeyId);
        var after = await Coe(key.Secret, "server-info");

        Assert.True(tenant.Code == ExitCodes.Ok, tenant.Err);
        Assert.Contains(ListTenantsResponse.Parser.ParseJson(tenants.Out).Tenants, t => t.TenantId == "cli-acme" && t.DisplayName == "Acme");
        Assert.True(info.Code == ExitCodes.Ok, info.Err);
        Assert.Contains("cli-acme", info.Out);
        Assert.Equal(ExitCodes.Auth, refused.Code);
        Assert.Equal(ExitCodes.Ok, revoked.Code);
        Assert.Equal(ExitCodes.Auth, after.Code);
    }

    [Fact]
    public async Task ExitsUsageGivenUnknownCommand()
    {
        var (code, _, error) = await Coe(server.AdminKey, "evaluations", "explode");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("'explode'", error); // names what it did not understand
    }
}
