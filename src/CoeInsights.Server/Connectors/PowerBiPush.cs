using System.Collections.Concurrent;
using CoeInsights.Connectors.Http;
using CoeInsights.Connectors.PowerBi;
using CoeInsights.Connectors;
using Marten;

namespace CoeInsights.Server.Connectors;

/// <summary>
/// Replaces the dataset's star tables with the tenant's current ones, by a swap (<see cref="PushSlots"/>): find or create the push dataset,
/// then fill the slot readers do not use — per table set its columns (PutTable, on a dataset found rather than created), delete its rows
/// and post the new ones in requests of at most MaxRowsPerRequest rows, paced to the documented per-minute and per-hour limits
/// (<see cref="PushLimits"/>) — and append the pointer row naming that slot. A 429 whose Retry-After ends past the run's budget ends the
/// run as deferred with a <see cref="PowerBiPushCheckpoint"/>: the next run continues there (<see cref="TablePush"/>). Until the pointer
/// row is in, readers keep the old slot, whole.
/// </summary>
public sealed class PowerBiPush(IDocumentStore store, ConnectorDelays delays, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, RequestPacer> _pacers = new();

    public async Task<SyncRun> RunAsync(PowerBiConnectorOptions o, IPowerBiPushApi api, SyncRun run, Func<SyncRun, Task> progress, CancellationToken ct)
    {
        PowerBiPushCheckpoint? checkpoint;
        PowerBiPushSlots? slots;
        await using (var session = store.QuerySession(o.Tenant))
        {
            checkpoint = await session.LoadAsync<PowerBiPushCheckpoint>(o.Name, ct);
            slots = await session.LoadAsync<PowerBiPushSlots>(o.Name, ct);
        }

        var datasets = await api.GetDatasets(o.ApiScope, ct);
        var existing = datasets.Value?.FirstOrDefault(d => d.Name == o.DatasetName);
        var dataset = existing ?? await api.PostDataset(o.ApiScope, PowerBiModel.Definition(o.DatasetName), ct);
        // An existing dataset may have been created with other columns (an older model): PutTable sets the model's first.
        var tables = await PowerBiModel.TablesAsync(store, o.Tenant, withColumns: existing is not null, ct);
        var pacer = _pacers.GetOrAdd($"{o.Name}/{dataset.Id}", _ => new RequestPacer(new PushLimits(o.MaxRequestsPerWindow, o.Window, o.MaxRowsPerHour, o.MaxRequestsPerHourLargeTable, o.LargeTableRows), clock));
        // A checkpoint of another dataset (deleted and created again) does not apply.
        var resume = checkpoint is not null && checkpoint.AppliesTo(dataset.Id)
            ? new PushResume(checkpoint.Table, checkpoint.Posted, checkpoint.Fingerprint, checkpoint.ResumeAt)
            : null;
        var state = slots is not null && slots.DatasetId == dataset.Id ? new PushSlotState(slots.Live, slots.Generation) : new PushSlotState(null, 0);
        var (plan, after) = PushSlots.Plan(tables, state);

        var push = new TablePush(api, o.ApiScope, dataset.Id, pacer, o.MaxRowsPerRequest, delays, clock);
        var start = run;
        var outcome = await push.RunAsync(plan, resume, clock.GetUtcNow() + o.RunBudget,
            p => progress(run = start with { Rows = start.Rows + p.Rows, Batches = start.Batches + p.Batches }), ct);
        run = start with { Rows = start.Rows + outcome.Rows, Batches = start.Batches + outcome.Batches, ResumeAt = outcome.Deferred?.ResumeAt };

        await using (var session = store.LightweightSession(o.Tenant))
        {
            if (outcome.Deferred is { } d)
            {
                session.Store(new PowerBiPushCheckpoint(o.Name, dataset.Id, d.Table, d.Posted, d.Fingerprint, d.ResumeAt));
            }
            else
            {
                session.Delete<PowerBiPushCheckpoint>(o.Name);
                session.Store(new PowerBiPushSlots(o.Name, dataset.Id, after.Live!, after.Generation));
            }
            await session.SaveChangesAsync(ct);
        }
        return run;
    }
}
