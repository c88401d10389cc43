extern alias server;
using CoeInsights.Testing;
using CoeInsights.V1;
using server::CoeInsights.Server.Hosting;

namespace CoeInsights.Server.Tests;

public sealed class BootstrapKeyTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public void WritesAdminKeyFileOwnerOnlyGivenFreshStore()
    {
        var mode = File.GetUnixFileMode(Path.Combine(server.DataDirectory, BootstrapAdminKey.FileName));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.StartsWith("coe_", server.AdminKey);
    }

    [Fact]
    public async Task KeepsSecretsOutOfLogsGivenKeysCreatedAndUsed()
    {
        var created = await new AdminService.AdminServiceClient(server.Channel())
            .CreateApiKeyAsync(new CreateApiKeyRequest { TenantId = "default", DisplayName = "logged?", Roles = { Role.Viewer } });
        await new ServerInfoService.ServerInfoServiceClient(server.Channel(created.Secret)).GetServerInfoAsync(new GetServerInfoRequest());
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(() =>
            new ServerInfoService.ServerInfoServiceClient(server.Channel(created.Secret + "x")).GetServerInfoAsync(new GetServerInfoRequest()).ResponseAsync);

        var logs = string.Join('\n', server.LogLines);

        Assert.Contains("bootstrap admin key", logs); // the log says a key was issued and where...
        Assert.DoesNotContain(server.AdminKey, logs); // ...but never the secret
        Assert.DoesNotContain(created.Secret, logs);
        Assert.DoesNotContain(created.Secret[^43..], logs);
    }
}
