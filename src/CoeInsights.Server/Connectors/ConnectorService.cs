using CoeInsights.Analytics;
using CoeInsights.Connectors;
using CoeInsights.Server.Auth;
using CoeInsights.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Role = CoeInsights.Access.Role;
using DomainRun = CoeInsights.Connectors.SyncRun;
using DomainState = CoeInsights.Connectors.SyncRunState;

namespace CoeInsights.Server.Connectors;

/// <summary>Adapter: proto ⇄ <see cref="ConnectorRuns"/>. Reads: any role; triggering a run: ingest.</summary>
public sealed class ConnectorService(ConnectorRuns runs, CallerContext caller) : V1.ConnectorService.ConnectorServiceBase
{
    public override async Task<ListConnectorsResponse> ListConnectors(ListConnectorsRequest request, ServerCallContext context)
    {
        var tenant = caller.Caller.TenantId;
        var response = new ListConnectorsResponse();
        foreach (var c in runs.Options.All.Where(c => c.Tenant == tenant).OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var connector = new Connector
            {
                Name = c.Name,
                Kind = c is SproutConnectorOptions ? ConnectorKind.SproutSocial : ConnectorKind.PowerBi,
                BaseAddress = c.BaseAddress.GetLeftPart(UriPartial.Authority),
                SyncInterval = Duration.FromTimeSpan(c.SyncInterval),
            };
            foreach (var checkpoint in await runs.CheckpointsAsync(tenant, c.Name, context.CancellationToken))
                connector.Checkpoints.Add(new V1.SyncCheckpoint
                {
                    SourceProfileId = checkpoint.SourceProfileId,
                    LastSyncedDate = new Google.Type.Date
                    {
                        Year = checkpoint.LastSyncedDate.Year, Month = checkpoint.LastSyncedDate.Month, Day = checkpoint.LastSyncedDate.Day,
                    },
                });
            if ((await runs.RecentAsync(tenant, c.Name, 1, context.CancellationToken)) is [var last]) connector.LastRun = ToProto(last);
            response.Connectors.Add(connector);
        }
        return response;
    }

    [RequireRole(Role.Ingest)]
    public override async Task<V1.SyncRun> TriggerSync(TriggerSyncRequest request, ServerCallContext context)
    {
        var tenant = caller.Caller.TenantId;
        var run = await runs.StartAsync(tenant, request.Connector, "api", context.CancellationToken);
        if (request.Wait) run = await runs.GetAsync(tenant, run.Id, wait: true, context.CancellationToken);
        return ToProto(run);
    }

    public override async Task<V1.SyncRun> GetSyncRun(GetSyncRunRequest request, ServerCallContext context)
    {
        new Validator().Require(Guid.TryParse(request.RunId, out var id), "run_id", "must be a run id as returned by TriggerSync").ThrowIfInvalid();
        return ToProto(await runs.GetAsync(caller.Caller.TenantId, id, request.Wait, context.CancellationToken));
    }

    public static V1.SyncRun ToProto(DomainRun r)
    {
        var proto = new V1.SyncRun
        {
            RunId = r.Id.ToString(),
            Connector = r.Connector,
            State = r.State switch
            {
                DomainState.Running => V1.SyncRunState.Running,
                DomainState.Succeeded => V1.SyncRunState.Succeeded,
                DomainState.Deferred => V1.SyncRunState.Deferred,
                _ => V1.SyncRunState.Failed,
            },
            Trigger = r.Trigger,
            Rows = r.Rows,
            Batches = r.Batches,
            ReplayedBatches = r.ReplayedBatches,
            Errors = { r.Errors },
            StartTime = Timestamp.FromDateTimeOffset(r.StartedAt),
        };
        if (r.FinishedAt is { } end)
        {
            proto.EndTime = Timestamp.FromDateTimeOffset(end);
            proto.Duration = Duration.FromTimeSpan(end - r.StartedAt);
        }
        if (r.ResumeAt is { } resume) proto.ResumeTime = Timestamp.FromDateTimeOffset(resume);
        return proto;
    }
}
