using System.Globalization;
using CoeInsights.Access;
using CoeInsights.Connectors.PowerBi;
using CoeInsights.Server.Bi;
using CoeInsights.StarSchema;
using Marten;
using Npgsql;

namespace CoeInsights.Server.Connectors;

/// <summary>
/// The push dataset's model: the star schema (<see cref="StarTables"/>, the definition every outlet renders), each table with its
/// columns in the push data types, its rows read as the OData feed reads them for a viewer (blind scoring: scores of open evaluations
/// stay out; survey respondents are pseudonyms). The dataset holds each table twice, for the swap (<see cref="PushSlots"/>).
/// </summary>
public static class PowerBiModel
{
    /// <summary>Push column types (https://learn.microsoft.com/rest/api/power-bi/push-datasets/datasets-post-dataset-in-group, "Column"): Int64, Double, Boolean, Datetime, String.</summary>
    public static string DataType(StarType type) => type switch
    {
        StarType.Int32 or StarType.Int64 => "Int64",
        StarType.Double => "Double",
        StarType.Boolean => "Boolean",
        StarType.Date or StarType.DateTimeOffset => "Datetime",
        StarType.String or StarType.Guid => "String",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static IReadOnlyList<PowerBiTable> Model { get; } =
        [.. StarTables.Tables.Select(t => new PowerBiTable(t.Name, [.. t.Columns.Select(c => new PowerBiColumn(c.Name, DataType(c.Type)))]))];

    public static PowerBiDatasetDefinition Definition(string name) => new(name, "Push", PushSlots.Tables(Model));

    /// <summary>Who the push reads as: a viewer of the tenant (what a report shared with the whole tenant may show).</summary>
    public static Caller Reader(string tenant) => new(tenant, Guid.Empty, "connector:powerbi", new HashSet<Role> { Role.Viewer });

    /// <summary>Every star table's rows for <paramref name="tenant"/>, in key order; with <paramref name="withColumns"/> each carries its columns for PutTable.</summary>
    public static async Task<List<PushTable>> TablesAsync(IDocumentStore store, string tenant, bool withColumns, CancellationToken ct)
    {
        var caller = Reader(tenant);
        var tables = new List<PushTable>();
        await using var conn = await ODataFeed.OpenAsync(store, ct);
        for (var n = 0; n < StarTables.Tables.Count; n++)
        {
            var table = StarTables.Tables[n];
            var query = StarQueryCompiler.Compile(table, StarEdm.Model, StarReader.For(caller), await StarSql.ForAsync(store, table, caller, ct),
                new Dictionary<string, string>(), 0);
            await using var cmd = new NpgsqlCommand(query.Sql, conn);
            cmd.Parameters.AddRange(query.Parameters.ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var rows = new List<IReadOnlyDictionary<string, object?>>();
            while (await reader.ReadAsync(ct))
            {
                var row = new Dictionary<string, object?>(query.Output.Count);
                for (var i = 0; i < query.Output.Count; i++) row[query.Output[i].Name] = Value(StarRows.Read(reader, i, query.Output[i].Type));
                rows.Add(row);
            }
            tables.Add(new PushTable(table.Name, rows, withColumns ? Model[n].Columns : null));
        }
        return tables;
    }

    /// <summary>A value as the push API's JSON takes it: ids as strings, dates and instants ISO 8601.</summary>
    private static object? Value(object? v) => v switch
    {
        Guid g => g.ToString(),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        _ => v,
    };
}
