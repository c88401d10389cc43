extern alias server;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ApiKeyCache = server::CoeInsights.Server.Auth.ApiKeyCache;

namespace CoeInsights.Server.Tests;

/// <summary>A hand-moved clock: the replica's cache ages only when a test says so.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>A replica on the first server's schema whose clock (and so its key cache) the test moves.</summary>
public sealed class ClockedReplicas : IAsyncLifetime
{
    public TestServer First { get; } = new();
    public Replica Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await First.InitializeAsync();
        Second = new Replica(First);
        await Second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (Second is not null) await Second.DisposeAsync();
        await First.DisposeAsync();
    }

    public sealed class Replica(TestServer first) : TestServer(first)
    {
        public ManualClock Clock { get; } = new();

        protected override void Configure(WebApplicationBuilder builder)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Coe:DaemonMode"] = "Disabled" });
            builder.Services.AddSingleton<TimeProvider>(Clock);
        }
    }
}

/// <summary>
/// API keys are verified from memory: a revocation reaches the replica that made it at once and the others as soon as they
/// hear its notification (LISTEN/NOTIFY, issue 22: within 1 s), not when an entry expires.
/// </summary>
public sealed class ApiKeyCacheTests(ClockedReplicas servers) : IClassFixture<ClockedReplicas>
{
    private static async Task<string> Info(Grpc.Net.Client.GrpcChannel channel) =>
        (await new ServerInfoService.ServerInfoServiceClient(channel).GetServerInfoAsync(new GetServerInfoRequest())).TenantId;

    [Fact]
    public async Task RefusesRevokedKeyOnOtherReplicaWithinOneSecondGivenCachedKeyAndClockStanding()
    {
        var admin = new AdminService.AdminServiceClient(servers.First.Channel());
        var created = await admin.CreateApiKeyAsync(new CreateApiKeyRequest { TenantId = "default", DisplayName = "cached", Roles = { Role.Viewer } });
        Assert.Equal("default", await Info(servers.First.Channel(created.Secret)));
        Assert.Equal("default", await Info(servers.Second.Channel(created.Secret)));
        var cache = servers.Second.Services.GetRequiredService<ApiKeyCache>();
        var keyId = Guid.Parse(created.ApiKey.KeyId);
        // Cached on the second replica: looked up from memory, and its clock never moves, so no entry there can expire.
        Assert.NotNull(await cache.FindAsync(keyId, CancellationToken.None));

        await admin.RevokeApiKeyAsync(new RevokeApiKeyRequest { TenantId = "default", KeyId = created.ApiKey.KeyId });
        var revoked = System.Diagnostics.Stopwatch.StartNew();

        var here = await Assert.ThrowsAsync<RpcException>(() => Info(servers.First.Channel(created.Secret)));
        Assert.Equal(StatusCode.Unauthenticated, here.StatusCode);
        // The other replica: only the commit's notification can have dropped its entry.
        var channel = servers.Second.Channel(created.Secret);
        while (true)
        {
            try
            {
                await Info(channel);
            }
            catch (RpcException there) when (there.StatusCode == StatusCode.Unauthenticated)
            {
                break;
            }
            Assert.True(revoked.Elapsed < TimeSpan.FromSeconds(1), $"the other replica still accepted the revoked key after {revoked.Elapsed}");
            await Task.Delay(10);
        }
        Assert.True(revoked.Elapsed < TimeSpan.FromSeconds(1), $"the other replica refused the revoked key only after {revoked.Elapsed}");
    }

    [Fact]
    public async Task AcceptsNewKeyGivenEarlierUnknownVerdictExpired()
    {
        var cache = servers.Second.Services.GetRequiredService<ApiKeyCache>();
        var admin = new AdminService.AdminServiceClient(servers.First.Channel());
        var created = await admin.CreateApiKeyAsync(new CreateApiKeyRequest { TenantId = "default", DisplayName = "fresh", Roles = { Role.Viewer } });

        Assert.NotNull(await cache.LookupAsync(created.Secret, CancellationToken.None));
        Assert.Equal("default", await Info(servers.Second.Channel(created.Secret)));
    }

    [Fact]
    public async Task KeepsNegativeEntriesBoundedGivenManyRandomKeys()
    {
        var cache = servers.Second.Services.GetRequiredService<ApiKeyCache>();
        for (var i = 0; i < ApiKeyCache.MaxNegativeEntries + 100; i++)
        {
            var (secret, _) = CoeInsights.Access.ApiKeySecrets.New(Guid.CreateVersion7());
            Assert.Null(await cache.LookupAsync(secret, CancellationToken.None));
        }
        Assert.InRange(cache.NegativeCount, 1, ApiKeyCache.MaxNegativeEntries);
    }
}
