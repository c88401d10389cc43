using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CoeInsights.Cli.Sample;
using CoeInsights.V1;
using Grpc.Core;
using Spectre.Console;

namespace CoeInsights.Cli.Commands;

/// <summary>coe sample load: the sample CoE (evaluation, survey, KPIs) through the public API, idempotently.</summary>
internal static class SampleCommands
{
    public static Command Build(CommandRunner run)
    {
        var sample = new Command("sample", "The sample CoE: a platform evaluation, a stakeholder survey and 18 months of KPIs.");

        var ifEmpty = new Option<bool>("--if-empty") { Description = "Load only when the tenant holds nothing but (part of) the sample; else do nothing." };
        var wait = new Option<int>("--wait") { Description = "Seconds to wait for the server (and its admin key file) to come up first (default 0)." };
        var jsonAddress = new Option<string?>("--json-address")
        {
            Description = "The server's JSON (HTTP/1.1) address, for the printed curl line (default: the gRPC port + 1).",
        };
        var load = new Command("load", "Load the sample CoE (a second run adds nothing). Needs an admin key.") { ifEmpty, wait, jsonAddress };
        load.SetAction((result, ct) => run(result, async context =>
        {
            await WaitForServerAsync(context, result.GetValue(wait), ct);
            var table = context.Format == OutputFormat.Table;
            if (result.GetValue(ifEmpty)
                && await new SampleLoader(context.Channel, (_, _, _) => { }).HoldsOtherDataAsync(ct))
            {
                if (table) context.Console.MarkupLine("[yellow]The store already holds data of its own: sample not loaded.[/]");
                else context.Output.WriteLine(JsonSerializer.Serialize(new { loaded = false, reason = "store not empty" }));
                return;
            }

            SampleSummary summary;
            if (!table) summary = await new SampleLoader(context.Channel, (_, _, _) => { }).LoadAsync(ct);
            else
            {
                summary = await context.Console.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                    .StartAsync(async progress =>
                    {
                        var tasks = new Dictionary<string, ProgressTask>();
                        return await new SampleLoader(context.Channel, (step, done, total) =>
                        {
                            if (!tasks.TryGetValue(step, out var task))
                                tasks[step] = task = progress.AddTask(Markup.Escape(step), maxValue: Math.Max(1, total));
                            task.MaxValue = Math.Max(1, total);
                            task.Value = done;
                        }).LoadAsync(ct);
                    });
            }

            var keyFile = result.GetValue(GlobalOptions.KeyFile)!;
            var grpc = new Uri(result.GetValue(GlobalOptions.Address)!);
            var json = result.GetValue(jsonAddress) is { Length: > 0 } j ? j.TrimEnd('/') : $"{grpc.Scheme}://{grpc.Host}:{grpc.Port + 1}";
            if (!table)
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new { loaded = true, summary }, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
                return;
            }
            // Plain lines (no table wrapping at the console width): the commands must survive copy and paste.
            var o = context.Output;
            o.WriteLine($"evaluation      {SampleData.EvaluationTitle} ({summary.EvaluationId}), {summary.EvaluationState}");
            o.WriteLine($"                {SampleData.Vendors.Length} vendors × {SampleData.Criteria.Length} criteria in {SampleData.Categories.Length} categories, {SampleData.Evaluators.Length} evaluators from {SampleData.Departments.Length} departments");
            o.WriteLine($"recommendation  {summary.WinnerName} ({summary.WinnerId})");
            o.WriteLine($"survey          {summary.SurveyId}: {summary.SurveyRespondents} responses → weights");
            o.WriteLine($"KPIs            {summary.Profiles} profiles, {summary.Observations:N0} daily values {summary.FirstDay} … {summary.LastDay} ({summary.BatchesStored} batches stored, {summary.BatchesReplayed} already there)");
            if (summary.SurveyLink.Length > 0) o.WriteLine($"survey link     {summary.SurveyLink}");
            if (summary.EvaluatorLink.Length > 0) o.WriteLine($"evaluator link  {summary.EvaluatorLink}");
            if (summary.CommitteeLink.Length > 0) o.WriteLine($"committee link  {summary.CommitteeLink}");
            o.WriteLine(summary.AnomalyDetectedOn is null
                ? "anomaly         not detected"
                : $"anomaly         {summary.AnomalyMetric} on {SampleData.Anomaly.Network}/{SampleData.Anomaly.Handle}, {summary.AnomalyDetectedOn} (DetectAnomalies, season 7)");
            o.WriteLine();
            o.WriteLine("Download its decks:");
            foreach (var line in DownloadHints(summary.EvaluationId, keyFile, json)) o.WriteLine("  " + line);
        }));

        sample.Add(load);
        return sample;
    }

    /// <summary>The command lines that fetch the sample's decks (printed after a load; README shows the same).</summary>
    internal static IEnumerable<string> DownloadHints(string evaluationId, string keyFile, string jsonAddress) =>
    [
        $"./coe reports evaluation-workbook {evaluationId} -f sample-evaluation.xlsx",
        $"./coe reports kpi-deck --from {SampleData.DeckFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} --to {SampleData.DeckTo.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} -f sample-kpi-deck.xlsx",
        $"./coe reports link {evaluationId}",
        $"curl -s -H \"Authorization: Bearer $(cat {keyFile})\" -H 'content-type: application/json' {jsonAddress}/v1/downloadLinks \\",
        $"     -d '{{\"kind\": \"EXPORT_KIND_EVALUATION_WORKBOOK\", \"resourceId\": \"{evaluationId}\"}}'",
    ];

    /// <summary>Polls until the key can be read and the server answers (run.sh starts the load next to a booting server).</summary>
    private static async Task WaitForServerAsync(CliContext context, int seconds, CancellationToken ct)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            try
            {
                await new ServerInfoService.ServerInfoServiceClient(context.Channel).GetServerInfoAsync(new GetServerInfoRequest(), cancellationToken: ct);
                return;
            }
            catch (Exception e) when (DateTime.UtcNow < until
                && (e is UsageException || e is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded }))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }
}
