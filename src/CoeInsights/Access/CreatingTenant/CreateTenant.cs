using CoeInsights.Analytics;
using CoeInsights.Common;
using Marten;

namespace CoeInsights.Access.CreatingTenant;

public sealed record CreateTenant(string TenantId, string DisplayName, string? RequestId, DateTimeOffset Now);

public static class CreateTenantHandler
{
    public static async Task<TenantRecord> Handle(IDocumentSession session, Caller caller, CreateTenant command, CancellationToken ct)
    {
        var existing = await session.LoadAsync<TenantRecord>(command.TenantId, ct);
        var tenant = Decide(caller, command, existing);
        if (ReferenceEquals(tenant, existing)) return existing!;
        // The tenant id is the document id: of concurrent creates (on any server) one insert wins, the others
        // read the winner and answer as a retry would (same request_id) or ALREADY_EXISTS.
        return await CreateOnce.InsertOrReturn(
            async () =>
            {
                session.Insert(tenant);
                await session.SaveChangesAsync(ct);
                return tenant;
            },
            async () =>
            {
                await using var fresh = session.DocumentStore.QuerySession();
                var winner = await fresh.LoadAsync<TenantRecord>(tenant.Id, ct) ?? throw new InvalidOperationException($"Tenant '{tenant.Id}' collided but is not stored.");
                return Decide(caller, command, winner);
            });
    }

    /// <summary>Returns the tenant to insert, or the existing one for a retried request_id.</summary>
    public static TenantRecord Decide(Caller caller, CreateTenant command, TenantRecord? existing)
    {
        if (!caller.IsOperator)
            throw new PermissionDeniedException("tenants.create", "Only admins of the operator tenant create tenants.");
        new Validator()
            .Require(Tenants.IdPattern().IsMatch(command.TenantId ?? ""), "tenant_id",
                "must be 2 to 40 lower-case letters, digits or '-', starting and ending with a letter or digit")
            .Require(!string.IsNullOrWhiteSpace(command.DisplayName) && command.DisplayName.Length <= 200, "display_name",
                "is required, at most 200 characters")
            .Require(command.RequestId is null || command.RequestId.Length <= 100, "request_id", "at most 100 characters")
            .ThrowIfInvalid();
        if (existing is not null)
        {
            if (!string.IsNullOrEmpty(command.RequestId) && existing.RequestId == command.RequestId) return existing;
            throw new AlreadyExistsException("Tenant", command.TenantId!);
        }
        return new TenantRecord(command.TenantId!, command.DisplayName.Trim(), command.Now, NullIfEmpty(command.RequestId));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
