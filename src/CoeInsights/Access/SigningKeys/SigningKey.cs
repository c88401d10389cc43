using System.Security.Cryptography;
using JasperFx;
using Marten;
using Marten.Exceptions;

namespace CoeInsights.Access.SigningKeys;

/// <summary>A server secret kept in the store, so every server process on one database signs alike.</summary>
public sealed record SigningKey(string Id, byte[] Key, DateTimeOffset CreatedAt);

public static class SigningKeyStore
{
    /// <summary>Loads the key <paramref name="id"/>, creating it on first use (the first writer wins a race).</summary>
    public static async Task<byte[]> GetOrCreate(IDocumentStore store, string id, DateTimeOffset now, CancellationToken ct)
    {
        await using (var query = store.QuerySession())
            if (await query.LoadAsync<SigningKey>(id, ct) is { } existing) return existing.Key;
        try
        {
            await using var session = store.LightweightSession();
            var key = new SigningKey(id, RandomNumberGenerator.GetBytes(32), now);
            session.Insert(key);
            await session.SaveChangesAsync(ct);
            return key.Key;
        }
        catch (Exception e) when (e is DocumentAlreadyExistsException or MartenCommandException)
        {
            await using var query = store.QuerySession();
            return (await query.LoadAsync<SigningKey>(id, ct))!.Key;
        }
    }
}
