using CoeInsights.Common;
using Microsoft.AspNetCore.Http.Features;

namespace CoeInsights.Server.Hosting;

/// <summary>
/// One request-size limit for both ports (<see cref="CoeServerOptions.MaxMessageBytes"/>, docs/limits.md): gRPC's
/// MaxReceiveMessageSize on the HTTP/2 port, and the request body size on the JSON (HTTP/1.1) port. A JSON body
/// over it is refused before transcoding reads it: 413 with a google.rpc.Status-shaped JSON body
/// (RESOURCE_EXHAUSTED, ErrorInfo reason <c>MESSAGE_TOO_LARGE</c>).
/// </summary>
public static class MessageSizeLimit
{
    public const int DefaultMaxMessageBytes = 4 * 1024 * 1024;
    public const string Reason = ErrorReasons.MessageTooLarge;

    public static IApplicationBuilder UseJsonBodyLimit(this IApplicationBuilder app, int maxBytes) => app.Use(async (context, next) =>
    {
        // gRPC (HTTP/2) has its own per-message limit; a client stream (RecordKpis) may send far more in total.
        if (context.Request.Protocol == "HTTP/2")
        {
            await next(context);
            return;
        }
        if (context.Request.ContentLength is { } length && length > maxBytes)
        {
            await Refuse(context, maxBytes);
            return;
        }
        // A chunked body has no length up front: Kestrel stops reading it at the limit (413).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = maxBytes;
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await Refuse(context, maxBytes);
        }
    });

    private static Task Refuse(HttpContext context, int maxBytes)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        context.Response.ContentType = "application/json";
        var message = $"The request body is larger than the limit of {maxBytes} bytes (Coe:MaxMessageBytes, docs/limits.md).";
        return context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new
        {
            code = (int)Grpc.Core.StatusCode.ResourceExhausted,
            message,
            details = new object[]
            {
                new Dictionary<string, object>
                {
                    ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo",
                    ["reason"] = Reason,
                    ["domain"] = Errors.ErrorMappingInterceptor.Domain,
                    ["metadata"] = new Dictionary<string, string> { ["limit_bytes"] = maxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                },
            },
        }));
    }
}
