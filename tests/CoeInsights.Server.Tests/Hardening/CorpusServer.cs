using CoeInsights.Server.Tests.Evaluations;
using CoeInsights.Server.Tests.Surveys;
using CoeInsights.Testing;
using CoeInsights.V1;
using Npgsql;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Hardening;

/// <summary>
/// The ids and keys of one seeded tenant ("corpus") and of a second tenant whose ids must look missing from the first:
/// an open, a closed and an empty evaluation; an open and a closed survey; a profile with ten days of observations.
/// </summary>
public sealed class CorpusSeed
{
    public const string Tenant = "corpus";
    public const string OtherTenant = "corpus-other";
    public static readonly DateOnly FirstDay = new(2026, 3, 1);
    public const int Days = 10;

    public Dictionary<Sender, string> Keys { get; } = [];
    public string AdminKeyId { get; set; } = "";
    public string RevocableKeyId { get; set; } = "";
    public Evaluation Open { get; set; } = null!;
    public Evaluation Closed { get; set; } = null!;
    public Evaluation Empty { get; set; } = null!;
    public V1.Survey OpenSurvey { get; set; } = null!;
    public V1.Survey ClosedSurvey { get; set; } = null!;
    public Profile Profile { get; set; } = null!;
    public string OtherEvaluationId { get; set; } = "";
    public string OtherSurveyId { get; set; } = "";
    public string OtherProfileId { get; set; } = "";

    public static Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
    public static Date Start => D(FirstDay);
    public static Date End => D(FirstDay.AddDays(Days - 1));

    public SeriesSelector Series(string? profileId = null, string metric = "impressions") => new()
    {
        ProfileId = profileId ?? Profile.ProfileId, Metric = metric, StartDate = Start, EndDate = End, Granularity = Granularity.Day,
    };
}

/// <summary>One server for the corpus class, seeded once; <see cref="SnapshotAsync"/> counts every table of its schema.</summary>
public sealed class CorpusServer : TestServer
{
    public CorpusSeed Seed { get; } = new();

    private Grpc.Core.CallInvoker? _invoker;
    private HttpClient? _json;

    /// <summary>One channel without credentials for every case: each call carries its own key.</summary>
    public Grpc.Core.CallInvoker Invoker => _invoker ??= AnonymousChannel().CreateCallInvoker();

    public HttpClient JsonClient => _json ??= Http();

    public override async Task DisposeAsync()
    {
        _json?.Dispose();
        await base.DisposeAsync();
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var s = Seed;
        var admin = new AdminService.AdminServiceClient(Channel());
        await CreateKeyAsync(CorpusSeed.Tenant, Role.Viewer);
        var tenantAdmin = await admin.CreateApiKeyAsync(new CreateApiKeyRequest
        {
            TenantId = CorpusSeed.Tenant, DisplayName = "corpus admin", Roles = { Role.Admin }, Principal = "corpus-admin",
        });
        s.Keys[Sender.Admin] = tenantAdmin.Secret;
        s.AdminKeyId = tenantAdmin.ApiKey.KeyId;
        s.RevocableKeyId = (await admin.CreateApiKeyAsync(new CreateApiKeyRequest
        {
            TenantId = CorpusSeed.Tenant, DisplayName = "to revoke", Roles = { Role.Viewer },
        })).ApiKey.KeyId;
        var revoked = await admin.CreateApiKeyAsync(new CreateApiKeyRequest { TenantId = CorpusSeed.Tenant, DisplayName = "revoked", Roles = { Role.Committee } });
        await admin.RevokeApiKeyAsync(new RevokeApiKeyRequest { TenantId = CorpusSeed.Tenant, KeyId = revoked.ApiKey.KeyId });
        s.Keys[Sender.Revoked] = revoked.Secret;
        s.Keys[Sender.Operator] = AdminKey;
        s.Keys[Sender.Garbage] = "coe_not-a-key-at-all";
        s.Keys[Sender.Committee] = await CreateKeyAsync(CorpusSeed.Tenant, "chair", Role.Committee);
        s.Keys[Sender.Evaluator] = await CreateKeyAsync(CorpusSeed.Tenant, "e1", Role.Evaluator);
        s.Keys[Sender.Viewer] = await CreateKeyAsync(CorpusSeed.Tenant, "viewer", Role.Viewer);
        s.Keys[Sender.Ingest] = await CreateKeyAsync(CorpusSeed.Tenant, "ingest", Role.Ingest);
        s.Keys[Sender.OtherTenant] = await CreateKeyAsync(CorpusSeed.OtherTenant, "chair", Role.Committee, Role.Ingest);

        var evaluations = new EvaluationTestKit(this, CorpusSeed.Tenant);
        await evaluations.CreateConfiguredAsync();
        var open = await evaluations.CreateConfiguredAsync();
        await evaluations.ScoreAsync("e1", open.EvaluationId, 4);
        s.Open = await (await evaluations.Chair).GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = open.EvaluationId });
        var closed = await evaluations.CreateConfiguredAsync();
        await evaluations.ScoreAsync("e1", closed.EvaluationId, 2);
        s.Closed = await (await evaluations.Chair).CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = closed.EvaluationId });
        s.Empty = await evaluations.CreateAsync("Empty evaluation");

        var surveys = new SurveyTestKit(this, CorpusSeed.Tenant);
        s.OpenSurvey = await surveys.CreateSmallAsync();
        await (await surveys.As("e1", Role.Evaluator)).SubmitResponseAsync(new SubmitResponseRequest
        {
            SurveyId = s.OpenSurvey.SurveyId, Department = "Marketing", RequestId = "e1-open",
            Answers = { SurveyTestKit.Answer("q1", 4), SurveyTestKit.Answer("q2", 3) },
        });
        var closedSurvey = await surveys.CreateSmallAsync();
        s.ClosedSurvey = await (await surveys.Chair).CloseSurveyAsync(new CloseSurveyRequest { SurveyId = closedSurvey.SurveyId });

        var kpis = new KpiService.KpiServiceClient(Channel(s.Keys[Sender.Committee]));
        s.Profile = await kpis.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = "corpus-acme", BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = "reg-acme",
        });
        await RecordAsync(new KpiService.KpiServiceClient(Channel(s.Keys[Sender.Ingest])), s.Profile.ProfileId, "seed");

        var other = new EvaluationTestKit(this, CorpusSeed.OtherTenant);
        s.OtherEvaluationId = (await other.CreateConfiguredAsync()).EvaluationId;
        s.OtherSurveyId = (await new SurveyTestKit(this, CorpusSeed.OtherTenant).CreateSmallAsync()).SurveyId;
        var otherKpis = new KpiService.KpiServiceClient(Channel(s.Keys[Sender.OtherTenant]));
        s.OtherProfileId = (await otherKpis.RegisterProfileAsync(new RegisterProfileRequest
        {
            Network = Network.Linkedin, Handle = "other-acme", BusinessUnit = "Corporate", Ownership = Ownership.Owned, RequestId = "reg-other",
        })).ProfileId;
        await RecordAsync(otherKpis, s.OtherProfileId, "seed-other");
        await SettleAsync();
    }

    private static async Task RecordAsync(KpiService.KpiServiceClient client, string profileId, string idempotencyKey)
    {
        using var call = client.RecordKpis();
        await call.RequestStream.WriteAsync(new RecordKpisRequest
        {
            IdempotencyKey = idempotencyKey, Source = "corpus", SourceTimeZone = "UTC",
            Observations =
            {
                Enumerable.Range(0, CorpusSeed.Days).SelectMany(i => new[]
                {
                    new KpiObservation { ProfileId = profileId, Date = CorpusSeed.D(CorpusSeed.FirstDay.AddDays(i)), Metric = "impressions", Value = 1000 + 37 * i + i * i % 7 * 11 },
                    new KpiObservation { ProfileId = profileId, Date = CorpusSeed.D(CorpusSeed.FirstDay.AddDays(i)), Metric = "engagements", Value = 50 + 3 * i + i % 3 },
                }),
            },
        });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
    }

    /// <summary>Waits until the async daemon has caught up with the seed, so only a case can change the counts.</summary>
    private async Task SettleAsync()
    {
        var last = await SnapshotAsync();
        for (var i = 0; i < 50; i++)
        {
            await Task.Delay(100);
            var now = await SnapshotAsync();
            if (now.SequenceEqual(last) && i >= 3) return;
            last = now;
        }
    }

    /// <summary>Row counts of every table in the server's schema (mt_events, mt_streams, documents, projections), by name.</summary>
    public async Task<SortedDictionary<string, long>> SnapshotAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "select table_name from information_schema.tables where table_schema = @schema and table_type = 'BASE TABLE' order by 1", connection))
        {
            list.Parameters.AddWithValue("schema", Schema);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (tables.Count == 0) return counts;
        var sql = string.Join(" union all ", tables.Select(t => $"select '{t}', count(*) from \"{Schema}\".\"{t}\""));
        await using var count = new NpgsqlCommand(sql, connection);
        await using var rows = await count.ExecuteReaderAsync();
        while (await rows.ReadAsync()) counts[rows.GetString(0)] = rows.GetInt64(1);
        return counts;
    }
}
