using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Relay.Terminal;

// Transactions the terminal made by itself: reported through their own outbox, <outbox>/reports, as results are: saved
// first, sent until the relay answers, re-sent on every connect, also by a new client over the same folder.
public sealed partial class RelayTerminalClient
{
    private const string ReportsFolder = "reports";

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

    private OutboxDelivery<TerminalOriginatedTransaction, ReportAck> NewReportDelivery(string outboxDirectory) => new(
        new Outbox<TerminalOriginatedTransaction>(Path.Combine(outboxDirectory, ReportsFolder), r => r.TerminalReference, _logger),
        "report",
        (report, ct) => _hub.InvokeAsync<ReportAck?>("ReportTransaction", report, ct),
        (reference, ack, _) =>
        {
            if (ack.Accepted)
                _logger.LogInformation("Transaction {TerminalReference} accepted: {TransactionId}", reference, ack.TransactionId);
            else
                _logger.LogWarning("Transaction {TerminalReference} refused: reported before with other figures", reference);
        },
        () => IsConnected,
        RunningToken,
        _schedule,
        _logger);
}

/// <summary>
/// Terminal → server <c>ReportTransaction</c>: a transaction the terminal made by itself. <c>Result.TransactionId</c> is not
/// used (the relay gives the transaction its id); <see cref="ForReport"/> makes a result for it.
/// </summary>
public sealed record TerminalOriginatedTransaction(
    string TerminalReference, string Type, long Amount, string Currency, DateTimeOffset OccurredAt, TerminalResult Result)
{
    /// <summary>The types a terminal may make by itself.</summary>
    public static IReadOnlyList<string> Types { get; } = ["purchase", "refund", "cash_out", "void"];

    /// <summary>A result for a report: its transaction id is the terminal's reference, which the relay does not read.</summary>
    public static TerminalResult ForReport(string terminalReference, TransactionOutcome outcome) => new(terminalReference, outcome)
    {
        TerminalReference = terminalReference,
    };

    /// <summary>Refuses up front what the relay always refuses, so that it never waits in the outbox to be refused again.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(TerminalReference) || TerminalReference.Length > 100 || TerminalReference.Any(char.IsControl))
            throw new ArgumentException("TerminalReference must be 1–100 characters, no control characters.", nameof(TerminalReference));
        if (!Types.Contains(Type)) throw new ArgumentException($"Type must be one of {string.Join(", ", Types)}.", nameof(Type));
        if (Amount is < 0 or > 999_999_999_999)
            throw new ArgumentException("Amount must be 0 to 999999999999 minor units.", nameof(Amount));
        if (Currency is not { Length: 3 } || !Currency.All(char.IsAsciiLetterUpper))
            throw new ArgumentException("Currency must be an ISO 4217 code.", nameof(Currency));
        ArgumentNullException.ThrowIfNull(Result);
        Result.Validate();
    }
}

/// <summary>The relay's answer to a report: <c>Accepted</c> false when the reference was reported before with other figures.</summary>
public sealed record ReportAck(bool Accepted, string TransactionId);
