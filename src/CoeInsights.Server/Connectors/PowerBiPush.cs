using System.Collections.Concurrent;
using CoeInsights.Connectors.Http;
using CoeInsights.Connectors.PowerBi;
using CoeInsights.Connectors;
using Marten;

namespace CoeInsights.Server.Connectors;

/// <summary>
/// Replaces the dataset's FactKpi and FactScore rows with the tenant's current ones: find or create the push dataset, then
/// per table set its columns (PutTable, on a dataset found rather than created), delete its rows and post the new ones in requests of at most MaxRowsPerRequest rows, paced to the documented
/// per-minute and per-hour limits (<see cref="PushLimits"/>). A 429 whose Retry-After ends past the run's budget ends the run
/// as deferred with a <see cref="PowerBiPushCheckpoint"/>: the next run continues there (<see cref="TablePush"/>).
/// </summary>
public sealed class PowerBiPush(IDocumentStore store, ConnectorDelays delays, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, RequestPacer> _pacers = new();

    public async Task<SyncRun> RunAsync(PowerBiConnectorOptions o, IPowerBiPushApi api, SyncRun run, Func<SyncRun, Task> progress, CancellationToken ct)
    {
        List<IReadOnlyDictionary<string, object?>> kpis, scores;
        PowerBiPushCheckpoint? checkpoint;
        await using (var session = store.QuerySession(o.Tenant))
        {
            kpis = await PowerBiModel.FactKpiRows(session, ct);
            scores = await PowerBiModel.FactScoreRows(session, ct);
            checkpoint = await session.LoadAsync<PowerBiPushCheckpoint>(o.Name, ct);
        }

        var datasets = await api.GetDatasets(o.ApiScope, ct);
        var definition = PowerBiModel.Definition(o.DatasetName);
        var existing = datasets.Value?.FirstOrDefault(d => d.Name == o.DatasetName);
        var dataset = existing ?? await api.PostDataset(o.ApiScope, definition, ct);
        // An existing dataset may have been created with other columns (an older model): PutTable sets the model's first.
        IReadOnlyList<PowerBiColumn>? Columns(string table) => existing is null ? null : definition.Tables.Single(t => t.Name == table).Columns;
        var pacer = _pacers.GetOrAdd($"{o.Name}/{dataset.Id}", _ => new RequestPacer(new PushLimits(o.MaxRequestsPerWindow, o.Window, o.MaxRowsPerHour, o.MaxRequestsPerHourLargeTable, o.LargeTableRows), clock));
        var resume = checkpoint is not null && checkpoint.AppliesTo(dataset.Id)
            ? new PushResume(checkpoint.Table, checkpoint.Posted, checkpoint.Fingerprint, checkpoint.ResumeAt)
            : null;

        var push = new TablePush(api, o.ApiScope, dataset.Id, pacer, o.MaxRowsPerRequest, delays, clock);
        var start = run;
        var outcome = await push.RunAsync([new PushTable(PowerBiModel.FactKpi, kpis, Columns(PowerBiModel.FactKpi)), new PushTable(PowerBiModel.FactScore, scores, Columns(PowerBiModel.FactScore))], resume,
            clock.GetUtcNow() + o.RunBudget, p => progress(run = start with { Rows = start.Rows + p.Rows, Batches = start.Batches + p.Batches }), ct);
        run = start with { Rows = start.Rows + outcome.Rows, Batches = start.Batches + outcome.Batches, ResumeAt = outcome.Deferred?.ResumeAt };

        await using (var session = store.LightweightSession(o.Tenant))
        {
            if (outcome.Deferred is { } d) session.Store(new PowerBiPushCheckpoint(o.Name, dataset.Id, d.Table, d.Posted, d.Fingerprint, d.ResumeAt));
            else session.Delete<PowerBiPushCheckpoint>(o.Name);
            await session.SaveChangesAsync(ct);
        }
        return run;
    }
}
