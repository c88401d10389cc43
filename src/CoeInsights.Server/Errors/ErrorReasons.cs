namespace CoeInsights.Server.Errors;

/// <summary>
/// ErrorInfo reasons the server layer gives (domain "coeinsights.v1"), in one place so docs/errors.md can be checked
/// against them. Domain errors carry their own reasons (NotFoundException.Reason etc.).
/// </summary>
public static class ErrorReasons
{
    /// <summary>UNAUTHENTICATED: no <c>authorization: Bearer</c> header.</summary>
    public const string ApiKeyMissing = "API_KEY_MISSING";
    /// <summary>UNAUTHENTICATED: malformed, unknown, or wrong secret.</summary>
    public const string ApiKeyInvalid = "API_KEY_INVALID";
    /// <summary>UNAUTHENTICATED: the key was revoked (also ends streams opened before the revocation).</summary>
    public const string ApiKeyRevoked = "API_KEY_REVOKED";
    /// <summary>PERMISSION_DENIED: the method needs a role the key lacks; metadata <c>roles</c> lists the accepted ones.</summary>
    public const string RoleRequired = "ROLE_REQUIRED";
    /// <summary>INTERNAL: an unexpected failure; metadata <c>error_id</c> finds it in the server log.</summary>
    public const string Internal = "INTERNAL";
    /// <summary>DEADLINE_EXCEEDED: the call's deadline passed while the server worked.</summary>
    public const string DeadlineExceeded = "DEADLINE_EXCEEDED";
    /// <summary>CANCELLED: the client went away.</summary>
    public const string Cancelled = "CANCELLED";
    /// <summary>INVALID_ARGUMENT: the request bytes are not a valid protobuf message, or the JSON body does not parse.</summary>
    public const string MalformedRequest = "MALFORMED_REQUEST";
    /// <summary>INVALID_ARGUMENT: bad field values (BadRequest lists the fields).</summary>
    public const string InvalidArgument = "INVALID_ARGUMENT";
    /// <summary>UNAVAILABLE: PostgreSQL cannot be reached or is shutting down; retry later.</summary>
    public const string StoreUnavailable = "STORE_UNAVAILABLE";
    /// <summary>ABORTED: the resource changed while the call ran.</summary>
    public const string ConcurrentChange = "CONCURRENT_CHANGE";
    /// <summary>RESOURCE_EXHAUSTED: the analysis would exceed its work budget (docs/limits.md).</summary>
    public const string WorkBudgetExceeded = "WORK_BUDGET_EXCEEDED";
}
