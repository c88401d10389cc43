using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;
using static CoeInsights.Server.Tests.Evaluations.EvaluationTestKit;

namespace CoeInsights.Server.Tests.Evaluations;

/// <summary>Bad input, stale etags, concurrent writers and retried requests: typed errors and an unchanged stream.</summary>
public sealed class EvaluationInputTests(TestServer server) : IClassFixture<TestServer>
{
    private readonly EvaluationTestKit _kit = new(server, "inputs");

    [Fact]
    public async Task ReturnsTypedErrorsGivenBadInputAndLeavesStreamUnchanged()
    {
        var chair = await _kit.Chair;
        var e1 = await _kit.As("e1");
        var id = (await _kit.CreateConfiguredAsync()).EvaluationId;
        var version = await _kit.VersionAsync(id);

        await Refused(StatusCode.NotFound, () => chair.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = Guid.CreateVersion7().ToString() }), "EVALUATION_NOT_FOUND");
        await Refused(StatusCode.NotFound, () => chair.AddVendorsAsync(new AddVendorsRequest { EvaluationId = Guid.CreateVersion7().ToString(), Vendors = { Vendor("x", 1) } }));
        var malformed = await Refused(StatusCode.InvalidArgument, () => chair.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = "not-an-id" }));
        Assert.Equal("evaluation_id", Assert.Single(malformed.FieldViolations()).Field);

        var scores = await Refused(StatusCode.InvalidArgument, () => e1.SubmitScoresAsync(new SubmitScoresRequest
        {
            EvaluationId = id, RequestId = "bad",
            Scores = { S("hoot", "analytics", 6), S("sprout", "analytics", double.NaN), S("nobody", "analytics", 3), S("hoot", "annual-cost", 3), S("brand", "nothing", 2) },
        }));
        Assert.Equal(["scores[0].value", "scores[1].value", "scores[2].vendor_id", "scores[3].criterion_id", "scores[4].criterion_id"],
            scores.FieldViolations().Select(v => v.Field));
        await Refused(StatusCode.InvalidArgument, () => e1.SubmitScoresAsync(new SubmitScoresRequest
        {
            EvaluationId = id, Scores = { S("hoot", "analytics", 3) }, // no request_id
        }));

        var names = await Refused(StatusCode.InvalidArgument, () => chair.AddVendorsAsync(new AddVendorsRequest
        {
            EvaluationId = id,
            Vendors = { new Vendor { VendorId = "v1", DisplayName = "" }, new Vendor { VendorId = "v2", DisplayName = new string('x', 500) }, new Vendor { VendorId = "", DisplayName = "No id" } },
        }));
        Assert.Equal(["vendors[0].display_name", "vendors[1].display_name", "vendors[2].vendor_id"], names.FieldViolations().Select(v => v.Field));

        var duplicateInRequest = await Refused(StatusCode.InvalidArgument, () => chair.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = id,
            Criteria = { new Criterion { CriterionId = "support", Description = "Support" }, new Criterion { CriterionId = "support", Description = "Support again" } },
        }));
        Assert.Equal("criteria[1].criterion_id", Assert.Single(duplicateInRequest.FieldViolations()).Field);
        await Refused(StatusCode.AlreadyExists, () => chair.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = id, Criteria = { new Criterion { CriterionId = "analytics", Description = "Analytics again" } },
        }), "CRITERION_ALREADY_EXISTS");
        await Refused(StatusCode.AlreadyExists, () => chair.AddVendorsAsync(new AddVendorsRequest { EvaluationId = id, Vendors = { Vendor("hoot", 1) } }), "VENDOR_ALREADY_EXISTS");
        await Refused(StatusCode.InvalidArgument, () => chair.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = id, Criteria = { new Criterion { CriterionId = "x", Description = "X", Direction = (CriterionDirection)42 } },
        }));
        await Refused(StatusCode.InvalidArgument, () => chair.SetWeightsAsync(new SetWeightsRequest
        {
            EvaluationId = id, Direct = new DirectWeights { Weights = { W("analytics", -1), W("publishing", double.PositiveInfinity), W("annual-cost", 0) } },
        }));
        await Refused(StatusCode.InvalidArgument, () => chair.SetWeightsAsync(new SetWeightsRequest { EvaluationId = id }));
        await Refused(StatusCode.InvalidArgument, () => chair.CreateEvaluationAsync(new CreateEvaluationRequest
        {
            Title = new string('t', 10_000), Scale = new ScoreScale { Min = 5, Max = 1 },
        }));
        await Refused(StatusCode.InvalidArgument, () => chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = id, Etag = "yesterday" }));
        await Refused(StatusCode.InvalidArgument, () => chair.ListEvaluationsAsync(new ListEvaluationsRequest { PageToken = "forged" }));

        Assert.Equal(version, await _kit.VersionAsync(id));
    }

    [Fact]
    public async Task LetsExactlyOneWinGivenTwoWeightUpdatesWithTheSameEtag()
    {
        var e = await _kit.CreateConfiguredAsync();
        var a = await _kit.Chair;
        var b = await _kit.As("m2");
        SetWeightsRequest Request(double analytics) => new()
        {
            EvaluationId = e.EvaluationId, Etag = e.Etag,
            Direct = new DirectWeights { Weights = { W("analytics", analytics), W("publishing", 1), W("annual-cost", 1) } },
        };

        var outcomes = await Task.WhenAll(new[] { (a, 2.0), (b, 3.0) }.Select(async x =>
        {
            try
            {
                return (Ok: await x.Item1.SetWeightsAsync(Request(x.Item2)), Error: (RpcException?)null);
            }
            catch (RpcException error)
            {
                return (Ok: (Evaluation?)null, Error: error);
            }
        }));

        var winner = Assert.Single(outcomes, o => o.Ok is not null).Ok!;
        var loser = Assert.Single(outcomes, o => o.Error is not null).Error!;
        Assert.Equal(StatusCode.Aborted, loser.StatusCode);
        Assert.Equal(EvaluationTestKit.Version(e.Etag) + 1, EvaluationTestKit.Version(winner.Etag));
        Assert.Equal(EvaluationTestKit.Version(winner.Etag), await _kit.VersionAsync(e.EvaluationId));

        // The loser's retry with the same (now stale) etag changes nothing.
        var stale = await Refused(StatusCode.Aborted, () => b.SetWeightsAsync(Request(9)), "STALE_ETAG");
        Assert.Contains("version", stale.Status.Detail);
        var now = await a.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = e.EvaluationId });
        Assert.Equal(winner.Etag, now.Etag);
        Assert.Equal(winner.Weights, now.Weights);
    }

    [Fact]
    public async Task StoresEachSubmissionOnceGivenSixteenEvaluatorsSubmittingAtOnceWithRetries()
    {
        var evaluators = Enumerable.Range(1, 16).Select(i => $"p{i:00}").ToArray();
        var chair = await _kit.Chair;
        var e = await _kit.CreateConfiguredAsync(extraEvaluators: evaluators);
        var clients = await Task.WhenAll(evaluators.Select(_kit.As));

        // Every evaluator sends the same request twice at once (a retry racing the original).
        await Task.WhenAll(clients.SelectMany((client, i) => Enumerable.Range(0, 2).Select(async _ =>
            await client.SubmitScoresAsync(new SubmitScoresRequest
            {
                EvaluationId = e.EvaluationId, RequestId = $"batch-{evaluators[i]}",
                Scores = { S("hoot", "analytics", 1 + i % 5), S("sprout", "publishing", 5 - i % 5) },
            }))));

        var history = await chair.GetEvaluationHistoryAsync(new GetEvaluationHistoryRequest { EvaluationId = e.EvaluationId, PageSize = 1000 });
        var submitted = history.Events.Where(x => x.EventType == "ScoresSubmitted").Select(x => x.Actor).ToList();
        Assert.Equal(evaluators, submitted.Order());
        var details = await chair.GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = e.EvaluationId });
        Assert.Equal(32, details.Scores.Count);
        Assert.Equal(EvaluationTestKit.Version(e.Etag) + 16, EvaluationTestKit.Version(details.Etag));

        // A later retry of a stored request_id is a no-op.
        var retried = await clients[0].SubmitScoresAsync(new SubmitScoresRequest
        {
            EvaluationId = e.EvaluationId, RequestId = "batch-p01", Scores = { S("hoot", "analytics", 2) },
        });
        Assert.Equal(details.Etag, retried.Etag);
    }

    [Fact]
    public async Task ReturnsSameEvaluationGivenRetriedCreateRequestId()
    {
        var chair = await _kit.Chair;
        var first = await _kit.CreateAsync(title: "Retried", requestId: "create-once");
        var again = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _kit.CreateAsync(title: "Retried", requestId: "create-once")));

        Assert.All(again, x => Assert.Equal(first.EvaluationId, x.EvaluationId));
        var list = await chair.ListEvaluationsAsync(new ListEvaluationsRequest { PageSize = 1000 });
        Assert.Single(list.Evaluations, x => x.Title == "Retried");
    }

    [Fact]
    public async Task PagesAndFiltersListByState()
    {
        var chair = await _kit.Chair;
        var open = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => _kit.CreateAsync(title: $"Page {i}")));
        var closedId = (await _kit.CreateConfiguredAsync()).EvaluationId;
        await _kit.ScoreAsync("e1", closedId, 3);
        await chair.CloseEvaluationAsync(new CloseEvaluationRequest { EvaluationId = closedId });

        var closed = await chair.ListEvaluationsAsync(new ListEvaluationsRequest { State = EvaluationState.Closed, PageSize = 1000 });
        Assert.Contains(closed.Evaluations, x => x.EvaluationId == closedId);
        Assert.All(closed.Evaluations, x => Assert.Equal(EvaluationState.Closed, x.State));

        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await chair.ListEvaluationsAsync(new ListEvaluationsRequest { PageSize = 2, PageToken = token, State = EvaluationState.Open });
            Assert.True(page.Evaluations.Count <= 2);
            seen.AddRange(page.Evaluations.Select(x => x.EvaluationId));
            token = page.NextPageToken;
        } while (token != "");
        Assert.Superset(open.Select(x => x.EvaluationId).ToHashSet(), seen.ToHashSet());
        Assert.DoesNotContain(closedId, seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task ServesTheSameApiAsJson()
    {
        var key = await server.CreateKeyAsync(_kit.Tenant, "json-chair", Role.Committee);
        using var http = server.Http(key);

        using var created = await http.PostAsJsonAsync("/v1/evaluations", new
        {
            title = "Via JSON", scale = new { min = 0, max = 10 }, requestId = "json-1",
        });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = json.RootElement.GetProperty("evaluationId").GetString();
        Assert.Equal("EVALUATION_STATE_OPEN", json.RootElement.GetProperty("state").GetString());

        using var added = await http.PostAsJsonAsync($"/v1/evaluations/{id}:addCriteria", new
        {
            criteria = new[]
            {
                // What each level of the 0–10 scale means: 11 entries, one left undescribed.
                new { criterionId = "analytics", description = "Analytics", scaleLevelDescriptions = Enumerable.Range(0, 11).Select(k => k == 5 ? "" : $"level {k} meaning").ToArray() },
            },
            etag = json.RootElement.GetProperty("etag").GetString(),
        });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        using (var addedJson = JsonDocument.Parse(await added.Content.ReadAsStringAsync()))
        {
            var levels = addedJson.RootElement.GetProperty("criteria")[0].GetProperty("scaleLevelDescriptions").EnumerateArray().Select(x => x.GetString()).ToList();
            Assert.Equal(11, levels.Count);
            Assert.Equal(("level 0 meaning", "", "level 10 meaning"), (levels[0], levels[5], levels[10]));
        }
        // Ten descriptions on an eleven-level scale: INVALID_ARGUMENT naming the list, as on gRPC.
        using var tooFew = await http.PatchAsJsonAsync($"/v1/evaluations/{id}/criteria/analytics", new
        {
            criterionId = "analytics", description = "Analytics", scaleLevelDescriptions = Enumerable.Repeat("x", 10).ToArray(),
        });
        Assert.Equal(HttpStatusCode.BadRequest, tooFew.StatusCode);
        Assert.Contains("criterion.scale_level_descriptions", await tooFew.Content.ReadAsStringAsync());
        using var stale = await http.PostAsJsonAsync($"/v1/evaluations/{id}:addCriteria", new
        {
            criteria = new[] { new { criterionId = "publishing", description = "Publishing" } }, etag = "1",
        });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode); // ABORTED
        using var history = await http.GetAsync($"/v1/evaluations/{id}/history");
        Assert.Contains("CriteriaAdded", await history.Content.ReadAsStringAsync());
    }
}
