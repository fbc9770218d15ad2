using System.Threading.Channels;

namespace Relay.Terminal.Simulator;

/// <summary>
/// A card terminal on top of <see cref="RelayTerminalClient"/>: takes transactions one at a time (later ones queue),
/// walks each through receive → present card → started → PIN → outcome → result, and prints every step.
/// The flow runs on its own task so the client's events are never held up by a customer "typing a PIN". The POS's
/// actions (SimulatedTerminal.Actions.cs) run one at a time on a task of their own, beside the payments.
/// </summary>
public sealed partial class SimulatedTerminal : IAsyncDisposable
{
    private readonly RelayTerminalClient _client;
    private readonly SimulatorOptions _options;
    private long _quietUntilTicks;
    private readonly StepWriter _output;
    private readonly Channel<TerminalTransaction> _queue =
        Channel.CreateUnbounded<TerminalTransaction>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _worker;

    private readonly Lock _lock = new();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly HashSet<string> _cancelledWhileQueued = new(StringComparer.Ordinal);
    private InFlight? _current;
    private readonly SimulatedBatch _batch;

    public SimulatedTerminal(RelayTerminalClient client, SimulatorOptions options, TextWriter output)
    {
        _client = client;
        _options = options;
        _output = new StepWriter(output);
        _batch = new SimulatedBatch(options.BatchFile, TimeProvider.System);

        _client.StartTransactionReceived += OnStartTransactionAsync;
        _client.CancelRequested += OnCancelRequestedAsync;
        _client.PairingChanged += OnPairingChangedAsync;
        _client.ConfigurationChanged += OnConfigurationChangedAsync;
        _client.Connected += OnConnectedAsync;
        _client.Disconnected += OnDisconnectedAsync;
        _client.StartActionReceived += OnStartActionAsync;
        _client.CancelActionRequested += OnCancelActionRequestedAsync;
        _worker = Task.Run(WorkAsync);
        _actionWorker = Task.Run(WorkOnActionsAsync);
    }

    /// <summary>
    /// Raised after the relay answered a result (for tests and benchmarks): twice for a partial approval the relay refused,
    /// once with the refusal and once with the answer to the reversal reported after it.
    /// </summary>
    public event Action<TerminalResult, CompletionAck>? TransactionCompleted;

    public async ValueTask DisposeAsync()
    {
        _client.StartTransactionReceived -= OnStartTransactionAsync;
        _client.CancelRequested -= OnCancelRequestedAsync;
        _client.PairingChanged -= OnPairingChangedAsync;
        _client.ConfigurationChanged -= OnConfigurationChangedAsync;
        _client.Connected -= OnConnectedAsync;
        _client.Disconnected -= OnDisconnectedAsync;
        _client.StartActionReceived -= OnStartActionAsync;
        _client.CancelActionRequested -= OnCancelActionRequestedAsync;

        _queue.Writer.TryComplete();
        _actions.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _worker;
        await _actionWorker;
        _stopping.Dispose();
    }

    private Task OnStartTransactionAsync(TerminalTransaction transaction)
    {
        lock (_lock)
        {
            if (_current?.Transaction.Id == transaction.Id || !_queued.Add(transaction.Id))
            {
                return Task.CompletedTask;
            }

            if (_current is { } busy)
            {
                _output.Print($"{Tag(transaction.Id)} queued behind {Tag(busy.Transaction.Id)}");
            }
        }

        _queue.Writer.TryWrite(transaction);
        return Task.CompletedTask;
    }

    private Task OnCancelRequestedAsync(string transactionId)
    {
        lock (_lock)
        {
            if (_current is { } current && current.Transaction.Id == transactionId)
            {
                if (current.Decided)
                {
                    _output.Print($"{Tag(transactionId)} cancel requested, but the outcome is already decided: ignored");
                }
                else
                {
                    _output.Print($"{Tag(transactionId)} cancel requested");
                    current.CancelRequested.TrySetResult();
                }
            }
            else if (_queued.Contains(transactionId))
            {
                _output.Print($"{Tag(transactionId)} cancel requested while queued");
                _cancelledWhileQueued.Add(transactionId);
            }
            else
            {
                _output.Print($"{Tag(transactionId)} cancel requested for a transaction not here: ignored");
            }
        }

        return Task.CompletedTask;
    }

    private Task OnPairingChangedAsync(PairingChange change)
    {
        var register = change.RegisterName is { Length: > 0 } name ? $"{name} ({change.RegisterId})" : change.RegisterId;
        _output.Print(change.Paired ? $"Paired with register {register}" : $"Unpaired from register {register}");
        return Task.CompletedTask;
    }

    private Task OnConnectedAsync()
    {
        _output.Print("Connected to the relay");
        return Task.CompletedTask;
    }

    private Task OnDisconnectedAsync(Exception? error)
    {
        _output.Print("Disconnected from the relay" + (error is null ? "" : $": {error.Message}") + "; reconnecting");
        return Task.CompletedTask;
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var transaction in _queue.Reader.ReadAllAsync(_stopping.Token))
            {
                try
                {
                    await ProcessAsync(transaction, _stopping.Token);
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    _output.Print($"{Tag(transaction.Id)} error: {ex.Message}");
                }
                finally
                {
                    lock (_lock)
                    {
                        _current = null;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ProcessAsync(TerminalTransaction transaction, CancellationToken ct)
    {
        transaction = Configured(transaction);
        var tag = Tag(transaction.Id);
        var current = new InFlight(transaction);
        lock (_lock)
        {
            _queued.Remove(transaction.Id);
            _current = current;
            if (_cancelledWhileQueued.Remove(transaction.Id))
            {
                current.CancelRequested.TrySetResult();
            }
        }

        _output.Print($"{tag} received {Describe(transaction)}");
        if (transaction.Options is { } options)
        {
            _output.Print($"{tag} options: {Describe(options, transaction.Currency)}");
        }

        bool proceed;
        try
        {
            proceed = await _client.TransactionReceivedAsync(transaction.Id, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            _output.Print($"{tag} could not acknowledge it ({ex.Message}); dropped, the relay re-sends it on reconnect");
            return;
        }

        if (!proceed)
        {
            _output.Print($"{tag} relay says drop it (cancelled or expired meanwhile); card not touched");
            return;
        }

        _output.Print($"{tag} relay says proceed");
        var card = transaction.Amount is not null;
        TerminalResult? signed = null;
        var qr = SimulatedOutcomes.PaysByQr(transaction);
        if (card && transaction.Options?.Tipping is { OnTerminal: true } tipping)
        {
            await ShowAsync(transaction, "Add a tip? " + TipPresets(tipping, transaction.Currency), ct);
            // A percentage is shown with what it comes to; a fixed amount is already money.
            var chosen = SimulatedOutcomes.TipOnTerminal(transaction) switch
            {
                { Choice: var percent } tip when percent.EndsWith('%') =>
                    $"a tip of {percent} ({Money.Format(tip.Amount, transaction.Currency)})",
                { Choice: var amount } => $"a tip of {amount}",
                null => "no tip",
            };
            _output.Print($"{tag} customer chose {chosen} on the terminal");
        }

        if (qr)
        {
            await ShowAsync(transaction, "Scan the QR code to pay", ct);
            _output.Print($"{tag} customer scans the QR code with {SimulatedOutcomes.QrWallet}");
            if (!await WaitOrCancelAsync(_options.CardDelay, current.CancelRequested, ct))
            {
                await ReportStartedAsync(transaction, "QR code scanned", ct);
                await WaitOrCancelAsync(_options.PinDelay, current.CancelRequested, ct);
            }
        }
        else if (card)
        {
            await ShowAsync(transaction, "Present card", ct);
            if (!await WaitOrCancelAsync(_options.CardDelay, current.CancelRequested, ct))
            {
                await NotifyAsync("card_inserted", transaction, ct);
                await ReportStartedAsync(transaction, "card read", ct);
                if (SimulatedOutcomes.NeedsSignature(transaction))
                {
                    signed = await SignatureAsync(transaction, ct);
                }
                else
                {
                    await ShowAsync(transaction, "Enter PIN", ct);
                    await WaitOrCancelAsync(_options.PinDelay, current.CancelRequested, ct);
                }
            }
        }
        else if (!await WaitOrCancelAsync(TimeSpan.Zero, current.CancelRequested, ct))
        {
            await ReportStartedAsync(transaction, $"processing {WireNames.Of(transaction.Type)}", ct);
            await WaitOrCancelAsync(_options.CardDelay, current.CancelRequested, ct);
        }

        await ShowAsync(transaction, "Authorising", ct);
        var result = signed is not null && !current.CancelRequested.Task.IsCompleted ? Decided(current, signed) : Decide(current);
        // A settlement closes the batch: its totals go in the result, then as the settlement itself, whatever the relay answers
        // the result (the batch is closed with the acquirer either way).
        var closed = transaction.Type == TransactionType.Settlement && result?.Outcome == TransactionOutcome.Approved
            ? _batch.Close()
            : default((DateTimeOffset?, IReadOnlyList<SettlementTotal>)?);
        if (closed is { } batch) result = result! with { Totals = batch.Item2 };
        if (result is null)
        {
            _output.Print($"{tag} holding (amount ends in 53): no outcome until the POS cancels");
            await current.CancelRequested.Task.WaitAsync(ct);
            result = Decide(current)!;
        }

        var ack = await ReportAsync(transaction, result, cardRemoved: card && !qr, ct);
        if (closed is { } settled)
        {
            await ReportBatchAsync(settled, ct);
        }

        if (ack.TransactionOpen && result.Partial == true)
        {
            // As a card network would, the simulator approved what the card allowed; the POS did not allow a partial
            // approval, so the relay kept the transaction open: give the money back and report it declined instead.
            _output.Print($"{tag} partial approval not allowed: reversing it "
                + $"({Money.Format(result.AmountAuthorised ?? 0, transaction.Currency)} back to the card)");
            await ReportAsync(transaction, SimulatedOutcomes.PartialReversed(transaction), cardRemoved: false, ct);
        }
        else if (ack.TransactionOpen)
        {
            _output.Print($"{tag} the transaction stays open: the simulator has no other outcome for it");
        }
    }

    /// <summary>Saves the outcome (the moment the card is charged, for the simulator), shows and prints it, then reports it to
    /// the relay and prints the relay's answer.</summary>
    private async Task<CompletionAck> ReportAsync(
        TerminalTransaction transaction, TerminalResult result, bool cardRemoved, CancellationToken ct)
    {
        result = Configured(result);
        var tag = Tag(transaction.Id);
        // Saved before the screen and the printer, which talk to the relay: killed meanwhile, the next run sends this
        // outcome instead of charging the card again.
        await _client.SaveResultAsync(result);
        _output.Print($"{tag} {Describe(result, transaction.Currency)}");
        await ShowAsync(transaction, result.ResponseText ?? WireNames.Of(result.Outcome), ct);
        if (!SimulatedOutcomes.PrintsReceipts(transaction))
        {
            // The receipts still go to the relay in the result, for the POS to print or not.
            _output.Print($"{tag} receipts not printed on the terminal (printReceipt {transaction.Options?.PrintReceipt})");
        }
        else
        {
            if (result.MerchantReceipt is { } merchantCopy) await PrintAsync(transaction, ReceiptKind.Merchant, merchantCopy, ct);
            if (result.CustomerReceipt is { } customerCopy) await PrintAsync(transaction, ReceiptKind.Customer, customerCopy, ct);
        }

        if (cardRemoved) await NotifyAsync("card_removed", transaction, ct);
        try
        {
            var ack = await _client.CompleteTransactionAsync(result, ct);
            _output.Print($"{tag} relay {(ack.Accepted ? "accepted" : "refused")} the result; transaction is {ack.Status}");
            AddToBatch(transaction, result, ack);
            TransactionCompleted?.Invoke(result, ack);
            return ack;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _output.Print($"{tag} stopping before the relay answered; the result is saved and sent on the next run");
            throw;
        }
    }

    /// <summary>Amounts ending in 54: the customer signs and the POS operator is asked whether the signature matches.</summary>
    private async Task<TerminalResult> SignatureAsync(TerminalTransaction transaction, CancellationToken ct)
    {
        var tag = Tag(transaction.Id);
        await ShowAsync(transaction, "Please sign", ct);
        _output.Print($"{tag} asking the POS: Signature OK? (answer with POST /api/v1/transactions/{transaction.Id}/inputs/signature)");
        string? answer;
        try
        {
            answer = await _client.AskAsync(transaction.Id,
                new InputRequest("signature", InputKind.Confirm, "Signature OK?", (int)_options.SignatureTimeout.TotalSeconds), ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            _output.Print($"{tag} could not ask the POS ({ex.Message})");
            answer = null;
        }

        _output.Print($"{tag} POS answered: {answer ?? "nothing in time"}");
        return SimulatedOutcomes.AfterSignature(transaction, answer);
    }

    /// <summary>
    /// Screen, printer and device events are for the POS to see; the payment never waits on them for long (a relay
    /// that stopped answering must not hold up the card), nor fails because of them.
    /// </summary>
    private Task ShowAsync(TerminalTransaction transaction, string text, CancellationToken ct) =>
        BestEffortAsync(t => _client.DisplayAsync(transaction.Id, text, t), ct);

    private Task PrintAsync(TerminalTransaction transaction, ReceiptKind receipt, string text, CancellationToken ct) =>
        BestEffortAsync(t => _client.PrintAsync(transaction.Id, receipt, text, t), ct);

    private Task NotifyAsync(string kind, TerminalTransaction transaction, CancellationToken ct) =>
        BestEffortAsync(t => _client.NotifyAsync(new TerminalNotification(kind, new { transactionId = transaction.Id }), t), ct);

    private async Task BestEffortAsync(Func<CancellationToken, Task> send, CancellationToken ct)
    {
        if (DateTime.UtcNow.Ticks < Interlocked.Read(ref _quietUntilTicks))
        {
            return; // the relay did not answer the last one: do not make the customer wait again
        }

        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
        patience.CancelAfter(_options.RelayPatience);
        try
        {
            await send(patience.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _quietUntilTicks, (DateTime.UtcNow + TimeSpan.FromSeconds(10)).Ticks);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // Offline or refused: the screen still shows it; the result is what the relay must get, via the outbox.
        }
    }

    private async Task ReportStartedAsync(TerminalTransaction transaction, string step, CancellationToken ct)
    {
        // Informational only (the result is what counts, delivered through the outbox): a relay that does not answer
        // must not keep the customer waiting.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
        patience.CancelAfter(_options.RelayPatience);
        try
        {
            var status = await _client.TransactionStartedAsync(transaction.Id, patience.Token);
            _output.Print($"{Tag(transaction.Id)} {step}; started (relay status {status})");
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            _output.Print($"{Tag(transaction.Id)} {step}; could not report the start ({ex.Message}), carrying on");
        }
    }

    /// <summary>Marks an outcome reached another way (the signature) as decided, so a later cancel is ignored.</summary>
    private TerminalResult Decided(InFlight current, TerminalResult result)
    {
        lock (_lock)
        {
            current.Decided = true;
            return result;
        }
    }

    /// <summary>The moment of decision: a cancel before it wins, a cancel after it is ignored.</summary>
    private TerminalResult? Decide(InFlight current)
    {
        lock (_lock)
        {
            var result = current.CancelRequested.Task.IsCompleted
                ? SimulatedOutcomes.Cancelled(current.Transaction)
                : SimulatedOutcomes.Decide(current.Transaction);
            current.Decided = result is not null;
            return result;
        }
    }

    /// <summary>Waits for the customer; true when a cancel arrived first.</summary>
    private static async Task<bool> WaitOrCancelAsync(TimeSpan delay, TaskCompletionSource cancelRequested, CancellationToken ct)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.WhenAny(Task.Delay(delay, ct), cancelRequested.Task);
        }

        ct.ThrowIfCancellationRequested();
        return cancelRequested.Task.IsCompleted;
    }

    private static string Describe(TerminalTransaction transaction)
    {
        var text = WireNames.Of(transaction.Type);
        if (transaction.Amount is { } amount)
        {
            text += " " + Money.Format(amount, transaction.Currency);
        }

        if (transaction.TipAmount is { } tip)
        {
            text += $" + tip {Money.Format(tip, transaction.Currency)}";
        }

        if (transaction.CashOutAmount is { } cashOut)
        {
            text += $" (cash out {Money.Format(cashOut, transaction.Currency)})";
        }

        if (transaction.Reference is { } reference)
        {
            text += $" ref {reference}";
        }

        return text + $" from register {transaction.RegisterName ?? transaction.RegisterId}";
    }

    private static string Describe(TerminalResult result, string? currency)
    {
        var text = $"outcome {WireNames.Of(result.Outcome).ToUpperInvariant()}: {result.ResponseCode} {result.ResponseText}";
        if (result.AuthCode is { } authCode)
        {
            text += $", auth {authCode}";
        }

        if (result.Outcome == TransactionOutcome.Approved && result.PaymentMethod is { } method)
        {
            text += result.Wallet is { } wallet ? $", paid by {method} ({wallet})" : $", paid by {method}";
        }

        if (result.TipAmount is { } tip)
        {
            text += $", tip {Money.Format(tip, currency)}";
        }

        if (result.SurchargeAmount is { } surcharge)
        {
            text += $", surcharge {Money.Format(surcharge, currency)}";
        }

        if (result.AmountAuthorised is { } authorised)
        {
            text += $", {Money.Format(authorised, currency)} authorised" + (result.Partial == true ? " (partial)" : "");
        }

        return text;
    }

    /// <summary>The POS's options on one line: <c>tip on terminal 10/15/20%, partial allowed, methods card+qr</c>.</summary>
    private static string Describe(TransactionOptions options, string? currency)
    {
        var parts = new List<string>();
        if (options.Tipping is { } tipping)
        {
            parts.Add(tipping.OnTerminal ? $"tip on terminal {TipPresets(tipping, currency)}".TrimEnd() : "tip on POS");
        }

        if (options.AllowPartialAuthorisation is { } partial)
        {
            parts.Add(partial ? "partial allowed" : "partial not allowed");
        }

        if (options.PaymentMethods is { } methods)
        {
            parts.Add("methods " + string.Join('+', methods));
        }

        if (options.SurchargeAmount is { } surcharge)
        {
            parts.Add("surcharge " + Money.Format(surcharge, currency));
        }

        if (options.CustomerCancellation is { } customerCancellation)
        {
            parts.Add(customerCancellation ? "customer may cancel" : "customer may not cancel");
        }

        if (options.PrintReceipt is { } printReceipt)
        {
            parts.Add("receipts " + printReceipt);
        }

        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    /// <summary>The tip presets as the screen shows them: <c>10/15/20%</c>, <c>NZD 2.00/5.00</c>, <c>or custom</c>.</summary>
    private static string TipPresets(TippingOptions tipping, string? currency)
    {
        var presets = new List<string>();
        if (tipping.Percentages is [_, ..] percentages)
        {
            presets.Add(string.Join('/', percentages) + "%");
        }

        if (tipping.FixedAmounts is [_, ..] amounts)
        {
            presets.Add(Money.Format(amounts[0], currency) + string.Concat(amounts.Skip(1).Select(a => "/" + Money.Amount(a, currency))));
        }

        if (tipping.AllowCustom == true)
        {
            presets.Add("custom");
        }

        return string.Join(" or ", presets);
    }

    // The last characters: the random part of a UUIDv7 (its first ones are a timestamp, shared by transactions made together).
    private static string Tag(string transactionId) => transactionId.Length > 8 ? transactionId[^8..] : transactionId;

    private sealed class InFlight(TerminalTransaction transaction)
    {
        public TerminalTransaction Transaction { get; } = transaction;

        public TaskCompletionSource CancelRequested { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Decided { get; set; }
    }
}
