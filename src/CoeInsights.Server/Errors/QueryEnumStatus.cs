using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;

namespace CoeInsights.Server.Errors;

/// <summary>
/// JSON port, GET routes: JSON transcoding binds query-string parameters before any interceptor runs and refuses an
/// enum value the proto does not define with a bare 400 ("Invalid value '99' for enum type …", no ErrorInfo, no field).
/// This checks the enum parameters first, against the method's request descriptor, and answers as every other bad
/// field is answered: INVALID_ARGUMENT with ErrorInfo and a BadRequest naming the field by its proto path.
/// </summary>
public static class QueryEnumStatus
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default
        .WithTypeRegistry(TypeRegistry.FromMessages(ErrorInfo.Descriptor, BadRequest.Descriptor)));

    public static IApplicationBuilder UseQueryEnumStatus(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var method = context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>()?.MethodDescriptor;
        if (method is null || context.Request.Query.Count == 0)
        {
            await next(context);
            return;
        }
        var bad = new BadRequest();
        foreach (var (name, values) in context.Request.Query)
        {
            if (FieldAt(method.InputType, name) is not { } field || field.Field.FieldType != FieldType.Enum) continue;
            foreach (var value in values)
                if (value is not null && !IsDefined(field.Field.EnumType, value))
                    bad.FieldViolations.Add(new BadRequest.Types.FieldViolation
                    {
                        Field = field.Path,
                        Description = $"'{value}' is not a value of {field.Field.EnumType.Name}.",
                    });
        }
        if (bad.FieldViolations.Count == 0)
        {
            await next(context);
            return;
        }
        var status = ErrorMappingInterceptor.Create(Code.InvalidArgument, string.Join("; ", bad.FieldViolations.Select(v => $"{v.Field}: {v.Description}")),
            ErrorReasons.InvalidArgument, detail: bad);
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Json.Format(status), context.RequestAborted);
    });

    /// <summary>The field a query parameter names (dotted path, JSON or proto names), with its proto path.</summary>
    private static (FieldDescriptor Field, string Path)? FieldAt(MessageDescriptor message, string name)
    {
        FieldDescriptor? field = null;
        var path = new List<string>();
        foreach (var part in name.Split('.'))
        {
            if (field is not null)
            {
                if (field.FieldType != FieldType.Message) return null;
                message = field.MessageType;
            }
            field = message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == part || f.Name == part);
            if (field is null) return null;
            path.Add(field.Name);
        }
        return field is null ? null : (field, string.Join('.', path));
    }

    private static bool IsDefined(EnumDescriptor type, string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? type.FindValueByNumber(number) is not null
            : type.FindValueByName(value) is not null;
}
