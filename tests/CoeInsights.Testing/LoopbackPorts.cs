using System.Net;
using System.Net.Sockets;

namespace CoeInsights.Testing;

/// <summary>Free loopback ports for server processes a test starts.</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// <paramref name="count"/> distinct ports: every listener stays open until all are picked, because the kernel may hand
    /// a port just released to the next bind(0) — two processes were once given the same port and one failed to start.
    /// </summary>
    public static int[] Free(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var l in listeners) l.Start();
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }
}
