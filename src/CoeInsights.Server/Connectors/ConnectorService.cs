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
        var response = new ListConnectorsResponse();
        foreach (var (c, checkpoints, last) in await runs.ListAsync(caller.Caller.TenantId, context.CancellationToken))
        {
            var connector = new Connector
            {
                Name = c.Name,
                Kind = c is SproutConnectorOptions ? ConnectorKind.SproutSocial : ConnectorKind.PowerBi,
                BaseAddress = c.BaseAddress.GetLeftPart(UriPartial.Authority),
                SyncInterval = Duration.FromTimeSpan(c.SyncInterval),
            };
            foreach (var checkpoint in checkpoints)
                connector.Checkpoints.Add(new V1.SyncCheckpoint
                {
                    SourceProfileId = checkpoint.SourceProfileId,
                    LastSyncedDate = new Google.Type.Date
                    {
                        Year = checkpoint.LastSyncedDate.Year, Month = checkpoint.LastSyncedDate.Month, Day = checkpoint.LastSyncedDate.Day,
                    },
                });
            if (last is not null) connector.LastRun = ToProto(last);
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
