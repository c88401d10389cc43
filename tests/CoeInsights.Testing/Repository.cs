namespace CoeInsights.Testing;

/// <summary>Paths in the checkout the tests run from (tests/X/bin/{Configuration}/net10.0/).</summary>
public static class Repository
{
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CoeInsights.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("No CoeInsights.sln above " + AppContext.BaseDirectory);
    }

    /// <summary>The build configuration of the running test assembly (Debug or Release).</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
}
