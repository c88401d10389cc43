using System.CommandLine;
using CoeInsights.V1;
using Spectre.Console;

namespace CoeInsights.Cli.Commands;

/// <summary>coe connectors …: the tenant's configured connectors (Sprout Social pull, Power BI push), their runs.</summary>
internal static class ConnectorCommands
{
    public static Command Build(CommandRunner run)
    {
        var connectors = new Command("connectors", "Connectors configured on the server (docs/connectors.md): list them, start a run, read a run.");
        connectors.Add(List(run));
        connectors.Add(Sync(run));
        connectors.Add(Run(run));
        return connectors;
    }

    private static ConnectorService.ConnectorServiceClient Client(CliContext context) => new(context.Channel);

    private static string Format(Google.Type.Date d) => $"{d.Year:0000}-{d.Month:00}-{d.Day:00}";

    private static Command List(CommandRunner run)
    {
        var command = new Command("list", "The tenant's connectors: kind, address, interval, checkpoints, latest run.");
        command.SetAction((result, ct) => run(result, async context =>
        {
            var listed = await Client(context).ListConnectorsAsync(new ListConnectorsRequest(), cancellationToken: ct);
            context.Write(listed, console =>
            {
                var table = new Table().AddColumns("connector", "kind", "address", "interval", "checkpoints", "last run");
                foreach (var c in listed.Connectors)
                    table.AddRow(Markup.Escape(c.Name), c.Kind.ToString(), Markup.Escape(c.BaseAddress),
                        c.SyncInterval is { } i && i.ToTimeSpan() > TimeSpan.Zero ? i.ToTimeSpan().ToString() : "on demand",
                        Markup.Escape(string.Join(", ", c.Checkpoints.Select(p => $"{p.SourceProfileId} ≤ {Format(p.LastSyncedDate)}"))),
                        c.LastRun is { } r ? Markup.Escape($"{r.RunId} {Describe(r.State)}") : "");
                console.Write(table);
                if (listed.Connectors.Count == 0) console.WriteLine("no connectors configured for this tenant (server section Coe:Connectors)");
            });
        }));
        return command;
    }

    private static Command Sync(CommandRunner run)
    {
        var name = new Argument<string>("connector") { Description = "The connector's name (see `coe connectors list`)." };
        var wait = new Option<bool>("--wait") { Description = "Return once the run has finished; a failed run (or one still running) exits with code 5." };
        var command = new Command("sync", "Start a run now (a Sprout sync or a Power BI push; ingest key). If one is running, that run is shown.") { name, wait };
        command.SetAction((result, ct) => run(result, async context =>
            Show(context, await Client(context).TriggerSyncAsync(new TriggerSyncRequest { Connector = result.GetValue(name)!, Wait = result.GetValue(wait) }, cancellationToken: ct), result.GetValue(wait))));
        return command;
    }

    private static Command Run(CommandRunner run)
    {
        var id = new Argument<string>("run-id") { Description = "As printed by `coe connectors sync`." };
        var wait = new Option<bool>("--wait") { Description = "Return once the run has finished; a failed run (or one still running) exits with code 5." };
        var command = new Command("run", "One run: state, rows, batches, replayed batches, errors, duration.") { id, wait };
        command.SetAction((result, ct) => run(result, async context =>
            Show(context, await Client(context).GetSyncRunAsync(new GetSyncRunRequest { RunId = result.GetValue(id)!, Wait = result.GetValue(wait) }, cancellationToken: ct), result.GetValue(wait))));
        return command;
    }

    private static string Describe(SyncRunState state) => state.ToString().ToLowerInvariant();

    /// <summary>Prints the run; a failed run ends the command with <see cref="ExitCodes.RunFailed"/> (after printing it, JSON included).</summary>
    private static void Show(CliContext context, SyncRun r, bool waited)
    {
        context.Write(r, console =>
        {
            console.WriteLine($"run {r.RunId} of {r.Connector} ({r.Trigger}): {Describe(r.State)}");
            console.WriteLine($"  rows {r.Rows}, batches {r.Batches}, replayed batches {r.ReplayedBatches}"
                + (r.Duration is { } d ? $", {d.ToTimeSpan().TotalSeconds:0.0} s" : ""));
            foreach (var e in r.Errors) console.WriteLine($"  error: {e}");
        });
        if (r.State == SyncRunState.Failed) throw new RunFailedException($"run {r.RunId} of {r.Connector} failed" + (r.Errors.Count > 0 ? $": {r.Errors[0]}" : ""));
        // --wait promises a finished run: an answer still running (an older server) must not exit 0.
        if (waited && r.State == SyncRunState.Running)
            throw new RunFailedException($"run {r.RunId} of {r.Connector} is still running; `coe connectors run {r.RunId} --wait` waits for it");
    }
}
