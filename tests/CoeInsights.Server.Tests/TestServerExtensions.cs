extern alias server;
using CoeInsights.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CoeInsights.Server.Tests;

internal static class TestServerExtensions
{
    public static IDocumentStore Store(this TestServer server) => server.Services.GetRequiredService<IDocumentStore>();

    /// <summary>One RecordKpis batch, acknowledged, and the stream closed cleanly.</summary>
    public static async Task RecordBatchAsync(this V1.KpiService.KpiServiceClient ingest, string key, params V1.KpiObservation[] observations)
    {
        using var call = ingest.RecordKpis();
        await call.RequestStream.WriteAsync(new V1.RecordKpisRequest { IdempotencyKey = key, Source = "listening", Observations = { observations } });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
    }
}
