using Google.Rpc;
using Grpc.Core;

namespace CoeInsights.Client;

/// <summary>Reads the server's rich error details (google.rpc.Status) from an RpcException.</summary>
public static class CoeErrors
{
    /// <summary>The field violations of an INVALID_ARGUMENT, as "field: description" lines.</summary>
    public static IReadOnlyList<BadRequest.Types.FieldViolation> FieldViolations(this RpcException e) =>
        e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.ToList() ?? [];

    /// <summary>The machine-readable reason (ErrorInfo.reason), e.g. TENANT_NOT_FOUND.</summary>
    public static string? Reason(this RpcException e) => e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;

    /// <summary>One readable line per problem, for command lines and logs.</summary>
    public static string Describe(this RpcException e)
    {
        var violations = e.FieldViolations();
        return violations.Count == 0
            ? $"{e.StatusCode}: {e.Status.Detail}"
            : $"{e.StatusCode}: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"));
    }
}
