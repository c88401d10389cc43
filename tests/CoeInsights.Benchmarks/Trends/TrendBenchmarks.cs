using BenchmarkDotNet.Attributes;
using CoeInsights.Analytics.Trends;

namespace CoeInsights.Benchmarks.Trends;

/// <summary>
/// Trend statistics (OLS + Mann-Kendall + Sen's slope with CI + growth + CAGR + moving average + anomalies)
/// for a 10-year daily series (3,653 points). Targets: ≤ 5 ms per series; 1,000 series ≤ 2 s.
/// </summary>
[MemoryDiagnoser]
public class TrendBenchmarks
{
    private const int Days = 3653;
    private double?[][] _series = [];

    [Params(false, true)]
    public bool IntegerCounts { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _series = new double?[1000][];
        for (var s = 0; s < _series.Length; s++)
        {
            var x = new double?[Days];
            for (var i = 0; i < Days; i++)
            {
                // trend + weekly pattern + noise; integer daily counts (many tied values) or continuous values
                var value = 1000 + 0.05 * i + (i % 7 >= 5 ? -150 : 0) + 40 * (rng.NextDouble() - 0.5);
                x[i] = i % 101 == 7 ? null : IntegerCounts ? Math.Round(value / 10) : value;
            }
            _series[s] = x;
        }
    }

    [Benchmark]
    public TrendReport OneSeries() => TrendAnalysis.Analyze(_series[0]);

    [Benchmark]
    public SenSlopeResult SenSlopeOnly() => SenSlope.Estimate(_series[0]);

    [Benchmark]
    public MannKendallResult MannKendallOnly() => MannKendall.Test(_series[0]);

    [Benchmark(OperationsPerInvoke = 1)]
    public int ThousandSeriesParallel()
    {
        var slopes = new double[_series.Length];
        Parallel.For(0, _series.Length, i => slopes[i] = TrendAnalysis.Analyze(_series[i]).SenSlope.Slope);
        return slopes.Length;
    }
}
