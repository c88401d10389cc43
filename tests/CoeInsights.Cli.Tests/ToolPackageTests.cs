using System.Xml.Linq;
using CoeInsights.Testing;

namespace CoeInsights.Cli.Tests;

/// <summary>`coe` packed as a .NET tool and installed from a local folder, outside the repository, offline.</summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("coe-tool-").FullName;

    [Fact]
    public async Task RunsInstalledToolGivenLocalPackage()
    {
        var feed = Directory.CreateDirectory(Path.Combine(_folder, "feed")).FullName;
        var tools = Path.Combine(_folder, "tools");
        var project = Path.Combine(Repository.Root(), "clients", "CoeInsights.Cli", "CoeInsights.Cli.csproj");
        // Packs what this test run built; no restore, no network.
        var (packCode, packOut, packErr) = await ChildProcess.Run("dotnet",
            ["pack", project, "-c", Repository.Configuration, "--no-build", "-o", feed, "-nologo", "-v", "q"]);
        Assert.True(packCode == 0, packOut + packErr);
        var package = Assert.Single(Directory.GetFiles(feed, "CoeInsights.Cli.*.nupkg"));

        // A nuget.config with only the local folder: the install works without nuget.org (and the repo's own config is not read).
        var config = Path.Combine(_folder, "nuget.config");
        new XDocument(new XElement("configuration", new XElement("packageSources",
            new XElement("clear"), new XElement("add", new XAttribute("key", "local"), new XAttribute("value", feed))))).Save(config);
        var (installCode, installOut, installErr) = await ChildProcess.Run("dotnet",
            ["tool", "install", "--tool-path", tools, "--configfile", config, "CoeInsights.Cli"], _folder);
        Assert.True(installCode == 0, installOut + installErr + package);

        var (code, output, error) = await ChildProcess.Run(Path.Combine(tools, "coe"), ["--help"], _folder);

        Assert.True(code == 0, error);
        Assert.Contains("coe: the CoeInsights command line.", output);
        Assert.Contains("sample", output);
        Assert.Contains("reports", output);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
