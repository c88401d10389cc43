namespace CoeInsights.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        // Console harness (end to end through a real server, not a BenchmarkDotNet micro-benchmark).
        if (args is ["kpi-ingestion", .. var rest])
        {
            Kpis.KpiIngestionBenchmark.RunAsync(rest).GetAwaiter().GetResult();
            return;
        }
        BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
