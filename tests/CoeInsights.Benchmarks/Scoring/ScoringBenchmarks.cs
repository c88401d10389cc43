using BenchmarkDotNet.Attributes;
using CoeInsights.Analytics.Scoring;

namespace CoeInsights.Benchmarks.Scoring;

/// <summary>
/// Issue 3 target: 50 vendors × 200 criteria × 30 evaluators; WSM + TOPSIS + one-at-a-time sensitivity +
/// 10,000 Monte Carlo samples + 1,000 bootstrap resamples in one call. Target ≤ 150 ms and ≤ 200 MB allocated.
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private EvaluationScoringRequest _request = null!;

    [Params(ScoringMethod.Wsm, ScoringMethod.Topsis)]
    public ScoringMethod Primary { get; set; }

    [GlobalSetup]
    public void Setup() => _request = Build(Primary);

    [Benchmark]
    public ScoringResult ScoreEvaluation50x200x30() => ScoringEngine.ScoreEvaluation(_request);

    public static EvaluationScoringRequest Build(ScoringMethod primary, int vendors = 50)
    {
        const int criteria = 200, evaluators = 30;
        var random = new Random(12345);
        var vendorList = Enumerable.Range(0, vendors).Select(i => new Vendor($"v{i}")).ToArray();
        var criterionList = Enumerable.Range(0, criteria).Select(j => new Criterion($"c{j}", Category: $"cat{j % 8}")).ToArray();
        var evaluatorIds = Enumerable.Range(0, evaluators).Select(e => $"e{e}").ToArray();
        var quality = Enumerable.Range(0, vendors * criteria).Select(_ => 1 + 4 * random.NextDouble()).ToArray();
        var scores = new List<EvaluatorScore>(vendors * criteria * evaluators);
        for (var e = 0; e < evaluators; e++)
        {
            for (var v = 0; v < vendors; v++)
            {
                for (var c = 0; c < criteria; c++)
                {
                    var s = Math.Clamp(Math.Round(quality[v * criteria + c] + random.NextDouble() * 2 - 1), 1, 5);
                    scores.Add(new EvaluatorScore(evaluatorIds[e], vendorList[v].Id, criterionList[c].Id, s));
                }
            }
        }
        return new EvaluationScoringRequest
        {
            Vendors = vendorList,
            Criteria = criterionList,
            EvaluatorIds = evaluatorIds,
            Scale = new ScoreScale(1, 5),
            Scores = scores,
            Weights = Enumerable.Range(0, criteria).Select(_ => 0.5 + random.NextDouble()).ToArray(),
            Options = new ScoringOptions { PrimaryMethod = primary, Methods = [ScoringMethod.Wsm, ScoringMethod.Topsis] },
            Robustness = new RobustnessOptions
            {
                Sensitivity = true,
                MonteCarloSamples = 10_000,
                BootstrapResamples = 1_000,
                RankReversal = false,
                Seed = 1,
            },
        };
    }
}
