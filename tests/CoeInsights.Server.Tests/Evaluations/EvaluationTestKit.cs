using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Grpc.Core;

namespace CoeInsights.Server.Tests.Evaluations;

/// <summary>
/// People of one tenant, each with a key of their own: a committee (chair, m2, m3), six evaluators from four
/// departments, a viewer, and one person who is both committee member and evaluator.
/// </summary>
internal sealed class EvaluationTestKit(Func<string, Role[], Task<Grpc.Net.Client.GrpcChannel>> channelFor, string tenant)
{
    public EvaluationTestKit(TestServer server, string tenant)
        : this(async (principal, roles) => server.Channel(await server.CreateKeyAsync(tenant, principal, roles)), tenant)
    {
    }

    public static readonly (string Id, string Department)[] EvaluatorsAndDepartments =
        [("e1", "Social"), ("e2", "Social"), ("e3", "PR"), ("e4", "HR"), ("e5", "R&D"), ("e6", "R&D")];

    private readonly PrincipalClients<EvaluationService.EvaluationServiceClient> _clients = new();

    public string Tenant => tenant;

    public Task<EvaluationService.EvaluationServiceClient> As(string principal) => _clients.Get(principal, () => CreateClientAsync(principal));

    private async Task<EvaluationService.EvaluationServiceClient> CreateClientAsync(string principal)
    {
        Role[] roles = principal switch
        {
            "chair" or "m2" or "m3" or "outsider" => [Role.Committee],
            "viewer" => [Role.Viewer],
            "ingest" => [Role.Ingest],
            "both" => [Role.Committee, Role.Evaluator],
            "admin" => [Role.Admin],
            _ => [Role.Evaluator],
        };
        return new EvaluationService.EvaluationServiceClient(await channelFor(principal, roles));
    }

    public Task<EvaluationService.EvaluationServiceClient> Chair => As("chair");

    /// <summary>Opens an evaluation on a 1–5 scale with committee chair, m2, m3 (quorum: majority = 2).</summary>
    public async Task<Evaluation> CreateAsync(string title = "Social suite 2027", bool scorersMayNotApprove = false, string? requestId = null,
        IEnumerable<string>? members = null) =>
        await (await Chair).CreateEvaluationAsync(new CreateEvaluationRequest
        {
            Title = title,
            Purpose = "Pick the social media management suite",
            Scale = new ScoreScale { Min = 1, Max = 5 },
            CommitteeMembers = { members ?? ["m2", "m3"] },
            ScorersMayNotApprove = scorersMayNotApprove,
            RequestId = requestId ?? "",
        });

    /// <summary>An evaluation ready to score: 3 criteria (one an annual-cost fact), 3 vendors, evaluators e1..e6, weights.</summary>
    public async Task<Evaluation> CreateConfiguredAsync(bool scorersMayNotApprove = false, IEnumerable<string>? extraEvaluators = null)
    {
        var chair = await Chair;
        var e = await CreateAsync(scorersMayNotApprove: scorersMayNotApprove);
        var id = e.EvaluationId;
        await chair.AddCriteriaAsync(new AddCriteriaRequest
        {
            EvaluationId = id,
            Criteria =
            {
                new Criterion { CriterionId = "analytics", Description = "Analytics depth", Category = "Analytics" },
                new Criterion { CriterionId = "publishing", Description = "Publishing workflow", Category = "Publishing" },
                new Criterion
                {
                    CriterionId = "annual-cost", Description = "Annual cost (EUR)", Category = "Cost",
                    Direction = CriterionDirection.Cost, Source = CriterionSource.VendorFact,
                },
            },
        });
        await chair.AddVendorsAsync(new AddVendorsRequest
        {
            EvaluationId = id,
            Vendors =
            {
                Vendor("hoot", 12000), Vendor("sprout", 18000), Vendor("brand", 9000),
            },
        });
        await chair.InviteEvaluatorsAsync(new InviteEvaluatorsRequest
        {
            EvaluationId = id,
            Evaluators =
            {
                EvaluatorsAndDepartments.Select(x => new Evaluator { EvaluatorId = x.Id, DisplayName = x.Id.ToUpperInvariant(), Department = x.Department }),
                (extraEvaluators ?? []).Select(x => new Evaluator { EvaluatorId = x, Department = "BI" }),
            },
        });
        return await chair.SetWeightsAsync(new SetWeightsRequest
        {
            EvaluationId = id,
            Direct = new DirectWeights
            {
                Weights = { W("analytics", 0.5), W("publishing", 0.3), W("annual-cost", 0.2) },
            },
        });
    }

    public static Vendor Vendor(string id, double annualCost) => new()
    {
        VendorId = id, DisplayName = id.ToUpperInvariant(), Product = $"{id} suite",
        Facts = { new VendorFactValue { CriterionId = "annual-cost", Value = annualCost } },
    };

    public static CriterionWeight W(string id, double w) => new() { CriterionId = id, Weight = w };

    public static ScoreEntry S(string vendor, string criterion, double value) => new() { VendorId = vendor, CriterionId = criterion, Value = value };

    /// <summary>Scores on the two scored criteria of <see cref="CreateConfiguredAsync"/>.</summary>
    public async Task<Evaluation> ScoreAsync(string evaluator, string evaluationId, double analyticsOfHoot, string? requestId = null) =>
        await (await As(evaluator)).SubmitScoresAsync(new SubmitScoresRequest
        {
            EvaluationId = evaluationId,
            RequestId = requestId ?? Guid.NewGuid().ToString(),
            Scores =
            {
                S("hoot", "analytics", analyticsOfHoot), S("sprout", "analytics", 4), S("brand", "analytics", 3),
                S("hoot", "publishing", 4), S("sprout", "publishing", 5), S("brand", "publishing", 2),
            },
        });

    /// <summary>Runs <paramref name="call"/> expecting a refusal; returns it.</summary>
    public static async Task<RpcException> Refused<T>(StatusCode code, Func<AsyncUnaryCall<T>> call, string? reason = null)
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () => await call());
        Assert.True(code == e.StatusCode, $"expected {code}, got {e.StatusCode}: {e.Describe()}");
        if (reason is not null) Assert.Equal(reason, e.Reason());
        return e;
    }

    public async Task<long> VersionAsync(string id) =>
        Version((await (await Chair).GetEvaluationAsync(new GetEvaluationRequest { EvaluationId = id })).Etag);

    /// <summary>The stream version an etag (<c>W/"15"</c>) names.</summary>
    public static long Version(string etag) => CoeInsights.Common.Etag.Parse(etag) ?? 0;
}
