namespace CoeInsights.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        // Console harnesses (end to end through a real server, or paired old/new comparisons),
        // then BenchmarkDotNet micro-benchmarks for everything else.
        if (args is ["kpi-ingestion", .. var rest])
        {
            Kpis.KpiIngestionBenchmark.RunAsync(rest).GetAwaiter().GetResult();
            return;
        }
        if (args is ["reads", .. var reads])
        {
            Reads.ReadBenchmark.RunAsync(reads).GetAwaiter().GetResult();
            return;
        }
        if (args is ["alert-latency", .. var latency])
        {
            Alerts.AlertLatencyBenchmark.RunAsync(latency).GetAwaiter().GetResult();
            return;
        }
        if (args is ["odata-feed", .. var feed])
        {
            Bi.ODataFeedBenchmark.RunAsync(feed).GetAwaiter().GetResult();
            return;
        }
        if (args is ["exports", .. var exports])
        {
            Exports.ExportBenchmark.Run(exports);
            return;
        }
        if (args is ["harness", .. var harness])
        {
            Harness.Run(harness);
            return;
        }
        BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
