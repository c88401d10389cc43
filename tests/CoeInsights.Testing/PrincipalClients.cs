using System.Collections.Concurrent;

namespace CoeInsights.Testing;

/// <summary>
/// One client per principal, its key created once even when many tasks ask at the same time (tests submit from
/// sixteen evaluators at once; a plain dictionary corrupts under that).
/// </summary>
public sealed class PrincipalClients<TClient>
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TClient>>> _clients = new();

    /// <summary>
    /// The principal's client; <paramref name="create"/> runs only on the first call for it that succeeds. A failed
    /// creation is forgotten, so a caller that retries (e.g. after a replica died under the key's CreateApiKey) tries
    /// again instead of getting the cached failure back.
    /// </summary>
    public async Task<TClient> Get(string principal, Func<Task<TClient>> create)
    {
        var lazy = _clients.GetOrAdd(principal, _ => new Lazy<Task<TClient>>(create));
        try
        {
            return await lazy.Value;
        }
        catch
        {
            _clients.TryRemove(new KeyValuePair<string, Lazy<Task<TClient>>>(principal, lazy));
            throw;
        }
    }
}
