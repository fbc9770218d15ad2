using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Relay.Terminal;

// Settlements: a closed batch is reported through its own outbox, <outbox>/settlements, as results are: saved first, sent
// until the relay answers, re-sent on every connect, also by a new client over the same folder.
public sealed partial class RelayTerminalClient
{
    private const string SettlementsFolder = "settlements";

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

    private OutboxDelivery<SettlementReport, SettlementAck> NewSettlementDelivery(string outboxDirectory) => new(
        new Outbox<SettlementReport>(Path.Combine(outboxDirectory, SettlementsFolder), r => r.BatchId, _logger),
        "settlement",
        (report, ct) => _hub.InvokeAsync<SettlementAck?>("ReportSettlement", report, ct),
        (batchId, ack, _) =>
        {
            if (ack.Accepted)
                _logger.LogInformation("Settlement of batch {BatchId} accepted: {SettlementId}", batchId, ack.SettlementId);
            else
                _logger.LogWarning("Settlement of batch {BatchId} refused: reported before with other figures", batchId);
        },
        () => IsConnected,
        RunningToken,
        _schedule,
        _logger);
}

/// <summary>Terminal → server <c>ReportSettlement</c>: a batch closed with the acquirer.</summary>
public sealed record SettlementReport(string BatchId, DateTimeOffset ClosedAt, IReadOnlyList<SettlementTotal> Totals)
{
    public DateTimeOffset? OpenedAt { get; init; }
    public string? Receipt { get; init; }

    /// <summary>Refuses up front what the relay always refuses, so that it never waits in the outbox to be refused again.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(BatchId) || BatchId.Length > 100 || BatchId.Any(char.IsControl))
            throw new ArgumentException("BatchId must be 1–100 characters, without control characters.", nameof(BatchId));
        if (OpenedAt > ClosedAt) throw new ArgumentException("OpenedAt must not be after ClosedAt.", nameof(OpenedAt));
        if (Totals is not { Count: <= 50 }) throw new ArgumentException("Totals must have at most 50 lines.", nameof(Totals));
        if (Totals.Any(t => t is null || t.Count < 0 || t.Amount < 0 || t.Currency is not { Length: 3 } || string.IsNullOrEmpty(t.Type)))
            throw new ArgumentException("Each total needs a type, a count and an amount of 0 or more, and a currency.", nameof(Totals));
    }
}

/// <summary>One line of a settlement: a transaction type (and card scheme), how many and their sum in minor units.</summary>
public sealed record SettlementTotal(string Type, long Count, long Amount, string Currency)
{
    public string? CardScheme { get; init; }
}

/// <summary>The relay's answer to a settlement: <c>Accepted</c> false when the batch was reported before with other figures.</summary>
public sealed record SettlementAck(bool Accepted, string SettlementId);
