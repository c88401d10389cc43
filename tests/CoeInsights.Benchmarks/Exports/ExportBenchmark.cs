using System.Diagnostics;
using CoeInsights.Analytics.Scoring;
using CoeInsights.Analytics.Trends;
using CoeInsights.Exports.Evaluations;
using CoeInsights.Exports.Kpis;
using AggregationMethod = CoeInsights.Analytics.Trends.AggregationMethod;
using AggregationOptions = CoeInsights.Analytics.Trends.AggregationOptions;

namespace CoeInsights.Benchmarks.Exports;

/// <summary>
/// Deck export at scale, one scenario per process so peak memory is the scenario's own:
///   dotnet run -c Release --project tests/CoeInsights.Benchmarks -- exports kpi 100000
///   dotnet run -c Release --project tests/CoeInsights.Benchmarks -- exports evaluation 300000
/// and the peer, writing the same fact rows with xlsxwriter (constant_memory off, as a table):
///   /usr/bin/python3 tests/CoeInsights.Benchmarks/Exports/xlsxwriter_peer.py kpi 100000
/// Prints seconds, peak working set and file size.
/// </summary>
public static class ExportBenchmark
{
    public static void Run(string[] args)
    {
        var kind = args.ElementAtOrDefault(0) ?? "kpi";
        var rows = int.Parse(args.ElementAtOrDefault(1) ?? "100000");
        var path = Path.Combine(Path.GetTempPath(), $"coe-bench-{kind}-{rows}.xlsx");
        var (build, write) = kind switch
        {
            "kpi" => Kpi(rows),
            "evaluation" => Evaluation(rows),
            _ => throw new ArgumentException("exports kpi|evaluation ROWS"),
        };
        var watch = Stopwatch.StartNew();
        var model = build();
        var prepared = watch.Elapsed;
        var modelHeap = GC.GetTotalMemory(forceFullCollection: true);
        using (var file = File.Create(path)) write(model, file);
        watch.Stop();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine(FormattableString.Invariant(
            $"{kind} rows={rows} model={prepared.TotalSeconds:0.00}s write={(watch.Elapsed - prepared).TotalSeconds:0.00}s total={watch.Elapsed.TotalSeconds:0.00}s peak_working_set={self.PeakWorkingSet64 / 1048576.0:0}MB file={new FileInfo(path).Length / 1048576.0:0.0}MB model_heap={modelHeap / 1048576.0:0}MB"));
    }

    /// <summary>rows fact rows: profiles × 3 metrics × days, ~3 years daily.</summary>
    private static (Func<object>, Action<object, Stream>) Kpi(int rows)
    {
        const int days = 1096;
        var profiles = Math.Max(1, rows / (3 * days) + (rows % (3 * days) == 0 ? 0 : 1));
        return (() =>
        {
            var from = new DateOnly(2024, 1, 1);
            var deckProfiles = Enumerable.Range(0, profiles).Select(i => new DeckProfile($"p{i}", i % 2 == 0 ? "LinkedIn" : "Instagram", $"handle{i}", "Corporate", i % 5 != 0)).ToList();
            var metrics = new[] { new DeckMetric("impressions", "count", true, ""), new DeckMetric("engagements", "count", true, ""), new DeckMetric("followers", "accounts", false, "") };
            var observations = new List<DeckObservation>(rows);
            for (var p = 0; p < profiles && observations.Count < rows; p++)
            foreach (var m in metrics)
                for (var d = 0; d < days && observations.Count < rows; d++)
                    observations.Add(new DeckObservation($"p{p}", m.Name, from.AddDays(d), 1000 + d + p));
            var series = observations.GroupBy(o => (o.ProfileId, o.Metric)).Select(g =>
            {
                var monthly = SeriesAggregator.Aggregate(g.Select(o => new DatedValue(o.Date, o.Value)).ToList(), new AggregationOptions(Granularity.Month, AggregationMethod.Sum));
                return new DeckSeries(g.Key.ProfileId, g.Key.Metric, monthly.PeriodStarts, monthly.Values, TrendAnalysis.Analyze(monthly.Values));
            }).ToList();
            return new KpiDeckModel
            {
                Title = "Benchmark deck", From = from, To = from.AddDays(days - 1), Granularity = Granularity.Month,
                GeneratedAt = DateTimeOffset.UnixEpoch, Profiles = deckProfiles, Metrics = metrics, Observations = observations, Series = series,
            };
        }, (model, stream) => KpiDeck.Write((KpiDeckModel)model, stream));
    }

    /// <summary>rows score rows: 50 vendors × 200 criteria × (rows / 10,000) evaluators.</summary>
    private static (Func<object>, Action<object, Stream>) Evaluation(int rows)
    {
        const int vendors = 50, criteria = 200;
        var evaluators = Math.Max(2, rows / (vendors * criteria));
        return (() =>
        {
            var random = new Random(1);
            // One string per id, shared by every row (as a deserialised read model's ids are not: 3 strings per row
            // would be ~100 MB of the peak for 1,000,000 rows, all of it the benchmark's own).
            string[] evaluatorIds = [.. Enumerable.Range(0, evaluators).Select(i => $"e{i}")], vendorIds = [.. Enumerable.Range(0, vendors).Select(i => $"v{i}")],
                criterionIds = [.. Enumerable.Range(0, criteria).Select(i => $"c{i}")];
            var scores = new List<ScoreEntry>(rows);
            for (var ei = 0; ei < evaluators; ei++)
            for (var vi = 0; vi < vendors; vi++)
            for (var ci = 0; ci < criteria; ci++)
                scores.Add(new ScoreEntry(evaluatorIds[ei], vendorIds[vi], criterionIds[ci], 1 + random.Next(5)));
            var result = ScoringEngine.ScoreEvaluation(new EvaluationScoringRequest
            {
                Vendors = Enumerable.Range(0, vendors).Select(v => new Vendor($"v{v}")).ToList(),
                Criteria = Enumerable.Range(0, criteria).Select(c => new Criterion($"c{c}")).ToList(),
                EvaluatorIds = Enumerable.Range(0, evaluators).Select(e => $"e{e}").ToList(),
                Scale = new ScoreScale(1, 5),
                Scores = scores.Select(s => new EvaluatorScore(s.EvaluatorId, s.VendorId, s.CriterionId, s.Value)).ToList(),
                Weights = Enumerable.Repeat(1.0, criteria).ToList(),
                Robustness = new RobustnessOptions { MonteCarloSamples = 2_000, BootstrapResamples = 200 },
            });
            return new EvaluationWorkbookModel
            {
                Title = "Benchmark evaluation", GeneratedAt = DateTimeOffset.UnixEpoch, ScaleMin = 1, ScaleMax = 5,
                Vendors = Enumerable.Range(0, vendors).Select(v => new VendorInfo($"v{v}", $"Vendor {v}")).ToList(),
                Criteria = Enumerable.Range(0, criteria).Select(c => new CriterionInfo($"c{c}", $"Criterion {c}", $"Cat {c % 6}", CriterionDirection.Benefit)).ToList(),
                Evaluators = Enumerable.Range(0, evaluators).Select(e => new EvaluatorInfo($"e{e}", $"Evaluator {e}", "Social")).ToList(),
                WeightsSource = "Direct", Scores = scores, Result = result,
            };
        }, (model, stream) => EvaluationWorkbook.Write((EvaluationWorkbookModel)model, stream));
    }
}
