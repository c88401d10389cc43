using System.Text.RegularExpressions;

namespace CoeInsights.Access;

public static partial class Tenants
{
    /// <summary>The tenant created on first start; its admins operate the whole installation.</summary>
    public const string Operator = "default";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")]
    public static partial Regex IdPattern();
}

/// <summary>A tenant. Single-tenanted document: tenants are the partition, not partitioned.</summary>
public sealed record TenantRecord(string Id, string DisplayName, DateTimeOffset CreatedAt, string? RequestId);

/// <summary>An API key. Only a SHA-256 hash of its secret is stored; the secret is shown once.</summary>
public sealed record ApiKeyRecord
{
    public required Guid Id { get; init; }
    public required string TenantId { get; init; }
    public required string DisplayName { get; init; }
    public required string Principal { get; init; }
    public required Role[] Roles { get; init; }
    public required byte[] SecretHash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RequestId { get; init; }
}

/// <summary>Marks that the bootstrap admin key was issued, so two servers starting at once issue one.</summary>
public sealed record BootstrapMarker(string Id, Guid KeyId, DateTimeOffset CreatedAt)
{
    public const string SingletonId = "bootstrap";
}
