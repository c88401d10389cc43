using System.Diagnostics;
using CoeInsights.Testing;

namespace CoeInsights.Cli.Tests;

/// <summary>Runs programs as child processes: the built `coe` (coe.dll of this configuration), Python, bash, dotnet.</summary>
internal static class ChildProcess
{
    /// <summary>The `coe` program this test run built (clients/CoeInsights.Cli/bin/{Configuration}/net10.0/coe.dll).</summary>
    public static string CoeDll => Path.Combine(Repository.Root(), "clients", "CoeInsights.Cli", "bin", Repository.Configuration, "net10.0", "coe.dll");

    public static Task<(int Code, string Out, string Err)> Coe(string workingDirectory, params string[] args) =>
        Run("dotnet", [CoeDll, .. args], workingDirectory);

    public static Task<(int Code, string Out, string Err)> Python(string script, params string[] args) =>
        Run("/usr/bin/python3", [Path.Combine(Repository.Root(), "clients", "python", "examples", script), .. args]);

    public static async Task<(int Code, string Out, string Err)> Run(string program, IEnumerable<string> args, string? workingDirectory = null,
        IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment.Remove("COE_API_KEY");
        psi.Environment.Remove("COE_ADDRESS");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} ran longer than 10 minutes.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
