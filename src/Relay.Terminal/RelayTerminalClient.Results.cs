using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Relay.Terminal;

// Result delivery: outbox first, then the hub; a result leaves the outbox only when the relay answers it.
public sealed partial class RelayTerminalClient
{
    private static readonly TimeSpan MinimumRetryDelay = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, TaskCompletionSource<CompletionAck>> _waiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _retrying = new(StringComparer.Ordinal);

    private enum SendOutcome
    {
        Answered,
        NotSent,
        Refused,
    }

    /// <summary>
    /// Saves the result durably, then sends it, waiting across reconnects until the relay answers. Cancelling
    /// <paramref name="ct"/> only stops the wait: the result stays in the outbox and is re-sent on every (re)connect,
    /// also by a new client over the same outbox folder.
    /// </summary>
    public async Task<CompletionAck> CompleteTransactionAsync(TerminalResult result, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrEmpty(result.TransactionId);
        result.Validate();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);

        await _outbox.SaveAsync(result);
        _active.TryRemove(result.TransactionId, out _); // from here the outbox answers for it

        var waiter = _waiters.AddOrUpdate(
            result.TransactionId,
            _ => NewWaiter(),
            (_, existing) => existing.Task.IsCompleted ? NewWaiter() : existing);
        if (RunningToken() is { } token)
        {
            _ = SendAsync(result, token);
        }

        return await waiter.Task.WaitAsync(ct);
    }

    private static TaskCompletionSource<CompletionAck> NewWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task FlushOutboxAsync(CancellationToken ct)
    {
        var pending = _outbox.LoadAll();
        if (pending.Count > 0)
        {
            _logger.LogInformation("Re-sending {Count} saved result(s)", pending.Count);
        }

        foreach (var result in pending)
        {
            if (ct.IsCancellationRequested || !IsConnected)
            {
                return; // the next connect flushes again
            }

            await SendAsync(result, ct);
        }
    }

    private async Task SendAsync(TerminalResult result, CancellationToken ct)
    {
        if (await SendOnceAsync(result, ct) == SendOutcome.Refused)
        {
            _ = RetryRefusedAsync(result, ct);
        }
    }

    // The relay answered with an error (its database down, say) rather than an ack: try again on the reconnect
    // schedule while connected. When the connection drops, the flush on reconnect takes over.
    private async Task RetryRefusedAsync(TerminalResult result, CancellationToken ct)
    {
        var id = result.TransactionId;
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
                if (!IsConnected || !_outbox.Contains(id) || await SendOnceAsync(result, ct) != SendOutcome.Refused)
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

    private async Task<SendOutcome> SendOnceAsync(TerminalResult result, CancellationToken ct)
    {
        var id = result.TransactionId;
        try
        {
            CompletionAck? ack;
            using (Span("CompleteTransaction", id))
            {
                ack = await _hub.InvokeAsync<CompletionAck?>("CompleteTransaction", result, ct);
            }

            if (ack is null)
            {
                _logger.LogWarning("The relay answered the result for {TransactionId} with nothing; will retry", id);
                return SendOutcome.Refused;
            }

            OnAnswered(id, ack);
            return SendOutcome.Answered;
        }
        catch (HubException ex)
        {
            _logger.LogWarning("The relay failed to take the result for {TransactionId}: {Error}; will retry", id, ex.Message);
            return SendOutcome.Refused;
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "Result for {TransactionId} not sent; it stays in the outbox", id);
            return SendOutcome.NotSent;
        }
    }

    private void OnAnswered(string transactionId, CompletionAck ack)
    {
        if (ack.Accepted)
        {
            _logger.LogInformation("Result for {TransactionId} accepted; transaction is {Status}", transactionId, ack.Status);
        }
        else
        {
            _logger.LogWarning("Result for {TransactionId} refused: the transaction is already {Status}", transactionId, ack.Status);
        }

        // Remember it before deleting the file, so a re-send of the transaction in between is still recognised.
        _finished.Add(transactionId);
        ForgetTrace(transactionId);
        _outbox.Delete(transactionId);
        if (_waiters.TryRemove(transactionId, out var waiter))
        {
            waiter.TrySetResult(ack);
        }
    }
}
