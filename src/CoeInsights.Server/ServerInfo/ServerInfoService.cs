using System.Reflection;
using CoeInsights.Server.Auth;
using CoeInsights.ServerInfo;
using CoeInsights.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;

namespace CoeInsights.Server.ServerInfo;

public sealed class ServerInfoService(IQuerySession session, CallerContext caller, TimeProvider clock)
    : V1.ServerInfoService.ServerInfoServiceBase
{
    public static readonly string Version =
        typeof(ServerInfoService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static readonly string MartenVersion = typeof(IDocumentStore).Assembly.GetName().Version?.ToString(3) ?? "";

    public override async Task<V1.ServerInfo> GetServerInfo(GetServerInfoRequest request, ServerCallContext context)
    {
        var stats = await GetStoreStatistics.Handle(session, context.CancellationToken);
        return new V1.ServerInfo
        {
            Version = Version,
            StoreStatus = StoreStatus.Ready,
            EventCount = stats.EventCount,
            StreamCount = stats.StreamCount,
            TenantId = caller.Caller.TenantId,
            Roles = { caller.Caller.Roles.Order().Select(r => r.ToString().ToLowerInvariant()) },
            StoreVersion = stats.PostgresVersion,
            MartenVersion = MartenVersion,
            ServerTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
        };
    }
}
