using System.Collections.Concurrent;
using CoeInsights.Connectors.PowerBi;
using CoeInsights.Connectors.Sync;
using CoeInsights.Connectors;
using Marten;

namespace CoeInsights.Server.Connectors;

/// <summary>
/// Replaces the dataset's FactKpi and FactScore rows with the tenant's current ones: find or create the push dataset,
/// delete each table's rows, then post them in requests of at most MaxRowsPerRequest rows, paced to the documented per-minute and
/// per-hour limits (<see cref="PushLimits"/>).
/// </summary>
public sealed class PowerBiPush(IDocumentStore store, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, RequestPacer> _pacers = new();

    public async Task<SyncRun> RunAsync(PowerBiConnectorOptions o, IPowerBiPushApi api, SyncRun run, Func<SyncRun, Task> progress, CancellationToken ct)
    {
        List<IReadOnlyDictionary<string, object?>> kpis, scores;
        await using (var session = store.QuerySession(o.Tenant))
        {
            kpis = await PowerBiModel.FactKpiRows(session, ct);
            scores = await PowerBiModel.FactScoreRows(session, ct);
        }

        var datasets = await api.GetDatasets(o.ApiScope, ct);
        var dataset = datasets.Value?.FirstOrDefault(d => d.Name == o.DatasetName)
                      ?? await api.PostDataset(o.ApiScope, PowerBiModel.Definition(o.DatasetName), ct);
        var pacer = _pacers.GetOrAdd($"{o.Name}/{dataset.Id}", _ => new RequestPacer(new PushLimits(o.MaxRequestsPerWindow, o.Window, o.MaxRowsPerHour, o.MaxRequestsPerHourLargeTable, o.LargeTableRows), clock));

        foreach (var (table, rows) in new[] { (PowerBiModel.FactKpi, kpis), (PowerBiModel.FactScore, scores) })
        {
            await api.DeleteRows(o.ApiScope, dataset.Id, table, ct);
            for (var i = 0; i < rows.Count; i += o.MaxRowsPerRequest)
            {
                var chunk = rows.GetRange(i, Math.Min(o.MaxRowsPerRequest, rows.Count - i));
                // The table was emptied above: it holds the rows posted so far (for the large-table hourly limit).
                await pacer.SendAsync(chunk.Count, i, () => api.PostRows(o.ApiScope, dataset.Id, table, new PowerBiRows(chunk), ct), ct);
                run = run with { Rows = run.Rows + chunk.Count, Batches = run.Batches + 1 };
            }
            await progress(run);
        }
        return run;
    }
}
