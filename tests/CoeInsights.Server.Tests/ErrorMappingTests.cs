using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Google.Rpc;
using Grpc.Core;

namespace CoeInsights.Server.Tests;

/// <summary>Client mistakes come back typed, with google.rpc details, over gRPC and JSON alike; and change nothing.</summary>
public sealed class ErrorMappingTests(TestServer server) : IClassFixture<TestServer>
{
    private AdminService.AdminServiceClient Admin => new(server.Channel());

    [Fact]
    public async Task ReturnsInvalidArgumentWithFieldViolationsGivenBadTenant()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Admin.CreateTenantAsync(new CreateTenantRequest { TenantId = "Not Valid!", DisplayName = "" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(["tenant_id", "display_name"], e.FieldViolations().Select(v => v.Field));
        Assert.Equal("INVALID_ARGUMENT", e.Reason());
        var tenants = await Admin.ListTenantsAsync(new ListTenantsRequest());
        Assert.DoesNotContain(tenants.Tenants, t => t.DisplayName == "");
    }

    [Fact]
    public async Task ReturnsNotFoundWithResourceInfoGivenUnknownTenant()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Admin.ListApiKeysAsync(new ListApiKeysRequest { TenantId = "no-such-tenant" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal("TENANT_NOT_FOUND", e.Reason());
        Assert.Equal("no-such-tenant", e.GetRpcStatus()!.GetDetail<ResourceInfo>().ResourceName);
    }

    [Fact]
    public async Task ReturnsAlreadyExistsGivenDuplicateTenantWithNewRequestId()
    {
        await Admin.CreateTenantAsync(new CreateTenantRequest { TenantId = "dupe", DisplayName = "Dupe", RequestId = "r1" });

        var retried = await Admin.CreateTenantAsync(new CreateTenantRequest { TenantId = "dupe", DisplayName = "Dupe", RequestId = "r1" });
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Admin.CreateTenantAsync(new CreateTenantRequest { TenantId = "dupe", DisplayName = "Other", RequestId = "r2" }).ResponseAsync);

        Assert.Equal("dupe", retried.TenantId);
        Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
    }

    [Fact]
    public async Task ReturnsFailedPreconditionNamingRuleGivenKeyRevokingItself()
    {
        var secret = await server.CreateKeyAsync("default", Role.Admin);
        var own = new AdminService.AdminServiceClient(server.Channel(secret));
        var keys = await Admin.ListApiKeysAsync(new ListApiKeysRequest { TenantId = "default", PageSize = 1000 });
        var keyId = keys.ApiKeys.Single(k => secret.Contains(Guid.Parse(k.KeyId).ToString("N"))).KeyId;

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            own.RevokeApiKeyAsync(new RevokeApiKeyRequest { TenantId = "default", KeyId = keyId }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Equal("CANNOT_REVOKE_OWN_KEY", e.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations[0].Type);
    }

    [Fact]
    public async Task ReturnsInvalidArgumentGivenForgedPageToken()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Admin.ListTenantsAsync(new ListTenantsRequest { PageToken = "forged" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("page_token", e.FieldViolations().Single().Field);
    }

    [Fact]
    public async Task ReturnsInvalidArgumentGivenUnspecifiedRole()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Admin.CreateApiKeyAsync(new CreateApiKeyRequest { TenantId = "default", DisplayName = "x", Roles = { Role.Unspecified } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("roles[0]", e.FieldViolations().Single().Field);
    }

    [Fact]
    public async Task ReturnsBadRequestDetailsInJsonGivenBadTenant()
    {
        using var http = server.Http(server.AdminKey);

        using var response = await http.PostAsJsonAsync("/v1/tenants", new { tenantId = "BAD ID", displayName = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, json.RootElement.GetProperty("code").GetInt32());
        var badRequest = json.RootElement.GetProperty("details").EnumerateArray()
            .Single(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest");
        Assert.Equal("tenant_id", badRequest.GetProperty("fieldViolations")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task PagesThroughTenantsGivenSmallPageSize()
    {
        foreach (var id in new[] { "page-a", "page-b", "page-c" })
            await Admin.CreateTenantAsync(new CreateTenantRequest { TenantId = id, DisplayName = id, RequestId = id });

        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await Admin.ListTenantsAsync(new ListTenantsRequest { PageSize = 2, PageToken = token });
            Assert.InRange(page.Tenants.Count, 1, 2);
            seen.AddRange(page.Tenants.Select(t => t.TenantId));
            token = page.NextPageToken;
        } while (token != "");

        Assert.Equal(seen.Distinct().Order(), seen);
        Assert.Superset(new HashSet<string> { "default", "page-a", "page-b", "page-c" }, seen.ToHashSet());
    }
}
