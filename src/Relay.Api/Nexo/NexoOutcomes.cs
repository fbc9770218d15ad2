using Relay.Api.Settlements;
using Relay.Api.Transactions;

namespace Relay.Api.Nexo;

/// <summary>A Relay transaction's outcome, receipts and totals in nexo's words.</summary>
public static class NexoOutcomes
{
    /// <summary>
    /// Approved: Success (Partial when the terminal approved less). Declined: Refusal. Cancelled: Aborted when the POS asked
    /// (Abort), else Cancel. Failed: UnreachableHost. Expired (never delivered): UnavailableDevice. Not final: InProgress,
    /// never an invented outcome.
    /// </summary>
    public static Response Of(TransactionResponse t)
    {
        var said = t.Result is { } r ? NexoResults.Details(("responseCode", r.ResponseCode), ("message", r.ResponseText)) : null;
        return t.Status switch
        {
            TransactionStatus.Approved => new Response(t.Result?.Partial == true ? "Partial" : "Success", null, said),
            TransactionStatus.Declined => new Response("Failure", "Refusal", said),
            TransactionStatus.Cancelled when t.CancelRequestedAt is not null =>
                new Response("Failure", "Aborted", NexoResults.Details(("message", "Aborted by the sale system."))),
            TransactionStatus.Cancelled => new Response("Failure", "Cancel", said),
            TransactionStatus.Failed => new Response("Failure", "UnreachableHost", said),
            TransactionStatus.Expired => NexoResults.Failure("UnavailableDevice", "The terminal did not take it in time."),
            _ => NexoResults.Failure("InProgress", "The terminal has not finished it yet."),
        };
    }

    /// <summary>Relay's entry mode as nexo's EntryMode list.</summary>
    public static string[]? EntryModes(string? entryMode) => entryMode switch
    {
        null => null,
        "contactless" => ["Contactless"],
        "chip" or "icc" => ["ICC"],
        "swipe" or "magstripe" => ["MagStripe"],
        "manual" or "keyed" => ["Keyed"],
        "qr" => ["Scanned"],
        "mobile" or "wallet" => ["Mobile"],
        _ => null,
    };

    /// <summary>The merchant's and the customer's receipt as PaymentReceipt, a line of OutputText per line.</summary>
    public static PaymentReceipt[]? Receipts(TransactionResult? result)
    {
        var receipts = new List<PaymentReceipt>();
        if (result?.MerchantReceipt is { } merchant) receipts.Add(Receipt("CashierReceipt", merchant));
        if (result?.CustomerReceipt is { } customer) receipts.Add(Receipt("CustomerReceipt", customer));
        return receipts.Count == 0 ? null : receipts.ToArray();
    }

    public static PaymentReceipt Receipt(string qualifier, string text) => new(qualifier, false, Output(text));

    public static OutputContent Output(string text) => new("Text",
        text.ReplaceLineEndings("\n").Split('\n').Select(line => new OutputText(line, EndOfLineFlag: true)).ToArray());

    /// <summary>Settlement totals per card scheme and currency: sales as Debit, refunds as Credit, voids as ReverseDebit.</summary>
    public static TransactionTotals[]? Totals(SettlementTotal[]? totals) => totals?
        .Where(t => t.Currency is not null)
        .GroupBy(t => (t.CardScheme, t.Currency))
        .Select(g => new TransactionTotals("Card", g.Key.CardScheme, g.Key.Currency,
            g.Select(t => new PaymentTotals(
                t.Type switch { "refund" => "Credit", "void" => "ReverseDebit", _ => "Debit" },
                t.Count ?? 0, NexoAmounts.ToMajor(t.Amount ?? 0, g.Key.Currency!))).ToArray()))
        .ToArray();
}
