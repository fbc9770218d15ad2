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

    /// <summary>
    /// The value once <paramref name="isFinal"/> says so, or as it stands when <paramref name="wait"/> has passed or the
    /// instance is stopping (the client asks again, of another instance). Woken by changes here and, through hints, on
    /// other instances; re-read every second for a change it was not told of. A caller that has just written the value
    /// passes it as <paramref name="known"/>, with the <paramref name="change"/> signal it took before writing.
    /// </summary>
    public async Task<TValue?> UntilFinalAsync(
        TKey key, TimeSpan wait, Func<Task<TValue?>> load, Func<TValue, bool> isFinal, TimeProvider clock, CancellationToken stopping,
        CancellationToken ct, TValue? known = null, Task<TValue?>? change = null)
    {
        var deadline = clock.GetUtcNow() + wait;
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct, stopping);
        IDisposable? interest = null;
        try
        {
            while (true)
            {
                change ??= NextChange(key);
                var value = known ?? await load();
                var remaining = deadline - clock.GetUtcNow();
                if (value is null || isFinal(value) || remaining <= TimeSpan.Zero || stopping.IsCancellationRequested)
                {
                    return value;
                }

                interest ??= await WaitingAsync(key, ct);
                await Task.WhenAny(change,
                    Task.Delay(remaining < TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1), clock, waiting.Token));
                ct.ThrowIfCancellationRequested();
                known = change.IsCompletedSuccessfully ? change.Result : null; // the final value, when it changed here
                change = null;
            }
        }
        finally
        {
            interest?.Dispose();
            waiting.Cancel(); // drops the re-read timer of a wait that a change ended, rather than leave it to fire
            if (change is not null)
            {
                Forget(key, change); // a finished or cancelled wait leaves no signal behind
            }
        }
    }

    /// <summary>
    /// Called when a wait on the key starts waiting (the value not final yet), once per wait: whatever makes the changes
    /// made elsewhere reach this instance, released (disposed) when the wait ends.
    /// </summary>
    protected virtual ValueTask<IDisposable?> WaitingAsync(TKey key, CancellationToken ct) => ValueTask.FromResult<IDisposable?>(null);

    /// <summary>
    /// The same, started ahead of a wait, before the change it waits for can happen, and left to finish meanwhile; released
    /// when the result is disposed (after the wait).
    /// </summary>
    public IAsyncDisposable WaitingSoon(TKey key, CancellationToken ct) => new Ahead(WaitingAsync(key, ct).AsTask());

    private sealed class Ahead(Task<IDisposable?> taking) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                (await taking)?.Dispose();
            }
            catch (OperationCanceledException)
            {
                // the request went away while it was being taken: nothing is held
            }
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
