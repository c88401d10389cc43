using CoeInsights.Access;
using CoeInsights.Access.Authenticating;
using CoeInsights.Common;
using CoeInsights.Server.Errors;
using Grpc.Core;

namespace CoeInsights.Server.Auth;

/// <summary>
/// Keeps a stream honest about its key: a stream authenticates once when it opens, but may stay open for hours.
/// While it runs, the key is looked up again every <see cref="CheckInterval"/> (through <see cref="ApiKeyLookup"/>,
/// the same lookup every call uses) and before each client message is handed to the service, so a revoked key
/// ends the stream with UNAUTHENTICATED / API_KEY_REVOKED within one interval, and no message read after the
/// revocation reaches the store. The service sees a call context whose cancellation token fires on revocation,
/// so a watch that is only waiting ends too.
/// </summary>
public sealed class StreamKeyGuard : IAsyncDisposable
{
    /// <summary>Default time between re-checks of an open stream's key (docs/errors.md promises at most 5 s).</summary>
    public static readonly TimeSpan DefaultCheckInterval = TimeSpan.FromSeconds(2);

    private readonly Caller _caller;
    private readonly ApiKeyLookup _keys;
    private readonly CancellationTokenSource _cts;
    private readonly Task _watcher;
    private volatile bool _revoked;

    private StreamKeyGuard(Caller caller, ApiKeyLookup keys, ServerCallContext context, TimeSpan interval, TimeProvider time)
    {
        _caller = caller;
        _keys = keys;
        CheckInterval = interval;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        Context = new GuardedCallContext(context, _cts.Token);
        _watcher = WatchAsync(time);
    }

    public TimeSpan CheckInterval { get; }

    /// <summary>The call context to hand the service: its token also fires when the key is revoked.</summary>
    public ServerCallContext Context { get; }

    public static StreamKeyGuard Start(Caller caller, ApiKeyLookup keys, ServerCallContext context, TimeSpan interval, TimeProvider time) =>
        new(caller, keys, context, interval, time);

    public IAsyncStreamReader<T> Guard<T>(IAsyncStreamReader<T> reader) => new GuardedReader<T>(this, reader);

    public IServerStreamWriter<T> Guard<T>(IServerStreamWriter<T> writer) => new GuardedWriter<T>(this, writer);

    /// <summary>Runs the service; whatever it throws after a revocation (mostly cancellation) becomes API_KEY_REVOKED.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> body)
    {
        try
        {
            var result = await body();
            if (_revoked) throw Revoked();
            return result;
        }
        catch (Exception) when (_revoked)
        {
            throw Revoked();
        }
    }

    private async Task WatchAsync(TimeProvider time)
    {
        try
        {
            using var timer = new PeriodicTimer(CheckInterval, time);
            while (await timer.WaitForNextTickAsync(_cts.Token))
            {
                if (await StillValidOrUnknownAsync(_cts.Token)) continue;
                _revoked = true;
                await _cts.CancelAsync();
                return;
            }
        }
        catch (OperationCanceledException)
        {
            // The call ended (or was revoked): nothing more to watch.
        }
    }

    /// <summary>A store that cannot answer now is asked again on the next tick (the stream's own store calls fail meanwhile).</summary>
    private async Task<bool> StillValidOrUnknownAsync(CancellationToken ct)
    {
        try
        {
            return await StillValidAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return true;
        }
    }

    private async Task<bool> StillValidAsync(CancellationToken ct) => AuthenticateApiKey.StillValid(await _keys.FindAsync(_caller.KeyId, ct));

    private async Task ThrowIfRevokedAsync(CancellationToken ct)
    {
        if (!_revoked && await StillValidAsync(ct)) return;
        _revoked = true;
        await _cts.CancelAsync();
        throw Revoked();
    }

    private static RpcException Revoked() => ErrorMappingInterceptor.Create(Google.Rpc.Code.Unauthenticated,
        "The API key was revoked while this stream was open.", ErrorReasons.ApiKeyRevoked).ToRpcException();

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        await _watcher;
        _cts.Dispose();
    }

    /// <summary>Looks the key up before each message reaches the service: one primary-key read per client message.</summary>
    private sealed class GuardedReader<T>(StreamKeyGuard guard, IAsyncStreamReader<T> inner) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken)) return false;
            await guard.ThrowIfRevokedAsync(cancellationToken);
            return true;
        }
    }

    /// <summary>Stops writing as soon as the watcher has seen the revocation.</summary>
    private sealed class GuardedWriter<T>(StreamKeyGuard guard, IServerStreamWriter<T> inner) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            if (guard._revoked) throw Revoked();
            return inner.WriteAsync(message, cancellationToken);
        }
    }

    /// <summary>The original call context with a token that also fires on revocation.</summary>
    internal sealed class GuardedCallContext : ServerCallContext
    {
        // Grpc.AspNetCore finds the HttpContext of a wrapped context under this UserState key (ServerCallContextExtensions).
        private const string HttpContextKey = "__HttpContext";
        private readonly ServerCallContext _inner;
        private readonly CancellationToken _token;

        public GuardedCallContext(ServerCallContext inner, CancellationToken token)
        {
            _inner = inner;
            _token = token;
            inner.UserState[HttpContextKey] = inner.GetHttpContext();
        }

        protected override string MethodCore => _inner.Method;
        protected override string HostCore => _inner.Host;
        protected override string PeerCore => _inner.Peer;
        protected override DateTime DeadlineCore => _inner.Deadline;
        protected override Metadata RequestHeadersCore => _inner.RequestHeaders;
        protected override CancellationToken CancellationTokenCore => _token;
        protected override Metadata ResponseTrailersCore => _inner.ResponseTrailers;
        protected override Status StatusCore
        {
            get => _inner.Status;
            set => _inner.Status = value;
        }
        protected override WriteOptions? WriteOptionsCore
        {
            get => _inner.WriteOptions;
            set => _inner.WriteOptions = value;
        }
        protected override AuthContext AuthContextCore => _inner.AuthContext;
        protected override IDictionary<object, object> UserStateCore => _inner.UserState;
        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => _inner.CreatePropagationToken(options);
        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => _inner.WriteResponseHeadersAsync(responseHeaders);
    }
}
