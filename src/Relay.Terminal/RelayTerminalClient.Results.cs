using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Relay.Terminal;

// Result delivery: outbox first, then the hub; a result leaves the outbox only when the relay answers it.
public sealed partial class RelayTerminalClient
{
    /// <summary>
    /// Saves the result durably, then sends it, waiting across reconnects until the relay answers. Cancelling
    /// <paramref name="ct"/> only stops the wait: the result stays in the outbox and is re-sent on every (re)connect,
    /// also by a new client over the same outbox folder. The same result again is a no-op (it joins the wait, or the relay
    /// answers it as before). A different one is taken once the relay has answered the first: when that answer is
    /// <see cref="CompletionAck.TransactionOpen"/> the transaction is still the app's (in progress here, cancels are raised)
    /// and must be completed again; while the first waits for its answer a different one throws
    /// <see cref="InvalidOperationException"/>.
    /// </summary>
    public async Task<CompletionAck> CompleteTransactionAsync(TerminalResult result, CancellationToken ct = default)
    {
        Check(result);
        // Once saved, the outbox answers for it.
        return await _results.DeliverAsync(result, () => _active.TryRemove(result.TransactionId, out _), ct);
    }

    /// <summary>
    /// Saves the result durably, as <see cref="CompleteTransactionAsync"/> does first, without sending it: for an app that
    /// records the outcome the moment it is decided, before it shows or prints it (which takes time a power cut can fall
    /// in), and reports it after with <see cref="CompleteTransactionAsync"/> and the same result. From the save on, the
    /// result is what the relay gets, on the next (re)connect if the app does not get as far; a cancel no longer reaches the app.
    /// </summary>
    public Task SaveResultAsync(TerminalResult result)
    {
        Check(result);
        return _results.SaveAsync(result, () => _active.TryRemove(result.TransactionId, out _));
    }

    /// <summary>What the relay would refuse whatever happens throws at once, rather than wait in the outbox.</summary>
    private void Check(TerminalResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrEmpty(result.TransactionId);
        result.Validate();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
    }

    private OutboxDelivery<TerminalResult, CompletionAck> NewResultDelivery(string outboxDirectory) => new(
        new Outbox<TerminalResult>(outboxDirectory, r => r.TransactionId, _logger),
        "result",
        SendResultAsync,
        OnResultAnswered,
        () => IsConnected,
        RunningToken,
        _schedule,
        _logger);

    private async Task<CompletionAck?> SendResultAsync(TerminalResult result, CancellationToken ct)
    {
        using (Span("CompleteTransaction", result.TransactionId))
        {
            return await _hub.InvokeAsync<CompletionAck?>("CompleteTransaction", result, ct);
        }
    }

    private void OnResultAnswered(string transactionId, CompletionAck ack, bool awaited)
    {
        if (ack.TransactionOpen)
        {
            if (awaited)
            {
                // The app is told by the ack and reports it again: until then it is in progress here, as before its
                // first result, so a re-send of it is ignored and a cancel reaches the app; its trace goes on.
                _logger.LogWarning("Result for {TransactionId} refused; the transaction is still {Status} and must be completed "
                    + "again with a different result", transactionId, ack.Status);
                _active.TryAdd(transactionId, 0);
            }
            else
            {
                // Nobody here holds it (its result was re-sent after a restart): neither active nor finished, so the
                // relay's re-send of the open transaction hands it to the app again rather than leaving it open forever.
                _logger.LogError("Result for {TransactionId} refused; the transaction is still {Status}, and no one here is "
                    + "waiting for the answer: the app gets it again when the relay re-sends it", transactionId, ack.Status);
            }

            return;
        }

        if (ack.Accepted)
        {
            _logger.LogInformation("Result for {TransactionId} accepted; transaction is {Status}", transactionId, ack.Status);
        }
        else
        {
            _logger.LogWarning("Result for {TransactionId} refused: the transaction is already {Status}", transactionId, ack.Status);
        }

        // Remembered before the file is deleted, so a re-send of the transaction in between is still recognised.
        _finished.Add(transactionId);
        ForgetTrace(transactionId);
    }
}
