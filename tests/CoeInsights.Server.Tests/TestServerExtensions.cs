extern alias server;
using CoeInsights.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CoeInsights.Server.Tests;

internal static class TestServerExtensions
{
    public static IDocumentStore Store(this TestServer server) => server.Services.GetRequiredService<IDocumentStore>();
}
