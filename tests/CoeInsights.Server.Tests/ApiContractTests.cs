using CoeInsights.Client;
using Google.Api;

namespace CoeInsights.Server.Tests;

/// <summary>Rules of the public API that buf lint does not check (protos/README.md).</summary>
public sealed class ApiContractTests
{
    [Fact]
    public void EveryFieldDeclaresItsFieldBehavior()
    {
        var missing = CoeApi.Messages
            .SelectMany(m => m.Fields.InDeclarationOrder())
            .Where(f => (f.GetOptions()?.GetExtension(FieldBehaviorExtensions.FieldBehavior)?.Count ?? 0) == 0)
            .Select(f => f.FullName)
            .ToList();

        Assert.True(CoeApi.Messages.Count() > 100, "the descriptors list the whole API");
        Assert.Empty(missing);
    }
}
