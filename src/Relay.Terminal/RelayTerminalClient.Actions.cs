using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Relay.Terminal;

// POS-driven actions (display, questions, print, ...): handed to the app once per id, completed through their own outbox,
// <outbox>/actions, exactly as transactions and their results are.
public sealed partial class RelayTerminalClient
{
    private const string ActionsFolder = "actions";

    // Actions handed to the app and not yet completed, and those finished in this process: repeats are no-ops.
    private readonly ConcurrentDictionary<string, byte> _activeActions = new(StringComparer.Ordinal);
    private readonly RecentIds _finishedActions = new(capacity: 4096);

    /// <summary>A new action (never raised twice for one id while it is active or its completion is known).</summary>
    public event Func<TerminalAction, Task>? StartActionReceived;

    /// <summary>The POS cancelled this action. Not raised once its completion is saved.</summary>
    public event Func<string, Task>? CancelActionRequested;

    /// <summary>
    /// Acknowledges receipt. False: the action was cancelled or expired meanwhile; drop it and do nothing. If this throws,
    /// the client forgets the action, so the relay's re-send after reconnecting reaches the app again: drop it too.
    /// </summary>
    public async Task<bool> ActionReceivedAsync(string actionId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actionId);
        ProceedAnswer answer;
        try
        {
            answer = await _hub.InvokeAsync<ProceedAnswer>("ActionReceived", actionId, ct);
        }
        catch
        {
            _activeActions.TryRemove(actionId, out _);
            throw;
        }

        if (!answer.Proceed)
        {
            _activeActions.TryRemove(actionId, out _);
            _finishedActions.Add(actionId);
        }

        return answer.Proceed;
    }

    /// <summary>
    /// Saves the completion durably, then sends it, waiting across reconnects until the relay answers. Cancelling
    /// <paramref name="ct"/> only stops the wait: the completion stays in the outbox and is re-sent on every (re)connect,
    /// also by a new client over the same outbox folder. Throws <see cref="ArgumentException"/> at once for a completion
    /// the relay could never accept (see <see cref="ActionCompletion.Validate"/>), and <see cref="InvalidOperationException"/>
    /// for a different completion while the first waits for the relay's answer (the same one again joins the wait).
    /// </summary>
    public async Task<ActionAck> CompleteActionAsync(ActionCompletion completion, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(completion);
        completion.Validate();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);

        // Once saved, the outbox answers for it.
        return await _actions.DeliverAsync(completion, () => _activeActions.TryRemove(completion.ActionId, out _), ct);
    }

    private OutboxDelivery<ActionCompletion, ActionAck> NewActionDelivery(string outboxDirectory) => new(
        new Outbox<ActionCompletion>(Path.Combine(outboxDirectory, ActionsFolder), c => c.ActionId, _logger),
        "action completion",
        (completion, ct) => _hub.InvokeAsync<ActionAck?>("CompleteAction", completion, ct),
        OnActionAnswered,
        () => IsConnected,
        RunningToken,
        _schedule,
        _logger);

    private void OnActionAnswered(string actionId, ActionAck ack, bool awaited)
    {
        if (ack.Accepted)
        {
            _logger.LogInformation("Completion of action {ActionId} accepted; action is {Status}", actionId, ack.Status);
        }
        else
        {
            _logger.LogWarning("Completion of action {ActionId} refused: the action is already {Status}", actionId, ack.Status);
        }

        // Remembered before the file is deleted, so a re-send of the action in between is still recognised.
        _finishedActions.Add(actionId);
    }

    private Task OnStartActionAsync(TerminalAction action)
    {
        var id = action.Id;
        if (_activeActions.ContainsKey(id))
        {
            _logger.LogDebug("Action {ActionId} re-sent while in progress here; ignored", id);
            return Task.CompletedTask;
        }

        if (_actions.Saved(id) is { } saved)
        {
            _logger.LogInformation("Action {ActionId} re-sent but already completed here; re-sending its completion", id);
            if (RunningToken() is { } token)
            {
                _ = _actions.SendAsync(saved, token);
            }

            return Task.CompletedTask;
        }

        if (_finishedActions.Contains(id) || !_activeActions.TryAdd(id, 0))
        {
            _logger.LogDebug("Action {ActionId} re-sent after it finished here; ignored", id);
            return Task.CompletedTask;
        }

        return RaiseAsync(StartActionReceived, action);
    }

    private Task OnCancelActionAsync(string actionId)
    {
        if (_actions.Contains(actionId) || _finishedActions.Contains(actionId))
        {
            _logger.LogInformation("Cancel for action {ActionId} ignored: its completion is already decided", actionId);
            return Task.CompletedTask;
        }

        return RaiseAsync(CancelActionRequested, actionId);
    }
}
