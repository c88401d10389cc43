using CoeInsights.Connectors.PowerBi;
using CoeInsights.Evaluations.GettingDetails;
using CoeInsights.Evaluations;
using CoeInsights.Kpis;
using CoeInsights.Kpis.RecordingKpis;
using Marten;

namespace CoeInsights.Server.Connectors;

/// <summary>The push dataset's two fact tables and how a tenant's store fills them.</summary>
public static class PowerBiModel
{
    public const string FactKpi = "FactKpi";
    public const string FactScore = "FactScore";

    public static PowerBiDatasetDefinition Definition(string name) => new(name, "Push",
    [
        new PowerBiTable(FactKpi,
        [
            new("ProfileId", "String"), new("Network", "String"), new("Handle", "String"), new("BusinessUnit", "String"),
            new("Ownership", "String"), new("Metric", "String"), new("Date", "Datetime"), new("Value", "Double"),
        ]),
        new PowerBiTable(FactScore,
        [
            new("EvaluationId", "String"), new("Evaluation", "String"), new("EvaluatorId", "String"), new("VendorId", "String"),
            new("Vendor", "String"), new("CriterionId", "String"), new("Criterion", "String"), new("Score", "Double"),
        ]),
    ]);

    /// <summary>The latest version of every (profile, metric, day) of the tenant, ordered by profile, metric, day.</summary>
    public static async Task<List<IReadOnlyDictionary<string, object?>>> FactKpiRows(IQuerySession session, CancellationToken ct)
    {
        var profiles = (await session.Query<KpiProfile>().ToListAsync(ct)).ToDictionary(p => p.Id);
        if (profiles.Count == 0) return [];
        var rows = await ObservationTable.LatestAsync(session, profiles.Keys.ToList(), MetricCatalogue.Default.Select(m => m.Name).ToList(),
            RecordKpiBatchHandler.MinDate, RecordKpiBatchHandler.MaxDate, ct);
        return rows.Select(r =>
        {
            var p = profiles[r.ProfileId];
            return (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
            {
                ["ProfileId"] = r.ProfileId.ToString(), ["Network"] = p.Network.ToString(), ["Handle"] = p.Handle,
                ["BusinessUnit"] = p.BusinessUnit, ["Ownership"] = p.Ownership.ToString(), ["Metric"] = r.Metric,
                ["Date"] = r.Date.ToString("yyyy-MM-dd"), ["Value"] = r.Value,
            };
        }).ToList();
    }

    /// <summary>Every score of every evaluation past scoring (scores stay blind while an evaluation is open).</summary>
    public static async Task<List<IReadOnlyDictionary<string, object?>>> FactScoreRows(IQuerySession session, CancellationToken ct)
    {
        var evaluations = await session.Query<EvaluationDetails>().ToListAsync(ct);
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        foreach (var e in evaluations.Select(d => d.Evaluation).Where(e => e.State != EvaluationState.Open).OrderBy(e => e.Id))
        {
            var vendors = e.Vendors.ToDictionary(v => v.Id, v => v.Name);
            var criteria = e.Criteria.ToDictionary(c => c.Id, c => c.Description);
            foreach (var s in e.Scores.OrderBy(s => s.EvaluatorId, StringComparer.Ordinal).ThenBy(s => s.VendorId, StringComparer.Ordinal)
                         .ThenBy(s => s.CriterionId, StringComparer.Ordinal))
                rows.Add(new Dictionary<string, object?>
                {
                    ["EvaluationId"] = e.Id.ToString(), ["Evaluation"] = e.Title, ["EvaluatorId"] = s.EvaluatorId, ["VendorId"] = s.VendorId,
                    ["Vendor"] = vendors.GetValueOrDefault(s.VendorId, ""), ["CriterionId"] = s.CriterionId,
                    ["Criterion"] = criteria.GetValueOrDefault(s.CriterionId, ""), ["Score"] = s.Value,
                });
        }
        return rows;
    }
}
