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

        var id = new Argument<string>("evaluation-id");
        // One line per deck kind: its command, its arguments and the streaming call that exports it.
        reports.Add(Download(run, "evaluation-workbook", "Download the scored vendor workbook of an evaluation.", [id],
            (result, client, ct) => client.ExportEvaluationWorkbook(new ExportEvaluationWorkbookRequest { EvaluationId = result.GetValue(id)! }, cancellationToken: ct)));
        var surveyId = new Argument<string>("survey-id");
        var respondentIds = new Option<bool>("--respondent-ids")
        {
            Description = "Real respondent ids instead of pseudonyms R001… (committee and admin keys only).",
        };
        reports.Add(Download(run, "survey-workbook", "Download the workbook of a stakeholder survey (results, departments, derived weights).", [surveyId, respondentIds],
            (result, client, ct) => client.ExportSurveyWorkbook(new ExportSurveyWorkbookRequest
            {
                SurveyId = result.GetValue(surveyId)!, IncludeRespondentIds = result.GetValue(respondentIds),
            }, cancellationToken: ct)));
        var from = KpiCommands.DateOption("--from", "First reporting day");
        var to = KpiCommands.DateOption("--to", "Last reporting day");
        var granularity = new Option<Granularity>("--granularity") { Description = "Trend periods: Day, Week (default), Month or Quarter." };
        var metrics = new Option<string[]>("--metric") { AllowMultipleArgumentsPerToken = true, Description = "Metrics (repeat; default impressions, engagements, followers)." };
        var units = new Option<string[]>("--business-unit") { AllowMultipleArgumentsPerToken = true, Description = "Only these business units (repeat)." };
        var title = new Option<string?>("--title") { Description = "Deck title." };
        reports.Add(Download(run, "kpi-deck", "Download the KPI deck for a date range (dashboard, trends, anomalies, ROI, benchmark, fact tables).",
            [from, to, granularity, metrics, units, title],
            (result, client, ct) => client.ExportKpiDeck(new ExportKpiDeckRequest
            {
                StartDate = KpiCommands.ToProto(result.GetValue(from)), EndDate = KpiCommands.ToProto(result.GetValue(to)),
                Granularity = result.GetValue(granularity), Metrics = { result.GetValue(metrics) ?? [] },
                BusinessUnits = { result.GetValue(units) ?? [] }, Title = result.GetValue(title) ?? "",
            }, cancellationToken: ct)));

        var resource = new Argument<string?>("id")
        {
            Description = "The evaluation id, or the survey id with --kind survey-workbook (none with --kind kpi-deck).", Arity = ArgumentArity.ZeroOrOne,
        };
        var kind = new Option<string>("--kind")
        {
            Description = "evaluation-workbook (default), survey-workbook or kpi-deck.", DefaultValueFactory = _ => "evaluation-workbook",
        };
        kind.AcceptOnlyFromAmong("evaluation-workbook", "survey-workbook", "kpi-deck");
        var linkFrom = new Option<DateOnly?>("--from") { Description = "With --kind kpi-deck: first day of the range." };
        var linkTo = new Option<DateOnly?>("--to") { Description = "With --kind kpi-deck: last day of the range." };
        var ttl = new Option<int>("--ttl") { Description = "Seconds the link stays valid (default 900, at most 86400)." };
        var linkRespondentIds = new Option<bool>("--respondent-ids")
        {
            Description = "With --kind survey-workbook: real respondent ids instead of pseudonyms (committee and admin keys only).",
        };
        var link = new Command("link", "A signed, expiring URL to open a workbook or the KPI deck in a browser.") { resource, kind, ttl, linkRespondentIds, linkFrom, linkTo };
        link.SetAction((result, ct) => run(result, async context =>
        {
            var chosen = result.GetValue(kind);
            var survey = chosen == "survey-workbook";
            var deck = chosen == "kpi-deck";
            if (result.GetValue(linkRespondentIds) && !survey) throw new UsageException("--respondent-ids needs --kind survey-workbook.");
            var (start, end) = (result.GetValue(linkFrom), result.GetValue(linkTo));
            if (deck && (start is null || end is null)) throw new UsageException("--kind kpi-deck needs --from and --to.");
            if (!deck && (start is not null || end is not null)) throw new UsageException("--from and --to go with --kind kpi-deck.");
            var id = result.GetValue(resource);
            if (deck == (id is not null)) throw new UsageException(deck ? "--kind kpi-deck takes no id (the deck covers the tenant's KPIs)." : "Name the evaluation (or survey) id.");
            var request = new CreateDownloadLinkRequest
            {
                Kind = deck ? ExportKind.KpiDeck : survey ? ExportKind.SurveyWorkbook : ExportKind.EvaluationWorkbook,
                ResourceId = id ?? "", TtlSeconds = result.GetValue(ttl),
            };
            if (deck)
                request.KpiDeck = new ExportKpiDeckRequest
                {
                    StartDate = KpiCommands.ToProto(start!.Value), EndDate = KpiCommands.ToProto(end!.Value),
                };
            if (result.GetValue(linkRespondentIds)) request.SurveyWorkbook = new ExportSurveyWorkbookRequest { IncludeRespondentIds = true };
            var created = await new ReportService.ReportServiceClient(context.Channel).CreateDownloadLinkAsync(request, cancellationToken: ct);
            // The URL alone on its own line, written straight (a console table would wrap it when piped).
            if (context.Format == OutputFormat.Json) context.Write(created, _ => { });
            else
            {
                context.Output.WriteLine(created.Url);
                context.Output.WriteLine($"(valid until {created.ExpireTime.ToDateTimeOffset():u})");
            }
        }));

        reports.Add(link);
        return reports;
    }

    /// <summary>
    /// A download command for one deck kind: streams ExportMetadata then the bytes into -f FILE (default: the server's
    /// file name), with a progress bar for people; -o json prints the metadata. Checks the size against the metadata.
    /// </summary>
    private static Command Download(CommandRunner run, string name, string description, Symbol[] symbols,
        Func<ParseResult, ReportService.ReportServiceClient, CancellationToken, AsyncServerStreamingCall<ExportChunk>> export)
    {
        var file = new Option<FileInfo?>("--file", "-f") { Description = "Where to save (default: the server's file name, in the current folder)." };
        var download = new Command(name, description) { file };
        foreach (var symbol in symbols)
        {
            if (symbol is Argument argument) download.Add(argument);
            else download.Add((Option)symbol);
        }
        download.SetAction((result, ct) => run(result, async context =>
        {
            using var call = export(result, new ReportService.ReportServiceClient(context.Channel), ct);
            ExportMetadata? metadata = null;
            FileInfo? target = null;
            FileStream? output = null;
            async Task Receive(Func<ExportMetadata, Action<long>> onStart)
            {
                Action<long> advance = _ => { };
                await foreach (var chunk in call.ResponseStream.ReadAllAsync(ct))
                {
                    if (chunk.PartCase == ExportChunk.PartOneofCase.Metadata)
                    {
                        metadata = chunk.Metadata;
                        target = result.GetValue(file) ?? new FileInfo(metadata.FileName);
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
                // Progress only for people: with -o json stdout carries nothing but the JSON.
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
        }));
        return download;
    }
}
