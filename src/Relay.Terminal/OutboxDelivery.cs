using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace Relay.Terminal;

/// <summary>
/// Delivers one kind of outcome (transaction results, action completions) through its outbox: saved first, then sent,
/// waiting across reconnects; an entry leaves the outbox only when the relay answers it, accepted or not. One entry per id
/// waits at a time: a different one for the same id is taken only once the relay answered the first (as when it refused a
/// result and the transaction stays open), and a late answer to an earlier entry never touches a later one.
/// </summary>
internal sealed class OutboxDelivery<T, TAck>
    where T : class
    where TAck : class
{
    private static readonly TimeSpan MinimumRetryDelay = TimeSpan.FromSeconds(1);

    private readonly Outbox<T> _outbox;
    private readonly string _kind;
    private readonly Func<T, CancellationToken, Task<TAck?>> _send;
    private readonly Action<string, TAck, bool> _answered;
    private readonly Func<bool> _isConnected;
    private readonly Func<CancellationToken?> _runningToken;
    private readonly ReconnectSchedule _schedule;
    private readonly ILogger _logger;

    private readonly ConcurrentDictionary<string, Waiter> _waiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _retrying = new(StringComparer.Ordinal);

    // Saving an entry and taking an answer to one exclude each other, so an answer always finds the file and the waiter of
    // the entry it answers (or knows it is late); both are short, a file written or deleted.
    private readonly SemaphoreSlim _gate = new(1, 1);

    private enum SendOutcome
    {
        Answered,
        NotSent,
        Refused,
    }

    /// <param name="outbox">Where the entries wait.</param>
    /// <param name="kind">What an entry is called in the log ("result").</param>
    /// <param name="send">The hub call; null when the relay answered with nothing.</param>
    /// <param name="answered">
    /// Runs when the relay answered an entry, before its file is deleted, so that a re-send of its work in between is
    /// still recognised by whoever remembers it there; told whether a <see cref="DeliverAsync"/> here is waiting for the answer.
    /// </param>
    /// <param name="isConnected">Whether sending can succeed now.</param>
    /// <param name="runningToken">The client's token from start until stop; null while stopped.</param>
    /// <param name="schedule">The retry delays after a refusal.</param>
    /// <param name="logger">The client's logger.</param>
    public OutboxDelivery(
        Outbox<T> outbox,
        string kind,
        Func<T, CancellationToken, Task<TAck?>> send,
        Action<string, TAck, bool> answered,
        Func<bool> isConnected,
        Func<CancellationToken?> runningToken,
        ReconnectSchedule schedule,
        ILogger logger)
    {
        _outbox = outbox;
        _kind = kind;
        _send = send;
        _answered = answered;
        _isConnected = isConnected;
        _runningToken = runningToken;
        _schedule = schedule;
        _logger = logger;
    }

    public bool Contains(string id) => _outbox.Contains(id);

    /// <summary>The saved entry for <paramref name="id"/>, or null when there is none (never saved, or answered).</summary>
    public T? Saved(string id) => _outbox.Load(id);

    /// <summary>
    /// Saves the entry durably, runs <paramref name="saved"/>, then sends it and waits until the relay answers it.
    /// Cancelling <paramref name="ct"/> only stops the wait: the entry stays in the outbox and is re-sent on every connect.
    /// The same entry again joins the wait (a repeat is a no-op); a different one while the first waits for its answer
    /// throws <see cref="InvalidOperationException"/>: what the outbox holds has been decided and is what the relay gets.
    /// </summary>
    public async Task<TAck> DeliverAsync(T entry, Action saved, CancellationToken ct)
    {
        var id = _outbox.IdOf(entry);
        var json = Json(entry);
        Waiter waiter;
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            await SaveLockedAsync(id, entry, json, saved);
            waiter = _waiters.AddOrUpdate(
                id,
                _ => new Waiter(json),
                (_, existing) => existing.Answer.Task.IsCompleted || !existing.Json.SequenceEqual(json) ? new Waiter(json) : existing);
        }
        finally
        {
            _gate.Release();
        }

        if (_runningToken() is { } token)
        {
            _ = SendAsync(entry, token);
        }

        return await waiter.Answer.Task.WaitAsync(ct);
    }

    /// <summary>
    /// Saves the entry durably and runs <paramref name="saved"/>, without sending it: <see cref="DeliverAsync"/> with the same
    /// entry sends it, and every connect re-sends it until the relay answers. A different one saved and waiting throws
    /// <see cref="InvalidOperationException"/>, as in <see cref="DeliverAsync"/>.
    /// </summary>
    public async Task SaveAsync(T entry, Action saved)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            await SaveLockedAsync(_outbox.IdOf(entry), entry, Json(entry), saved);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The save, under the gate; the same entry saved already (by <see cref="SaveAsync"/>, or a retry) is not written
    /// again.</summary>
    private async Task SaveLockedAsync(string id, T entry, byte[] json, Action saved)
    {
        var waiting = _outbox.Load(id);
        if (waiting is null)
        {
            await _outbox.SaveAsync(entry);
        }
        else if (!json.SequenceEqual(Json(waiting)))
        {
            throw new InvalidOperationException(
                $"A different {_kind} for {id} is saved and waiting for the relay's answer; it cannot be replaced.");
        }

        saved();
    }

    /// <summary>Sends every saved entry, oldest first, while connected; the next connect flushes again.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var pending = _outbox.LoadAll();
        if (pending.Count > 0)
        {
            _logger.LogInformation("Re-sending {Count} saved {Kind}(s)", pending.Count, _kind);
        }

        foreach (var entry in pending)
        {
            if (ct.IsCancellationRequested || !_isConnected())
            {
                return;
            }

            await SendAsync(entry, ct);
        }
    }

    public async Task SendAsync(T entry, CancellationToken ct)
    {
        if (await SendOnceAsync(entry, ct) == SendOutcome.Refused)
        {
            _ = RetryRefusedAsync(entry, ct);
        }
    }

    /// <summary>Ends every wait (the client is disposed); the entries stay in the outbox.</summary>
    public void CancelWaiters()
    {
        foreach (var id in _waiters.Keys)
        {
            if (_waiters.TryRemove(id, out var waiter))
            {
                waiter.Answer.TrySetCanceled();
            }
        }
    }

    // Entries are compared as the relay would see them: an entry read back from its file is not the same object.
    private static byte[] Json(T entry) => JsonSerializer.SerializeToUtf8Bytes(entry, TerminalJson.Options);

    // The relay answered with an error (its database down, say) rather than an ack: try again on the reconnect
    // schedule while connected. When the connection drops, the flush on reconnect takes over.
    private async Task RetryRefusedAsync(T entry, CancellationToken ct)
    {
        var id = _outbox.IdOf(entry);
        if (!_retrying.TryAdd(id, 0))
        {
            return;
        }

        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var delay = _schedule.Delay(attempt);
                await Task.Delay(delay < MinimumRetryDelay ? MinimumRetryDelay : delay, ct);
                if (!_isConnected() || !IsSaved(entry) || await SendOnceAsync(entry, ct) != SendOutcome.Refused)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _retrying.TryRemove(id, out _);
        }
    }

    private async Task<SendOutcome> SendOnceAsync(T entry, CancellationToken ct)
    {
        var id = _outbox.IdOf(entry);
        try
        {
            var ack = await _send(entry, ct);
            if (ack is null)
            {
                _logger.LogWarning("The relay answered the {Kind} for {Id} with nothing; will retry", _kind, id);
                return SendOutcome.Refused;
            }

            await OnAnsweredAsync(entry, ack);
            return SendOutcome.Answered;
        }
        catch (HubException ex)
        {
            _logger.LogWarning("The relay failed to take the {Kind} for {Id}: {Error}; will retry", _kind, id, ex.Message);
            return SendOutcome.Refused;
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "The {Kind} for {Id} was not sent; it stays in the outbox", _kind, id);
            return SendOutcome.NotSent;
        }
    }

    private bool IsSaved(T entry) => _outbox.Load(_outbox.IdOf(entry)) is { } saved && Json(saved).SequenceEqual(Json(entry));

    private async Task OnAnsweredAsync(T entry, TAck ack)
    {
        var id = _outbox.IdOf(entry);
        var json = Json(entry);
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            // The file and the waiter are this entry's only while they hold it: an entry answered twice (sent by a flush
            // and by DeliverAsync at once) is taken once, and a late answer to a refused one leaves its successor alone.
            var saved = _outbox.Load(id) is { } current && Json(current).SequenceEqual(json);
            var waiter = _waiters.TryGetValue(id, out var w) && w.Json.SequenceEqual(json) && _waiters.TryRemove(KeyValuePair.Create(id, w))
                ? w
                : null;
            if (!saved && waiter is null)
            {
                _logger.LogDebug("A late answer to an earlier {Kind} for {Id}; already taken", _kind, id);
                return;
            }

            _answered(id, ack, waiter is not null);
            if (saved)
            {
                _outbox.Delete(id);
            }

            waiter?.Answer.TrySetResult(ack);
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed class Waiter(byte[] json)
    {
        public byte[] Json { get; } = json;

        public TaskCompletionSource<TAck> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
