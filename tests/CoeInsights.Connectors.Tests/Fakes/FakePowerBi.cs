using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CoeInsights.Connectors.Tests.Fakes;

/// <summary>
/// The Power BI REST API's push datasets as documented at https://learn.microsoft.com/en-us/rest/api/power-bi/push-datasets
/// (Datasets PostDataset → 201 with the dataset; PostRows → 200, body <c>{"rows":[…]}</c>; DeleteRows → 200) and
/// https://learn.microsoft.com/en-us/rest/api/power-bi/datasets/get-datasets (<c>{"value":[…]}</c>), enforcing the limits of
/// https://learn.microsoft.com/en-us/power-bi/developer/embedded/push-datasets-limitations: more than
/// <see cref="MaxRowsPerPost"/> rows → 400; more than <see cref="MaxPostsPerWindow"/> POST rows requests in a
/// <see cref="Window"/> → 429 with Retry-After (as the throttling doc describes). Every operation answers under
/// <c>/v1.0/myorg</c> (My workspace) and under <c>/v1.0/myorg/groups/{groupId}</c> (the "… In Group" operations); a service principal's
/// token (<see cref="IsServicePrincipal"/>) on a My workspace path is refused like an unauthorized call, because a service principal has no My workspace
/// (https://learn.microsoft.com/power-bi/developer/embedded/embed-service-principal, "Considerations and limitations").
/// </summary>
public sealed class FakePowerBi : FakeApi
{
    public int MaxRowsPerPost { get; set; } = 10_000;
    public int MaxPostsPerWindow { get; set; } = 120;
    /// <summary>Documented: 1,000,000 rows added per hour per dataset; over it → 429 with Retry-After until enough rows age out.</summary>
    public long MaxRowsPerHour { get; set; } = 1_000_000;
    /// <summary>Documented: 120 POST rows requests per hour once the table holds 250,000 rows or more.</summary>
    public int MaxPostsPerHourLargeTable { get; set; } = 120;
    public long LargeTableRows { get; set; } = 250_000;
    public TimeSpan Hour { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Which bearer tokens are a service principal's (default: none).</summary>
    public Func<string, bool> IsServicePrincipal { get; set; } = _ => false;
    /// <summary>The workspace each request addressed ("" for My workspace), in order.</summary>
    public ConcurrentQueue<string> Workspaces { get; } = new();

    public sealed record Dataset(string Id, string Name, Dictionary<string, List<string>> Columns, ConcurrentDictionary<string, List<JsonObject>> Rows);

    public ConcurrentDictionary<string, Dataset> Datasets { get; } = new();
    /// <summary>Accepted POST rows requests: when, table, row count.</summary>
    public ConcurrentQueue<(DateTimeOffset At, string Table, int Rows)> Posts { get; } = new();
    public int Throttled;
    /// <summary>Tables whose schema PutTable set, in order.</summary>
    public ConcurrentQueue<string> PutTables { get; } = new();
    private readonly Lock _lock = new();

    protected override void Map(WebApplication app)
    {
        foreach (var prefix in new[] { "/v1.0/myorg", "/v1.0/myorg/groups/{groupId}" }) Map(app, prefix);
    }

    /// <summary>Before the routes: a service principal on a My workspace path is refused; the workspace of every request is recorded.</summary>
    protected override bool Authorized(HttpRequest request)
    {
        if (!base.Authorized(request)) return false;
        var path = request.Path.Value ?? "";
        var group = path.StartsWith("/v1.0/myorg/groups/", StringComparison.Ordinal) ? path.Split('/')[4] : "";
        Workspaces.Enqueue(group);
        var token = request.Headers.Authorization.ToString() is var h && h.StartsWith("Bearer ", StringComparison.Ordinal) ? h["Bearer ".Length..] : "";
        return group.Length > 0 || !IsServicePrincipal(token);
    }

    private void Map(WebApplication app, string prefix)
    {
        app.MapGet(prefix + "/datasets", () => Results.Json(new
        {
            value = Datasets.Values.Select(d => new { id = d.Id, name = d.Name, addRowsAPIEnabled = true, configuredBy = "coe@contoso.com" }),
        }));
        app.MapPost(prefix + "/datasets", async (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body);
            if (body?["defaultMode"]?.GetValue<string>() != "Push" || body["name"] is null || body["tables"] is not JsonArray tables)
                return Results.BadRequest(new { error = new { code = "InvalidRequest", message = "name, defaultMode Push and tables are required" } });
            var columns = tables.ToDictionary(t => t!["name"]!.GetValue<string>(),
                t => t!["columns"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList());
            var id = Guid.NewGuid().ToString();
            var dataset = new Dataset(id, body["name"]!.GetValue<string>(), columns, new ConcurrentDictionary<string, List<JsonObject>>());
            foreach (var table in columns.Keys) dataset.Rows[table] = [];
            Datasets[id] = dataset;
            return Results.Json(new { id, name = dataset.Name, defaultRetentionPolicy = context.Request.Query["defaultRetentionPolicy"].ToString() },
                statusCode: StatusCodes.Status201Created);
        });
        app.MapPost(prefix + "/datasets/{datasetId}/tables/{table}/rows", async (string datasetId, string table, HttpContext context) =>
        {
            if (!Datasets.TryGetValue(datasetId, out var dataset) || !dataset.Rows.ContainsKey(table)) return Results.NotFound();
            lock (_lock)
            {
                var now = DateTimeOffset.UtcNow;
                var recent = Posts.Where(p => p.At > now - Window).OrderBy(p => p.At).ToList();
                if (recent.Count >= MaxPostsPerWindow)
                {
                    Interlocked.Increment(ref Throttled);
                    var wait = Math.Max(1, (int)Math.Ceiling((recent[0].At + Window - now).TotalSeconds));
                    context.Response.Headers.RetryAfter = wait.ToString();
                    return Results.StatusCode(StatusCodes.Status429TooManyRequests);
                }
            }
            var body = await JsonNode.ParseAsync(context.Request.Body);
            if (body?["rows"] is not JsonArray rows) return Results.BadRequest(new { error = new { code = "InvalidRequest", message = "rows is required" } });
            if (rows.Count > MaxRowsPerPost)
                return Results.BadRequest(new { error = new { code = "InvalidRequest", message = $"at most {MaxRowsPerPost} rows per request" } });
            lock (_lock)
            {
                // The hourly quotas, answered as the throttling doc describes: 429 and a Retry-After up to the quota's reset.
                var now = DateTimeOffset.UtcNow;
                var hour = Posts.Where(p => p.At > now - Hour).OrderBy(p => p.At).ToList();
                DateTimeOffset? until = null;
                if (hour.Count > 0 && hour.Sum(p => (long)p.Rows) + rows.Count > MaxRowsPerHour) until = hour[0].At + Hour;
                if (hour.Count > 0 && dataset.Rows[table].Count >= LargeTableRows && hour.Count >= MaxPostsPerHourLargeTable) until = hour[0].At + Hour;
                if (until is { } reset)
                {
                    Interlocked.Increment(ref Throttled);
                    context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling((reset - now).TotalSeconds)).ToString();
                    return Results.StatusCode(StatusCodes.Status429TooManyRequests);
                }
            }
            // PostRows refuses a row with a column the table's schema lacks (the model must be updated by PutTable first).
            var columns = dataset.Columns[table];
            foreach (var row in rows)
                if (row is not JsonObject o || o.Select(p => p.Key).Any(k => !columns.Contains(k)))
                    return Results.BadRequest(new { error = new { code = "InvalidRequest", message = "row with a column the table lacks" } });
            lock (_lock)
            {
                Posts.Enqueue((DateTimeOffset.UtcNow, table, rows.Count));
                dataset.Rows[table].AddRange(rows.Select(r => r!.AsObject().DeepClone().AsObject()));
            }
            return Results.Ok();
        });
        // Push Datasets - Datasets PutTable(InGroup) (https://learn.microsoft.com/rest/api/power-bi/push-datasets/datasets-put-table-in-group):
        // "Updates the metadata and schema for the specified table"; body {"name","columns"} (both required) → 200 {"name"}.
        // The doc does not say what becomes of the rows; the fake keeps them.
        app.MapPut(prefix + "/datasets/{datasetId}/tables/{table}", async (string datasetId, string table, HttpContext context) =>
        {
            if (!Datasets.TryGetValue(datasetId, out var dataset) || !dataset.Rows.ContainsKey(table)) return Results.NotFound();
            var body = await JsonNode.ParseAsync(context.Request.Body);
            if (body?["name"]?.GetValue<string>() != table || body["columns"] is not JsonArray columns)
                return Results.BadRequest(new { error = new { code = "InvalidRequest", message = "name and columns are required" } });
            lock (_lock) dataset.Columns[table] = columns.Select(c => c!["name"]!.GetValue<string>()).ToList();
            PutTables.Enqueue(table);
            return Results.Json(new { name = table });
        });
        app.MapDelete(prefix + "/datasets/{datasetId}/tables/{table}/rows", (string datasetId, string table) =>
        {
            if (!Datasets.TryGetValue(datasetId, out var dataset) || !dataset.Rows.ContainsKey(table)) return Results.NotFound();
            lock (_lock) dataset.Rows[table].Clear();
            return Results.Ok();
        });
    }
}

