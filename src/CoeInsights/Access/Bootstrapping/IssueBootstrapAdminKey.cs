using CoeInsights.Access.CreatingApiKey;
using Marten;
using JasperFx;
using Marten.Exceptions;

namespace CoeInsights.Access.Bootstrapping;

/// <summary>
/// On the first start of an empty store: creates the operator tenant and one admin key. Returns the
/// secret only to the process that issued it (two servers starting together issue exactly one).
/// </summary>
public static class IssueBootstrapAdminKey
{
    public static async Task<CreatedApiKey?> Handle(IDocumentStore store, DateTimeOffset now, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<BootstrapMarker>(BootstrapMarker.SingletonId, ct) is not null) return null;

        var created = CreateApiKeyHandler.Decide(
            new CreateApiKey(Tenants.Operator, "bootstrap admin", [Role.Admin], "bootstrap-admin", null, now),
            Guid.CreateVersion7(now));
        session.Insert(new BootstrapMarker(BootstrapMarker.SingletonId, created.Key.Id, now));
        if (await session.LoadAsync<TenantRecord>(Tenants.Operator, ct) is null)
            session.Insert(new TenantRecord(Tenants.Operator, "Default tenant", now, null));
        session.Insert(created.Key);
        try
        {
            await session.SaveChangesAsync(ct);
            return created;
        }
        catch (Exception e) when (e is DocumentAlreadyExistsException or MartenCommandException)
        {
            // Another server won the race and issued the key.
            return null;
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is DocumentAlreadyExistsException or MartenCommandException))
        {
            // Marten reports several colliding inserts of one batch together: still the other server's win.
            return null;
        }
    }
}
