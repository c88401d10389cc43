using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;

namespace CoeInsights.Server.Errors;

/// <summary>
/// gRPC parses a unary or server-streaming request before any interceptor runs, and answers bytes that are not
/// protobuf with UNKNOWN ("Exception was thrown by handler."). The client sent them, so this rewrites that answer,
/// while it is still unsent, to INVALID_ARGUMENT with ErrorInfo reason MALFORMED_REQUEST. (Client-stream messages
/// are parsed inside the interceptors and mapped by <see cref="ErrorMappingInterceptor"/>.)
/// </summary>
public static class MalformedRequestStatus
{
    public static IApplicationBuilder UseMalformedRequestStatus(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        await next(context);
        if (context.Response.HasStarted) return;
        // The call's own status keeps the exception that made it (grpc-dotnet HttpContextServerCallContext.ProcessHandlerError).
        if (context.Features.Get<IServerCallContextFeature>()?.ServerCallContext.Status is not
            { StatusCode: StatusCode.Unknown, DebugException: InvalidProtocolBufferException }) return;

        var status = ErrorMappingInterceptor.MalformedRequest();
        // Trailers-only response: the status sits in the headers until the response starts.
        context.Response.Headers["grpc-status"] = status.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(status.Message);
        context.Response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray());
    });
}
