using CoeInsights.Server.Hosting;

var app = await CoeServer.BuildAsync(args);
await app.StartAsync();
var addresses = app.Addresses();
app.Logger.LogInformation("CoeInsights {Version} serving gRPC on {Grpc} and JSON on {Json}",
    CoeInsights.Server.ServerInfo.ServerInfoService.Version, addresses[0], addresses.Count > 1 ? addresses[1] : "(off)");
await app.WaitForShutdownAsync();
await app.DisposeAsync();

public partial class Program;
