using System.CommandLine;
using Google.Protobuf;
using Grpc.Core;

namespace CoeInsights.Cli.Commands;

/// <summary>
/// Watch commands over server streams (`evaluations watch`, `kpis alerts`): one line per message (`-o json`: one JSON object per
/// line), until Ctrl-C, `--max N` messages or `--timeout SECONDS`; each of those ends the command normally (exit code 0).
/// </summary>
internal sealed class Watching
{
    public Option<int?> Max { get; }
    public Option<double?> Timeout { get; } = new("--timeout")
    {
        Description = "Stop after this many seconds (default: until Ctrl-C).",
        Validators = { r => { if (r.GetValueOrDefault<double?>() is <= 0) r.AddError("--timeout must be positive"); } },
    };

    public Watching(string what) => Max = new Option<int?>("--max")
    {
        Description = $"Stop after {what} (default: until Ctrl-C).",
        Validators = { r => { if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--max must be at least 1"); } },
    };

    public void AddTo(Command command)
    {
        command.Add(Max);
        command.Add(Timeout);
    }

    /// <summary>
    /// Opens the stream, says on stderr once the server has established the watch (its response headers), then writes each message.
    /// Returns how many were written.
    /// </summary>
    public async Task<int> RunAsync<T>(ParseResult result, CliContext context, Func<CancellationToken, AsyncServerStreamingCall<T>> open,
        string established, Func<T, string> line, CancellationToken ct) where T : IMessage
    {
        var max = result.GetValue(Max);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (result.GetValue(Timeout) is { } seconds) stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        var count = 0;
        try
        {
            using var call = open(stop.Token);
            // The server sends its headers once the watch is in place; a refused call can answer headers too and fails on the first read.
            await call.ResponseHeadersAsync;
            await context.Error.WriteLineAsync(established);
            await context.Error.FlushAsync(stop.Token);
            while (count != max && await call.ResponseStream.MoveNext(stop.Token))
            {
                var message = call.ResponseStream.Current;
                await context.Output.WriteLineAsync(context.Format == OutputFormat.Json ? JsonFormatter.Default.Format(message) : line(message));
                await context.Output.FlushAsync(stop.Token);
                count++;
            }
        }
        catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            // Ctrl-C or --timeout: the watch ends normally.
        }
        return count;
    }
}
