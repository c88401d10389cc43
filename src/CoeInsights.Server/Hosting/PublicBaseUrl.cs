using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CoeInsights.Server.Hosting;

/// <summary>
/// Where a browser reaches this server, for every link we hand out (downloads, invitations):
/// Coe:PublicBaseUrl when set (behind a proxy), else the HTTP/1.1 address we listen on.
/// </summary>
public sealed class PublicBaseUrl(IServer server, IOptions<CoeServerOptions> options)
{
    /// <summary>The base URL without a trailing slash, followed by <paramref name="path"/> (which starts with '/').</summary>
    public string For(string path) => Base().TrimEnd('/') + path;

    private string Base()
    {
        if (!string.IsNullOrEmpty(options.Value.PublicBaseUrl)) return options.Value.PublicBaseUrl;
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        return addresses.Count > 1 ? addresses[1] : addresses.FirstOrDefault() ?? "http://127.0.0.1:5081";
    }
}
