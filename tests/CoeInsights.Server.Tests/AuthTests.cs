using System.Net;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;

namespace CoeInsights.Server.Tests;

/// <summary>The auth matrix: no key, bad key, revoked key, wrong role, other tenant.</summary>
public sealed class AuthTests(TestServer server) : IClassFixture<TestServer>
{
    private static Task<V1.ServerInfo> Info(Grpc.Net.Client.GrpcChannel channel) =>
        new ServerInfoService.ServerInfoServiceClient(channel).GetServerInfoAsync(new GetServerInfoRequest()).ResponseAsync;

    [Fact]
    public async Task RejectsCallGivenNoKey()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Info(server.AnonymousChannel()));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    [Fact]
    public async Task RejectsJsonCallGivenNoKey()
    {
        using var http = server.Http();
        using var response = await http.GetAsync("/v1/serverInfo");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("coe_00000000000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task RejectsCallGivenUnknownOrMalformedKey(string key)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Info(server.Channel(key)));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    [Fact]
    public async Task RejectsCallGivenRightKeyIdWithWrongSecret()
    {
        var key = await server.CreateKeyAsync("default", Role.Viewer);
        var tampered = key[..^4] + (key.EndsWith("AAAA") ? "BBBB" : "AAAA");

        var e = await Assert.ThrowsAsync<RpcException>(() => Info(server.Channel(tampered)));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    [Fact]
    public async Task RejectsCallGivenRevokedKey()
    {
        var admin = new AdminService.AdminServiceClient(server.Channel());
        var created = await admin.CreateApiKeyAsync(new CreateApiKeyRequest { TenantId = "default", DisplayName = "to revoke", Roles = { Role.Viewer } });
        Assert.Equal("default", (await Info(server.Channel(created.Secret))).TenantId);

        await admin.RevokeApiKeyAsync(new RevokeApiKeyRequest { TenantId = "default", KeyId = created.ApiKey.KeyId });

        var e = await Assert.ThrowsAsync<RpcException>(() => Info(server.Channel(created.Secret)));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    [Fact]
    public async Task DeniesAdminCallGivenViewerKey()
    {
        var viewer = await server.CreateKeyAsync("default", Role.Viewer);
        var admin = new AdminService.AdminServiceClient(server.Channel(viewer));

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            admin.CreateApiKeyAsync(new CreateApiKeyRequest { TenantId = "default", DisplayName = "x", Roles = { Role.Admin } }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }

    [Fact]
    public async Task DeniesJsonAdminCallGivenViewerKey()
    {
        var viewer = await server.CreateKeyAsync("default", Role.Viewer);
        using var http = server.Http(viewer);
        using var response = await http.GetAsync("/v1/tenants/default/apiKeys");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task HidesOtherTenantGivenTenantAdmin()
    {
        var acmeAdmin = await server.CreateKeyAsync("acme", Role.Admin);
        var globexViewer = await server.CreateKeyAsync("globex", Role.Viewer);
        var globexKeys = await new AdminService.AdminServiceClient(server.Channel()).ListApiKeysAsync(new ListApiKeysRequest { TenantId = "globex" });
        var admin = new AdminService.AdminServiceClient(server.Channel(acmeAdmin));

        var list = await Assert.ThrowsAsync<RpcException>(() => admin.ListApiKeysAsync(new ListApiKeysRequest { TenantId = "globex" }).ResponseAsync);
        var revoke = await Assert.ThrowsAsync<RpcException>(() =>
            admin.RevokeApiKeyAsync(new RevokeApiKeyRequest { TenantId = "globex", KeyId = globexKeys.ApiKeys[0].KeyId }).ResponseAsync);
        var create = await Assert.ThrowsAsync<RpcException>(() =>
            admin.CreateApiKeyAsync(new CreateApiKeyRequest { TenantId = "globex", DisplayName = "x", Roles = { Role.Admin } }).ResponseAsync);
        var tenants = await admin.ListTenantsAsync(new ListTenantsRequest());

        Assert.All([list, revoke, create], e => Assert.Equal(StatusCode.NotFound, e.StatusCode));
        Assert.Equal(["acme"], tenants.Tenants.Select(t => t.TenantId));
        // The globex key still works: nothing changed.
        Assert.Equal("globex", (await Info(server.Channel(globexViewer))).TenantId);
    }

    [Fact]
    public async Task DeniesTenantCreationGivenNonOperatorAdmin()
    {
        var acmeAdmin = await server.CreateKeyAsync("acme-2", Role.Admin);
        var admin = new AdminService.AdminServiceClient(server.Channel(acmeAdmin));

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            admin.CreateTenantAsync(new CreateTenantRequest { TenantId = "sneaky", DisplayName = "Sneaky" }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }
}
