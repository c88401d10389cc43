namespace CoeInsights.Access;

/// <summary>Roles an API key grants. Stored by name.</summary>
public enum Role
{
    Admin,
    Committee,
    Evaluator,
    Viewer,
    Ingest,
}

/// <summary>Who is calling: resolved from the API key on every call, never from the request body.</summary>
public sealed record Caller(string TenantId, Guid KeyId, string Principal, IReadOnlySet<Role> Roles)
{
    /// <summary>Admins of the operator tenant manage every tenant.</summary>
    public bool IsOperator => TenantId == Tenants.Operator && Roles.Contains(Role.Admin);

    public bool Has(Role role) => Roles.Contains(role) || Roles.Contains(Role.Admin);

    /// <summary>May this caller administer <paramref name="tenantId"/>? Other tenants look absent, not forbidden.</summary>
    public bool CanAdminister(string tenantId) => IsOperator || (TenantId == tenantId && Roles.Contains(Role.Admin));
}
