namespace Relay.Terminal.Simulator;

// What the terminal does by itself, with no POS asking: a standalone sale (or refund, cash out) reported to the relay, and
// closing the batch with the acquirer (a settlement). Both go through the SDK's outbox, so they reach the relay even if it
// is away when they are made.
public sealed partial class SimulatedTerminal
{
    /// <summary>
    /// A payment made on the terminal by itself: the customer presents a card, the outcome follows the amount as for a POS's
    /// (<see cref="SimulatedOutcomes"/>; a hold ends cancelled, there being no POS to cancel it), and it is reported.
    /// </summary>
    public async Task<ReportAck> SaleAsync(string type, long amount, string currency, CancellationToken ct)
    {
        var reference = Guid.CreateVersion7().ToString();
        // What the relay would always refuse (a currency it does not know, say) is refused before the card is touched.
        var report = new TerminalOriginatedTransaction(reference, type, amount, currency, DateTimeOffset.UtcNow,
            TerminalOriginatedTransaction.ForReport(reference, TransactionOutcome.Cancelled));
        report.Validate();
        var tag = Tag(reference);
        var made = new TerminalTransaction(reference, WireNames.TypeOf(type), RegisterId: "", DateTimeOffset.UtcNow.AddMinutes(1))
        {
            Amount = amount, Currency = currency,
        };
        _output.Print($"{tag} standalone {type} {Money.Format(amount, currency)} on the terminal; present card");
        await Task.Delay(_options.CardDelay, ct);
        _output.Print($"{tag} card read; enter PIN");
        await Task.Delay(_options.PinDelay, ct);
        var decided = SimulatedOutcomes.Decide(made) ?? SimulatedOutcomes.Cancelled(made);
        var result = Configured(decided with { TerminalReference = reference });
        _output.Print($"{tag} {Describe(result, currency)}");
        if (result.Outcome == TransactionOutcome.Approved)
        {
            _batch.Add(type, result.CardScheme, currency, result.AmountAuthorised ?? amount);
        }

        var ack = await _client.ReportTransactionAsync(report with { OccurredAt = DateTimeOffset.UtcNow, Result = result }, ct);
        _output.Print(ack.Accepted
            ? $"{tag} relay recorded it as transaction {ack.TransactionId}"
            : $"{tag} relay refused it: reported before with other figures ({ack.TransactionId})");
        return ack;
    }

    /// <summary>Closes the batch: its totals go to the relay as a settlement, and a new batch starts.</summary>
    public Task<SettlementAck> SettleAsync(CancellationToken ct) => ReportBatchAsync(_batch.Close(), ct);

    /// <summary>Reports a closed batch (the SDK keeps it in its outbox until the relay answers).</summary>
    private async Task<SettlementAck> ReportBatchAsync(
        (DateTimeOffset? OpenedAt, IReadOnlyList<SettlementTotal> Totals) closed, CancellationToken ct)
    {
        var (openedAt, totals) = closed;
        var closedAt = DateTimeOffset.UtcNow;
        var batchId = $"B-{closedAt:yyyyMMdd-HHmmss-fff}";
        var receipt = SettlementReceipt(batchId, totals);
        _output.Print($"Closing batch {batchId}: " + (totals.Count == 0 ? "no payments" : string.Join(", ", totals.Select(Describe))));
        var ack = await _client.ReportSettlementAsync(
            new SettlementReport(batchId, closedAt, totals) { OpenedAt = openedAt, Receipt = receipt }, ct);
        _output.Print(ack.Accepted
            ? $"Batch {batchId} settled: relay recorded settlement {ack.SettlementId}"
            : $"Batch {batchId} refused: reported before with other figures ({ack.SettlementId})");
        return ack;
    }

    /// <summary>A POS's payment the relay accepted as approved joins the batch.</summary>
    private void AddToBatch(TerminalTransaction transaction, TerminalResult result, CompletionAck ack)
    {
        if (ack.Accepted && result.Outcome == TransactionOutcome.Approved && transaction.Currency is { } currency
            && (result.AmountAuthorised ?? transaction.Amount) is { } amount)
        {
            _batch.Add(WireNames.Of(transaction.Type), result.CardScheme, currency, amount);
        }
    }

    private static string Describe(SettlementTotal line) =>
        $"{line.Count} {line.Type}{(line.CardScheme is { } scheme ? " " + scheme : "")} {Money.Format(line.Amount, line.Currency)}";

    private static string SettlementReceipt(string batchId, IReadOnlyList<SettlementTotal> totals) => string.Join('\n',
        ["SETTLEMENT", $"BATCH {batchId}", .. totals.Select(Describe), totals.Count == 0 ? "NO TRANSACTIONS" : "SETTLEMENT OK"]);
}
