using System.Collections.Concurrent;

namespace Relay.Api.Infrastructure;

/// <summary>
/// Wakes waiters on this instance when a change to a key commits. A hint only: waiters re-read the database, which
/// holds the truth, and re-read it periodically too, for changes they were not told about.
/// </summary>
public class Signals<TKey> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TaskCompletionSource> waiting = new();

    /// <summary>A task that completes at the next change of the key. Take it before reading the state.</summary>
    public Task NextChange(TKey key) =>
        waiting.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(TKey key)
    {
        if (waiting.TryRemove(key, out var change))
        {
            change.TrySetResult();
        }
    }

    /// <summary>Wakes every waiter, to re-read what it waits for (after missing notifications).</summary>
    public void NotifyAll()
    {
        foreach (var key in waiting.Keys)
        {
            Notify(key);
        }
    }

    /// <summary>Drops the signal of a wait that ended without a change, so finished waits leave nothing behind.</summary>
    public void Forget(TKey key, Task change)
    {
        if (waiting.TryGetValue(key, out var current) && current.Task == change)
        {
            waiting.TryRemove(new KeyValuePair<TKey, TaskCompletionSource>(key, current));
        }
    }
}
