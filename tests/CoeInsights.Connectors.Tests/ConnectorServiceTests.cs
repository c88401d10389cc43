using System.Globalization;
using CoeInsights.Connectors.Tests.Fakes;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Date = Google.Type.Date;

namespace CoeInsights.Connectors.Tests;

// Inside the namespace: the API's types win over the domain's of the same name (CoeInsights.Connectors.SyncRun).
using SyncRun = CoeInsights.V1.SyncRun;
using SyncRunState = CoeInsights.V1.SyncRunState;

/// <summary>A real server whose connectors point at a fake Sprout and a fake Power BI on 127.0.0.1.</summary>
public class ConnectorServer : TestServer
{
    public const string Tenant = "contoso";
    public FakeSprout Sprout { get; } = new();
    public FakePowerBi PowerBi { get; } = new() { MaxRowsPerPost = 50, MaxPostsPerWindow = 4, Window = TimeSpan.FromSeconds(1) };
    /// <summary>Ten days up to yesterday (UTC, the server's clock is the real one).</summary>
    public DateOnly From { get; } = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-10);

    public override async Task InitializeAsync()
    {
        await Sprout.StartAsync();
        await PowerBi.StartAsync();
        await base.InitializeAsync();
    }

    protected override void Configure(WebApplicationBuilder builder) => builder.Configuration.AddInMemoryCollection(Settings());

    /// <summary>The connector settings (also for replicas of this server: ConnectorReplicaTests).</summary>
    public Dictionary<string, string?> Settings() =>
        new()
        {
            ["Coe:Connectors:Sprout:0:Name"] = "sprout",
            ["Coe:Connectors:Sprout:0:Tenant"] = Tenant,
            ["Coe:Connectors:Sprout:0:BaseAddress"] = Sprout.Address.ToString(),
            ["Coe:Connectors:Sprout:0:AccessToken"] = Sprout.Token,
            ["Coe:Connectors:Sprout:0:StartDate"] = From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Coe:Connectors:Sprout:0:MaxDaysPerRequest"] = "4",
            // The server's clock is the real one: Instagram's days in UTC too keeps "ten days up to yesterday" exact at any hour,
            // and a fast pace keeps the test quick (pacing has its own tests on a virtual clock).
            ["Coe:Connectors:Sprout:0:TimeZones:instagram"] = "UTC",
            ["Coe:Connectors:Sprout:0:MaxRequestsPerMinute"] = "60000",
            ["Coe:Connectors:PowerBi:0:Name"] = "powerbi",
            ["Coe:Connectors:PowerBi:0:Tenant"] = Tenant,
            ["Coe:Connectors:PowerBi:0:BaseAddress"] = PowerBi.Address.ToString(),
            ["Coe:Connectors:PowerBi:0:AccessToken"] = PowerBi.Token,
            ["Coe:Connectors:PowerBi:0:DatasetName"] = "CoE KPIs",
            ["Coe:Connectors:PowerBi:0:MaxRowsPerRequest"] = "50",
            ["Coe:Connectors:PowerBi:0:MaxRequestsPerWindow"] = "4",
            ["Coe:Connectors:PowerBi:0:Window"] = "00:00:01",
            ["Coe:Connectors:Resilience:RetryDelay"] = "00:00:00.010",
            ["Coe:Connectors:Resilience:AttemptTimeout"] = "00:00:10",
        };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Sprout.DisposeAsync();
        await PowerBi.DisposeAsync();
    }
}

/// <summary>
/// End to end over real gRPC: TriggerSync pulls from the fake Sprout, QuerySeries returns exactly what was synced,
/// and a Power BI run pushes exactly the stored FactKpi and FactScore rows, in requests within the documented limits.
/// </summary>
public sealed class ConnectorServiceTests(ConnectorServer server) : IClassFixture<ConnectorServer>
{
    private async Task<ConnectorService.ConnectorServiceClient> Client(string tenant, params Role[] roles) =>
        new(server.Channel(await server.CreateKeyAsync(tenant, roles)));

    [Fact]
    public async Task PushesExactlyTheSyncedRowsGivenSyncThenPush()
    {
        var ingest = await Client(ConnectorServer.Tenant, Role.Ingest);
        var kpis = new KpiService.KpiServiceClient(server.Channel(await server.CreateKeyAsync(ConnectorServer.Tenant, Role.Viewer)));
        var yesterday = server.From.AddDays(9);

        var run = await ingest.TriggerSyncAsync(new TriggerSyncRequest { Connector = "sprout", Wait = true });

        Assert.Equal(SyncRunState.Succeeded, run.State);
        Assert.Empty(run.Errors);
        Assert.Equal(30, run.Batches); // 10 days × (LinkedIn's batch, Instagram's and its derived engagements batch)
        Assert.True(run.Duration.ToTimeSpan() > TimeSpan.Zero);
        Assert.Equal(run, await ingest.GetSyncRunAsync(new GetSyncRunRequest { RunId = run.RunId }));

        // The KPI API returns the synced data, value for value.
        using var call = kpis.QuerySeries(new QuerySeriesRequest
        {
            Metrics = { "impressions", "followers", "video_views", "comments" },
            StartDate = ToDate(server.From), EndDate = ToDate(yesterday), Granularity = Granularity.Day,
        });
        var series = new List<KpiSeries>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None)) series.Add(call.ResponseStream.Current);
        var profiles = (await kpis.ListProfilesAsync(new ListProfilesRequest())).Profiles.ToDictionary(p => p.ProfileId);
        Assert.Equal(2, profiles.Count);
        var sproutMetric = new Dictionary<string, string>
        {
            ["impressions"] = "impressions", ["followers"] = "lifetime_snapshot.followers_count", ["video_views"] = "video_views", ["comments"] = "comments_count",
        };
        var checkedValues = 0;
        foreach (var s in series)
        {
            var source = server.Sprout.Profiles.Single(p => p.NativeName == profiles[s.ProfileId].Handle);
            Assert.Equal(10, s.Points.Count);
            foreach (var point in s.Points)
            {
                var expected = server.Sprout.Value(source.Id, sproutMetric[s.Metric], ToDateOnly(point.PeriodStart));
                Assert.Equal(expected, point.HasValue ? point.Value : null);
                checkedValues++;
            }
        }
        Assert.Equal(8 * 10, checkedValues); // with a date range every series spans it; LinkedIn's video_views is all missing slots, never zeros

        var evaluationId = await ClosedEvaluationAsync();
        var push = await ingest.TriggerSyncAsync(new TriggerSyncRequest { Connector = "powerbi", Wait = true });
        // Power BI asks for an hour's patience on the third POST rows: past the run's budget, so the run ends deferred
        // (not failed) and the next run continues from its checkpoint.
        var postsSeen = 0;
        server.PowerBi.FaultFilter = r => r.Method == "POST" && r.Path.Value!.EndsWith("/rows", StringComparison.Ordinal) && Interlocked.Increment(ref postsSeen) == 3;
        server.PowerBi.Faults.Enqueue(new Fault.TooManyRequests(3600));
        var deferred = await ingest.TriggerSyncAsync(new TriggerSyncRequest { Connector = "powerbi", Wait = true });
        server.PowerBi.FaultFilter = _ => true;
        var again = await ingest.TriggerSyncAsync(new TriggerSyncRequest { Connector = "powerbi", Wait = true });

        // The second push found the dataset: schema set first, on the slot readers were not using (the first push filled A).
        Assert.Equal(["FactKpi_B", "DimProfile_B"], server.PowerBi.PutTables.Take(2));
        Assert.Equal(SyncRunState.Deferred, deferred.State);
        Assert.Empty(deferred.Errors);
        Assert.Equal(2, deferred.Batches);
        var resumeIn = deferred.ResumeTime.ToDateTimeOffset() - deferred.EndTime.ToDateTimeOffset();
        Assert.InRange(resumeIn, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Equal(push.Rows - deferred.Rows, again.Rows); // continued: only the rows the deferred run had not posted
        Assert.Equal(SyncRunState.Succeeded, push.State);
        Assert.Equal(SyncRunState.Succeeded, again.State);
        var dataset = Assert.Single(server.PowerBi.Datasets.Values); // found by name the second time, not created again
        Assert.Equal("CoE KPIs", dataset.Name);
        // The swap: each completed run named its slot in LiveSlot; the star schema's every table is in both slots.
        Assert.Equal([(1L, "A"), (2L, "B")], dataset.Rows["LiveSlot"].Select(r => (r["Generation"]!.GetValue<long>(), r["Slot"]!.GetValue<string>())));
        var factKpi = dataset.Rows["FactKpi_B"];
        Assert.Equal(run.Rows, factKpi.Count);
        Assert.Equal(push.Rows, CoeInsights.StarSchema.StarTables.Tables.Sum(t => dataset.Rows[t.Name + "_A"].Count) + 1);
        Assert.Equal(factKpi.Select(r => r.ToJsonString()), dataset.Rows["FactKpi_A"].Select(r => r.ToJsonString()));
        var pushed = factKpi.Select(r => (r["ProfileId"]!.GetValue<string>(), r["Metric"]!.GetValue<string>(), r["Date"]!.GetValue<string>(), r["Value"]!.GetValue<double>()))
            .ToHashSet();
        Assert.Equal(factKpi.Count, pushed.Count); // no row twice, even after pushing twice
        var byHandle = profiles.ToDictionary(p => p.Value.Handle, p => p.Key);
        var expectedRows = SproutExpectations.Expected(server.Sprout, server.From, yesterday);
        Assert.Equal(expectedRows.Count, factKpi.Count);
        foreach (var ((handle, metric, day), v) in expectedRows)
            Assert.Contains((byHandle[handle], metric, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), v), pushed);
        var scores = dataset.Rows["FactScore_B"]
            .Select(r => (r["EvaluationId"]!.GetValue<string>(), r["EvaluatorId"]!.GetValue<string>(), r["VendorId"]!.GetValue<string>(), r["Score"]!.GetValue<double>()))
            .OrderBy(s => s.Item2).ThenBy(s => s.Item3).ToList();
        Assert.Equal([(evaluationId, "e1", "hoot", 4.0), (evaluationId, "e1", "sprout", 5.0), (evaluationId, "e2", "hoot", 3.0), (evaluationId, "e2", "sprout", 2.0)], scores);

        // Documented limits, scaled down: ≤ 50 rows per POST and ≤ 4 POSTs a second; the pacer kept to them (no 429 needed).
        var posts = server.PowerBi.Posts.ToList();
        Assert.All(posts, p => Assert.InRange(p.Rows, 1, 50));
        Assert.True(posts.Count >= 2 * (int)Math.Ceiling(run.Rows / 50.0), $"{posts.Count} posts");
        Assert.Equal(0, server.PowerBi.Throttled);
        Assert.Equal(posts.Count, push.Batches + deferred.Batches + again.Batches);
    }

    private async Task<string> ClosedEvaluationAsync()
    {
        var chair = new EvaluationService.EvaluationServiceClient(server.Channel(await server.CreateKeyAsync(ConnectorServer.Tenant, "chair", Role.Committee)));
        var e = await chair.CreateEvaluationAsync(new CreateEvaluationRequest
        {
            Title = "Suite", Purpose = "Pick one", Scale = new ScoreScale { Min = 1, Max = 5 }, CommitteeMembers = { "m2" },
        });
        var id = e.EvaluationId;
        await chair.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = id, Criteria = { new Criterion { CriterionId = "analytics", Description = "Analytics depth", Category = "Analytics" } },
        });
        await chair.AddVendorsAsync(new AddVendorsRequest
        {
            EvaluationId = id,
            Vendors = { new Vendor { VendorId = "hoot", DisplayName = "Hoot" }, new Vendor { VendorId = "sprout", DisplayName = "Sprout" } },
        });
        await chair.InviteEvaluatorsAsync(new InviteEvaluatorsRequest
        {
            EvaluationId = id,
            Evaluators = { new Evaluator { EvaluatorId = "e1", Department = "Social" }, new Evaluator { EvaluatorId = "e2", Department = "PR" } },
        });
        await chair.SetWeightsAsync(new SetWeightsRequest
        {
            EvaluationId = id, Direct = new DirectWeights { Weights = { new CriterionWeight { CriterionId = "analytics", Weight = 1 } } },
        });
        foreach (var (evaluator, hoot, sprout) in new[] { ("e1", 4.0, 5.0), ("e2", 3.0, 2.0) })
        {
            var client = new EvaluationService.EvaluationServiceClient(server.Channel(await server.CreateKeyAsync(ConnectorServer.Tenant, evaluator, Role.Evaluator)));
            await client.SubmitScoresAsync(new SubmitScoresRequest
            {
                EvaluationId = id, RequestId = Guid.NewGuid().ToString(),
                Scores =
                {
                    new ScoreEntry { VendorId = "hoot", CriterionId = "analytics", Value = hoot },
                    new ScoreEntry { VendorId = "sprout", CriterionId = "analytics", Value = sprout },
                },
            });
        }
        await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id });
        return id;
    }

    [Fact]
    public async Task ListsTheTenantsConnectorsWithoutSecrets()
    {
        var viewer = await Client(ConnectorServer.Tenant, Role.Viewer);

        var list = await viewer.ListConnectorsAsync(new ListConnectorsRequest());

        Assert.Equal(["powerbi", "sprout"], list.Connectors.Select(c => c.Name));
        Assert.Equal([ConnectorKind.PowerBi, ConnectorKind.SproutSocial], list.Connectors.Select(c => c.Kind));
        Assert.Equal(server.Sprout.Address.GetLeftPart(UriPartial.Authority), list.Connectors[1].BaseAddress);
        Assert.DoesNotContain(server.Sprout.Token, list.ToString());
        Assert.DoesNotContain(server.PowerBi.Token, list.ToString());
        Assert.Empty((await (await Client("other-tenant", Role.Viewer)).ListConnectorsAsync(new ListConnectorsRequest())).Connectors);
    }

    [Fact]
    public async Task RefusesGivenAnUnknownConnectorAnotherTenantsOrAViewer()
    {
        var other = await Client("other-tenant", Role.Ingest);
        var viewer = await Client(ConnectorServer.Tenant, Role.Viewer);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => other.TriggerSyncAsync(new TriggerSyncRequest { Connector = "nope" }).ResponseAsync);
        var foreign = await Assert.ThrowsAsync<RpcException>(() => other.TriggerSyncAsync(new TriggerSyncRequest { Connector = "sprout" }).ResponseAsync);
        var denied = await Assert.ThrowsAsync<RpcException>(() => viewer.TriggerSyncAsync(new TriggerSyncRequest { Connector = "sprout" }).ResponseAsync);
        var badId = await Assert.ThrowsAsync<RpcException>(() => viewer.GetSyncRunAsync(new GetSyncRunRequest { RunId = "x" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, badId.StatusCode);
    }

    [Fact]
    public async Task ReportsTheErrorAndLogsNoSecretGivenAFailingSource()
    {
        var ingest = await Client(ConnectorServer.Tenant, Role.Ingest);
        server.Sprout.Always = new Fault.Body("""{"data":null}""");
        SyncRun run;
        try
        {
            run = await ingest.TriggerSyncAsync(new TriggerSyncRequest { Connector = "sprout" });
            run = await ingest.GetSyncRunAsync(new GetSyncRunRequest { RunId = run.RunId, Wait = true });
        }
        finally
        {
            server.Sprout.Always = null;
        }

        Assert.Equal(SyncRunState.Failed, run.State);
        Assert.Equal(["Sprout metadata/client returned no customer for this access token."], run.Errors);
        Assert.NotNull(run.Duration);
        Assert.Contains(server.LogLines, l => l.Contains("Connector sprout run") && l.Contains("failed"));
        Assert.DoesNotContain(server.LogLines, l => l.Contains(server.Sprout.Token) || l.Contains(server.PowerBi.Token));
    }

    private static Date ToDate(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    private static DateOnly ToDateOnly(Date d) => new(d.Year, d.Month, d.Day);
}
