using CoeInsights.Analytics;
using CoeInsights.Analytics.Scoring;
using CoeInsights.V1;
using Grpc.Core;

namespace CoeInsights.Server.Scoring;

/// <summary>Stateless scoring: map, call the pure engine, map back. Any authenticated caller.</summary>
public sealed class ScoringService : V1.ScoringService.ScoringServiceBase
{
    public override Task<V1.ScoringResult> ScoreMatrix(ScoreMatrixRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var engineRequest = new MatrixScoringRequest
        {
            AlternativeIds = request.AlternativeIds.ToArray(),
            Criteria = request.Criteria.Select((c, i) => ScoringMapping.ToCriterion(c, i, v)).ToArray(),
            Matrix = ScoringMapping.ToMatrix(request.Matrix),
            Weights = request.Weights.Count == 0 ? null : request.Weights.ToArray(),
            PairwiseMatrices = ScoringMapping.ToMatrices(request.PairwiseMatrices),
            Options = ScoringMapping.ToOptions(request.Options, v),
            Robustness = ScoringMapping.ToRobustness(request.Robustness, v),
        };
        v.ThrowIfInvalid();
        return Task.FromResult(ScoringMapping.ToProto(ScoringEngine.ScoreMatrix(engineRequest, context.CancellationToken)));
    }

    public override Task<V1.AhpResult> ComputeAhpWeights(ComputeAhpWeightsRequest request, ServerCallContext context)
    {
        var v = new Validator();
        var options = ScoringMapping.ToAhpOptions(request.Options, "options", v);
        v.ThrowIfInvalid();
        var result = ScoringEngine.ComputeAhpWeights(new AhpRequest
        {
            PairwiseMatrices = ScoringMapping.ToMatrices(request.PairwiseMatrices) ?? [],
            Options = options,
        });
        return Task.FromResult(ScoringMapping.ToProto(result));
    }

    public override Task<V1.AgreementResult> ComputeAgreement(ComputeAgreementRequest request, ServerCallContext context) =>
        Task.FromResult(ScoringMapping.ToProto(ScoringEngine.ComputeAgreement(new AgreementRequest { Scores = ScoringMapping.ToMatrix(request.Scores) })));
}
