using System.CommandLine;
using CoeInsights.V1;
using Spectre.Console;

namespace CoeInsights.Cli.Commands;

internal static class ServerInfoCommands
{
    public static Command Build(CommandRunner run)
    {
        var command = new Command("server-info", "Version, store status and the caller's tenant (proves the key works).");
        command.SetAction((result, ct) => run(result, async context =>
        {
            var info = await new ServerInfoService.ServerInfoServiceClient(context.Channel)
                .GetServerInfoAsync(new GetServerInfoRequest(), cancellationToken: ct);
            context.Write(info, console =>
            {
                var grid = new Grid().AddColumn().AddColumn();
                grid.AddRow("version", info.Version);
                grid.AddRow("tenant", Markup.Escape(info.TenantId));
                grid.AddRow("roles", string.Join(", ", info.Roles));
                grid.AddRow("store", $"{info.StoreStatus} (PostgreSQL {info.StoreVersion}, Marten {info.MartenVersion})");
                grid.AddRow("events", $"{info.EventCount} in {info.StreamCount} streams");
                console.Write(grid);
            });
        }));
        return command;
    }
}
