namespace CoeInsights.Primitives;

/// <summary>
/// A refusal the caller can act on. The server's error interceptor maps each kind to its gRPC
/// status (never INTERNAL) and puts <see cref="Reason"/> into google.rpc.ErrorInfo.
/// </summary>
public abstract class DomainException(string reason, string message) : Exception(message)
{
    /// <summary>UPPER_SNAKE_CASE machine-readable cause, e.g. EVALUATION_NOT_FOUND or SCORES_AFTER_CLOSE.</summary>
    public string Reason { get; } = reason;
}

/// <summary>NOT_FOUND. Also used for another tenant's resources, so existence never leaks.</summary>
public sealed class NotFoundException(string resourceType, string resourceName)
    : DomainException($"{ToSnake(resourceType)}_NOT_FOUND", $"{resourceType} '{resourceName}' was not found.")
{
    public string ResourceType { get; } = resourceType;
    public string ResourceName { get; } = resourceName;

    internal static string ToSnake(string s) =>
        string.Concat(s.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));
}

/// <summary>ALREADY_EXISTS.</summary>
public sealed class AlreadyExistsException(string resourceType, string resourceName)
    : DomainException($"{NotFoundException.ToSnake(resourceType)}_ALREADY_EXISTS", $"{resourceType} '{resourceName}' already exists.")
{
    public string ResourceType { get; } = resourceType;
    public string ResourceName { get; } = resourceName;
}

/// <summary>FAILED_PRECONDITION: a business rule refuses the command in the current state. <paramref name="rule"/> names it.</summary>
public sealed class RuleViolationException(string rule, string subject, string message)
    : DomainException(rule, message)
{
    public string Rule { get; } = rule;
    /// <summary>What the rule is about, e.g. "evaluations/0193…".</summary>
    public string Subject { get; } = subject;
}

/// <summary>PERMISSION_DENIED: the caller is known but may not do this.</summary>
/// <param name="reason">The ErrorInfo reason: PERMISSION_DENIED unless a more precise one applies (e.g. NOT_AN_APPROVER).</param>
public sealed class PermissionDeniedException(string permission, string message, string reason = ErrorReasons.PermissionDenied)
    : DomainException(reason, message)
{
    public string Permission { get; } = permission;
}

/// <summary>ABORTED: the caller's etag (expected stream version) is stale; re-read and retry.</summary>
public sealed class StaleEtagException(string resourceName, long expected, long actual)
    : DomainException(ErrorReasons.StaleEtag, $"'{resourceName}' is at version {actual}, not {expected}: re-read it and retry.")
{
    public string ResourceName { get; } = resourceName;
    public long Expected { get; } = expected;
    public long Actual { get; } = actual;
}
