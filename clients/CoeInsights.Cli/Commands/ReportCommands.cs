using System.CommandLine;
using CoeInsights.V1;
using Grpc.Core;
using Spectre.Console;

namespace CoeInsights.Cli.Commands;

/// <summary>coe reports …: download decks (with progress) or hand out a browser link.</summary>
internal static class ReportCommands
{
    public static Command Build(CommandRunner run)
    {
        var reports = new Command("reports", "Download decks, or create a signed browser link.");
        var file = new Option<FileInfo?>("--file", "-f") { Description = "Where to save (default: the server's file name, in the current folder)." };

        var evaluationId = new Argument<string>("evaluation-id");
        var evaluation = new Command("evaluation-workbook", "Download the scored vendor workbook of an evaluation.") { evaluationId, file };
        evaluation.SetAction((result, ct) => run(result, context => Save(context, result.GetValue(file),
            new ReportService.ReportServiceClient(context.Channel).ExportEvaluationWorkbook(
                new ExportEvaluationWorkbookRequest { EvaluationId = result.GetValue(evaluationId)! }, cancellationToken: ct), ct)));

        var surveyId = new Argument<string>("survey-id");
        var survey = new Command("survey-workbook", "Download the workbook of a stakeholder survey (results, departments, derived weights).") { surveyId, file };
        survey.SetAction((result, ct) => run(result, context => Save(context, result.GetValue(file),
            new ReportService.ReportServiceClient(context.Channel).ExportSurveyWorkbook(
                new ExportSurveyWorkbookRequest { SurveyId = result.GetValue(surveyId)! }, cancellationToken: ct), ct)));

        var id = new Argument<string>("id") { Description = "The evaluation id, or the survey id with --kind survey-workbook." };
        var kind = new Option<string>("--kind")
        {
            Description = "evaluation-workbook (default) or survey-workbook.", DefaultValueFactory = _ => "evaluation-workbook",
        };
        kind.AcceptOnlyFromAmong("evaluation-workbook", "survey-workbook");
        var ttl = new Option<int>("--ttl") { Description = "Seconds the link stays valid (default 900, at most 86400)." };
        var link = new Command("link", "A signed, expiring URL to open a workbook in a browser.") { id, kind, ttl };
        link.SetAction((result, ct) => run(result, async context =>
        {
            var created = await new ReportService.ReportServiceClient(context.Channel).CreateDownloadLinkAsync(new CreateDownloadLinkRequest
            {
                Kind = result.GetValue(kind) == "survey-workbook" ? ExportKind.SurveyWorkbook : ExportKind.EvaluationWorkbook,
                ResourceId = result.GetValue(id)!, TtlSeconds = result.GetValue(ttl),
            }, cancellationToken: ct);
            context.Write(created, console => console.WriteLine($"{created.Url}\n(valid until {created.ExpireTime.ToDateTimeOffset():u})"));
        }));

        reports.Add(evaluation);
        reports.Add(survey);
        reports.Add(link);
        return reports;
    }

    /// <summary>Saves a streamed export: metadata first (name, type, size), then the bytes; checks the size.</summary>
    private static async Task Save(CliContext context, FileInfo? file, AsyncServerStreamingCall<ExportChunk> call, CancellationToken ct)
    {
        using var _ = call;
        ExportMetadata? metadata = null;
        FileInfo? target = null;
        FileStream? output = null;
        // Progress only for people: with -o json stdout carries nothing but the JSON.
        async Task Receive(Func<ExportMetadata, Action<long>> onStart)
        {
            Action<long> advance = _ => { };
            await foreach (var chunk in call.ResponseStream.ReadAllAsync(ct))
            {
                if (chunk.PartCase == ExportChunk.PartOneofCase.Metadata)
                {
                    metadata = chunk.Metadata;
                    target = file ?? new FileInfo(metadata.FileName);
                    output = target.Create();
                    advance = onStart(metadata);
                    continue;
                }
                if (output is null) throw new UsageException("The server sent data before the file's metadata.");
                chunk.Data.WriteTo(output);
                advance(chunk.Data.Length);
            }
        }
        try
        {
            if (context.Format == OutputFormat.Json) await Receive(_ => _ => { });
            else
                await context.Console.Progress().AutoClear(true).StartAsync(progress => Receive(m =>
                {
                    var task = progress.AddTask(Markup.Escape(m.FileName), maxValue: Math.Max(1, m.SizeBytes));
                    return n => task.Increment(n);
                }));
        }
        finally
        {
            if (output is not null) await output.DisposeAsync();
        }
        if (metadata is null || target is null) throw new UsageException("The server sent no file.");
        target.Refresh();
        if (target.Length != metadata.SizeBytes) throw new UsageException($"Incomplete download: {target.Length} of {metadata.SizeBytes} bytes.");
        context.Write(metadata, console => console.WriteLine($"saved {target.FullName} ({metadata.SizeBytes:N0} bytes)"));
    }
}
