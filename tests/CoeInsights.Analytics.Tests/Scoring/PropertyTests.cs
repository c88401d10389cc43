using CoeInsights.Analytics.Scoring;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CoeInsights.Analytics.Tests.Scoring;

/// <summary>A random decision problem: m × n positive matrix, non-negative weights (not all zero), directions, and knobs.</summary>
public sealed record Problem(int M, int N, double[] Values, double[] Weights, bool[] IsCost, int Criterion, double Factor, int Dominator, double[] Shrink)
{
    public MatrixScoringRequest Request(ScoringOptions options, double[]? values = null, int? m = null) => new()
    {
        AlternativeIds = Enumerable.Range(0, m ?? M).Select(i => $"v{i}").ToArray(),
        Criteria = Enumerable.Range(0, N).Select(j => new Criterion($"c{j}", IsCost[j] ? CriterionDirection.Cost : CriterionDirection.Benefit)).ToArray(),
        Matrix = Enumerable.Range(0, m ?? M).Select(i => (IReadOnlyList<double>)(values ?? Values).Skip(i * N).Take(N).ToArray()).ToArray(),
        Weights = Weights,
        Options = options,
    };

    public override string ToString() =>
        $"m={M} n={N} values=[{string.Join(",", Values)}] weights=[{string.Join(",", Weights)}] cost=[{string.Join(",", IsCost)}] criterion={Criterion} factor={Factor} dominator={Dominator}";
}

public static class ProblemArbitrary
{
    public static Arbitrary<Problem> Problems() =>
        Gen.Choose(2, 7).SelectMany(m => Gen.Choose(1, 6).SelectMany(n =>
            Gen.ArrayOf(Gen.Choose(1, 1000), m * n).SelectMany(values =>
            Gen.ArrayOf(Gen.Choose(0, 100), n).Where(w => w.Any(x => x > 0)).SelectMany(weights =>
            Gen.ArrayOf(Gen.Elements(true, false), n).SelectMany(cost =>
            Gen.Choose(0, n - 1).SelectMany(criterion =>
            Gen.Choose(1, 10_000).SelectMany(factor =>
            Gen.Choose(0, m - 1).SelectMany(dominator =>
            Gen.ArrayOf(Gen.Choose(0, 100), n).Select(shrink =>
                new Problem(m, n, values.Select(v => v / 10.0).ToArray(), weights.Select(w => (double)w).ToArray(), cost,
                    criterion, factor / 100.0, dominator, shrink.Select(s => s / 100.0).ToArray())))))))))).ToArbitrary();
}

[Properties(Arbitrary = [typeof(ProblemArbitrary)], MaxTest = 200)]
public sealed class PropertyTests
{
    [Property]
    public bool ReturnsWeightsSummingToOneGivenAnyNonNegativeWeights(Problem p)
    {
        var result = ScoringEngine.ScoreMatrix(p.Request(new ScoringOptions()));
        return Math.Abs(result.Weights.Sum() - 1) <= 1e-12 && result.Weights.All(w => w >= 0);
    }

    [Property]
    public bool ReturnsAhpWeightsSummingToOneGivenAnyReciprocalMatrix(Problem p)
    {
        // Build a reciprocal matrix from the problem's first row of values.
        var n = Math.Max(p.N, 2);
        var a = new double[n][];
        for (var i = 0; i < n; i++) a[i] = new double[n];
        for (var i = 0; i < n; i++)
        {
            a[i][i] = 1;
            for (var j = i + 1; j < n; j++)
            {
                var judgement = Math.Clamp(p.Values[(i * n + j) % p.Values.Length] / 10.0, 1.0 / 9, 9);
                a[i][j] = judgement;
                a[j][i] = 1 / judgement;
            }
        }
        var result = ScoringEngine.ComputeAhpWeights(new AhpRequest { PairwiseMatrices = [a] });
        return Math.Abs(result.Weights.Sum() - 1) <= 1e-12 && result.Weights.All(w => w > 0) && result.ConsistencyRatio >= 0;
    }

    [Property]
    public bool ReturnsSameRanksGivenBenefitCriterionScaledByPositiveConstant(Problem p)
    {
        var j = p.Criterion;
        var scaled = p.Values.Select((v, k) => k % p.N == j ? v * p.Factor : v).ToArray();
        var cost = p.IsCost.ToArray();
        cost[j] = false;
        var problem = p with { IsCost = cost };
        var options = new ScoringOptions { Methods = [ScoringMethod.Wsm, ScoringMethod.Topsis] };
        var before = ScoringEngine.ScoreMatrix(problem.Request(options));
        var after = ScoringEngine.ScoreMatrix(problem.Request(options, scaled));
        return before.Methods.Zip(after.Methods).All(pair => pair.First.Ranks.SequenceEqual(pair.Second.Ranks));
    }

    [Property]
    public bool ReturnsSameWsmWinnerGivenAddedDominatedVendor(Problem p)
    {
        // The new vendor is no better than vendor `Dominator` on every criterion (lower benefit, higher cost).
        var d = p.Dominator;
        var dominated = Enumerable.Range(0, p.N)
            .Select(j => p.IsCost[j] ? p.Values[d * p.N + j] * (1 + p.Shrink[j]) : p.Values[d * p.N + j] * (1 - 0.99 * p.Shrink[j]))
            .ToArray();
        var options = new ScoringOptions();
        var before = ScoringEngine.ScoreMatrix(p.Request(options));
        var after = ScoringEngine.ScoreMatrix(p.Request(options, p.Values.Concat(dominated).ToArray(), p.M + 1));
        return before.Recommendation.WinnerId == after.Recommendation.WinnerId;
    }

    [Property(MaxTest = 30)]
    public bool ReturnsIdenticalRankAcceptabilityGivenSameSeed(Problem p)
    {
        var robustness = new RobustnessOptions { MonteCarloSamples = 700, Seed = (ulong)p.Dominator * 7919 + (ulong)p.M, Sensitivity = false, RankReversal = false };
        var a = ScoringEngine.ScoreMatrix(p.Request(new ScoringOptions { PrimaryMethod = ScoringMethod.Topsis }) with { Robustness = robustness }).Robustness!.MonteCarlo!;
        var b = ScoringEngine.ScoreMatrix(p.Request(new ScoringOptions { PrimaryMethod = ScoringMethod.Topsis }) with { Robustness = robustness }).Robustness!.MonteCarlo!;
        return a.RankAcceptability.Zip(b.RankAcceptability).All(x => x.First.SequenceEqual(x.Second))
            && a.CentralWeights.Zip(b.CentralWeights).All(x => x.First.SequenceEqual(x.Second));
    }

    [Property]
    public bool ReturnsBoundedScoresGivenTopsisAndVikor(Problem p)
    {
        var result = ScoringEngine.ScoreMatrix(p.Request(new ScoringOptions { Methods = [ScoringMethod.Topsis, ScoringMethod.Vikor] }));
        return result.Methods.All(m => m.Method == ScoringMethod.Wsm || m.Scores.All(s => s is >= 0 and <= 1 && double.IsFinite(s)));
    }
}
