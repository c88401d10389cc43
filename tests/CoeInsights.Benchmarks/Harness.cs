using System.Diagnostics;
using CoeInsights.Analytics.Scoring;
using CoeInsights.Benchmarks.Scoring;
using CoeInsights.Benchmarks.Trends;

namespace CoeInsights.Benchmarks;

/// <summary>
/// Quick Stopwatch + process-CPU harness for comparing two builds side by side on a shared, loaded machine
/// (BenchmarkDotNet's wall times swing with other people's builds; CPU time per call and allocations are steadier).
/// <c>dotnet run -c Release --project tests/CoeInsights.Benchmarks -- harness scoring 8</c> (or <c>trends 20</c>,
/// <c>phases 5</c>). Same workloads as ScoringBenchmarks and TrendBenchmarks.
/// </summary>
public static class Harness
{
    public static void Run(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "scoring";
        var reps = args.Length > 1 ? int.Parse(args[1]) : 10;
        if (mode == "sen" || mode == "one")
        {
            var b = new TrendBenchmarks { IntegerCounts = args.Length > 2 && args[2] == "int" };
            b.Setup();
            double acc = 0;
            for (var i = 0; i < reps; i++) acc += mode == "sen" ? b.SenSlopeOnly().Slope : b.OneSeries().SenSlope.Slope;
            Console.WriteLine(acc);
            return;
        }
        if (mode == "score1")
        {
            var req = ScoringBenchmarks.Build(args.Length > 2 && args[2] == "topsis" ? ScoringMethod.Topsis : ScoringMethod.Wsm);
            if (args.Length > 3) req = req with { Robustness = null };
            for (var i = 0; i < reps; i++) ScoringEngine.ScoreEvaluation(req);
            return;
        }
        if (mode == "vendors")
        {
            // Rank counting's growth with the vendor count: V × 200 criteria × 30 evaluators, full robustness (WSM).
            foreach (var vendors in args.Length > 2 ? args[2..].Select(int.Parse) : [10, 200, 1000])
            {
                var req = ScoringBenchmarks.Build(ScoringMethod.Wsm, vendors);
                var res = ScoringEngine.ScoreEvaluation(req);
                var times = new List<double>();
                var alloc0 = GC.GetTotalAllocatedBytes(true);
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                for (var i = 0; i < reps; i++)
                {
                    var sw = Stopwatch.StartNew();
                    res = ScoringEngine.ScoreEvaluation(req);
                    times.Add(sw.Elapsed.TotalMilliseconds);
                }
                var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / reps;
                var alloc = (GC.GetTotalAllocatedBytes(true) - alloc0) / reps / 1e6;
                times.Sort();
                var peak = Process.GetCurrentProcess().PeakWorkingSet64 / 1e6;
                Console.WriteLine($"vendors {vendors,5}: min {times[0],8:F1} ms  median {times[times.Count / 2],8:F1} ms  cpu/call {cpu,8:F1} ms  alloc/call {alloc,7:F1} MB  peak RSS so far {peak,7:F0} MB  pFirst {res.Robustness?.MonteCarlo?.WinnerProbabilityFirst:R}");
            }
            return;
        }
        if (mode == "scoring" || mode == "phases")
        {
            foreach (var primary in new[] { ScoringMethod.Wsm, ScoringMethod.Topsis })
            {
                // phases [reps] [vendors]: the 50-vendor workload unless a vendor count is given (e.g. 1000).
                var req = ScoringBenchmarks.Build(primary, mode == "phases" && args.Length > 2 ? int.Parse(args[2]) : 50);
                var variants = mode == "phases"
                    ? new (string, RobustnessOptions?)[] {
                        ("none", null),
                        ("sens", req.Robustness! with { MonteCarloSamples = 0, BootstrapResamples = 0 }),
                        ("mc", req.Robustness! with { Sensitivity = false, BootstrapResamples = 0 }),
                        ("boot", req.Robustness! with { Sensitivity = false, MonteCarloSamples = 0 }),
                        ("all", req.Robustness) }
                    : new (string, RobustnessOptions?)[] { ("all", req.Robustness) };
                foreach (var (name, ro) in variants)
                {
                    var r = req with { Robustness = ro };
                    var res = ScoringEngine.ScoreEvaluation(r);
                    var times = new List<double>();
                    var alloc0 = GC.GetTotalAllocatedBytes(true);
                    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                    for (var i = 0; i < reps; i++)
                    {
                        var sw = Stopwatch.StartNew();
                        res = ScoringEngine.ScoreEvaluation(r);
                        times.Add(sw.Elapsed.TotalMilliseconds);
                    }
                    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / reps;
                    var alloc = (GC.GetTotalAllocatedBytes(true) - alloc0) / reps / 1e6;
                    times.Sort();
                    var mc = res.Robustness?.MonteCarlo;
                    var bs = res.Robustness?.Bootstrap;
                    Console.WriteLine($"{primary,-6} {name,-5} min {times[0],8:F1} ms  median {times[times.Count / 2],8:F1} ms  cpu/call {cpu,7:F1} ms  alloc {alloc,7:F1} MB  winner {res.Recommendation.WinnerId} pFirst {mc?.WinnerProbabilityFirst:R} acc1 {(mc is null ? "" : string.Join(",", mc.RankAcceptability[1].Take(3).Select(x => x.ToString("R"))))} boot {bs?.WinnerProbabilityFirst:R} L0 {bs?.Lower[0]:R} U0 {bs?.Upper[0]:R}");
                }
            }
        }
        else if (mode == "trends")
        {
            foreach (var integer in new[] { false, true })
            {
                var b = new TrendBenchmarks { IntegerCounts = integer };
                b.Setup();
                b.OneSeries();
                var times = new List<double>();
                var sen = new List<double>();
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                for (var i = 0; i < reps; i++)
                {
                    var sw = Stopwatch.StartNew();
                    b.OneSeries();
                    times.Add(sw.Elapsed.TotalMilliseconds);
                    sw.Restart();
                    b.SenSlopeOnly();
                    sen.Add(sw.Elapsed.TotalMilliseconds);
                }
                var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / reps;
                times.Sort(); sen.Sort();
                var cpuT0 = Process.GetCurrentProcess().TotalProcessorTime;
                var sw2 = Stopwatch.StartNew();
                b.ThousandSeriesParallel();
                var thousand = sw2.Elapsed.TotalMilliseconds;
                var cpuT = (Process.GetCurrentProcess().TotalProcessorTime - cpuT0).TotalMilliseconds;
                var r = b.OneSeries().SenSlope;
                Console.WriteLine($"int={integer} one min {times[0]:F2} med {times[times.Count / 2]:F2} ms; sen min {sen[0]:F2} med {sen[sen.Count / 2]:F2}; cpu(one+sen) {cpu:F2}; 1000: {thousand:F0} ms cpu {cpuT:F0} ms; slope {r.Slope:R} ci {r.Ci.Lower:R} {r.Ci.Upper:R}");
            }
        }
    }
}
