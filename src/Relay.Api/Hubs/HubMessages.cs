using Microsoft.AspNetCore.SignalR;
using Relay.Api.Settlements;
using Relay.Api.Terminals;
using Relay.Api.Transactions;

namespace Relay.Api.Hubs;

/// <summary>Sent with StartTransaction: what the terminal needs to run it, and the W3C trace context of the POS request that
/// created it (<c>traceparent</c>), for the terminal's calls about it to continue.</summary>
public sealed record TerminalTransaction(
    Guid Id, TransactionType Type, long? Amount, string? Currency, long? CashOutAmount, long? TipAmount, string? Reference,
    Guid? OriginalTransactionId, string RegisterId, string? RegisterName, DateTimeOffset ExpiresAt, string? Traceparent,
    TransactionOptions? Options)
{
    public static TerminalTransaction From(Transaction t) => new(
        // Only a POS's are sent, each for a register.
        t.Id, t.Type, t.Amount, t.Currency, t.CashOutAmount, t.TipAmount, t.Reference, t.OriginalTransactionId, t.RegisterId!,
        t.RegisterName, t.ExpiresAt, t.Traceparent, t.Options);
}

/// <summary>The terminal's result for CompleteTransaction.</summary>
public sealed record TerminalResult(
    string? TransactionId, TransactionOutcome? Outcome, string? ResponseCode, string? ResponseText, string? AuthCode,
    string? CardScheme, string? MaskedPan, string? EntryMode, string? TerminalReference, string? AcquirerReference,
    long? AmountAuthorised, long? SurchargeAmount, long? TipAmount, string? MerchantReceipt, string? CustomerReceipt,
    bool? Partial = null, string? PaymentMethod = null, string? Wallet = null, SettlementTotal[]? Totals = null)
{
    public static readonly string[] PaymentMethods = ["card", "qr", "wallet"];

    public const int MaxCode = 100;
    public const int MaxResponseText = 500;

    /// <summary>The result as the relay records it, once it keeps the rules of <see cref="HubInput"/>; else the HubException naming the
    /// field.</summary>
    public (Guid TransactionId, TransactionResult Result) Checked() => (HubInput.Id(TransactionId, "transactionId"), CheckedResult());

    /// <summary>The result alone (a reported transaction's, which has no relay id yet).</summary>
    public TransactionResult CheckedResult()
    {
        if (Outcome is not { } outcome) throw new HubException("outcome is required: approved, declined, cancelled or failed.");
        HubInput.Text(ResponseCode, "responseCode", MaxCode);
        HubInput.Text(ResponseText, "responseText", MaxResponseText);
        HubInput.Text(AuthCode, "authCode", MaxCode);
        HubInput.Text(CardScheme, "cardScheme", MaxCode);
        HubInput.Text(MaskedPan, "maskedPan", MaxCode);
        HubInput.Text(EntryMode, "entryMode", MaxCode);
        HubInput.Text(TerminalReference, "terminalReference", MaxCode);
        HubInput.Text(AcquirerReference, "acquirerReference", MaxCode);
        HubInput.Amount(AmountAuthorised, "amountAuthorised");
        HubInput.Amount(SurchargeAmount, "surchargeAmount");
        HubInput.Amount(TipAmount, "tipAmount");
        HubInput.Text(MerchantReceipt, "merchantReceipt", TerminalMessages.MaxReceiptText, multiline: true);
        HubInput.Text(CustomerReceipt, "customerReceipt", TerminalMessages.MaxReceiptText, multiline: true);
        if (PaymentMethod is not null && !PaymentMethods.Contains(PaymentMethod))
            throw new HubException($"paymentMethod must be card, qr or wallet; got {HubInput.Shown(PaymentMethod)}.");
        HubInput.Text(Wallet, "wallet", MaxCode);
        if (Partial == true && (outcome != TransactionOutcome.Approved || AmountAuthorised is not > 0))
            throw new HubException("A partial result must be approved and say its amountAuthorised (more than 0).");
        return new TransactionResult(
            outcome, ResponseCode, ResponseText, AuthCode, CardScheme, MaskedPan, EntryMode, TerminalReference,
            AcquirerReference, AmountAuthorised, SurchargeAmount, TipAmount, MerchantReceipt, CustomerReceipt,
            Partial == true ? true : null, PaymentMethod, Wallet,
            Totals is null ? null : SettlementService.CheckedTotals(Totals, "result.totals"));
    }
}

/// <summary>Terminal → server ReportTransaction: a sale, refund, cash out or void the terminal made by itself (no POS asked).</summary>
/// <param name="TerminalReference">The terminal's own id for it: reported again (a retry), it is the same transaction.</param>
/// <param name="Type">purchase, refund, cash_out or void.</param>
/// <param name="Amount">Minor units.</param>
/// <param name="Currency">ISO 4217.</param>
/// <param name="OccurredAt">When the terminal made it (the transaction's createdAt and completedAt).</param>
/// <param name="Result">Its outcome, as in CompleteTransaction (without a transactionId).</param>
public sealed record TerminalOriginatedTransaction(
    string? TerminalReference, string? Type, long? Amount, string? Currency, DateTimeOffset? OccurredAt, TerminalResult? Result);

/// <param name="Accepted">False when the terminal reported this reference before with other figures (the first report
/// stands).</param>
/// <param name="TransactionId">The relay's transaction it is.</param>
public sealed record ReportAck(bool Accepted, Guid TransactionId);

public sealed record ReceivedAck(bool Proceed);

public sealed record StartedAck(string Status);

public sealed record CompletionAck(bool Accepted, string Status);

public sealed record PairingChangedMessage(string RegisterId, string? RegisterName, bool Paired);

/// <summary>Terminal → server RequestInput: a question for the POS operator.</summary>
public sealed record InputRequestMessage(string? RequestId, string? Kind, string? Prompt, int? TimeoutSeconds);

/// <summary>Terminal → server Notify: a device event (card_inserted, maintenance_required, …) with any JSON data.</summary>
public sealed record NotificationMessage(string? Kind, System.Text.Json.JsonElement? Data);
