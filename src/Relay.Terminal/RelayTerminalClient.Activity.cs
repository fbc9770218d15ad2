using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Relay.Terminal;

// What the terminal does by itself: standalone transactions (<outbox>/reports) and closed batches (<outbox>/settlements),
// each through an outbox of its own, as results are: saved first, sent until the relay answers, re-sent on every connect,
// also by a new client over the same folder. Reports go before settlements on connect, a batch's own sales first.
public sealed partial class RelayTerminalClient
{
    /// <summary>
    /// Reports a sale, refund, cash out or void the terminal made without a POS: saved durably, then sent, waiting across
    /// reconnects until the relay answers. The relay stores it once per terminal and <c>TerminalReference</c>; the same
    /// report again is answered with the same transaction.
    /// </summary>
    public Task<ReportAck> ReportTransactionAsync(TerminalOriginatedTransaction report, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Validate();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _reports.DeliverAsync(report, () => { }, ct);
    }

    /// <summary>
    /// Reports a closed batch: saved durably, then sent, waiting across reconnects until the relay answers. The relay stores
    /// a batch once per terminal; the same report again is answered with the same settlement.
    /// </summary>
    public Task<SettlementAck> ReportSettlementAsync(SettlementReport report, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Validate();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _settlements.DeliverAsync(report, () => { }, ct);
    }

    private OutboxDelivery<TerminalOriginatedTransaction, ReportAck> NewReportDelivery(string outboxDirectory) =>
        NewActivityDelivery<TerminalOriginatedTransaction, ReportAck>(Path.Combine(outboxDirectory, "reports"), r => r.TerminalReference,
            "report", "ReportTransaction", (reference, ack) =>
            {
                if (ack.Accepted)
                    _logger.LogInformation("Transaction {TerminalReference} accepted: {TransactionId}", reference, ack.TransactionId);
                else
                    _logger.LogWarning("Transaction {TerminalReference} refused: reported before with other figures", reference);
            });

    private OutboxDelivery<SettlementReport, SettlementAck> NewSettlementDelivery(string outboxDirectory) =>
        NewActivityDelivery<SettlementReport, SettlementAck>(Path.Combine(outboxDirectory, "settlements"), r => r.BatchId,
            "settlement", "ReportSettlement", (batchId, ack) =>
            {
                if (ack.Accepted)
                    _logger.LogInformation("Settlement of batch {BatchId} accepted: {SettlementId}", batchId, ack.SettlementId);
                else
                    _logger.LogWarning("Settlement of batch {BatchId} refused: reported before with other figures", batchId);
            });

    private OutboxDelivery<T, TAck> NewActivityDelivery<T, TAck>(
        string folder, Func<T, string> idOf, string kind, string method, Action<string, TAck> answered)
        where T : class
        where TAck : class => new(
        new Outbox<T>(folder, idOf, _logger),
        kind,
        (entry, ct) => _hub.InvokeAsync<TAck?>(method, entry, ct),
        (id, ack, _) => answered(id, ack),
        () => IsConnected,
        RunningToken,
        _schedule,
        _logger);
}
