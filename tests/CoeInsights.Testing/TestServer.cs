extern alias server;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using CoeInsights.Client;
using server::CoeInsights.Server.Hosting;
using CoeInsights.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CoeInsights.Testing;

/// <summary>
/// A real CoeInsights server on 127.0.0.1 (free ports) over the shared test PostgreSQL, in a fresh
/// schema, with its bootstrap admin key read from the key file like an operator would.
/// Use as an xunit class fixture.
/// </summary>
public class TestServer : IAsyncLifetime
{
    private readonly List<GrpcChannel> _channels = [];
    private readonly TestServer? _replicaOf;
    private WebApplication? _app;

    public TestServer()
    {
        Schema = TestPostgres.NewSchema();
    }

    /// <summary>A second server process's worth of state (store, daemon, caches, ports) on <paramref name="first"/>'s schema:
    /// a replica. Start it after <paramref name="first"/>; it uses the first's admin key (one bootstrap key per database).</summary>
    protected TestServer(TestServer first)
    {
        _replicaOf = first;
        Schema = first.Schema;
    }

    public string Schema { get; }
    public string DataDirectory { get; } = TestPostgres.NewFolder("server");
    public string ConnectionString { get; private set; } = "";
    public Uri GrpcAddress { get; private set; } = null!;
    public Uri HttpAddress { get; private set; } = null!;
    public string AdminKey { get; private set; } = "";
    /// <summary>Everything the server logged, to check that no secret reaches the logs.</summary>
    public ConcurrentQueue<string> LogLines { get; } = new();
    public IServiceProvider Services => _app!.Services;

    public virtual async Task InitializeAsync()
    {
        ConnectionString = await ConnectionStringAsync();
        _app = await CoeServer.BuildAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Marten"] = ConnectionString,
                ["Coe:GrpcPort"] = "0",
                ["Coe:HttpPort"] = "0",
                ["Coe:Schema"] = Schema,
                ["Coe:DataDirectory"] = DataDirectory,
                ["Coe:DaemonMode"] = "Solo",
                // Tests stop servers all the time: no drain period (ReplicaProcessTests covers the drain).
                ["Coe:DrainPeriod"] = "00:00:00",
            });
            builder.Logging.ClearProviders().AddProvider(new QueueLoggerProvider(LogLines)).SetMinimumLevel(LogLevel.Debug);
            Configure(builder);
        });
        await _app.StartAsync();
        var addresses = _app.Addresses();
        GrpcAddress = addresses[0];
        HttpAddress = addresses[1];
        AdminKey = _replicaOf is { } first
            ? first.AdminKey
            : (await File.ReadAllTextAsync(Path.Combine(DataDirectory, BootstrapAdminKey.FileName))).Trim();
    }

    /// <summary>More configuration for a test class's server (e.g. connectors pointing at fake APIs).</summary>
    protected virtual void Configure(WebApplicationBuilder builder)
    {
    }

    /// <summary>The database to serve from: the shared test cluster unless a test brings its own.</summary>
    protected virtual Task<string> ConnectionStringAsync() => TestPostgres.ConnectionStringAsync();

    /// <summary>A channel that authenticates with <paramref name="apiKey"/> (the admin key by default).</summary>
    public GrpcChannel Channel(string? apiKey = null)
    {
        var channel = CoeChannel.Create(new CoeClientOptions { Address = GrpcAddress, ApiKey = apiKey ?? AdminKey });
        _channels.Add(channel);
        return channel;
    }

    /// <summary>A channel that sends no credentials at all.</summary>
    public GrpcChannel AnonymousChannel()
    {
        var channel = GrpcChannel.ForAddress(GrpcAddress);
        _channels.Add(channel);
        return channel;
    }

    public HttpClient Http(string? apiKey = null)
    {
        var http = new HttpClient { BaseAddress = HttpAddress };
        if (apiKey is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    /// <summary>Creates a tenant (if missing) and a key in it with the given roles; returns the secret.</summary>
    public async Task<string> CreateKeyAsync(string tenantId, params Role[] roles)
    {
        var admin = new AdminService.AdminServiceClient(Channel());
        if (tenantId != "default")
        {
            try
            {
                await admin.CreateTenantAsync(new CreateTenantRequest { TenantId = tenantId, DisplayName = tenantId, RequestId = $"create-{tenantId}" });
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.AlreadyExists)
            {
            }
        }
        var created = await admin.CreateApiKeyAsync(new CreateApiKeyRequest
        {
            TenantId = tenantId, DisplayName = $"test {string.Join('+', roles)}", Roles = { roles },
        });
        return created.Secret;
    }

    /// <summary>Like <see cref="CreateKeyAsync(string, Role[])"/>, with a key that speaks for <paramref name="principal"/> (e.g. an evaluator id).</summary>
    public async Task<string> CreateKeyAsync(string tenantId, string principal, params Role[] roles)
    {
        await CreateKeyAsync(tenantId, Role.Viewer); // makes sure the tenant exists
        var admin = new AdminService.AdminServiceClient(Channel());
        var created = await admin.CreateApiKeyAsync(new CreateApiKeyRequest
        {
            TenantId = tenantId, DisplayName = $"test {principal}", Roles = { roles }, Principal = principal,
        });
        return created.Secret;
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var channel in _channels) channel.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

internal sealed class QueueLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new QueueLogger(categoryName, lines);

    public void Dispose() { }

    private sealed class QueueLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
