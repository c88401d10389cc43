using System.Diagnostics;
using CoeInsights.Testing;

namespace CoeInsights.Cli.Tests;

/// <summary>
/// Runs the built `coe` program as a separate process (`dotnet coe.dll …`, as `dotnet tool install` would run it) against a
/// server on loopback: real argument parsing, real stdout/stderr (redirected, so no animation) and the real exit code.
/// </summary>
internal static class CoeProcess
{
    /// <summary>The CLI's own build output (its deps.json lists its packages; the test folder's copy would not resolve them).</summary>
    private static readonly string CoeDll = Path.Combine(Repository.Root(), "clients", "CoeInsights.Cli", "bin", Repository.Configuration, "net10.0", "coe.dll");

    public static async Task<(int Code, string Out, string Err)> RunAsync(Uri address, string key, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(CoeDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.ArgumentList.Add("--address");
        start.ArgumentList.Add(address.ToString());
        start.Environment["COE_API_KEY"] = key; // the key travels in the environment, as a script would pass it
        start.Environment.Remove("COE_ADDRESS");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"coe {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    public static string TempFile(string content, string extension = "csv")
    {
        var path = Path.Combine(Path.GetTempPath(), $"coe-cli-{Guid.NewGuid():N}.{extension}");
        File.WriteAllText(path, content);
        return path;
    }
}
