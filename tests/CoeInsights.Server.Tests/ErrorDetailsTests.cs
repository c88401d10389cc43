extern alias server;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CoeInsights.Client;
using CoeInsights.Testing;
using CoeInsights.V1;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using server::CoeInsights.Server.Errors;

namespace CoeInsights.Server.Tests;

/// <summary>
/// Every refusal carries google.rpc.ErrorInfo (domain coeinsights.v1) with a reason, on both ports: authentication,
/// roles, unexpected failures (with nothing leaked), malformed bytes.
/// </summary>
public sealed class ErrorDetailsTests(ErrorDetailsTests.FailingServer server) : IClassFixture<ErrorDetailsTests.FailingServer>
{
    private const string Leak = "password=hunter2";

    /// <summary>A server where a request header makes server code fail unexpectedly, as a bug would.</summary>
    public sealed class FailingServer : TestServer
    {
        protected override void Configure(WebApplicationBuilder builder) =>
            // PostConfigure: after the server's own interceptors, so this one is innermost (where service code runs).
            builder.Services.PostConfigure<Grpc.AspNetCore.Server.GrpcServiceOptions>(o => o.Interceptors.Add<BugInterceptor>());
    }

    private sealed class BugInterceptor : Interceptor
    {
        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
            context.RequestHeaders.GetValue("x-test-bug") is not null
                ? throw new InvalidOperationException($"connection string {Leak} broke")
                : continuation(request, context);
    }

    private static Task<V1.ServerInfo> Info(Grpc.Net.Client.GrpcChannel channel, Metadata? headers = null) =>
        new ServerInfoService.ServerInfoServiceClient(channel).GetServerInfoAsync(new GetServerInfoRequest(), headers).ResponseAsync;

    private static ErrorInfo Info(RpcException e)
    {
        var info = e.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal(ErrorMappingInterceptor.Domain, info.Domain);
        return info;
    }

    private static async Task<JsonElement> JsonErrorInfo(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var info = json.RootElement.GetProperty("details").EnumerateArray()
            .Single(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.ErrorInfo");
        Assert.Equal("coeinsights.v1", info.GetProperty("domain").GetString());
        return info.Clone();
    }

    [Fact]
    public async Task NamesMissingKeyOnBothPorts()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Info(server.AnonymousChannel()));
        using var http = server.Http();
        using var response = await http.GetAsync("/v1/serverInfo");

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal("API_KEY_MISSING", Info(e).Reason);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("API_KEY_MISSING", (await JsonErrorInfo(response)).GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("coe_00000000000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task NamesInvalidKeyGivenUnknownOrMalformedKey(string key)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Info(server.Channel(key)));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal("API_KEY_INVALID", Info(e).Reason);
    }

    [Fact]
    public async Task NamesRevokedKeyOnlyToTheHolderOfItsSecret()
    {
        var admin = new AdminService.AdminServiceClient(server.Channel());
        var created = await admin.CreateApiKeyAsync(new CreateApiKeyRequest { TenantId = "default", DisplayName = "to revoke", Roles = { Role.Viewer } });
        await admin.RevokeApiKeyAsync(new RevokeApiKeyRequest { TenantId = "default", KeyId = created.ApiKey.KeyId });
        var tampered = created.Secret[..^4] + (created.Secret.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        var revoked = await Assert.ThrowsAsync<RpcException>(() => Info(server.Channel(created.Secret)));
        var guessed = await Assert.ThrowsAsync<RpcException>(() => Info(server.Channel(tampered)));
        using var http = server.Http(created.Secret);
        using var response = await http.GetAsync("/v1/serverInfo");

        Assert.Equal("API_KEY_REVOKED", Info(revoked).Reason);
        Assert.Equal("API_KEY_INVALID", Info(guessed).Reason);
        Assert.Equal("API_KEY_REVOKED", (await JsonErrorInfo(response)).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task NamesRequiredRolesGivenViewerCallingAdminMethodOnBothPorts()
    {
        var viewer = await server.CreateKeyAsync("default", Role.Viewer);
        var admin = new AdminService.AdminServiceClient(server.Channel(viewer));

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            admin.CreateApiKeyAsync(new CreateApiKeyRequest { TenantId = "default", DisplayName = "x", Roles = { Role.Admin } }).ResponseAsync);
        using var http = server.Http(viewer);
        using var response = await http.GetAsync("/v1/tenants/default/apiKeys");

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Equal("ROLE_REQUIRED", Info(e).Reason);
        Assert.Equal("admin", Info(e).Metadata["roles"]);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var json = await JsonErrorInfo(response);
        Assert.Equal("ROLE_REQUIRED", json.GetProperty("reason").GetString());
        Assert.Equal("admin", json.GetProperty("metadata").GetProperty("roles").GetString());
    }

    [Fact]
    public async Task GivesInternalWithErrorIdAndNothingElseGivenUnexpectedFailure()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Info(server.Channel(), new Metadata { { "x-test-bug", "1" } }));
        using var http = server.Http(server.AdminKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/serverInfo") { Headers = { { "x-test-bug", "1" } } };
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(StatusCode.Internal, e.StatusCode);
        var info = Info(e);
        Assert.Equal("INTERNAL", info.Reason);
        Assert.Matches("^[0-9a-f]{12}$", info.Metadata["error_id"]);
        Assert.Contains(info.Metadata["error_id"], e.Status.Detail);
        Assert.DoesNotContain(Leak, e.Status.Detail);
        Assert.DoesNotContain(Leak, e.GetRpcStatus()!.ToString());
        Assert.Contains(server.LogLines, l => l.Contains(info.Metadata["error_id"]) && l.Contains(Leak));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("INTERNAL", (await JsonErrorInfo(response)).GetProperty("reason").GetString());
        Assert.DoesNotContain(Leak, body);
    }

    private static readonly byte[] Truncated = [0x0A, 0x05, 0x41]; // field 1, length 5, then only one byte

    private static Method<byte[], byte[]> Raw(MethodType type, string service, string name)
    {
        var bytes = Marshallers.Create(b => b, b => b);
        return new Method<byte[], byte[]>(type, service, name, bytes, bytes);
    }

    [Fact]
    public async Task GivesInvalidArgumentGivenMalformedUnaryBytes()
    {
        var invoker = server.Channel().CreateCallInvoker();
        var before = (await new AdminService.AdminServiceClient(server.Channel()).ListTenantsAsync(new ListTenantsRequest { PageSize = 1000 })).Tenants.Count;

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            invoker.AsyncUnaryCall(Raw(MethodType.Unary, "coeinsights.v1.AdminService", "CreateTenant"), null, new CallOptions(), Truncated).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("MALFORMED_REQUEST", Info(e).Reason);
        var after = (await new AdminService.AdminServiceClient(server.Channel()).ListTenantsAsync(new ListTenantsRequest { PageSize = 1000 })).Tenants.Count;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task GivesInvalidArgumentGivenMalformedServerStreamingRequest()
    {
        var invoker = server.Channel().CreateCallInvoker();
        using var call = invoker.AsyncServerStreamingCall(Raw(MethodType.ServerStreaming, "coeinsights.v1.KpiService", "QuerySeries"), null, new CallOptions(), Truncated);

        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("MALFORMED_REQUEST", Info(e).Reason);
    }

    [Fact]
    public async Task GivesInvalidArgumentGivenMalformedClientStreamMessage()
    {
        var invoker = server.Channel(await server.CreateKeyAsync("default", Role.Ingest)).CreateCallInvoker();
        using var call = invoker.AsyncDuplexStreamingCall(Raw(MethodType.DuplexStreaming, "coeinsights.v1.KpiService", "RecordKpis"), null, new CallOptions());

        await call.RequestStream.WriteAsync(Truncated);
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("MALFORMED_REQUEST", Info(e).Reason);
    }

    [Fact]
    public async Task GivesBadRequestGivenMalformedJsonBody()
    {
        using var http = server.Http(server.AdminKey);
        using var response = await http.PostAsync("/v1/tenants", new StringContent("{\"tenantId\": \"x\",", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MALFORMED_REQUEST", (await JsonErrorInfo(response)).GetProperty("reason").GetString());
    }

    [Fact]
    public void MapsPassedDeadlineToDeadlineExceededAndGoneClientToCancelled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        var deadline = ErrorMappingInterceptor.Map(new OperationCanceledException(), cts.Token, DateTime.UtcNow.AddSeconds(-1));
        var gone = ErrorMappingInterceptor.Map(new OperationCanceledException(), cts.Token, DateTime.MaxValue);

        Assert.Equal((int)Code.DeadlineExceeded, deadline.Code);
        Assert.Equal("DEADLINE_EXCEEDED", deadline.GetDetail<ErrorInfo>().Reason);
        Assert.Equal((int)Code.Cancelled, gone.Code);
        Assert.Equal("CANCELLED", gone.GetDetail<ErrorInfo>().Reason);
    }

    public static TheoryData<string, Exception> StoreOutages() => new()
    {
        // What a commit sees when PostgreSQL is shut down under it, as Marten and the tasks around it wrap it.
        { "57P01 wrapped by Marten", new Marten.Exceptions.MartenCommandException(new Npgsql.NpgsqlCommand("commit"),
            new Npgsql.PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")) },
        { "57P02 in an aggregate", new AggregateException(new InvalidOperationException("projection failed",
            new Npgsql.PostgresException("terminating connection because of crash of another server process", "FATAL", "FATAL", "57P02"))) },
        { "57P03 starting up", new Npgsql.PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03") },
        { "08006 connection failure", new InvalidOperationException("outer", new Npgsql.PostgresException("connection failure", "FATAL", "FATAL", "08006")) },
        { "socket refused", new Marten.Exceptions.MartenCommandException(new Npgsql.NpgsqlCommand("select 1"),
            new Npgsql.NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111))) },
    };

    [Theory]
    [MemberData(nameof(StoreOutages))]
    public void MapsStoreOutageAnywhereInTheChainToUnavailable(string because, Exception e)
    {
        var status = ErrorMappingInterceptor.Map(e, CancellationToken.None);

        Assert.True(status.Code == (int)Code.Unavailable, because);
        Assert.Equal("STORE_UNAVAILABLE", status.GetDetail<ErrorInfo>().Reason);
    }

    [Fact]
    public void KeepsInternalGivenPostgresErrorThatIsNotAnOutage()
    {
        var e = new Marten.Exceptions.MartenCommandException(new Npgsql.NpgsqlCommand("insert"),
            new Npgsql.PostgresException("division by zero", "ERROR", "ERROR", "22012"));

        Assert.Equal((int)Code.Internal, ErrorMappingInterceptor.Map(e, CancellationToken.None).Code);
    }
}
