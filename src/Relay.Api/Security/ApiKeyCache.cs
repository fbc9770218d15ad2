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
    private long _forgotten; // counts deletions heard of, so that a key read before one is not remembered after it

    /// <summary>Take before reading a key from the database; pass to <see cref="Add"/>.</summary>
    public long Version => Interlocked.Read(ref _forgotten);

    public Guid? Find(string keyHash) =>
        accounts.TryGetValue(keyHash, out var entry) && entry.Expires > clock.GetUtcNow() ? entry.AccountId : null;

    /// <param name="keyHash">The key's hash.</param>
    /// <param name="accountId">Its account, as read from the database.</param>
    /// <param name="version"><see cref="Version"/> as it was before that read: a key deleted meanwhile is not remembered.</param>
    public void Add(string keyHash, Guid accountId, long version)
    {
        if (version != Version)
        {
            return;
        }

        if (accounts.Count >= MaxEntries)
        {
            accounts.Clear();
        }

        accounts[keyHash] = (accountId, clock.GetUtcNow() + Lifetime);
        if (version != Version)
        {
            accounts.TryRemove(keyHash, out _); // a deletion came between the check and the write
        }
    }

    /// <summary>A key of the account was deleted (here or on another instance).</summary>
    public void Forget(Guid accountId)
    {
        Interlocked.Increment(ref _forgotten);
        foreach (var (hash, entry) in accounts)
        {
            if (entry.AccountId == accountId)
            {
                accounts.TryRemove(hash, out _);
            }
        }
    }

    public void Clear()
    {
        Interlocked.Increment(ref _forgotten);
        accounts.Clear();
    }
}
