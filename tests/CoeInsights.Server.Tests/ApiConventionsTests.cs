using CoeInsights.Client;
using CoeInsights.Server.Tests.Evaluations;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;

namespace CoeInsights.Server.Tests;

/// <summary>AIP-154 etags and AIP-158 page tokens as a client sees them (protos/README.md).</summary>
public sealed class ApiConventionsTests(TestServer server) : IClassFixture<TestServer>
{
    private AdminService.AdminServiceClient Admin => new(server.Channel());

    [Fact]
    public async Task RefusesPageTokenGivenOtherParametersThanItWasIssuedFor()
    {
        await server.CreateKeyAsync("paging-a", Role.Viewer);
        await server.CreateKeyAsync("paging-a", Role.Viewer);
        await server.CreateKeyAsync("paging-b", Role.Viewer);
        await server.CreateKeyAsync("paging-b", Role.Viewer);
        var first = await Admin.ListApiKeysAsync(new ListApiKeysRequest { TenantId = "paging-a", PageSize = 1 });
        var token = first.NextPageToken;
        Assert.NotEqual("", token);
        // Opaque: the same offset under another filter is another token.
        var other = await Admin.ListApiKeysAsync(new ListApiKeysRequest { TenantId = "paging-b", PageSize = 1 });
        Assert.NotEqual("", other.NextPageToken);
        Assert.NotEqual(token, other.NextPageToken);

        // Same filter, another page size: allowed (AIP-158), and the page goes on after the first key.
        var rest = await Admin.ListApiKeysAsync(new ListApiKeysRequest { TenantId = "paging-a", PageSize = 10, PageToken = token });
        Assert.DoesNotContain(rest.ApiKeys, k => k.KeyId == first.ApiKeys[0].KeyId);
        Assert.NotEmpty(rest.ApiKeys);

        var otherFilter = await Assert.ThrowsAsync<RpcException>(() =>
            Admin.ListApiKeysAsync(new ListApiKeysRequest { TenantId = "paging-b", PageSize = 1, PageToken = token }).ResponseAsync);
        var otherMethod = await Assert.ThrowsAsync<RpcException>(() =>
            Admin.ListTenantsAsync(new ListTenantsRequest { PageSize = 1, PageToken = token }).ResponseAsync);

        foreach (var e in new[] { otherFilter, otherMethod })
        {
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.Equal("page_token", e.FieldViolations().Single().Field);
        }
    }

    [Fact]
    public async Task IssuesWeakQuotedEtagsAndTakesTheOldUnquotedForm()
    {
        var kit = new EvaluationTestKit(server, "etags");
        var chair = await kit.Chair;
        var created = await kit.CreateAsync();
        Assert.Matches("""^W/"[0-9]+"$""", created.Etag);

        var added = await chair.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = created.EvaluationId, Etag = created.Etag,
            Criteria = { new Criterion { CriterionId = "reach", Description = "Reach" } },
        });
        Assert.Matches("""^W/"[0-9]+"$""", added.Etag);
        Assert.NotEqual(created.Etag, added.Etag);

        var version = added.Etag[3..^1];
        var strong = await chair.AddVendorsAsync(new AddVendorsRequest
        {
            EvaluationId = created.EvaluationId, Etag = $"\"{version}\"",
            Vendors = { new Vendor { VendorId = "v1", DisplayName = "Vendor one" } },
        });
        var legacy = await chair.InviteEvaluatorsAsync(new InviteEvaluatorsRequest
        {
            EvaluationId = created.EvaluationId, Etag = strong.Etag[3..^1],
            Evaluators = { new Evaluator { EvaluatorId = "e1", DisplayName = "E One", Department = "Social" } },
        });
        Assert.NotEqual(strong.Etag, legacy.Etag);

        var stale = await Assert.ThrowsAsync<RpcException>(() => chair.CloseEvaluationAsync(new CloseEvaluationRequest
        {
            EvaluationId = created.EvaluationId, Etag = added.Etag,
        }).ResponseAsync);
        Assert.Equal(StatusCode.Aborted, stale.StatusCode);
        var malformed = await Assert.ThrowsAsync<RpcException>(() => chair.CloseEvaluationAsync(new CloseEvaluationRequest
        {
            EvaluationId = created.EvaluationId, Etag = "W/15",
        }).ResponseAsync);
        Assert.Equal("etag", malformed.FieldViolations().Single().Field);
    }
}
