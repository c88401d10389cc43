using CoeInsights.Analytics;
using CoeInsights.Common;
using Marten;

namespace CoeInsights.Kpis.RegisteringProfile;

public sealed record RegisterProfile(
    Network? Network, string Handle, string BusinessUnit, Ownership? Ownership, string DisplayName, string? RequestId, DateTimeOffset Now);

public static class RegisterProfileHandler
{
    public static async Task<KpiProfile> Handle(IDocumentSession session, RegisterProfile command, CancellationToken ct)
    {
        var handle = (command.Handle ?? "").Trim();
        var existing = command.Network is { } network ? await FindByHandle(session, network, handle, ct) : null;
        var registered = Decide(command, existing, Guid.CreateVersion7());
        if (registered is null) return existing!;
        // One profile per (tenant, network, handle), enforced by a claim row in the stream's transaction: of N
        // concurrent registrations (on any server) one commits; the others read it and answer as a retry
        // (same request_id) or ALREADY_EXISTS. Profiles stored before claims existed are found by the read above.
        return await CreateOnce.InsertOrReturn(
            async () =>
            {
                session.Events.StartStream<KpiProfile>(registered.ProfileId, registered);
                CreateOnce.Claim(session, ClaimId(session.TenantId, registered.Network, registered.Handle), registered.ProfileId.ToString(),
                    registered.RequestId, registered.RegisteredAt);
                await session.SaveChangesAsync(ct);
                return (await session.LoadAsync<KpiProfile>(registered.ProfileId, ct))!;
            },
            async () =>
            {
                await using var fresh = session.DocumentStore.QuerySession(session.TenantId);
                var winner = await FindByHandle(fresh, registered.Network, registered.Handle, ct)
                    ?? throw new InvalidOperationException($"Profile {registered.Network}/{registered.Handle} collided but is not stored.");
                _ = Decide(command, winner, registered.ProfileId); // the same request_id: null (a retry); another: ALREADY_EXISTS
                return winner;
            });
    }

    private static string ClaimId(string tenantId, Network network, string handle) => CreateOnce.ClaimId("profile-handle", tenantId, $"{network}/{handle}");

    /// <summary>The profile with this network and handle (the oldest, should data from before claims hold several).</summary>
    private static async Task<KpiProfile?> FindByHandle(IQuerySession session, Network network, string handle, CancellationToken ct)
    {
        var found = await session.Query<KpiProfile>().Where(p => p.Network == network && p.Handle == handle).OrderBy(p => p.Id).Take(1).ToListAsync(ct);
        return found.Count > 0 ? found[0] : null;
    }

    /// <summary>The event to append, or null when a retried request_id finds the profile it created.</summary>
    public static ProfileRegistered? Decide(RegisterProfile command, KpiProfile? sameHandle, Guid newId)
    {
        var handle = (command.Handle ?? "").Trim();
        new Validator()
            .Require(command.Network is not null, "network", "is required")
            .Require(handle.Length is > 0 and <= 200, "handle", "is required, at most 200 characters")
            .Require((command.BusinessUnit ?? "").Trim().Length is > 0 and <= 200, "business_unit", "is required, at most 200 characters")
            .Require(command.Ownership is not null, "ownership", "is required (owned or competitor)")
            .Require((command.DisplayName ?? "").Length <= 200, "display_name", "at most 200 characters")
            .Require(command.RequestId is null || command.RequestId.Length <= 100, "request_id", "at most 100 characters")
            .ThrowIfInvalid();
        if (sameHandle is not null)
        {
            if (!string.IsNullOrEmpty(command.RequestId) && sameHandle.RequestId == command.RequestId) return null;
            throw new AlreadyExistsException("Profile", $"{command.Network}/{handle}");
        }
        var display = string.IsNullOrWhiteSpace(command.DisplayName) ? handle : command.DisplayName.Trim();
        return new ProfileRegistered(newId, command.Network!.Value, handle, command.BusinessUnit!.Trim(), command.Ownership!.Value, display,
            command.Now, string.IsNullOrEmpty(command.RequestId) ? null : command.RequestId);
    }
}
