using System.Collections.Concurrent;

namespace Relay.Api.Transactions;

/// <summary>Wakes requests waiting (Prefer: wait) on a transaction when this instance commits a change to it.</summary>
public sealed class TransactionWaiters
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> waiting = new();

    /// <summary>A task that completes at the next change of the transaction. Take it before reading the state.</summary>
    public Task NextChange(Guid id) =>
        waiting.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(Guid id)
    {
        if (waiting.TryRemove(id, out var change))
        {
            change.TrySetResult();
        }
    }

    /// <summary>Drops the signal of a wait that ended without a change, so finished waits leave nothing behind.</summary>
    public void Forget(Guid id, Task change)
    {
        if (waiting.TryGetValue(id, out var current) && current.Task == change)
        {
            waiting.TryRemove(new KeyValuePair<Guid, TaskCompletionSource>(id, current));
        }
    }
}
