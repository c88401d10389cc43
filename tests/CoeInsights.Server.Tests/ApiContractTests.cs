using CoeInsights.Client;
using CoeInsights.Testing;
using Google.Api;
using Google.Protobuf.Reflection;
using Level = Google.Protobuf.Reflection.MethodOptions.Types.IdempotencyLevel;

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

    [Fact]
    public void DescribesEveryProtoFileOfTheApi()
    {
        var onDisk = Directory.EnumerateFiles(Path.Combine(Repository.Root(), "protos", "coeinsights", "v1"), "*.proto")
            .Select(f => "coeinsights/v1/" + Path.GetFileName(f)).Order();

        Assert.Equal(onDisk, CoeApi.Files.Select(f => f.Name).Order());
    }

    [Fact]
    public void RetriesEveryMethodWithoutSideEffectsAndNoUnmarkedWrite()
    {
        var retried = CoeChannel.RetriedMethods.Names.Select(n => $"{n.Service}/{n.Method}").ToHashSet();
        var methods = CoeApi.Services.SelectMany(s => s.Methods).ToList();
        string Name(MethodDescriptor m) => $"{m.Service.FullName}/{m.Name}";

        var reads = methods.Where(m => m.GetOptions()?.IdempotencyLevel == Level.NoSideEffects).ToList();
        Assert.True(reads.Count >= 30, $"only {reads.Count} NO_SIDE_EFFECTS methods");
        Assert.All(reads, m => Assert.Contains(Name(m), retried));
        // The ones the hand-kept list used to miss.
        foreach (var m in new[] { "coeinsights.v1.EvaluationService/ScoreEvaluation", "coeinsights.v1.ScoringService/ScoreMatrix",
                     "coeinsights.v1.ReportService/ExportKpiDeck", "coeinsights.v1.ConnectorService/GetSyncRun" })
            Assert.Contains(m, retried);
        // Writes without a level are never retried by the channel.
        Assert.All(methods.Where(m => (m.GetOptions()?.IdempotencyLevel ?? Level.IdempotencyUnknown) == Level.IdempotencyUnknown),
            m => Assert.DoesNotContain(Name(m), retried));
        Assert.DoesNotContain("coeinsights.v1.EvaluationService/CreateEvaluation", retried);
    }
}
