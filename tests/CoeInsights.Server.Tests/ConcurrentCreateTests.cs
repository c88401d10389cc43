using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace CoeInsights.Server.Tests;

/// <summary>Two servers (replicas) on one schema: every race below is run across both, half the callers on each.</summary>
public sealed class ReplicatedServers : IAsyncLifetime
{
    public TestServer First { get; } = new();
    public TestServer Second { get; private set; } = null!;

    /// <summary>The server the <paramref name="i"/>-th caller talks to.</summary>
    public TestServer this[int i] => i % 2 == 0 ? First : Second;

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

    /// <summary>Serves the first server's schema; runs no projection daemon (the first one does).</summary>
    public sealed class Replica(TestServer first) : TestServer(first)
    {
        protected override void Configure(WebApplicationBuilder builder) =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Coe:DaemonMode"] = "Disabled" });
    }
}

/// <summary>
/// 32 identical creates released at once behind a barrier, over real gRPC to two servers on one database: one resource
/// is stored, the answers are identical (or exactly one OK and ALREADY_EXISTS for the rest, for a natural key under
/// different request ids), and none is INTERNAL.
/// </summary>
public sealed class ConcurrentCreateTests(ReplicatedServers servers) : IClassFixture<ReplicatedServers>
{
    private const int Callers = 32;

    private readonly record struct Outcome<T>(T? Answer, RpcException? Error)
    {
        public StatusCode Code => Error?.StatusCode ?? StatusCode.OK;
        public string? Reason => Error?.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;
    }

    /// <summary>Starts <see cref="Callers"/> calls that all wait on one gate, opens it, and collects every outcome.</summary>
    private static async Task<Outcome<T>[]> Race<T>(Func<int, Task<T>> call)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, Callers).Select(async i =>
        {
            await gate.Task;
            try
            {
                return new Outcome<T>(await call(i), null);
            }
            catch (RpcException e)
            {
                return new Outcome<T>(default, e);
            }
        }).ToArray();
        gate.SetResult();
        return await Task.WhenAll(calls);
    }

    /// <summary>One channel per caller, each already connected, so the race is between the calls and not the connects.</summary>
    private async Task<GrpcChannel[]> Channels(string apiKey)
    {
        var channels = Enumerable.Range(0, Callers).Select(i => servers[i].Channel(apiKey)).ToArray();
        await Task.WhenAll(channels.Select(c => new ServerInfoService.ServerInfoServiceClient(c).GetServerInfoAsync(new GetServerInfoRequest()).ResponseAsync));
        return channels;
    }

    private static void AllOk<T>(Outcome<T>[] outcomes) =>
        Assert.Equal(Enumerable.Repeat("OK", Callers), outcomes.Select(o => o.Error is null ? "OK" : $"{o.Code}: {o.Error.Status.Detail}"));

    private static void OneOkRestAlreadyExists<T>(Outcome<T>[] outcomes, string reason)
    {
        Assert.Equal(Callers - 1, outcomes.Count(o => o.Code == StatusCode.AlreadyExists && o.Reason == reason));
        Assert.Single(outcomes, o => o.Error is null);
    }

    private static void AllIdentical<T>(Outcome<T>[] outcomes) => Assert.Single(outcomes.Select(o => o.Answer).Distinct());

    [Fact]
    public async Task CreatesOneProfileGivenConcurrentRegistrationsWithOneRequestId()
    {
        var channels = await Channels(await servers.First.CreateKeyAsync("race-profile-1", Role.Committee));

        var outcomes = await Race(i => new KpiService.KpiServiceClient(channels[i]).RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = "acme", BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = "reg-acme",
        }).ResponseAsync);

        AllOk(outcomes);
        AllIdentical(outcomes);
        var listed = await new KpiService.KpiServiceClient(channels[1]).ListProfilesAsync(new ListProfilesRequest { PageSize = 100 });
        Assert.Equal([outcomes[0].Answer!.ProfileId], listed.Profiles.Select(p => p.ProfileId));
    }

    [Fact]
    public async Task ReturnsAlreadyExistsToAllButOneGivenConcurrentRegistrationsOfOneHandleWithDifferentRequestIds()
    {
        var channels = await Channels(await servers.First.CreateKeyAsync("race-profile-2", Role.Committee));

        var outcomes = await Race(i => new KpiService.KpiServiceClient(channels[i]).RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Instagram, Handle = "acme", BusinessUnit = "Corporate", Ownership = Ownership.Competitor, RequestId = $"reg-{i}",
        }).ResponseAsync);

        OneOkRestAlreadyExists(outcomes, "PROFILE_ALREADY_EXISTS");
        var listed = await new KpiService.KpiServiceClient(channels[1]).ListProfilesAsync(new ListProfilesRequest { PageSize = 100 });
        Assert.Equal([outcomes.Single(o => o.Error is null).Answer!.ProfileId], listed.Profiles.Select(p => p.ProfileId));
    }

    [Fact]
    public async Task CreatesOneKeyAndShowsOneSecretGivenConcurrentCreateApiKeyWithOneRequestId()
    {
        await servers.First.CreateKeyAsync("race-key", Role.Viewer); // the tenant
        var channels = await Channels(servers.First.AdminKey);

        var outcomes = await Race(i => new AdminService.AdminServiceClient(channels[i]).CreateApiKeyAsync(new CreateApiKeyRequest
        {
            TenantId = "race-key", DisplayName = "raced ingest key", Roles = { Role.Ingest }, RequestId = "key-1",
        }).ResponseAsync);

        AllOk(outcomes);
        Assert.Single(outcomes.Select(o => o.Answer!.ApiKey).Distinct());
        var secret = Assert.Single(outcomes.Select(o => o.Answer!.Secret), s => s.Length > 0);
        var info = await new ServerInfoService.ServerInfoServiceClient(servers.Second.Channel(secret)).GetServerInfoAsync(new GetServerInfoRequest());
        Assert.Equal("race-key", info.TenantId);
        var keys = await new AdminService.AdminServiceClient(channels[0]).ListApiKeysAsync(new ListApiKeysRequest { TenantId = "race-key", PageSize = 100 });
        Assert.Equal([outcomes[0].Answer!.ApiKey.KeyId], keys.ApiKeys.Where(k => k.DisplayName == "raced ingest key").Select(k => k.KeyId));
    }

    [Fact]
    public async Task CreatesOneTenantGivenConcurrentCreateTenantWithOneRequestId()
    {
        var channels = await Channels(servers.First.AdminKey);

        var outcomes = await Race(i => new AdminService.AdminServiceClient(channels[i]).CreateTenantAsync(new CreateTenantRequest
        {
            TenantId = "race-tenant-1", DisplayName = "Raced", RequestId = "tenant-1",
        }).ResponseAsync);

        AllOk(outcomes);
        AllIdentical(outcomes);
        var tenants = await new AdminService.AdminServiceClient(channels[1]).ListTenantsAsync(new ListTenantsRequest { PageSize = 1000 });
        Assert.Single(tenants.Tenants, t => t.TenantId == "race-tenant-1");
    }

    [Fact]
    public async Task ReturnsAlreadyExistsToAllButOneGivenConcurrentCreateTenantWithDifferentRequestIds()
    {
        var channels = await Channels(servers.First.AdminKey);

        var outcomes = await Race(i => new AdminService.AdminServiceClient(channels[i]).CreateTenantAsync(new CreateTenantRequest
        {
            TenantId = "race-tenant-2", DisplayName = $"Raced {i}", RequestId = $"tenant-2-{i}",
        }).ResponseAsync);

        OneOkRestAlreadyExists(outcomes, "TENANT_ALREADY_EXISTS");
        var tenants = await new AdminService.AdminServiceClient(channels[1]).ListTenantsAsync(new ListTenantsRequest { PageSize = 1000 });
        Assert.Equal(outcomes.Single(o => o.Error is null).Answer!.DisplayName, Assert.Single(tenants.Tenants, t => t.TenantId == "race-tenant-2").DisplayName);
    }

    [Fact]
    public async Task CreatesOneEvaluationGivenConcurrentCreateEvaluationWithOneRequestId()
    {
        var channels = await Channels(await servers.First.CreateKeyAsync("race-evaluation", "chair", Role.Committee));

        var outcomes = await Race(i => new EvaluationService.EvaluationServiceClient(channels[i]).CreateEvaluationAsync(new CreateEvaluationRequest
        {
            Title = "Raced suite", Scale = new ScoreScale { Min = 1, Max = 5 }, CommitteeMembers = { "m2" }, RequestId = "evaluation-1",
        }).ResponseAsync);

        AllOk(outcomes);
        AllIdentical(outcomes);
        var listed = await new EvaluationService.EvaluationServiceClient(channels[1]).ListEvaluationsAsync(new ListEvaluationsRequest { PageSize = 100 });
        Assert.Equal([outcomes[0].Answer!.EvaluationId], listed.Evaluations.Select(e => e.EvaluationId));
    }

    [Fact]
    public async Task CreatesOneSurveyGivenConcurrentCreateSurveyWithOneRequestId()
    {
        var channels = await Channels(await servers.First.CreateKeyAsync("race-survey", "chair", Role.Committee));

        var outcomes = await Race(i => new SurveyService.SurveyServiceClient(channels[i]).CreateSurveyAsync(new CreateSurveyRequest
        {
            Title = "Raced survey", RequestId = "survey-1",
            Audience = { new AudienceDepartment { Department = "Marketing", Invited = 10 } },
            Questions = { new SurveyQuestion { QuestionId = "nps", Kind = QuestionKind.Nps } },
        }).ResponseAsync);

        AllOk(outcomes);
        AllIdentical(outcomes);
        var listed = await new SurveyService.SurveyServiceClient(channels[1]).ListSurveysAsync(new ListSurveysRequest { PageSize = 100 });
        Assert.Equal([outcomes[0].Answer!.SurveyId], listed.Surveys.Select(s => s.SurveyId));
    }

    [Fact]
    public async Task StartsAndRefusesNewDuplicatesGivenDuplicateProfilesStoredBeforeClaims()
    {
        var committeeKey = await servers.First.CreateKeyAsync("race-legacy", Role.Committee);
        var register = (TestServer server, string requestId) => new KpiService.KpiServiceClient(server.Channel(committeeKey))
            .RegisterProfileAsync(new RegisterProfileRequest
            {
                Network = Network.Tiktok, Handle = "legacy", BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = requestId,
            }).ResponseAsync;
        var original = await register(servers.First, "legacy-1");
        var duplicateId = Guid.CreateVersion7();
        // What a store written before claims existed can hold: the profile without its claim, and a duplicate of it.
        await Sql($$"""
            delete from {{servers.First.Schema}}.mt_doc_createclaim where id like 'profile-handle/race-legacy/%';
            create temp table dup as select * from {{servers.First.Schema}}.mt_doc_kpiprofile where tenant_id = 'race-legacy';
            update dup set id = '{{duplicateId}}', data = jsonb_set(data, '{id}', to_jsonb('{{duplicateId}}'::text));
            insert into {{servers.First.Schema}}.mt_doc_kpiprofile select * from dup;
            """);

        var restarted = new ReplicatedServers.Replica(servers.First);
        try
        {
            await restarted.InitializeAsync();

            Assert.Equal(original, await register(restarted, "legacy-1"));
            var e = await Assert.ThrowsAsync<RpcException>(() => register(restarted, "legacy-2"));
            Assert.Equal((StatusCode.AlreadyExists, "PROFILE_ALREADY_EXISTS"), (e.StatusCode, e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason));
            var listed = await new KpiService.KpiServiceClient(restarted.Channel(committeeKey)).ListProfilesAsync(new ListProfilesRequest { PageSize = 100 });
            Assert.Equal([original.ProfileId, duplicateId.ToString()], listed.Profiles.Where(p => p.Handle == "legacy").Select(p => p.ProfileId));
        }
        finally
        {
            await restarted.DisposeAsync();
        }
    }

    private async Task Sql(string sql)
    {
        await using var db = new NpgsqlConnection(servers.First.ConnectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task StoresOneBatchGivenConcurrentRecordKpisWithOneIdempotencyKey()
    {
        var committee = new KpiService.KpiServiceClient(servers.First.Channel(await servers.First.CreateKeyAsync("race-kpis", Role.Committee)));
        var profile = await committee.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = "acme", BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = "reg-acme",
        });
        var channels = await Channels(await servers.First.CreateKeyAsync("race-kpis", Role.Ingest));
        var batch = new RecordKpisRequest
        {
            IdempotencyKey = "batch-1", Source = "raced",
            Observations = { new KpiObservation { ProfileId = profile.ProfileId, Date = new Google.Type.Date { Year = 2026, Month = 11, Day = 2 }, Metric = "followers", Value = 100 } },
        };

        var outcomes = await Race(async i =>
        {
            using var call = new KpiService.KpiServiceClient(channels[i]).RecordKpis();
            await call.RequestStream.WriteAsync(batch);
            await call.RequestStream.CompleteAsync();
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            return call.ResponseStream.Current;
        });

        AllOk(outcomes);
        Assert.Single(outcomes.Select(o => o.Answer!.BatchId).Distinct());
        Assert.Single(outcomes, o => !o.Answer!.Replayed);
        await using var db = new NpgsqlConnection(servers.First.ConnectionString);
        await db.OpenAsync();
        await using var count = new NpgsqlCommand(
            $"select count(*) from {servers.First.Schema}.mt_events where tenant_id = 'race-kpis' and type = 'kpi_batch_recorded'", db);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }
}
