using System.CommandLine;
using CoeInsights.Client;
using Google.Protobuf;
using Grpc.Net.Client;
using Spectre.Console;

namespace CoeInsights.Cli;

public enum OutputFormat
{
    Table,
    Json,
}

/// <summary>Global options, shared by every command (Recursive: accepted after any sub-command too).</summary>
internal static class GlobalOptions
{
    public static readonly Option<string> Address = new("--address")
    {
        Description = "gRPC address of the server (env COE_ADDRESS).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("COE_ADDRESS") is { Length: > 0 } a ? a : "http://127.0.0.1:5080",
        Recursive = true,
    };

    public static readonly Option<string?> Key = new("--key")
    {
        Description = "API key (env COE_API_KEY; else the file given by --key-file).",
        Recursive = true,
    };

    public static readonly Option<string> KeyFile = new("--key-file")
    {
        Description = "File holding the API key.",
        DefaultValueFactory = _ => Path.Combine(".coe", "admin-key"),
        Recursive = true,
    };

    public static readonly Option<OutputFormat> Output = new("--output", "-o")
    {
        Description = "table (for people) or json (for scripts).",
        DefaultValueFactory = _ => OutputFormat.Table,
        Recursive = true,
    };
}

/// <summary>What a command needs: a channel to the server, and where and how to write.</summary>
internal sealed class CliContext(ParseResult parse, TextWriter output, TextWriter? error = null) : IDisposable
{
    private GrpcChannel? _channel;

    public OutputFormat Format { get; } = parse.GetValue(GlobalOptions.Output);
    public TextWriter Output { get; } = output;
    /// <summary>Warnings and reports that must not mix with JSON on stdout (e.g. skipped CSV rows).</summary>
    public TextWriter Error { get; } = error ?? TextWriter.Null;

    /// <summary>A person watches a terminal: animate progress bars. Redirected or captured output gets none.</summary>
    public bool Interactive { get; } = output == System.Console.Out && !System.Console.IsOutputRedirected;

    public IAnsiConsole Console { get; } = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = output == System.Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = output == System.Console.Out ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = output == System.Console.Out && !System.Console.IsOutputRedirected ? InteractionSupport.Yes : InteractionSupport.No,
    });

    public GrpcChannel Channel => _channel ??= CoeChannel.Create(new CoeClientOptions
    {
        Address = new Uri(parse.GetValue(GlobalOptions.Address)!),
        ApiKey = ResolveKey(),
    });

    /// <summary>Writes a message as JSON (proto3 JSON mapping, as the HTTP API) or hands it to the table renderer.</summary>
    public void Write(IMessage message, Action<IAnsiConsole> table)
    {
        if (Format == OutputFormat.Json) Output.WriteLine(JsonFormatter.Default.Format(message));
        else table(Console);
    }

    private string ResolveKey()
    {
        if (parse.GetValue(GlobalOptions.Key) is { Length: > 0 } key) return key;
        if (Environment.GetEnvironmentVariable("COE_API_KEY") is { Length: > 0 } env) return env;
        var file = parse.GetValue(GlobalOptions.KeyFile)!;
        if (File.Exists(file)) return File.ReadAllText(file).Trim();
        throw new UsageException($"No API key: pass --key, set COE_API_KEY, or point --key-file at a key file (tried {file}).");
    }

    public void Dispose() => _channel?.Dispose();
}

/// <summary>A problem with the command line or local files: exit code 1.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A connector run the command waited for or read ended FAILED (printed first): exit code 5.</summary>
internal sealed class RunFailedException(string message) : Exception(message);
