using System.Collections.Frozen;
using System.Text.Json.Serialization;

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
    /// <summary>How the POS wants it paid (tipping, partial authorisation, methods, surcharge, receipts); null when it sent none.</summary>
    public TransactionOptions? Options { get; init; }
}

/// <summary>
/// The POS's wishes for a transaction. Every member is optional: null means the POS left it to the terminal. Payment
/// methods and receipt printing are strings, as on the wire, so a terminal built today still reads a transaction that
/// names one added later (and can ignore it) instead of failing to read it.
/// </summary>
public sealed record TransactionOptions
{
    public const string MethodCard = "card";
    public const string MethodQr = "qr";
    public const string MethodWallet = "wallet";

    public const string ReceiptOnTerminal = "terminal";
    public const string ReceiptOnPos = "pos";
    public const string ReceiptNone = "none";

    public TippingOptions? Tipping { get; init; }
    /// <summary>True: the terminal may approve less than asked (<see cref="TerminalResult.Partial"/>); else the relay refuses it.</summary>
    public bool? AllowPartialAuthorisation { get; init; }
    /// <summary>The methods the customer may pay with (<c>card</c>, <c>qr</c>, <c>wallet</c>); null: any.</summary>
    public IReadOnlyList<string>? PaymentMethods { get; init; }
    /// <summary>A surcharge in minor units to add to the amount (reported back in <see cref="TerminalResult.SurchargeAmount"/>).</summary>
    public long? SurchargeAmount { get; init; }
    /// <summary>Whether the customer may cancel on the terminal.</summary>
    public bool? CustomerCancellation { get; init; }
    /// <summary>Where receipts print: <c>terminal</c>, <c>pos</c> (from the result's receipts) or <c>none</c>; null: terminal.</summary>
    public string? PrintReceipt { get; init; }
}

/// <summary>
/// Tipping: <see cref="OnTerminal"/> true asks the customer on the terminal, offering <see cref="Percentages"/> of the amount
/// or <see cref="FixedAmounts"/> (minor units), and another amount when <see cref="AllowCustom"/> is true.
/// </summary>
public sealed record TippingOptions(bool OnTerminal)
{
    public IReadOnlyList<int>? Percentages { get; init; }
    public IReadOnlyList<long>? FixedAmounts { get; init; }
    public bool? AllowCustom { get; init; }
}

/// <summary>
/// Terminal → server <c>CompleteTransaction</c>: the terminal's final word on a transaction. An approval of less than asked
/// (<see cref="AmountAuthorised"/> under amount + tip + surcharge) is <see cref="Partial"/>, and the relay takes it only when
/// the transaction's options allowed partial authorisation; otherwise it refuses it and leaves the transaction open, and the
/// terminal must reverse the approval and report the transaction again.
/// </summary>
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
    /// <summary>True: an approval of less than asked; <see cref="AmountAuthorised"/> says how much.</summary>
    public bool? Partial { get; init; }
    /// <summary>How the customer paid: <c>card</c>, <c>qr</c> or <c>wallet</c> (<see cref="TransactionOptions.MethodCard"/>...).</summary>
    public string? PaymentMethod { get; init; }
    /// <summary>The wallet of a <c>qr</c> or <c>wallet</c> payment, such as <c>alipay</c>, <c>wechat_pay</c> or <c>apple_pay</c>.</summary>
    public string? Wallet { get; init; }
    /// <summary>A <c>settlement</c>'s batch totals, the same lines as <see cref="SettlementReport.Totals"/>.</summary>
    public IReadOnlyList<SettlementTotal>? Totals { get; init; }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> for what the relay refuses in any result (it would never accept it, so it must
    /// not wait in the outbox): control characters in its texts (line breaks and tabs only in receipts), negative amounts,
    /// a partial result that is not an approval of a positive <see cref="AmountAuthorised"/>.
    /// </summary>
    public void Validate()
    {
        foreach (var (value, name) in new[]
                 {
                     (ResponseCode, nameof(ResponseCode)), (ResponseText, nameof(ResponseText)), (AuthCode, nameof(AuthCode)),
                     (CardScheme, nameof(CardScheme)), (MaskedPan, nameof(MaskedPan)), (EntryMode, nameof(EntryMode)),
                     (TerminalReference, nameof(TerminalReference)), (AcquirerReference, nameof(AcquirerReference)),
                     (PaymentMethod, nameof(PaymentMethod)), (Wallet, nameof(Wallet)),
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

        if (Totals is not null) SettlementReport.ValidateTotals(Totals, nameof(Totals));

        // "Partial" says how much of an approval is missing; on anything else it can only be a mistake.
        // What the relay always refuses, refused here, so that it never waits in the outbox to be refused again and again.
        if (PaymentMethod is not (null or TransactionOptions.MethodCard or TransactionOptions.MethodQr or TransactionOptions.MethodWallet))
            throw new ArgumentException("PaymentMethod must be card, qr or wallet.", nameof(PaymentMethod));
        foreach (var (value, name) in
                 new[] { (Wallet, nameof(Wallet)), (ResponseCode, nameof(ResponseCode)), (AuthCode, nameof(AuthCode)) })
        {
            if (value is { Length: > 100 }) throw new ArgumentException($"{name} must be at most 100 characters.", name);
        }

        if (Partial == true && (Outcome != TransactionOutcome.Approved || AmountAuthorised is not > 0))
        {
            throw new ArgumentException("A partial result must be approved with a positive AmountAuthorised.", nameof(Partial));
        }
    }
}

public sealed record PairingCode(string Code, DateTimeOffset ExpiresAt);

public sealed record PairingChange(string RegisterId, string? RegisterName, bool Paired);

/// <summary>
/// The relay's answer to a result; either way the result leaves the outbox. Refused with the transaction still open
/// (<see cref="TransactionOpen"/>: it refused what the result claims, such as a partial approval the POS did not allow),
/// the transaction is the terminal's again: undo what the card did and report it again with a different result.
/// </summary>
public sealed record CompletionAck(bool Accepted, string Status)
{
    /// <summary>The transaction statuses that are not final: the relay is still waiting for the terminal's result.</summary>
    public static IReadOnlySet<string> OpenStatuses { get; } =
        new[] { "pending", "delivered", "in_progress", "cancel_requested" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>True when the relay refused the result and the transaction is still open, waiting for another result.</summary>
    [JsonIgnore]
    public bool TransactionOpen => !Accepted && OpenStatuses.Contains(Status);
}

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
