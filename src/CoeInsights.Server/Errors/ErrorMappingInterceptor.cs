using CoeInsights.Analytics;
using CoeInsights.Common;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using JasperFx;
using JasperFx.Events;
using Npgsql;
using Status = Google.Rpc.Status;

namespace CoeInsights.Server.Errors;

/// <summary>
/// The one place errors become gRPC statuses (google.rpc.Status with ErrorInfo and, for bad input,
/// BadRequest field violations). A client's mistake is never INTERNAL or UNKNOWN; an unexpected
/// failure is INTERNAL with no detail beyond a correlation id, and is logged.
/// </summary>
public sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public const string Domain = "coeinsights.v1";

    private async Task<T> Guard<T>(ServerCallContext context, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw ToRpcException(e, context);
        }
    }

    public RpcException ToRpcException(Exception e, ServerCallContext context)
    {
        var status = Map(e, context.CancellationToken, context.Deadline);
        if (status.Code == (int)Code.Internal)
        {
            var id = Guid.NewGuid().ToString("N")[..12];
            logger.LogError(e, "Unhandled error in {Method} (error id {ErrorId})", context.Method, id);
            status = Create(Code.Internal, $"Internal error (id {id}). It has been logged.", ErrorReasons.Internal,
                new Dictionary<string, string> { ["error_id"] = id });
        }
        else
        {
            logger.LogInformation("{Method} refused: {Code} {Reason}", context.Method, (Code)status.Code, e.Message);
        }
        return status.ToRpcException();
    }

    /// <summary>The status for <paramref name="e"/>; <paramref name="deadline"/> tells a passed deadline from a client gone away.</summary>
    public static Status Map(Exception e, CancellationToken ct, DateTime deadline = default) => e switch
    {
        InvalidInputException invalid => WithDetails(Code.InvalidArgument, invalid.Message, ErrorReasons.InvalidArgument, new BadRequest
        {
            FieldViolations = { invalid.Violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }) },
        }),
        NotFoundException nf => WithDetails(Code.NotFound, nf.Message, nf.Reason,
            new ResourceInfo { ResourceType = nf.ResourceType, ResourceName = nf.ResourceName }),
        AlreadyExistsException ae => WithDetails(Code.AlreadyExists, ae.Message, ae.Reason,
            new ResourceInfo { ResourceType = ae.ResourceType, ResourceName = ae.ResourceName }),
        RuleViolationException rule => WithDetails(Code.FailedPrecondition, rule.Message, rule.Reason, new PreconditionFailure
        {
            Violations = { new PreconditionFailure.Types.Violation { Type = rule.Rule, Subject = rule.Subject, Description = rule.Message } },
        }),
        WorkBudgetExceededException budget => WithDetails(Code.ResourceExhausted, budget.Message, ErrorReasons.WorkBudgetExceeded, new QuotaFailure
        {
            Violations = { new QuotaFailure.Types.Violation { Subject = budget.Subject, Description = $"cost {budget.Cost} exceeds the limit {budget.Limit} (docs/limits.md)" } },
        }),
        PermissionDeniedException pd => WithDetails(Code.PermissionDenied, pd.Message, pd.Reason, null),
        StaleEtagException stale => WithDetails(Code.Aborted, stale.Message, stale.Reason, null),
        ConcurrencyException or EventStreamUnexpectedMaxEventIdException =>
            WithDetails(Code.Aborted, "The resource changed while this call ran: re-read it and retry.", ErrorReasons.ConcurrentChange, null),
        // A client stream's message that is not protobuf (unary requests are parsed before any interceptor: MalformedRequest middleware).
        Google.Protobuf.InvalidProtocolBufferException => MalformedRequest(),
        OperationCanceledException when ct.IsCancellationRequested && deadline != default && deadline <= DateTime.UtcNow =>
            WithDetails(Code.DeadlineExceeded, "The call's deadline passed before the server finished.", ErrorReasons.DeadlineExceeded, null),
        OperationCanceledException when ct.IsCancellationRequested => WithDetails(Code.Cancelled, "The call was cancelled.", ErrorReasons.Cancelled, null),
        _ when IsStoreOutage(e) => WithDetails(Code.Unavailable, "The store is unavailable; retry later.", ErrorReasons.StoreUnavailable, null),
        _ => new Status { Code = (int)Code.Internal, Message = "Internal error." },
    };

    public static Status MalformedRequest() =>
        WithDetails(Code.InvalidArgument, "The request is not a valid message of this method's request type.", ErrorReasons.MalformedRequest, null);

    /// <summary>
    /// PostgreSQL unreachable or going away, wherever it sits in the chain (Marten and the async daemon wrap it, tasks
    /// aggregate it): connection failures (class 08), shutdown or cannot-connect-now (57P01..57P03), too many
    /// connections (53300), and Npgsql's own transient or socket-level failures.
    /// </summary>
    public static bool IsStoreOutage(Exception e) => e is TimeoutException || Chain(e).Any(x => x switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P0", StringComparison.Ordinal)
                                || pg.SqlState == PostgresErrorCodes.TooManyConnections,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or System.Net.Sockets.SocketException or TimeoutException,
        System.Net.Sockets.SocketException => true,
        _ => false,
    });

    private static IEnumerable<Exception> Chain(Exception e)
    {
        var pending = new Stack<Exception>([e]);
        var seen = 0;
        while (pending.Count > 0 && seen++ < 64)
        {
            var x = pending.Pop();
            yield return x;
            if (x is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions) pending.Push(inner);
            else if (x.InnerException is { } inner) pending.Push(inner);
        }
    }

    private static Status WithDetails(Code code, string message, string reason, Google.Protobuf.IMessage? detail) =>
        Create(code, message, reason, null, detail);

    /// <summary>A google.rpc.Status with ErrorInfo (reason, domain, metadata) and an optional second detail.</summary>
    public static Status Create(Code code, string message, string reason, IReadOnlyDictionary<string, string>? metadata = null, Google.Protobuf.IMessage? detail = null)
    {
        var info = new ErrorInfo { Reason = reason, Domain = Domain };
        if (metadata is not null) foreach (var (key, value) in metadata) info.Metadata[key] = value;
        var status = new Status { Code = (int)code, Message = message, Details = { Any.Pack(info) } };
        if (detail is not null) status.Details.Add(Any.Pack(detail));
        return status;
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        Guard(context, () => continuation(request, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        Guard(context, () => continuation(requestStream, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        Guard(context, async () => { await continuation(request, responseStream, context); return true; });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        Guard(context, async () => { await continuation(requestStream, responseStream, context); return true; });
}
