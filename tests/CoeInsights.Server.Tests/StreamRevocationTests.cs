using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Marten;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests;

/// <summary>
/// A stream authenticates when it opens; revoking its key must end it (UNAUTHENTICATED, API_KEY_REVOKED) within 5 s,
/// whether it is waiting (watches) or sending (RecordKpis), and a client stream stores nothing after the revocation.
/// </summary>
public sealed class StreamRevocationTests(TestServer server) : IClassFixture<TestServer>
{
    /// <summary>The promise in docs/errors.md; the server re-checks every 2 s by default.</summary>
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(5);

    private AdminService.AdminServiceClient Admin => new(server.Channel());

    private async Task<(string Secret, string KeyId)> KeyAsync(string tenant, string principal, params Role[] roles)
    {
        await server.CreateKeyAsync(tenant, Role.Viewer); // makes sure the tenant exists
        var created = await Admin.CreateApiKeyAsync(new CreateApiKeyRequest
        {
            TenantId = tenant, DisplayName = $"revocable {principal}", Roles = { roles }, Principal = principal,
        });
        return (created.Secret, created.ApiKey.KeyId);
    }

    private Task RevokeAsync(string tenant, string keyId) =>
        Admin.RevokeApiKeyAsync(new RevokeApiKeyRequest { TenantId = tenant, KeyId = keyId }).ResponseAsync;

    private async Task<int> EventCountAsync(string tenant)
    {
        await using var session = server.Store().QuerySession(tenant);
        return await session.Events.QueryAllRawEvents().CountAsync();
    }

    private static async Task AssertRevokedWithinPromise<T>(IAsyncStreamReader<T> stream)
    {
        // Past the promise the client cancels, and the assertion below sees CANCELLED instead.
        using var cts = new CancellationTokenSource(Promise);
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await stream.MoveNext(cts.Token)) { }
        });
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal("API_KEY_REVOKED", e.Reason());
    }

    [Fact]
    public async Task EndsWaitingWatchEvaluationGivenItsKeyRevoked()
    {
        var (secret, keyId) = await KeyAsync("revoke-watch", "watcher", Role.Committee);
        var evaluations = new EvaluationService.EvaluationServiceClient(server.Channel(secret));
        var evaluation = await evaluations.CreateEvaluationAsync(new CreateEvaluationRequest
        {
            Title = "Watched", Purpose = "p", Scale = new ScoreScale { Min = 1, Max = 5 }, RequestId = "watched",
        });
        using var watch = evaluations.WatchEvaluation(new WatchEvaluationRequest { EvaluationId = evaluation.EvaluationId, AfterVersion = 0 });
        await watch.ResponseHeadersAsync;
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None)); // the opening event: the watch works

        await RevokeAsync("revoke-watch", keyId);

        await AssertRevokedWithinPromise(watch.ResponseStream);
    }

    [Fact]
    public async Task EndsWatchAlertsGivenItsKeyRevoked()
    {
        var (secret, keyId) = await KeyAsync("revoke-alerts", "alert-watcher", Role.Viewer);
        using var watch = new KpiService.KpiServiceClient(server.Channel(secret)).WatchAlerts(new WatchAlertsRequest { Metrics = { "mentions" } });
        await watch.ResponseHeadersAsync;

        await RevokeAsync("revoke-alerts", keyId);

        await AssertRevokedWithinPromise(watch.ResponseStream);
    }

    [Fact]
    public async Task RecordKpisStoresNothingMoreGivenItsKeyRevokedMidStream()
    {
        const string tenant = "revoke-ingest";
        var committee = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(tenant, Role.Committee)));
        var profile = await committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = "brand", BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = "reg-brand",
        });
        var (secret, keyId) = await KeyAsync(tenant, "importer", Role.Ingest);
        RecordKpisRequest Batch(int day) => new()
        {
            IdempotencyKey = $"day-{day}", Source = "test",
            Observations = { new KpiObservation { ProfileId = profile.ProfileId, Date = new Date { Year = 2026, Month = 3, Day = day }, Metric = "followers", Value = 100 + day } },
        };
        using var call = new KpiService.KpiServiceClient(server.Channel(secret)).RecordKpis();
        await call.RequestStream.WriteAsync(Batch(1));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.False(call.ResponseStream.Current.Replayed);
        var before = await EventCountAsync(tenant);

        await RevokeAsync(tenant, keyId);
        try
        {
            await call.RequestStream.WriteAsync(Batch(2));
            await call.RequestStream.WriteAsync(Batch(3));
        }
        catch (RpcException)
        {
            // The server may already have ended the call: the status is read below.
        }

        await AssertRevokedWithinPromise(call.ResponseStream);
        Assert.Equal(before, await EventCountAsync(tenant));
    }

    [Fact]
    public async Task KeepsStreamOpenGivenAnotherKeyRevoked()
    {
        var (secret, _) = await KeyAsync("revoke-other", "stays", Role.Viewer);
        var (_, otherKeyId) = await KeyAsync("revoke-other", "goes", Role.Viewer);
        // Longer than one re-check interval (2 s), so the server has looked at the key at least once.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        using var watch = new KpiService.KpiServiceClient(server.Channel(secret)).WatchAlerts(new WatchAlertsRequest { Metrics = { "mentions" } },
            cancellationToken: cts.Token);
        await watch.ResponseHeadersAsync;

        await RevokeAsync("revoke-other", otherKeyId);

        // Still open when the client itself gives up: CANCELLED, not UNAUTHENTICATED.
        var e = await Assert.ThrowsAsync<RpcException>(async () => { while (await watch.ResponseStream.MoveNext(cts.Token)) { } });
        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
    }
}
