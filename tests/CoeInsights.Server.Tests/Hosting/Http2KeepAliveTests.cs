using System.Diagnostics;
using System.Net.Sockets;
using CoeInsights.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace CoeInsights.Server.Tests.Hosting;

/// <summary>A server whose quiet HTTP/2 connections are pinged after 1 s (the shortest Kestrel allows).</summary>
public sealed class KeepAliveServer : TestServer
{
    protected override void Configure(WebApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coe:Http2KeepAlivePingDelay"] = "00:00:01", ["Coe:Http2KeepAlivePingTimeout"] = "00:00:05",
        });
}

/// <summary>
/// What a proxy between client and server sees on a quiet gRPC connection: PING frames from the server (RFC 9113
/// §6.7), read off the wire by a bare HTTP/2 client, so an idle watch is not cut as dead.
/// </summary>
public sealed class Http2KeepAliveTests(KeepAliveServer server) : IClassFixture<KeepAliveServer>
{
    private const byte Settings = 0x4, Ping = 0x6, Ack = 0x1;

    [Fact]
    public async Task SendsPingFramesGivenQuietConnection()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.GrpcAddress.Host, server.GrpcAddress.Port);
        var stream = tcp.GetStream();
        // Client connection preface (§3.4) and an empty SETTINGS frame.
        await stream.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
        await stream.WriteAsync(Frame(Settings, 0, []));
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var pings = 0;
        TimeSpan firstPing = default;
        while (pings < 2)
        {
            var header = new byte[9];
            await stream.ReadExactlyAsync(header, timeout.Token);
            var length = header[0] << 16 | header[1] << 8 | header[2];
            var payload = new byte[length];
            await stream.ReadExactlyAsync(payload, timeout.Token);
            var (type, flags) = (header[3], header[4]);
            if (type == Settings && (flags & Ack) == 0) await stream.WriteAsync(Frame(Settings, Ack, []), timeout.Token);
            if (type == Ping && (flags & Ack) == 0)
            {
                if (pings++ == 0) firstPing = clock.Elapsed;
                await stream.WriteAsync(Frame(Ping, Ack, payload), timeout.Token); // answered: the connection stays up
            }
        }
        // The first after about a second of quiet, then again: the connection is kept alive, not closed.
        Assert.InRange(firstPing, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        Assert.True(tcp.Connected);
    }

    private static byte[] Frame(byte type, byte flags, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        payload.CopyTo(frame, 9);
        return frame;
    }
}
