using System.Globalization;
using System.Threading.Channels;

namespace Relay.Terminal.Simulator;

// The POS's actions: one at a time in arrival order, on a queue and task of their own so a cart shown or a question asked
// during a payment neither waits for it nor holds it up. Each is acknowledged first, then done at once (printing what the
// screen or printer would show), except collect_inputs, whose customer takes PinDelay per question and can be cancelled.
public sealed partial class SimulatedTerminal
{
    private readonly Channel<TerminalAction> _actions =
        Channel.CreateUnbounded<TerminalAction>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _actionWorker;

    // Guarded by _lock, like the transactions' state.
    private readonly HashSet<string> _queuedActions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _actionsCancelledWhileQueued = new(StringComparer.Ordinal);
    private ActionInFlight? _currentAction;

    /// <summary>Raised after the relay answered an action's completion (for tests).</summary>
    public event Action<ActionCompletion, ActionAck>? ActionCompleted;

    private Task OnStartActionAsync(TerminalAction action)
    {
        lock (_lock)
        {
            if (_currentAction?.Action.Id == action.Id || !_queuedActions.Add(action.Id))
            {
                return Task.CompletedTask;
            }

            if (_currentAction is { } busy)
            {
                _output.Print($"{ActionTag(action.Id)} queued behind {ActionTag(busy.Action.Id)}");
            }
        }

        _actions.Writer.TryWrite(action);
        return Task.CompletedTask;
    }

    private Task OnCancelActionRequestedAsync(string actionId)
    {
        var tag = ActionTag(actionId);
        lock (_lock)
        {
            if (_currentAction is { } current && current.Action.Id == actionId)
            {
                if (current.Decided)
                {
                    _output.Print($"{tag} cancel requested, but it is already done: ignored");
                }
                else
                {
                    _output.Print($"{tag} cancel requested");
                    current.CancelRequested.TrySetResult();
                }
            }
            else if (_queuedActions.Contains(actionId))
            {
                _output.Print($"{tag} cancel requested while queued");
                _actionsCancelledWhileQueued.Add(actionId);
            }
            else
            {
                _output.Print($"{tag} cancel requested for an action not here: ignored");
            }
        }

        return Task.CompletedTask;
    }

    private async Task WorkOnActionsAsync()
    {
        try
        {
            await foreach (var action in _actions.Reader.ReadAllAsync(_stopping.Token))
            {
                try
                {
                    await ProcessActionAsync(action, _stopping.Token);
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    _output.Print($"{ActionTag(action.Id)} error: {ex.Message}");
                }
                finally
                {
                    lock (_lock)
                    {
                        _currentAction = null;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ProcessActionAsync(TerminalAction action, CancellationToken ct)
    {
        var tag = ActionTag(action.Id);
        var current = new ActionInFlight(action);
        lock (_lock)
        {
            _queuedActions.Remove(action.Id);
            _currentAction = current;
            if (_actionsCancelledWhileQueued.Remove(action.Id))
            {
                current.CancelRequested.TrySetResult();
            }
        }

        _output.Print($"{tag} received {Describe(action)}");
        bool proceed;
        try
        {
            proceed = await _client.ActionReceivedAsync(action.Id, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            _output.Print($"{tag} could not acknowledge it ({ex.Message}); dropped, the relay re-sends it on reconnect");
            return;
        }

        if (!proceed)
        {
            _output.Print($"{tag} relay says drop it (cancelled or expired meanwhile); not done");
            return;
        }

        _output.Print($"{tag} relay says proceed");
        ActionCompletion completion;
        if (action.Type == "collect_inputs")
        {
            completion = await CollectInputsAsync(current, ct);
        }
        else if (!Begin(current))
        {
            _output.Print($"{tag} cancelled before it was done");
            completion = ActionCompletion.Cancelled(action.Id);
        }
        else
        {
            completion = action.Type switch
            {
                "display" => ShowDisplay(action),
                "clear_display" => ClearDisplay(action),
                "print" => PrintAction(action),
                "show_qr" => ShowQr(action),
                "ping" => Ping(action),
                _ => ActionCompletion.Failed(action.Id, "unsupported_action", $"This terminal cannot do '{action.Type}'."),
            };
        }

        _output.Print($"{tag} {Describe(completion)}");
        try
        {
            var ack = await _client.CompleteActionAsync(completion, ct);
            _output.Print($"{tag} relay {(ack.Accepted ? "accepted" : "refused")} the completion; action is {ack.Status}");
            ActionCompleted?.Invoke(completion, ack);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _output.Print($"{tag} stopping before the relay answered; the completion is saved and sent on the next run");
            throw;
        }
    }

    /// <summary>
    /// The moment an action is done, or its answers are all in: a cancel before it wins (false: complete it cancelled), a
    /// cancel after it is ignored.
    /// </summary>
    private bool Begin(ActionInFlight current)
    {
        lock (_lock)
        {
            if (current.CancelRequested.Task.IsCompleted)
            {
                return false;
            }

            current.Decided = true;
            return true;
        }
    }

    private ActionCompletion ShowDisplay(TerminalAction action)
    {
        var tag = ActionTag(action.Id);
        var display = action.Display ?? new ActionDisplay();
        foreach (var line in display.Lines ?? [])
        {
            var quantity = line.Quantity is { } count ? $"{count} x " : "";
            var amount = line.Amount is { } minor ? "  " + Money.Format(minor, display.Currency) : "";
            _output.Print($"{tag} screen: {quantity}{line.Description}{amount}");
        }

        if (display.Total is { } total)
        {
            _output.Print($"{tag} screen: TOTAL  {Money.Format(total, display.Currency)}");
        }

        foreach (var line in Lines(display.Text))
        {
            _output.Print($"{tag} screen: {line}");
        }

        if (display.Lines is not { Count: > 0 } && display.Total is null && string.IsNullOrEmpty(display.Text))
        {
            _output.Print($"{tag} screen: (nothing to show)");
        }

        return ActionCompletion.Succeeded(action.Id);
    }

    private ActionCompletion ClearDisplay(TerminalAction action)
    {
        _output.Print($"{ActionTag(action.Id)} screen cleared");
        return ActionCompletion.Succeeded(action.Id);
    }

    private ActionCompletion PrintAction(TerminalAction action)
    {
        var tag = ActionTag(action.Id);
        var print = action.Print ?? new ActionPrint(null, null);
        foreach (var line in Lines(print.Text))
        {
            _output.Print($"{tag} printer: {line}");
        }

        if (!string.IsNullOrEmpty(print.QrCode))
        {
            _output.Print($"{tag} printer: [QR code] {print.QrCode}");
        }

        if (string.IsNullOrEmpty(print.Text) && string.IsNullOrEmpty(print.QrCode))
        {
            _output.Print($"{tag} printer: (nothing to print)");
        }

        return ActionCompletion.Succeeded(action.Id);
    }

    private ActionCompletion ShowQr(TerminalAction action)
    {
        var tag = ActionTag(action.Id);
        if (action.Qr is not { Data.Length: > 0 } qr)
        {
            _output.Print($"{tag} no QR data to show");
            return ActionCompletion.Failed(action.Id, "invalid_action", "The show_qr action has no QR data.");
        }

        _output.Print($"{tag} screen: [QR code] {qr.Data}");
        foreach (var line in Lines(qr.Text))
        {
            _output.Print($"{tag} screen: {line}");
        }

        return ActionCompletion.Succeeded(action.Id);
    }

    private ActionCompletion Ping(TerminalAction action)
    {
        var version = SimulatorVersion.Current ?? "unknown";
        _output.Print($"{ActionTag(action.Id)} pong: app version {version}");
        return ActionCompletion.Succeeded(action.Id, ActionCompletion.PingResult(version));
    }

    /// <summary>
    /// Asks each question in order; the customer takes PinDelay to answer each. A cancel before the last answer is in
    /// ends it <c>cancelled</c>; running past the action's timeoutSeconds fails it <c>timeout</c>; a skipped required
    /// question (scripted null) fails it <c>required_input_skipped</c>.
    /// </summary>
    private async Task<ActionCompletion> CollectInputsAsync(ActionInFlight current, CancellationToken ct)
    {
        var action = current.Action;
        var tag = ActionTag(action.Id);
        var inputs = action.Inputs ?? [];
        var deadline = action.TimeoutSeconds is { } seconds ? DateTimeOffset.UtcNow.AddSeconds(seconds) : (DateTimeOffset?)null;
        var answers = new List<CollectedInput>(inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            _output.Print($"{tag} question {i + 1}/{inputs.Count} {Describe(input)}: {input.Prompt}");

            var wait = _options.PinDelay;
            var timesOut = false;
            if (deadline is { } end && end - DateTimeOffset.UtcNow < wait)
            {
                wait = end - DateTimeOffset.UtcNow;
                timesOut = true;
            }

            if (await WaitOrCancelAsync(wait, current.CancelRequested, ct))
            {
                _output.Print($"{tag} cancelled by the POS at question {i + 1}/{inputs.Count}");
                return ActionCompletion.Cancelled(action.Id);
            }

            if (timesOut)
            {
                _output.Print($"{tag} no answer within {action.TimeoutSeconds} s");
                return Decide(current, ActionCompletion.Failed(action.Id, "timeout", $"No answer within {action.TimeoutSeconds} s."));
            }

            var (value, scripted) = SimulatedInputs.Answer(input, _options.InputAnswers);
            var source = scripted ? " (scripted)" : "";
            if (value is null && input.Required)
            {
                _output.Print($"{tag} customer skipped a required question{source}");
                return Decide(current,
                    ActionCompletion.Failed(action.Id, "required_input_skipped", $"Input '{input.Id}' is required and was skipped."));
            }

            _output.Print(value is null ? $"{tag} customer skipped it{source}" : $"{tag} customer answered: {value}{source}");
            answers.Add(new CollectedInput(input.Id, value, Skipped: value is null));
        }

        return Decide(current, ActionCompletion.Succeeded(action.Id, ActionCompletion.InputsResult(answers)));
    }

    /// <summary><paramref name="completion"/>, unless a cancel came first (<see cref="Begin"/>).</summary>
    private ActionCompletion Decide(ActionInFlight current, ActionCompletion completion) =>
        Begin(current) ? completion : ActionCompletion.Cancelled(current.Action.Id);

    private static IEnumerable<string> Lines(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.ReplaceLineEndings("\n").Split('\n');

    private static string Describe(TerminalAction action) => action.Type switch
    {
        "display" => "display" + Describe(action.Display),
        "collect_inputs" => $"collect_inputs ({Count(action.Inputs?.Count ?? 0, "question")}"
            + (action.TimeoutSeconds is { } seconds ? $", {seconds} s to answer)" : ")"),
        _ => action.Type,
    };

    private static string Describe(ActionDisplay? display)
    {
        var parts = new List<string>();
        if (display?.Lines is { Count: > 0 } lines) parts.Add(Count(lines.Count, "line"));
        if (display?.Total is { } total) parts.Add("total " + Money.Format(total, display.Currency));
        if (!string.IsNullOrEmpty(display?.Text)) parts.Add("text");
        return parts.Count > 0 ? $" ({string.Join(", ", parts)})" : "";
    }

    private static string Describe(ActionInput input)
    {
        var details = new List<string> { input.Kind };
        if (input.Required) details.Add("required");
        if (input.Choices is { Count: > 0 } choices) details.Add(string.Join(" | ", choices));
        if (input.Min is not null || input.Max is not null)
        {
            details.Add(string.Create(CultureInfo.InvariantCulture, $"{input.Min}..{input.Max}"));
        }

        return $"({string.Join(", ", details)})";
    }

    private static string Describe(ActionCompletion completion) => completion.Status switch
    {
        ActionCompletion.StatusFailed => $"failed: {completion.FailureCode} ({completion.FailureMessage})",
        var status => status,
    };

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string ActionTag(string actionId) => "action " + Tag(actionId);

    private sealed class ActionInFlight(TerminalAction action)
    {
        public TerminalAction Action { get; } = action;

        public TaskCompletionSource CancelRequested { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Done (or its answers all in): a cancel from here on is ignored.</summary>
        public bool Decided { get; set; }
    }
}
