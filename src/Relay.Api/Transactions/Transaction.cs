using Relay.Api.Terminals;

namespace Relay.Api.Transactions;

public enum TransactionType { Purchase, Refund, CashOut, PreAuth, Capture, Void, Settlement, SettlementInquiry, Reprint, Logon }

public enum TransactionStatus { Pending, Delivered, InProgress, CancelRequested, Approved, Declined, Cancelled, Failed, Expired }

public enum TransactionOutcome { Approved, Declined, Cancelled, Failed }

/// <summary>Who asked for it: a POS through the API, or the terminal by itself (a standalone sale it reported).</summary>
public enum TransactionOrigin { Pos, Terminal }

public sealed class Transaction
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    /// <summary>The register that asked for it; none for one the terminal made by itself.</summary>
    public string? RegisterId { get; set; }
    public string? RegisterName { get; set; }
    public Guid TerminalId { get; set; }
    public Terminal? Terminal { get; set; }

    /// <summary>
    /// The terminal while the transaction is open, null once it is final (a check constraint holds the two together): the one
    /// column the "one open transaction per terminal" index and the expiry index read, so that the transitions between open
    /// statuses change no indexed column and are HOT updates (written in place, no index entry).
    /// </summary>
    public Guid? OpenTerminalId { get; set; }
    public TransactionOrigin Origin { get; set; }
    /// <summary>A terminal-made transaction's own reference: the terminal reports it once (unique per terminal).</summary>
    public string? TerminalReference { get; set; }
    public TransactionType Type { get; set; }
    public TransactionStatus Status { get; set; }
    public long? Amount { get; set; }
    public string? Currency { get; set; }
    public long? CashOutAmount { get; set; }
    public long? TipAmount { get; set; }
    public string? Reference { get; set; }
    public Guid? OriginalTransactionId { get; set; }
    public string? CallbackUrl { get; set; }
    /// <summary>The payment options the POS sent (jsonb).</summary>
    public TransactionOptions? Options { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CancelRequestedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>
    /// The W3C trace context of the request that created it (the POS's <c>traceparent</c> continued by the relay's span),
    /// sent to the terminal in StartTransaction so that its calls back join the same trace.
    /// </summary>
    public string? Traceparent { get; set; }

    /// <summary>The device that acknowledged the transaction; only that device is ever sent it again.</summary>
    public Guid? DeliveredDeviceId { get; set; }

    /// <summary>The terminal's result as it reported it (jsonb).</summary>
    public TransactionResult? Result { get; set; }

    /// <summary>An operator's resolution of a transaction whose device can no longer report (jsonb).</summary>
    public TransactionResolution? Resolution { get; set; }

    public static readonly TransactionStatus[] Open =
        [TransactionStatus.Pending, TransactionStatus.Delivered, TransactionStatus.InProgress, TransactionStatus.CancelRequested];

    public static readonly TransactionStatus[] Acknowledged =
        [TransactionStatus.Delivered, TransactionStatus.InProgress, TransactionStatus.CancelRequested];

    public static bool IsFinal(TransactionStatus status) => !Open.Contains(status);
}

public sealed record TransactionResult(
    TransactionOutcome Outcome,
    string? ResponseCode,
    string? ResponseText,
    string? AuthCode,
    string? CardScheme,
    string? MaskedPan,
    string? EntryMode,
    string? TerminalReference,
    string? AcquirerReference,
    long? AmountAuthorised,
    long? SurchargeAmount,
    long? TipAmount,
    string? MerchantReceipt,
    string? CustomerReceipt,
    bool? Partial = null,
    string? PaymentMethod = null,
    string? Wallet = null,
    Settlements.SettlementTotal[]? Totals = null);

public sealed record TransactionResolution(TransactionOutcome Outcome, string? Note, DateTimeOffset ResolvedAt);

/// <summary>An Idempotency-Key the POS used, and the transaction it created. Kept at least 24 hours.</summary>
public sealed class IdempotencyRecord
{
    public Guid AccountId { get; set; }
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public Guid TransactionId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
