using System.Collections.Concurrent;

namespace Relay.Api.Security;

/// <summary>
/// The accounts of API keys this instance has checked recently (by key hash), so a POS's every request does not read
/// the key again. An entry lives a minute at most; deleting a key drops its account's entries at once on every
/// instance (a notification, see <see cref="Cluster.PeerListener"/>, which also clears everything after missing some).
/// </summary>
public sealed class ApiKeyCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (Guid AccountId, DateTimeOffset Expires)> accounts = new();

    public Guid? Find(string keyHash) =>
        accounts.TryGetValue(keyHash, out var entry) && entry.Expires > clock.GetUtcNow() ? entry.AccountId : null;

    public void Add(string keyHash, Guid accountId)
    {
        if (accounts.Count >= MaxEntries)
        {
            accounts.Clear();
        }

        accounts[keyHash] = (accountId, clock.GetUtcNow() + Lifetime);
    }

    /// <summary>A key of the account was deleted (here or on another instance).</summary>
    public void Forget(Guid accountId)
    {
        foreach (var (hash, entry) in accounts)
        {
            if (entry.AccountId == accountId)
            {
                accounts.TryRemove(hash, out _);
            }
        }
    }

    public void Clear() => accounts.Clear();
}
