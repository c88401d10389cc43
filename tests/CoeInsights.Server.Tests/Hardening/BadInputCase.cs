using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CoeInsights.Client;
using Google.Api;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace CoeInsights.Server.Tests.Hardening;

/// <summary>Which of the seed's keys sends a case (<see cref="Default"/>: a key with the method's own role).</summary>
public enum Sender { Default, None, Garbage, Revoked, Admin, Operator, Committee, Evaluator, Viewer, Ingest, OtherTenant }

/// <summary>
/// One hostile request: the method, the request (built from the seed's ids), who sends it, and what must come back:
/// the status code, the ErrorInfo reason (null: not asserted; <see cref="AnyReason"/>: present) and the BadRequest
/// field paths (null: not asserted).
/// </summary>
public sealed record BadInputCase(
    string Name, MethodDescriptor Method, Func<CorpusSeed, IMessage> Request, StatusCode Code, string? Reason, string[]? Fields,
    Sender Sender = Sender.Default, bool Json = true)
{
    public const string AnyReason = "*";

    /// <summary>The HTTP status the JSON port must answer when it is not the code's usual one (413 for a too-large body).</summary>
    public HttpStatusCode? Http { get; init; }

    /// <summary>False for a row about the JSON port only.</summary>
    public bool Grpc { get; init; } = true;

    public override string ToString() => Name;
}

/// <summary>What a call answered: its code, ErrorInfo reason and BadRequest fields, and for the JSON port the HTTP status.</summary>
public sealed record Outcome(StatusCode Code, string? Reason, string[] Fields, string Detail, HttpStatusCode? Http = null)
{
    public static Outcome Ok => new(StatusCode.OK, null, [], "OK");

    public override string ToString() =>
        $"{Code}{(Http is { } h ? $" (HTTP {(int)h})" : "")} reason={Reason ?? "(none)"} fields=[{string.Join(", ", Fields)}] {Detail}";
}

/// <summary>Bytes that are not a protobuf message of any type, sent as the request as they are.</summary>
public sealed class MalformedRequest(byte[] bytes) : IMessage
{
    public byte[] Bytes { get; } = bytes;
    public MessageDescriptor Descriptor => Google.Protobuf.WellKnownTypes.Empty.Descriptor;
    public void MergeFrom(CodedInputStream input) => throw new NotSupportedException();
    public void WriteTo(CodedOutputStream output) => throw new NotSupportedException();
    public int CalculateSize() => Bytes.Length;
    public override string ToString() => Convert.ToHexString(Bytes);
}

/// <summary>Calls any method of any service by its descriptor, over gRPC (one generic invoker) or over its JSON route.</summary>
public static class AnyMethod
{
    private static Method<IMessage, IMessage> GrpcMethod(MethodDescriptor m) => new(
        (m.IsClientStreaming, m.IsServerStreaming) switch
        {
            (true, true) => MethodType.DuplexStreaming,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            _ => MethodType.Unary,
        },
        m.Service.FullName, m.Name,
        Marshallers.Create<IMessage>(x => x is MalformedRequest raw ? raw.Bytes : x.ToByteArray(), b => m.InputType.Parser.ParseFrom(b)),
        Marshallers.Create<IMessage>(x => x.ToByteArray(), b => m.OutputType.Parser.ParseFrom(b)));

    public static async Task<Outcome> CallGrpc(CallInvoker invoker, MethodDescriptor m, IMessage request, string? key)
    {
        var headers = new Metadata();
        if (key is not null) headers.Add("authorization", $"Bearer {key}");
        // A case that is wrongly accepted by a watch would stream forever: the deadline ends it as DEADLINE_EXCEEDED.
        var options = new CallOptions(headers, DateTime.UtcNow.AddSeconds(m.IsServerStreaming ? 3 : 20));
        var method = GrpcMethod(m);
        try
        {
            switch (method.Type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(method, null, options, request).ResponseAsync;
                    break;
                case MethodType.ServerStreaming:
                {
                    using var call = invoker.AsyncServerStreamingCall(method, null, options, request);
                    while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
                    break;
                }
                case MethodType.DuplexStreaming:
                {
                    using var call = invoker.AsyncDuplexStreamingCall(method, null, options);
                    try
                    {
                        await call.RequestStream.WriteAsync(request);
                        await call.RequestStream.CompleteAsync();
                    }
                    catch (RpcException)
                    {
                        // The server may end the call before the write lands; its status is read below.
                    }
                    while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
                    break;
                }
                default:
                {
                    using var call = invoker.AsyncClientStreamingCall(method, null, options);
                    await call.RequestStream.WriteAsync(request);
                    await call.RequestStream.CompleteAsync();
                    await call.ResponseAsync;
                    break;
                }
            }
            return Outcome.Ok;
        }
        catch (RpcException e)
        {
            return new Outcome(e.StatusCode, e.Reason(), e.FieldViolations().Select(v => v.Field).ToArray(), e.Status.Detail);
        }
    }

    /// <summary>The method's google.api.http rule, or null when it has none (streams without a route).</summary>
    public static HttpRule? Route(MethodDescriptor m) => m.GetOptions()?.GetExtension(AnnotationsExtensions.Http);

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);

    /// <summary>
    /// The HTTP request for <paramref name="request"/> on its route, or null when the route cannot carry it as is
    /// (a path parameter that is empty or holds characters a URL path segment does not carry).
    /// </summary>
    public static HttpRequestMessage? JsonRequest(MethodDescriptor m, IMessage request, string? key)
    {
        if (Route(m) is not { } rule || request is MalformedRequest) return null;
        var (verb, template) = rule.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => (HttpMethod.Get, rule.Get),
            HttpRule.PatternOneofCase.Post => (HttpMethod.Post, rule.Post),
            HttpRule.PatternOneofCase.Patch => (HttpMethod.Patch, rule.Patch),
            HttpRule.PatternOneofCase.Put => (HttpMethod.Put, rule.Put),
            HttpRule.PatternOneofCase.Delete => (HttpMethod.Delete, rule.Delete),
            _ => throw new NotSupportedException(rule.PatternCase.ToString()),
        };
        var pathFields = new HashSet<string>();
        var path = new StringBuilder();
        var rest = template;
        while (rest.IndexOf('{') is var open and >= 0)
        {
            var close = rest.IndexOf('}', open);
            var fieldPath = rest[(open + 1)..close];
            pathFields.Add(fieldPath.Split('.')[0]);
            var value = ValueAt(request, fieldPath)?.ToString() ?? "";
            if (value.Length == 0 || value.Any(c => c < 0x20 || c == '/' || c >= '\uFFFE' || char.IsSurrogate(c)) || value.Trim().Length == 0) return null;
            path.Append(rest[..open]).Append(Uri.EscapeDataString(value));
            rest = rest[(close + 1)..];
        }
        path.Append(rest);

        var message = new HttpRequestMessage(verb, path.ToString());
        if (key is not null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (rule.Body == "*")
            message.Content = new StringContent(Formatter.Format(request), Encoding.UTF8, "application/json");
        else
        {
            // A named body carries that field; the fields outside the path and the body go in the query string.
            if (rule.Body.Length > 0)
            {
                message.Content = new StringContent(ValueAt(request, rule.Body) is IMessage body ? Formatter.Format(body) : "{}", Encoding.UTF8, "application/json");
                pathFields.Add(rule.Body);
            }
            var query = Query(request, "", pathFields).ToList();
            if (query.Count > 0) message.RequestUri = new Uri(path + "?" + string.Join("&", query), UriKind.Relative);
        }
        return message;
    }

    private static object? ValueAt(IMessage message, string fieldPath)
    {
        object? value = message;
        foreach (var name in fieldPath.Split('.'))
        {
            if (value is not IMessage m) return null;
            var field = m.Descriptor.FindFieldByName(name);
            value = field.Accessor.GetValue(m);
        }
        return value;
    }

    /// <summary>Query parameters for the fields a GET carries outside its path (AIP-127: dotted names for nested fields).</summary>
    private static IEnumerable<string> Query(IMessage message, string prefix, HashSet<string> skip)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (prefix.Length == 0 && skip.Contains(field.Name)) continue;
            var value = field.Accessor.GetValue(message);
            var name = prefix + field.JsonName;
            if (field.IsRepeated)
            {
                foreach (var item in (System.Collections.IList)value) yield return $"{name}={Uri.EscapeDataString(Scalar(field, item))}";
            }
            else if (field.FieldType == FieldType.Message)
            {
                if (value is IMessage nested)
                    foreach (var q in Query(nested, name + ".", skip)) yield return q;
            }
            else if (field.HasPresence ? field.Accessor.HasValue(message) : !IsDefault(value))
                yield return $"{name}={Uri.EscapeDataString(Scalar(field, value))}";
        }
    }

    private static bool IsDefault(object value) => value switch
    {
        string s => s.Length == 0,
        bool b => !b,
        Enum e => Convert.ToInt32(e) == 0,
        IConvertible c => c.ToDouble(null) == 0,
        _ => false,
    };

    private static string Scalar(FieldDescriptor field, object value) => value switch
    {
        Enum e when field.EnumType.FindValueByNumber(Convert.ToInt32(e)) is { } known => known.Name,
        Enum e => Convert.ToInt32(e).ToString(System.Globalization.CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static async Task<Outcome> CallJson(HttpClient http, HttpRequestMessage request, bool streaming)
    {
        // As on gRPC, a watch that is wrongly accepted would stream forever: give up after a few seconds.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(streaming ? 3 : 20));
        HttpResponseMessage response;
        string text;
        try
        {
            response = await http.SendAsync(request, timeout.Token);
            text = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return new Outcome(StatusCode.DeadlineExceeded, null, [], "no complete answer in time");
        }
        using var _ = response;
        if (response.IsSuccessStatusCode) return Outcome.Ok with { Http = response.StatusCode };
        try
        {
            using var body = JsonDocument.Parse(text);
            var root = body.RootElement;
            var code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? (StatusCode)c.GetInt32() : StatusCode.Unknown;
            string? reason = null;
            var fields = new List<string>();
            if (root.TryGetProperty("details", out var details))
                foreach (var d in details.EnumerateArray())
                {
                    var type = d.GetProperty("@type").GetString();
                    if (type == "type.googleapis.com/google.rpc.ErrorInfo") reason = d.GetProperty("reason").GetString();
                    if (type == "type.googleapis.com/google.rpc.BadRequest" && d.TryGetProperty("fieldViolations", out var violations))
                        fields.AddRange(violations.EnumerateArray().Select(v => v.GetProperty("field").GetString()!));
                }
            var message = root.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
            return new Outcome(code, reason, [.. fields], message, response.StatusCode);
        }
        catch (JsonException)
        {
            return new Outcome(StatusCode.Unknown, null, [], $"not a Status body: {text[..Math.Min(200, text.Length)]}", response.StatusCode);
        }
    }

    /// <summary>The HTTP status JSON transcoding gives a gRPC code (google.rpc.Code's documented mapping).</summary>
    public static HttpStatusCode HttpStatus(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => HttpStatusCode.BadRequest,
        StatusCode.Unauthenticated => HttpStatusCode.Unauthorized,
        StatusCode.PermissionDenied => HttpStatusCode.Forbidden,
        StatusCode.NotFound => HttpStatusCode.NotFound,
        StatusCode.AlreadyExists or StatusCode.Aborted => HttpStatusCode.Conflict,
        StatusCode.ResourceExhausted => HttpStatusCode.TooManyRequests,
        StatusCode.Unavailable => HttpStatusCode.ServiceUnavailable,
        StatusCode.DeadlineExceeded => HttpStatusCode.GatewayTimeout,
        StatusCode.Cancelled => (HttpStatusCode)499,
        StatusCode.Unimplemented => HttpStatusCode.NotImplemented,
        _ => HttpStatusCode.InternalServerError,
    };
}
