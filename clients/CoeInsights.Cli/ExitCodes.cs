using Grpc.Core;

namespace CoeInsights.Cli;

/// <summary>Documented exit codes, so scripts can branch on them (README "The coe command line").</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The command line itself is wrong (unknown command, missing option, unreadable file).</summary>
    public const int Usage = 1;
    /// <summary>The server refused the input or state: INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED.</summary>
    public const int Refused = 2;
    /// <summary>UNAUTHENTICATED or PERMISSION_DENIED: check the key and its roles.</summary>
    public const int Auth = 3;
    /// <summary>The server is unreachable, unavailable or failed.</summary>
    public const int Unavailable = 4;
    /// <summary>`coe connectors sync --wait` or `coe connectors run`: the run ended FAILED (its errors are printed).</summary>
    public const int RunFailed = 5;

    public static int For(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.AlreadyExists
            or StatusCode.FailedPrecondition or StatusCode.Aborted or StatusCode.OutOfRange => Refused,
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => Auth,
        _ => Unavailable,
    };
}
