using System.Collections.Concurrent;

namespace Relay.Api.Infrastructure;

/// <summary>
/// Wakes waiters on this instance when a change to a key commits, optionally handing them the changed value. A hint
/// only: a waiter told nothing more re-reads the database, which holds the truth, and re-reads it periodically too, for
/// changes it was not told about.
/// </summary>
public class Signals<TKey, TValue> where TKey : notnull where TValue : class
{
    private readonly ConcurrentDictionary<TKey, TaskCompletionSource<TValue?>> _waiting = new();

    /// <summary>A task that completes at the next change of the key. Take it before reading the state.</summary>
    public Task<TValue?> NextChange(TKey key) =>
        _waiting.GetOrAdd(key, _ => new TaskCompletionSource<TValue?>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <param name="key">What changed.</param>
    /// <param name="value">The committed value after the change, when the caller has it (the waiter need not read it).</param>
    public void Notify(TKey key, TValue? value = null)
    {
        if (_waiting.TryRemove(key, out var change))
        {
            change.TrySetResult(value);
        }
    }

    /// <summary>Wakes every waiter, to re-read what it waits for (after missing notifications).</summary>
    public void NotifyAll()
    {
        foreach (var key in _waiting.Keys)
        {
            Notify(key);
        }
    }

    /// <summary>Drops the signal of a wait that ended without a change, so finished waits leave nothing behind.</summary>
    public void Forget(TKey key, Task change)
    {
        if (_waiting.TryGetValue(key, out var current) && current.Task == change)
        {
            _waiting.TryRemove(new KeyValuePair<TKey, TaskCompletionSource<TValue?>>(key, current));
        }
    }
}

/// <summary>Signals that carry no value: the waiter re-reads.</summary>
public class Signals<TKey> : Signals<TKey, object> where TKey : notnull;
