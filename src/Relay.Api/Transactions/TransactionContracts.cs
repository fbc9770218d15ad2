namespace Relay.Api.Transactions;

/// <param name="RegisterId" example="till-1">The register (till) taking the payment; it must be paired with a terminal.</param>
/// <param name="Type" example="purchase">purchase, refund, cash_out, pre_auth, capture, void, settlement, settlement_inquiry, reprint or
/// logon.</param>
/// <param name="Amount" example="1250">Integer minor units (1250 is 12.50). Required for purchase, refund, cash_out, pre_auth and capture;
/// none for settlement, settlement_inquiry, reprint and logon.</param>
/// <param name="Currency" example="NZD">ISO 4217 alpha-3, upper case. Required with an amount.</param>
/// <param name="CashOutAmount" example="2000">Cash out with a purchase or cash_out, minor units.</param>
/// <param name="TipAmount" example="150">Tip, minor units.</param>
/// <param name="Reference" example="order-8812">The POS's own reference (up to 100 characters), searchable with ?reference=.</param>
/// <param name="OriginalTransactionId" example="0193a0b5-2222-7000-8000-000000000001">The transaction a capture or void acts on (required
/// for those).</param>
/// <param name="ExpiresInSeconds" example="90">Delivery deadline, 5–600 seconds (default 90): a transaction the terminal has not received
/// by then ends expired.</param>
/// <param name="CallbackUrl" example="https://pos.example.com/relay/callbacks">Where to deliver this transaction's transaction.updated
/// events (absolute http or https URL).</param>
/// <param name="Options">What the terminal offers the shopper: tipping, partial approval, payment methods, surcharge,
/// cancelling, where the receipt prints. Sent to the terminal with the transaction.</param>
public sealed record CreateTransactionRequest(
    string? RegisterId,
    TransactionType? Type,
    long? Amount,
    string? Currency,
    long? CashOutAmount,
    long? TipAmount,
    string? Reference,
    string? OriginalTransactionId,
    int? ExpiresInSeconds,
    string? CallbackUrl,
    TransactionOptions? Options = null);

/// <param name="Tipping">Ask for a tip on the terminal.</param>
/// <param name="AllowPartialAuthorisation" example="false">Accept an approval of less than amount + tip (gift and prepaid cards):
/// the result then says partial: true.</param>
/// <param name="PaymentMethods" example="[&quot;card&quot;, &quot;qr&quot;]">What the shopper may pay with: card, qr, wallet.</param>
/// <param name="SurchargeAmount" example="null">A surcharge the terminal adds, minor units.</param>
/// <param name="CustomerCancellation" example="true">Whether the shopper may cancel on the terminal.</param>
/// <param name="PrintReceipt" example="terminal">Where the receipt prints: terminal, pos or none.</param>
public sealed record TransactionOptions(
    TippingOptions? Tipping, bool? AllowPartialAuthorisation, string[]? PaymentMethods, long? SurchargeAmount, bool? CustomerCancellation,
    string? PrintReceipt)
{
    /// <summary>As stored and sent: the tip screen's onTerminal said (false unless given), so a terminal reads a plain bool.</summary>
    public TransactionOptions Normalized() =>
        this with { Tipping = Tipping is { } tip ? tip with { OnTerminal = tip.OnTerminal ?? false } : null };
}

/// <param name="OnTerminal" example="true">Show the tip screen on the terminal.</param>
/// <param name="Percentages" example="[10, 15, 20]">Presets as percentages of the amount (1–100, up to 4).</param>
/// <param name="FixedAmounts" example="null">Or presets as amounts, minor units (up to 4).</param>
/// <param name="AllowCustom" example="true">Whether the shopper may type another tip.</param>
public sealed record TippingOptions(bool? OnTerminal, int[]? Percentages, long[]? FixedAmounts, bool? AllowCustom);

/// <param name="Id" example="0193a0b5-3333-7000-8000-000000000002">The transaction's id.</param>
/// <param name="Origin" example="pos">pos: a POS asked for it through the API; terminal: the terminal made it by itself and reported
/// it (a standalone sale, refund or void).</param>
/// <param name="RegisterId" example="till-1">The register that asked for it; null for one the terminal made by itself.</param>
/// <param name="TerminalId" example="0193a0b4-1111-7000-8000-00000000beef">The terminal it was sent to.</param>
/// <param name="TerminalOnline" example="true">Whether that terminal is connected as this response is made: false tells "terminal offline"
/// from "customer still deciding".</param>
/// <param name="Type" example="purchase">The transaction type.</param>
/// <param name="Status" example="approved">pending, delivered, in_progress, cancel_requested, approved, declined, cancelled, failed or
/// expired.</param>
/// <param name="Amount" example="1250">Minor units.</param>
/// <param name="Currency" example="NZD">ISO 4217.</param>
/// <param name="CashOutAmount" example="null">Minor units.</param>
/// <param name="TipAmount" example="null">Minor units.</param>
/// <param name="Reference" example="order-8812">The POS's reference.</param>
/// <param name="TerminalReference" example="null">The terminal's own reference of a transaction it made by itself (origin
/// terminal): unique per terminal.</param>
/// <param name="OriginalTransactionId" example="null">For capture and void.</param>
/// <param name="CallbackUrl" example="null">Per-transaction callback URL.</param>
/// <param name="Options">The payment options the POS sent.</param>
/// <param name="CreatedAt" example="2026-11-24T09:41:00.120Z">Accepted by the relay.</param>
/// <param name="UpdatedAt" example="2026-11-24T09:41:04.870Z">Last change.</param>
/// <param name="ExpiresAt" example="2026-11-24T09:42:30.120Z">Delivery deadline.</param>
/// <param name="DeliveredAt" example="2026-11-24T09:41:00.160Z">The terminal acknowledged it.</param>
/// <param name="StartedAt" example="2026-11-24T09:41:00.170Z">The terminal showed the card prompt.</param>
/// <param name="CancelRequestedAt" example="null">The POS asked to cancel.</param>
/// <param name="CompletedAt" example="2026-11-24T09:41:04.870Z">It became final.</param>
/// <param name="Result">The terminal's result, once it reported one.</param>
/// <param name="Resolution">An operator's resolution, for a transaction whose device was replaced before it reported.</param>
public sealed record TransactionResponse(
    Guid Id,
    TransactionOrigin Origin,
    string? RegisterId,
    Guid TerminalId,
    bool TerminalOnline,
    TransactionType Type,
    TransactionStatus Status,
    long? Amount,
    string? Currency,
    long? CashOutAmount,
    long? TipAmount,
    string? Reference,
    string? TerminalReference,
    Guid? OriginalTransactionId,
    string? CallbackUrl,
    TransactionOptions? Options,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CancelRequestedAt,
    DateTimeOffset? CompletedAt,
    TransactionResult? Result,
    TransactionResolution? Resolution);

/// <param name="Outcome" example="declined">What the operator established happened: approved, declined, cancelled or failed.</param>
/// <param name="Note" example="Checked the acquirer's report: not charged.">Why; recorded on the transaction (up to 500
/// characters).</param>
public sealed record ResolveTransactionRequest(TransactionOutcome? Outcome, string? Note);

public static class TransactionMapping
{
    public static TransactionResponse ToResponse(this Transaction t, bool terminalOnline) => new(
        t.Id, t.Origin, t.RegisterId, t.TerminalId, terminalOnline, t.Type, t.Status, t.Amount, t.Currency, t.CashOutAmount,
        t.TipAmount, t.Reference, t.TerminalReference, t.OriginalTransactionId, t.CallbackUrl, t.Options, t.CreatedAt, t.UpdatedAt,
        t.ExpiresAt, t.DeliveredAt, t.StartedAt,
        t.CancelRequestedAt, t.CompletedAt, t.Result, t.Resolution);
}
