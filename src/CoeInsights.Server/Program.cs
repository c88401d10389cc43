using CoeInsights.Server.Hosting;

// One-shot commands (migrate, bootstrap-admin, mint-admin-key): run and exit without serving.
if (ServerCommands.IsCommand(args))
{
    try
    {
        return await ServerCommands.RunAsync(args, Console.Out, Console.Error);
    }
    catch (CoeInsights.Server.Postgres.EmbeddedPostgresException e)
    {
        Console.Error.WriteLine($"coeinsights: {e.Message}");
        return 1;
    }
}

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
// A replica that did not issue the store's key has no file: it must not point at one.
var keyHint = File.Exists(keyFile)
    ? $"the admin key of a fresh store is in {keyFile}"
    : "this store's admin key was issued before (by bootstrap-admin or another replica); `CoeInsights.Server mint-admin-key` issues another";
var keyOf = File.Exists(keyFile) ? $"$(cat {keyFile})" : "$COE_ADMIN_KEY";
Console.Out.WriteLine($"""

    Try it ({keyHint}):
      curl -H "Authorization: Bearer {keyOf}" {(addresses.Count > 1 ? addresses[1] : addresses[0])}v1/serverInfo
      grpcurl -plaintext -H "authorization: Bearer {keyOf}" {addresses[0].Authority} coeinsights.v1.ServerInfoService/GetServerInfo
    Ctrl-C stops the server (and its embedded PostgreSQL).

    """);
await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;
