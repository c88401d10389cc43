using Marten;
using JasperFx;
using JasperFx.Events;
using Marten.Services;
using Npgsql;

namespace CoeInsights.Server.Telemetry;

/// <summary>
/// Marten's command log without its noise: an optimistic-concurrency conflict is expected (the stream writer retries
/// it or answers ABORTED) and is logged at Debug with its exception type only; other failures at Error with the
/// exception and the command's SQL text, never its parameter values (they carry people's data). Successful commands are
/// not logged (the Npgsql traces carry them).
/// </summary>
public sealed class QuietConflictsLogger(ILogger<IDocumentStore> logger) : IMartenLogger, IMartenSessionLogger
{
    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql) => logger.LogInformation("Schema change applied ({Length} characters of DDL)", sql.Length);

    public void LogSuccess(NpgsqlCommand command) { }

    public void LogSuccess(NpgsqlBatch batch) { }

    public void LogFailure(NpgsqlCommand command, Exception ex) => Failure(ex, command.CommandText);

    public void LogFailure(NpgsqlBatch batch, Exception ex) => Failure(ex, string.Join(";\n", batch.BatchCommands.Cast<NpgsqlBatchCommand>().Select(c => c.CommandText)));

    public void LogFailure(Exception ex, string message) => Failure(ex, message);

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit) { }

    public void OnBeforeExecute(NpgsqlCommand command) { }

    public void OnBeforeExecute(NpgsqlBatch batch) { }

    private void Failure(Exception ex, string sql)
    {
        if (IsConflict(ex))
            logger.LogDebug("Concurrent write conflict ({Exception}); the writer retries or answers ABORTED", ex.GetType().Name);
        else
            logger.LogError(ex, "Store command failed: {Sql}", sql.Length > 2_000 ? sql[..2_000] + " …" : sql);
    }

    /// <summary>
    /// Marten's concurrency exceptions, or what they come from: MT003 "Stream version mismatch" raised by Marten's quick
    /// append function, or PostgreSQL's unique violation on an event stream's version or a document's id.
    /// </summary>
    public static bool IsConflict(Exception ex) => ex switch
    {
        ConcurrencyException or EventStreamUnexpectedMaxEventIdException => true,
        PostgresException { SqlState: "MT003" or PostgresErrorCodes.UniqueViolation } => true,
        { InnerException: { } inner } => IsConflict(inner),
        _ => false,
    };
}
