namespace CoeInsights.Cli.Tests;

/// <summary>
/// Runs the built `coe` program as a separate process (`dotnet coe.dll …`, as `dotnet tool install` would run it) against a
/// server on loopback: real argument parsing, real stdout/stderr (redirected, so no animation) and the real exit code.
/// </summary>
internal static class CoeProcess
{
    /// <remarks>The key travels in the environment, as a script would pass it; the process runner is <see cref="ChildProcess"/>.</remarks>
    public static Task<(int Code, string Out, string Err)> RunAsync(Uri address, string key, params string[] args) =>
        ChildProcess.Run("dotnet", [ChildProcess.CoeDll, .. args, "--address", address.ToString()], Path.GetTempPath(),
            new Dictionary<string, string> { ["COE_API_KEY"] = key });

    public static string TempFile(string content, string extension = "csv")
    {
        var path = Path.Combine(Path.GetTempPath(), $"coe-cli-{Guid.NewGuid():N}.{extension}");
        File.WriteAllText(path, content);
        return path;
    }
}
