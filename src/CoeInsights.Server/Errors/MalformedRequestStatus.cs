using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.Core;

namespace CoeInsights.Server.Errors;

/// <summary>
/// gRPC parses a unary or server-streaming request before any interceptor runs, and answers bytes that are not
/// protobuf with UNKNOWN ("Exception was thrown by handler."). The client sent them, so this rewrites that answer,
/// while it is still unsent, to INVALID_ARGUMENT with ErrorInfo reason MALFORMED_REQUEST. (Client-stream messages
/// are parsed inside the interceptors and mapped by <see cref="ErrorMappingInterceptor"/>.) On the JSON port a body
/// that is not JSON at all gets the same answer as a 400 before transcoding reads it.
/// </summary>
public static class MalformedRequestStatus
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithTypeRegistry(TypeRegistry.FromMessages(Google.Rpc.ErrorInfo.Descriptor)));

    /// <summary>JSON port: a body that does not parse as JSON is refused as MALFORMED_REQUEST (transcoding alone gives no ErrorInfo).</summary>
    public static IApplicationBuilder UseMalformedJsonStatus(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (request.Protocol == "HTTP/2" || !HttpMethods.IsPost(request.Method) && !HttpMethods.IsPut(request.Method) && !HttpMethods.IsPatch(request.Method)
            || request.ContentLength == 0 || !request.Path.StartsWithSegments("/v1"))
        {
            await next(context);
            return;
        }
        request.EnableBuffering();
        var wellFormed = true;
        try
        {
            using var _ = await System.Text.Json.JsonDocument.ParseAsync(request.Body, cancellationToken: context.RequestAborted);
        }
        catch (System.Text.Json.JsonException)
        {
            // An empty (chunked) body is transcoding's business: it reads as an empty message.
            wellFormed = request.Body.Position == 0;
        }
        if (!wellFormed)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Json.Format(ErrorMappingInterceptor.MalformedRequest()), context.RequestAborted);
            return;
        }
        request.Body.Position = 0;
        await next(context);
    });

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
