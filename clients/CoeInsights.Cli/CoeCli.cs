using System.CommandLine;
using CoeInsights.Cli.Commands;
using CoeInsights.Client;
using Grpc.Core;

namespace CoeInsights.Cli;

/// <summary>The `coe` command tree. <see cref="RunAsync"/> is the whole program, so tests run it in-process.</summary>
public static class CoeCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var root = new RootCommand("coe: the CoeInsights command line.")
        {
            GlobalOptions.Address, GlobalOptions.Key, GlobalOptions.KeyFile, GlobalOptions.Output,
        };
        foreach (var command in new[] { ServerInfoCommands.Build(Run), AdminCommands.Build(Run), ScoringCommands.Build(Run), ReportCommands.Build(Run) })
            root.Add(command);
        root.Add(EvaluationCommands.Build(Run));
        root.Add(SurveyCommands.Build(Run));
        root.Add(InvitationCommands.Build(Run));
        root.Add(KpiCommands.Build(Run));
        root.Add(SampleCommands.Build(Run));
        root.Add(ConnectorCommands.Build(Run));
        // coe alerts: the crisis early warning (issue 18); backtest measures the detector (docs/alerts.md).
        var alerts = new Command("alerts", "Crisis early warning: alert rules, alerts and the detector's backtest.")
        {
            AlertBacktestCommands.Build(Run), AlertDeliveryCommands.BuildChannels(Run), AlertDeliveryCommands.BuildDeliveries(Run),
        };
        foreach (var command in AlertCommands.Build(Run)) alerts.Add(command);
        root.Add(alerts);

        var parse = root.Parse(args);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct);

        // Every command body runs through here: one place for the channel and for error reporting.
        async Task<int> Run(ParseResult result, Func<CliContext, Task> body)
        {
            using var context = new CliContext(result, output, error);
            try
            {
                await body(context);
                return ExitCodes.Ok;
            }
            catch (UsageException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (RunFailedException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.RunFailed;
            }
            catch (RpcException e)
            {
                await error.WriteLineAsync($"error: {e.Describe()}");
                return ExitCodes.For(e.StatusCode);
            }
        }
    }
}

/// <summary>Runs a command body with a ready context and maps failures to exit codes.</summary>
internal delegate Task<int> CommandRunner(ParseResult result, Func<CliContext, Task> body);
