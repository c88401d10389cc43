using System.Collections.Concurrent;

namespace CoeInsights.Testing;

/// <summary>
/// One client per principal, its key created once even when many tasks ask at the same time (tests submit from
/// sixteen evaluators at once; a plain dictionary corrupts under that).
/// </summary>
public sealed class PrincipalClients<TClient>
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TClient>>> _clients = new();

    /// <summary>The principal's client; <paramref name="create"/> runs only on the first call for it.</summary>
    public Task<TClient> Get(string principal, Func<Task<TClient>> create) =>
        _clients.GetOrAdd(principal, _ => new Lazy<Task<TClient>>(create)).Value;
}
