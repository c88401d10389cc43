using System.Text.Json.Serialization;
using Refit;

namespace CoeInsights.Connectors.PowerBi;

/// <summary>
/// Power BI REST API, push datasets (https://learn.microsoft.com/en-us/rest/api/power-bi/push-datasets):
/// Datasets - Get Datasets, Push Datasets - Datasets PostDataset, PostRows and DeleteRows. <c>scope</c> is <c>""</c> for
/// "My workspace" (<c>/v1.0/myorg/datasets</c>) or <c>/groups/{workspaceId}</c> for a workspace (the "… In Group" operations,
/// <c>/v1.0/myorg/groups/{groupId}/datasets</c>): a service principal has no My workspace and must use a workspace it is a member
/// of (https://learn.microsoft.com/power-bi/developer/embedded/embed-service-principal, "Considerations and limitations").
/// Authentication: <c>Authorization: Bearer &lt;Microsoft Entra token&gt;</c>, set on the HttpClient.
/// </summary>
public interface IPowerBiPushApi
{
    [Get("/v1.0/myorg{**scope}/datasets")]
    Task<PowerBiList<PowerBiDataset>> GetDatasets(string scope, CancellationToken ct);

    /// <summary>Creates a push dataset. Retention "None": rows stay until deleted (basicFIFO would drop the oldest past 200,000).</summary>
    [Post("/v1.0/myorg{**scope}/datasets?defaultRetentionPolicy=None")]
    Task<PowerBiDataset> PostDataset(string scope, [Body] PowerBiDatasetDefinition dataset, CancellationToken ct);

    /// <summary>Adds rows to a table: at most 10,000 rows per request (documented limit).</summary>
    [Post("/v1.0/myorg{**scope}/datasets/{datasetId}/tables/{tableName}/rows")]
    Task PostRows(string scope, string datasetId, string tableName, [Body] PowerBiRows rows, CancellationToken ct);

    /// <summary>
    /// Sets a table's columns (Push Datasets - Datasets PutTable / PutTableInGroup,
    /// https://learn.microsoft.com/rest/api/power-bi/push-datasets/datasets-put-table-in-group: <c>PUT …/tables/{tableName}</c>,
    /// body <c>{"name":…,"columns":[…]}</c>, 200): "Updates the metadata and schema for the specified table".
    /// </summary>
    [Put("/v1.0/myorg{**scope}/datasets/{datasetId}/tables/{tableName}")]
    Task PutTable(string scope, string datasetId, string tableName, [Body] PowerBiTable table, CancellationToken ct);

    /// <summary>Deletes every row of a table.</summary>
    [Delete("/v1.0/myorg{**scope}/datasets/{datasetId}/tables/{tableName}/rows")]
    Task DeleteRows(string scope, string datasetId, string tableName, CancellationToken ct);
}

public sealed record PowerBiList<T>([property: JsonPropertyName("value")] List<T>? Value);

public sealed record PowerBiDataset(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name);

/// <summary><c>{"name":"…","defaultMode":"Push","tables":[{"name":"…","columns":[{"name":"…","dataType":"Int64|Double|Boolean|Datetime|String"}]}]}</c></summary>
public sealed record PowerBiDatasetDefinition(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("defaultMode")] string DefaultMode,
    [property: JsonPropertyName("tables")] IReadOnlyList<PowerBiTable> Tables);

public sealed record PowerBiTable(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("columns")] IReadOnlyList<PowerBiColumn> Columns);

public sealed record PowerBiColumn(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("dataType")] string DataType);

/// <summary><c>{"rows":[{"Column":value,…},…]}</c></summary>
public sealed record PowerBiRows([property: JsonPropertyName("rows")] IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows);
