namespace Relay.Terminal;

// The hub's wire records. TerminalJson gives them camelCase names and snake_case enum values.

public enum TransactionType
{
    Purchase,
    Refund,
    CashOut,
    PreAuth,
    Capture,
    Void,
    Settlement,
    SettlementInquiry,
    Reprint,
    Logon,
}

public enum TransactionOutcome
{
    Approved,
    Declined,
    Cancelled,
    Failed,
}

/// <summary>Server → terminal <c>StartTransaction</c>. Money is in minor units.</summary>
public sealed record TerminalTransaction(string Id, TransactionType Type, string RegisterId, DateTimeOffset ExpiresAt)
{
    public long? Amount { get; init; }
    public string? Currency { get; init; }
    public long? CashOutAmount { get; init; }
    public long? TipAmount { get; init; }
    public string? Reference { get; init; }
    public string? OriginalTransactionId { get; init; }
    public string? RegisterName { get; init; }
    /// <summary>The W3C trace context of the POS request that created it; the client's calls about it join that trace.</summary>
    public string? Traceparent { get; init; }
}

/// <summary>Terminal → server <c>CompleteTransaction</c>: the terminal's final word on a transaction.</summary>
public sealed record TerminalResult(string TransactionId, TransactionOutcome Outcome)
{
    public string? ResponseCode { get; init; }
    public string? ResponseText { get; init; }
    public string? AuthCode { get; init; }
    public string? CardScheme { get; init; }
    public string? MaskedPan { get; init; }
    public string? EntryMode { get; init; }
    public string? TerminalReference { get; init; }
    public string? AcquirerReference { get; init; }
    public long? AmountAuthorised { get; init; }
    public long? SurchargeAmount { get; init; }
    public long? TipAmount { get; init; }
    public string? MerchantReceipt { get; init; }
    public string? CustomerReceipt { get; init; }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> for what the relay refuses in any result (it would never accept it, so it must
    /// not wait in the outbox): control characters in its texts (line breaks and tabs only in receipts), negative amounts.
    /// </summary>
    public void Validate()
    {
        foreach (var (value, name) in new[]
                 {
                     (ResponseCode, nameof(ResponseCode)), (ResponseText, nameof(ResponseText)), (AuthCode, nameof(AuthCode)),
                     (CardScheme, nameof(CardScheme)), (MaskedPan, nameof(MaskedPan)), (EntryMode, nameof(EntryMode)),
                     (TerminalReference, nameof(TerminalReference)), (AcquirerReference, nameof(AcquirerReference)),
                 })
        {
            if (value is not null && value.Any(char.IsControl))
                throw new ArgumentException($"{name} must not contain control characters.", name);
        }

        foreach (var (value, name) in new[] { (MerchantReceipt, nameof(MerchantReceipt)), (CustomerReceipt, nameof(CustomerReceipt)) })
        {
            if (value is not null && value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
                throw new ArgumentException($"{name} must not contain control characters other than line breaks and tabs.", name);
        }

        foreach (var (value, name) in new[]
                 {
                     (AmountAuthorised, nameof(AmountAuthorised)), (SurchargeAmount, nameof(SurchargeAmount)),
                     (TipAmount, nameof(TipAmount))
                 })
        {
            if (value is < 0) throw new ArgumentException($"{name} must not be negative.", name);
        }
    }
}

public sealed record PairingCode(string Code, DateTimeOffset ExpiresAt);

public sealed record PairingChange(string RegisterId, string? RegisterName, bool Paired);

/// <summary>The relay's answer to a result. Either answer is final: the result leaves the outbox.</summary>
public sealed record CompletionAck(bool Accepted, string Status);

public enum ReceiptKind
{
    Merchant,
    Customer,
}

public enum InputKind
{
    Confirm,
    Text,
}

/// <summary>Terminal → server <c>RequestInput</c>: ask the POS operator a question.</summary>
public sealed record InputRequest(string RequestId, InputKind Kind, string Prompt, int? TimeoutSeconds = null);

/// <summary>Server → terminal <c>InputResponse</c>; <see cref="Value"/> is the POS's answer as text (JSON literal for
/// non-strings).</summary>
public sealed record InputResponse(string TransactionId, string RequestId, string? Value);

/// <summary>Terminal → server <c>Notify</c>: a device event such as <c>card_inserted</c>.</summary>
public sealed record TerminalNotification(string Kind, object? Data = null);

internal sealed record ProceedAnswer(bool Proceed);

/// <summary>The relay's answer to RequestInput: the question as it stands (its value once the POS answered).</summary>
internal sealed record InputAnswer(string? Value, DateTimeOffset ExpiresAt);

internal sealed record StartedAnswer(string Status);
