using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Exceptions;
using Npgsql;

namespace CoeInsights.Common;

/// <summary>
/// The row that makes one create happen once: its id is the create's key (a natural key such as a profile's
/// network and handle, or a request_id), so a second insert of the same key is a unique violation in PostgreSQL,
/// across every call and every server process on the database. Inserted in the same transaction as the resource,
/// so a create that loses the race stores nothing. Global (not tenant-partitioned): the tenant is part of
/// <see cref="Id"/>. A new table, so rows stored before it existed never conflict with it (see <see cref="CreateOnce"/>).
/// </summary>
/// <param name="ResourceId">What the winning create made (a profile id, a key id).</param>
public sealed record CreateClaim(string Id, string ResourceId, string? RequestId, DateTimeOffset ClaimedAt);

/// <summary>
/// Insert-or-return, enforced by the database rather than by check-then-insert:
/// <list type="number">
/// <item>read what is stored (cheap; also finds resources stored before claims existed, which no claim guards);</item>
/// <item>insert the resource with a unique key (its id, a unique index, or a <see cref="CreateClaim"/>);</item>
/// <item>on a unique violation another create won: read again and answer as if it had been found in step 1
/// (the stored answer for the same request_id, ALREADY_EXISTS for the same natural key).</item>
/// </list>
/// </summary>
public static class CreateOnce
{
    public static StoreOptions ConfigureCreateClaims(this StoreOptions options)
    {
        options.Schema.For<CreateClaim>().SingleTenanted();
        return options;
    }

    /// <summary>A claim id: <paramref name="kind"/>/<paramref name="tenantId"/>/<paramref name="key"/>.</summary>
    public static string ClaimId(string kind, string tenantId, string key) => $"{kind}/{tenantId}/{key}";

    /// <summary>Queues the claim's insert; the session's commit fails with a unique violation when the key is taken.</summary>
    public static void Claim(IDocumentSession session, string claimId, string resourceId, string? requestId, DateTimeOffset now) =>
        session.Insert(new CreateClaim(claimId, resourceId, requestId, now));

    /// <summary>Runs <paramref name="insert"/>; when it loses a race (unique violation), answers with <paramref name="onConflict"/>.</summary>
    public static async Task<T> InsertOrReturn<T>(Func<Task<T>> insert, Func<Task<T>> onConflict)
    {
        try
        {
            return await insert();
        }
        catch (Exception e) when (IsUniqueViolation(e))
        {
            return await onConflict();
        }
    }

    /// <summary>
    /// True when <paramref name="e"/> (or anything it wraps) says a unique key was taken: Marten's
    /// DocumentAlreadyExistsException (Insert of an existing id), ExistingStreamIdCollisionException, or
    /// PostgreSQL 23505 (a unique index) however deeply wrapped, including every exception of an AggregateException.
    /// </summary>
    public static bool IsUniqueViolation(Exception? e) => e switch
    {
        null => false,
        DocumentAlreadyExistsException or JasperFx.Events.ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsUniqueViolation),
        _ => IsUniqueViolation(e.InnerException),
    };
}
