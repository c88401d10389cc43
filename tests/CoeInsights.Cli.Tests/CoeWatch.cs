using System.Diagnostics;
using System.Text;

namespace CoeInsights.Cli.Tests;

/// <summary>
/// A `coe` watch command (`kpis alerts`, `evaluations watch`) running as a separate process: the test waits until the command
/// says on stderr that the server has established the watch, acts, then waits for the process to end (--max or --timeout).
/// </summary>
internal sealed class CoeWatch : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _established = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CoeWatch(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr) _stderr.AppendLine(e.Data);
            if (e.Data.StartsWith("watching ", StringComparison.Ordinal)) _established.TrySetResult();
        };
        _process.Exited += (_, _) => _established.TrySetResult(); // failed before the watch was established: ExitAsync tells why
        _process.EnableRaisingEvents = true;
        _stdout = _process.StandardOutput.ReadToEndAsync();
        _process.BeginErrorReadLine();
    }

    public static CoeWatch Start(Uri address, string key, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var a in (string[])[ChildProcess.CoeDll, .. args, "--address", address.ToString()]) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment.Remove("COE_ADDRESS");
        psi.Environment["COE_API_KEY"] = key;
        return new CoeWatch(Process.Start(psi)!);
    }

    /// <summary>Completes once the command printed "watching …" (or ended early).</summary>
    public Task Established => _established.Task.WaitAsync(TimeSpan.FromMinutes(2));

    public async Task<(int Code, string Out, string Err)> ExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        _process.WaitForExit(); // drains the redirected stderr
        var stdout = await _stdout;
        lock (_stderr) return (_process.ExitCode, stdout, _stderr.ToString());
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
