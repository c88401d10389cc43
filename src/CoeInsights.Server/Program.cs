using CoeInsights.Server.Hosting;

WebApplication app;
try
{
    app = await CoeServer.BuildAsync(args);
}
catch (CoeInsights.Server.Postgres.EmbeddedPostgresException e)
{
    // The operator's setup, not a bug: one line saying what to do, no stack trace.
    Console.Error.WriteLine($"coeinsights: {e.Message}");
    return 1;
}
await app.StartAsync();
var addresses = app.Addresses();
var keyFile = app.Services.GetServices<IHostedService>().OfType<BootstrapAdminKey>().Single().KeyFile;
app.Logger.LogInformation("CoeInsights {Version} serving gRPC on {Grpc} and JSON on {Json}",
    CoeInsights.Server.ServerInfo.ServerInfoService.Version, addresses[0], addresses.Count > 1 ? addresses[1] : "(off)");
Console.Out.WriteLine($"""

    Try it (the admin key of a fresh store is in {keyFile}):
      curl -H "Authorization: Bearer $(cat {keyFile})" {(addresses.Count > 1 ? addresses[1] : addresses[0])}v1/serverInfo
      grpcurl -plaintext -H "authorization: Bearer $(cat {keyFile})" {addresses[0].Authority} coeinsights.v1.ServerInfoService/GetServerInfo
    Ctrl-C stops the server (and its embedded PostgreSQL).

    """);
await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;
