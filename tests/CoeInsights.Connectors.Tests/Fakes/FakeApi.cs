using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoeInsights.Connectors.Tests.Fakes;

/// <summary>A request as the fake API saw it.</summary>
public sealed record SeenRequest(DateTimeOffset At, string Method, string Path, string Query, string Body, string? Authorization, int Status);

/// <summary>A scripted failure, served instead of the next matching request.</summary>
public abstract record Fault
{
    public sealed record TooManyRequests(int RetryAfterSeconds) : Fault;
    public sealed record ServerError : Fault;
    public sealed record Body(string Json) : Fault;
    /// <summary>Any status, with a JSON body or none (e.g. Sprout's documented 429: no Retry-After).</summary>
    public sealed record Status(int Code, string? Json = null) : Fault;
}

/// <summary>A real HTTP/1.1 server on 127.0.0.1 (free port) for one outside API; subclasses map the documented endpoints.</summary>
public abstract class FakeApi : IAsyncDisposable
{
    private WebApplication? _app;

    public string Token { get; } = "secret-" + Guid.NewGuid().ToString("N");
    public Uri Address { get; private set; } = null!;
    public ConcurrentQueue<SeenRequest> Requests { get; } = new();
    /// <summary>Faults served in order to the requests <see cref="FaultFilter"/> selects.</summary>
    public ConcurrentQueue<Fault> Faults { get; } = new();
    public Func<HttpRequest, bool> FaultFilter { get; set; } = _ => true;
    /// <summary>Every request is answered with this fault while set (e.g. a 500 for an outage).</summary>
    public Fault? Always { get; set; }
    /// <summary>The clock the log's times (and a fake's own rate limits) are on: a test's virtual clock, or the system's.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;
    /// <summary>When set, the bearer tokens accepted instead of <see cref="Token"/> (e.g. the ones a fake token endpoint issued).</summary>
    public Func<string, bool>? AcceptToken { get; set; }

    /// <summary>Whether the request may be served; by default it needs <c>Authorization: Bearer</c> with an accepted token.</summary>
    protected virtual bool Authorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (AcceptToken is null) return header == "Bearer " + Token;
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && AcceptToken(header["Bearer ".Length..]);
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
        {
            if (Certificate is { } certificate) l.UseHttps(certificate);
        }));
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Request.Body.Position = 0;
            // Logged before the response starts, so a client never holds an answer whose request is not logged yet;
            // a request abandoned without an answer is logged when its handler ends.
            var logged = 0;
            void Log()
            {
                if (Interlocked.Exchange(ref logged, 1) == 0)
                    Requests.Enqueue(new SeenRequest(Clock.GetUtcNow(), context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "",
                        body, context.Request.Headers.Authorization.ToString(), context.Response.StatusCode));
            }
            context.Response.OnStarting(() =>
            {
                Log();
                return Task.CompletedTask;
            });
            Decorate(context);
            try
            {
                if (!Authorized(context.Request))
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                else if (Always is { } always) await Serve(context, always);
                else if (FaultFilter(context.Request) && Faults.TryDequeue(out var fault)) await Serve(context, fault);
                else await next(context);
            }
            finally
            {
                Log();
            }
        });
        Map(_app);
        await _app.StartAsync();
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    protected abstract void Map(WebApplication app);

    /// <summary>Set (before <see cref="StartAsync"/>): the fake answers HTTPS with this certificate (e.g. <see cref="SelfSigned"/>).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }

    /// <summary>A certificate for 127.0.0.1, trusted only by <see cref="TrustingHandler"/>.</summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2 SelfSigned()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Re-imported so that the key is usable by the TLS stack on every platform.
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
            certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), null);
    }

    /// <summary>A client handler that trusts this fake's <see cref="Certificate"/> and nothing else unknown.</summary>
    public HttpMessageHandler TrustingHandler() => new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = (_, cert, _, errors) =>
            errors == System.Net.Security.SslPolicyErrors.None || (cert is not null && Certificate is not null && cert.Thumbprint == Certificate.Thumbprint),
    };

    /// <summary>Headers every answer carries (e.g. a request id), scripted faults included.</summary>
    protected virtual void Decorate(HttpContext context) { }

    private static async Task Serve(HttpContext context, Fault fault)
    {
        switch (fault)
        {
            case Fault.TooManyRequests t:
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = t.RetryAfterSeconds.ToString();
                break;
            case Fault.ServerError:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                break;
            case Fault.Status st:
                context.Response.StatusCode = st.Code;
                if (st.Json is { } json)
                {
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync(json);
                }
                break;
            case Fault.Body b:
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(b.Json);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
