using CoeInsights.V1;
using Grpc.Core;

namespace CoeInsights.Server.Tests.Hardening;

/// <summary>
/// Issue 13: every hostile request gets a typed error and changes nothing. Each row of <see cref="BadInputCorpus"/> is sent over
/// gRPC and, when its method has a JSON route, over the JSON port; the answer must carry the table's code, ErrorInfo reason and
/// BadRequest fields, and every table of the store's schema must hold as many rows after the call as before it.
/// </summary>
public sealed class BadInputCorpusTests(CorpusServer server) : IClassFixture<CorpusServer>
{
    /// <summary>A seed with placeholder ids: enough to know at discovery which requests a JSON route can carry.</summary>
    private static readonly CorpusSeed Placeholder = new()
    {
        Open = new Evaluation { EvaluationId = Guid.CreateVersion7().ToString(), Etag = "5" },
        Closed = new Evaluation { EvaluationId = Guid.CreateVersion7().ToString(), Etag = "5" },
        Empty = new Evaluation { EvaluationId = Guid.CreateVersion7().ToString(), Etag = "1" },
        OpenSurvey = new V1.Survey { SurveyId = Guid.CreateVersion7().ToString(), Etag = "2" },
        ClosedSurvey = new V1.Survey { SurveyId = Guid.CreateVersion7().ToString(), Etag = "2" },
        Profile = new Profile { ProfileId = Guid.CreateVersion7().ToString() },
        OtherEvaluationId = Guid.CreateVersion7().ToString(), OtherSurveyId = Guid.CreateVersion7().ToString(), OtherProfileId = Guid.CreateVersion7().ToString(),
        AdminKeyId = Guid.CreateVersion7().ToString(), RevocableKeyId = Guid.CreateVersion7().ToString(),
    };

    public static TheoryData<string> GrpcCases => [.. BadInputCorpus.Cases.Where(c => c.Grpc).Select(c => c.Name)];

    public static TheoryData<string> JsonCases => [.. JsonCarried(BadInputCorpus.Cases).Select(c => c.Name)];

    private static IEnumerable<BadInputCase> JsonCarried(IEnumerable<BadInputCase> cases) =>
        cases.Where(c => c.Json && AnyMethod.JsonRequest(c.Method, c.Request(Placeholder), null) is not null);

    private static BadInputCase Find(string name) => BadInputCorpus.Cases.Single(c => c.Name == name);

    private string? KeyOf(BadInputCase c)
    {
        var sender = c.Sender == Sender.Default ? BadInputCorpus.DefaultSender(c.Method) : c.Sender;
        return sender == Sender.None ? null : server.Seed.Keys[sender];
    }

    [Theory]
    [MemberData(nameof(GrpcCases))]
    public async Task AnswersAsTheTableSaysAndChangesNothingOverGrpc(string name)
    {
        var failure = await RunGrpc(Find(name));
        Assert.True(failure is null, failure);
    }

    [Theory]
    [MemberData(nameof(JsonCases))]
    public async Task AnswersAsTheTableSaysAndChangesNothingOverJson(string name)
    {
        var failure = await RunJson(Find(name));
        Assert.True(failure is null, failure);
    }

    [Fact]
    public void HasAValidRequestAndCasesOfItsOwnForEveryMethod()
    {
        Assert.Equal(80, BadInputCorpus.Methods.Count);
        Assert.Equal(BadInputCorpus.Methods.Select(m => m.Name).Order(), BadInputCorpus.Baselines.Keys.Order());
        foreach (var m in BadInputCorpus.Methods)
        {
            var keys = BadInputCorpus.Cases.Count(c => c.Method == m && c.Sender is Sender.None or Sender.Garbage or Sender.Revoked);
            var own = BadInputCorpus.Cases.Count(c => c.Method == m && c.Sender is not (Sender.None or Sender.Garbage or Sender.Revoked));
            Assert.True(keys == 3, $"{m.FullName} has {keys} key cases");
            // A request without fields (ListConnectors, ListMetrics, GetServerInfo) can only be wrong in its key and role.
            if (m.InputType.Fields.InDeclarationOrder().Count > 0)
                Assert.True(own >= 2, $"{m.FullName} has {own} cases beyond the key checks: add rows for it to BadInputCorpus");
        }
    }

    [Fact]
    public void HoldsAtLeastFourHundredCasesOnEachPort()
    {
        Assert.True(BadInputCorpus.Cases.Count(c => c.Grpc) >= 400, $"{BadInputCorpus.Cases.Count(c => c.Grpc)} gRPC cases");
        Assert.True(JsonCarried(BadInputCorpus.Cases).Count() >= 400, $"{JsonCarried(BadInputCorpus.Cases).Count()} JSON cases");
    }

    [Fact]
    public void ReadsEveryJsonRouteFromTheDescriptors()
    {
        var routed = BadInputCorpus.Methods.Where(m => AnyMethod.Route(m) is not null).Select(m => m.Name).ToList();

        Assert.Equal(76, routed.Count);
        Assert.DoesNotContain("RecordKpis", routed);
        Assert.DoesNotContain("ExportKpiDeck", routed);
    }

    [Fact]
    public async Task AnswersWithTheDetailsTheIssueRequires()
    {
        var failures = new List<string>();
        foreach (var c in BadInputCorpus.DetailCases)
        {
            if (c.Grpc && await RunGrpc(c) is { } g) failures.Add(g);
            if (c.Json && AnyMethod.JsonRequest(c.Method, c.Request(server.Seed), null) is not null && await RunJson(c) is { } j) failures.Add(j);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task<string?> RunGrpc(BadInputCase c)
    {
        var request = c.Request(server.Seed);
        var before = await server.SnapshotAsync();
        var outcome = await AnyMethod.CallGrpc(server.Invoker, c.Method, request, KeyOf(c));
        return Judge(c, "gRPC", outcome, null, before, await server.SnapshotAsync());
    }

    private async Task<string?> RunJson(BadInputCase c)
    {
        using var message = AnyMethod.JsonRequest(c.Method, c.Request(server.Seed), KeyOf(c));
        if (message is null) return $"{c.Name}: the JSON route cannot carry this request";
        var before = await server.SnapshotAsync();
        var outcome = await AnyMethod.CallJson(server.JsonClient, message, c.Method.IsServerStreaming);
        return Judge(c, "JSON", outcome, c.Http ?? AnyMethod.HttpStatus(c.Code), before, await server.SnapshotAsync());
    }

    private static string? Judge(BadInputCase c, string port, Outcome got, System.Net.HttpStatusCode? http,
        SortedDictionary<string, long> before, SortedDictionary<string, long> after)
    {
        var problems = new List<string>();
        if (got.Code != c.Code) problems.Add($"code {got.Code}, expected {c.Code}");
        if (http is { } h && got.Http != h) problems.Add($"HTTP {(int?)got.Http}, expected {(int)h}");
        if (c.Reason == BadInputCase.AnyReason ? string.IsNullOrEmpty(got.Reason) : c.Reason is not null && got.Reason != c.Reason)
            problems.Add($"reason {got.Reason ?? "(none)"}, expected {c.Reason}");
        if (c.Fields is not null && !got.Fields.SequenceEqual(c.Fields))
            problems.Add($"fields [{string.Join(", ", got.Fields)}], expected [{string.Join(", ", c.Fields)}]");
        var changed = after.Keys.Union(before.Keys)
            .Where(t => before.GetValueOrDefault(t) != after.GetValueOrDefault(t))
            .Select(t => $"{t} {before.GetValueOrDefault(t)}→{after.GetValueOrDefault(t)}").ToList();
        if (changed.Count > 0) problems.Add($"store changed: {string.Join(", ", changed)}");
        return problems.Count == 0 ? null : $"{port} {c.Name}: {string.Join("; ", problems)} — got {got}";
    }
}
