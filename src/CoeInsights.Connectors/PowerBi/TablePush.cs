using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using CoeInsights.Connectors.Http;
using Refit;

namespace CoeInsights.Connectors.PowerBi;

/// <summary>
/// One push table and the rows it must hold after the run; with <see cref="Columns"/>, the table's schema is set by PutTable
/// before its rows are replaced (a dataset created by an older version may lack a column, and PostRows refuses unknown columns).
/// </summary>
/// With <see cref="Append"/> the rows are added to what the table holds (no DeleteRows): the swap's pointer table.
public sealed record PushTable(string Name, IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows, IReadOnlyList<PowerBiColumn>? Columns = null,
    bool Append = false);

/// <summary>Which slot readers use (<see cref="Live"/>, null before the first swap) and the generation of the last swap.</summary>
public sealed record PushSlotState(string? Live, long Generation);

/// <summary>
/// The double-buffered push dataset (a swap: no reader ever sees a table emptied before its new rows are there). Every model table
/// exists twice, <c>{Table}_A</c> and <c>{Table}_B</c>, and the table <see cref="Pointer"/> gets one row per completed run,
/// <c>{Generation, Slot}</c>. A run fills the slot readers do not use (DeleteRows and PostRows touch only it) and, once every table of
/// it is full, appends the pointer row naming it: from then on reports read that slot (docs/bi.md, "Push connector"). A run that fails
/// or is deferred half-way leaves the live slot and the pointer as they were. Push datasets cannot delete some rows or rename tables
/// (https://learn.microsoft.com/rest/api/power-bi/push-datasets: DeleteRows "Deletes all rows"), hence two tables and a pointer.
/// </summary>
public static class PushSlots
{
    public const string Pointer = "LiveSlot";
    public static readonly IReadOnlyList<string> Slots = ["A", "B"];

    public static readonly IReadOnlyList<PowerBiColumn> PointerColumns = [new("Generation", "Int64"), new("Slot", "String")];

    public static string Other(string? live) => live == "A" ? "B" : "A";

    public static string TableName(string table, string slot) => $"{table}_{slot}";

    /// <summary>The dataset's tables for a model: each model table in both slots, then the pointer.</summary>
    public static IReadOnlyList<PowerBiTable> Tables(IReadOnlyList<PowerBiTable> model) =>
        [.. model.SelectMany(t => Slots.Select(s => t with { Name = TableName(t.Name, s) })), new PowerBiTable(Pointer, PointerColumns)];

    /// <summary>What a run posts from <paramref name="state"/>: the model's tables named for the slot not in use, then the pointer row naming it.</summary>
    public static (IReadOnlyList<PushTable> Tables, PushSlotState After) Plan(IReadOnlyList<PushTable> model, PushSlotState state)
    {
        var target = Other(state.Live);
        var after = new PushSlotState(target, state.Generation + 1);
        var pointer = new PushTable(Pointer, [new Dictionary<string, object?> { ["Generation"] = after.Generation, ["Slot"] = target }],
            model.Any(t => t.Columns is not null) ? PointerColumns : null, Append: true);
        return ([.. model.Select(t => t with { Name = TableName(t.Name, target) }), pointer], after);
    }
}

/// <summary>
/// Where a deferred push stopped: the table being filled (index into the run's tables), how many of its rows are in the
/// dataset already, a fingerprint of that table's rows (a resume is only valid for the very same rows), and when the service
/// allows the next request (its Retry-After).
/// </summary>
public sealed record PushResume(int Table, int Posted, string Fingerprint, DateTimeOffset ResumeAt);

/// <summary>What one run posted; <see cref="Deferred"/> is set when it stopped on a Retry-After past its budget.</summary>
public sealed record PushOutcome(int Rows, int Batches, PushResume? Deferred);

/// <summary>
/// Fills the push tables in order: per table PutTable (when it has columns), DeleteRows, then PostRows in chunks, paced by the <see cref="RequestPacer"/>.
/// A 429 is answered as the REST API overview says (https://learn.microsoft.com/rest/api/power-bi/, "Throttling": 429 "with a Retry-After
/// HTTP header … indicating how many seconds the calling application has to wait"): wait that long when it ends within the run's budget, otherwise stop and return where to resume, so a run
/// never fails only because Power BI asked for patience. A resume whose fingerprint no longer matches the rows (the store
/// changed meanwhile) starts over from the first table: nothing is posted twice or lost either way.
/// </summary>
public sealed class TablePush(IPowerBiPushApi api, string scope, string datasetId, RequestPacer pacer, int maxRowsPerRequest, ConnectorDelays delays,
    TimeProvider clock)
{
    public static string Fingerprint(PushTable table) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { table.Name, table.Rows })));

    public async Task<PushOutcome> RunAsync(IReadOnlyList<PushTable> tables, PushResume? resume, DateTimeOffset deadline,
        Func<PushOutcome, Task> progress, CancellationToken ct)
    {
        if (resume is not null && (resume.Table >= tables.Count || Fingerprint(tables[resume.Table]) != resume.Fingerprint)) resume = null;
        var rows = 0;
        var batches = 0;
        for (var t = resume?.Table ?? 0; t < tables.Count; t++)
        {
            var table = tables[t];
            // Resumed with none of the table's new rows posted yet: schema and delete again (the deferral may have hit either).
            var resuming = resume is not null && resume.Table == t && resume.Posted > 0;
            var posted = resuming ? resume!.Posted : 0;
            var fingerprint = Fingerprint(table);
            if (!resuming)
            {
                // Not emptied unless the whole table can be posted within the budget: a table the hourly limits would hold
                // half-filled past it keeps its old rows, and the run is deferred until the backlog has aged out.
                var backlog = await pacer.BacklogAsync(table.Rows.Count, maxRowsPerRequest, ct);
                var now = clock.GetUtcNow();
                if (backlog > TimeSpan.Zero && now + backlog > deadline)
                    return new PushOutcome(rows, batches, new PushResume(t, 0, fingerprint, now + backlog));
                if (table.Columns is { } columns && await Send(() => api.PutTable(scope, datasetId, table.Name, new PowerBiTable(table.Name, columns), ct)) is { } putAt)
                    return new PushOutcome(rows, batches, new PushResume(t, 0, fingerprint, putAt));
                var deferred = table.Append ? null : await Send(() => api.DeleteRows(scope, datasetId, table.Name, ct));
                if (deferred is { } at) return new PushOutcome(rows, batches, new PushResume(t, 0, fingerprint, at));
            }
            while (posted < table.Rows.Count)
            {
                var chunk = table.Rows.Skip(posted).Take(maxRowsPerRequest).ToList();
                DateTimeOffset? deferred = null;
                // The table was emptied first: it holds the rows posted so far (for the large-table hourly limit).
                await pacer.SendAsync(chunk.Count, posted, async () => deferred = await Send(() => api.PostRows(scope, datasetId, table.Name, new PowerBiRows(chunk), ct)), ct);
                if (deferred is { } at) return new PushOutcome(rows, batches, new PushResume(t, posted, fingerprint, at));
                posted += chunk.Count;
                rows += chunk.Count;
                batches++;
            }
            await progress(new PushOutcome(rows, batches, null));
        }
        return new PushOutcome(rows, batches, null);

        // Null once the request succeeded; the time to resume when a 429's Retry-After ends past the deadline.
        async Task<DateTimeOffset?> Send(Func<Task> request)
        {
            while (true)
            {
                try
                {
                    await request();
                    return null;
                }
                catch (ApiException e) when (e.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    var now = clock.GetUtcNow();
                    var wait = e.Headers.RetryAfter?.Delta ?? (e.Headers.RetryAfter?.Date is { } date ? date - now : TimeSpan.FromMinutes(1));
                    if (wait < TimeSpan.Zero) wait = TimeSpan.Zero;
                    if (now + wait > deadline) return now + wait;
                    await delays.DelayAsync(wait, ct);
                }
            }
        }
    }
}
