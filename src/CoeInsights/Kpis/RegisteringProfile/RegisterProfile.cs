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
        var existing = command.Network is { } network
            ? await session.Query<KpiProfile>().Where(p => p.Network == network && p.Handle == handle).FirstOrDefaultAsync(ct)
            : null;
        var registered = Decide(command, existing, Guid.CreateVersion7());
        if (registered is null) return existing!;
        session.Events.StartStream<KpiProfile>(registered.ProfileId, registered);
        await session.SaveChangesAsync(ct);
        return (await session.LoadAsync<KpiProfile>(registered.ProfileId, ct))!;
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
