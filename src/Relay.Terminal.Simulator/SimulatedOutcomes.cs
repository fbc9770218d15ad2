using System.Security.Cryptography;
using System.Text;

namespace Relay.Terminal.Simulator;

/// <summary>
/// The simulator's card outcomes: deterministic, chosen by the last two digits of the amount in minor units.
/// <list type="table">
///   <listheader><term>amount ends in</term><description>outcome</description></listheader>
///   <item><term>51</term><description><c>declined</c>, responseCode <c>51</c>, "Insufficient funds"</description></item>
///   <item><term>52</term><description><c>failed</c>, responseCode <c>96</c>, "Card read error" (no charge)</description></item>
///   <item><term>53</term><description>
///     hold: no outcome until the POS cancels, then <c>cancelled</c> (responseCode <c>CANCELLED</c>)
///   </description></item>
///   <item><term>54</term><description>
///     signature: asks the POS "Signature OK?"; yes → <c>approved</c>, no → <c>declined</c> "Signature declined",
///     no answer in time → <c>declined</c> "Signature not confirmed"
///   </description></item>
///   <item><term>anything else</term><description><c>approved</c>, responseCode <c>00</c>, "Approved"</description></item>
///   <item><term>no amount</term><description>
///     (settlement, settlement_inquiry, reprint, logon) <c>approved</c> with a short receipt
///   </description></item>
/// </list>
/// A card approval carries a 6-character authCode derived from the transaction id, cardScheme <c>visa</c>, maskedPan
/// <c>************4242</c>, entryMode <c>contactless</c>, a terminalReference, amountAuthorised = amount + tipAmount, and
/// merchant and customer receipts. A cancel that arrives before the outcome is decided ends the transaction
/// <c>cancelled</c>; after that it is ignored and the decided outcome is reported.
/// </summary>
public static class SimulatedOutcomes
{
    public const string MaskedPan = "************4242";

    private const int ReceiptWidth = 28;

    /// <summary>The outcome for <paramref name="transaction"/>, or null for a hold (amount ending in 53).</summary>
    public static TerminalResult? Decide(TerminalTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Amount is not { } amount)
        {
            return Approved(transaction, amountAuthorised: null);
        }

        return (Math.Abs(amount) % 100) switch
        {
            51 => new TerminalResult(transaction.Id, TransactionOutcome.Declined)
            {
                ResponseCode = "51",
                ResponseText = "Insufficient funds",
                CardScheme = "visa",
                MaskedPan = MaskedPan,
                EntryMode = "contactless",
                TerminalReference = TerminalReference(transaction.Id),
                MerchantReceipt = CardReceipt(transaction, "DECLINED 51 INSUFFICIENT FUNDS", authCode: null, "MERCHANT COPY"),
                CustomerReceipt = CardReceipt(transaction, "DECLINED 51 INSUFFICIENT FUNDS", authCode: null, "CUSTOMER COPY"),
            },
            52 => new TerminalResult(transaction.Id, TransactionOutcome.Failed)
            {
                ResponseCode = "96",
                ResponseText = "Card read error",
                TerminalReference = TerminalReference(transaction.Id),
            },
            53 => null,
            _ => Approved(transaction, amount + (transaction.TipAmount ?? 0)),
        };
    }

    /// <summary>Amounts ending in 54 need the customer's signature, checked by the POS operator.</summary>
    public static bool NeedsSignature(TerminalTransaction transaction) =>
        transaction.Amount is { } amount && Math.Abs(amount) % 100 == 54;

    /// <summary>The outcome of a signature transaction given the POS's answer ("yes", "no", or null when none came in time).</summary>
    public static TerminalResult AfterSignature(TerminalTransaction transaction, string? answer) => answer == "yes"
        ? Approved(transaction, transaction.Amount!.Value + (transaction.TipAmount ?? 0))
        : new TerminalResult(transaction.Id, TransactionOutcome.Declined)
        {
            ResponseCode = "05",
            ResponseText = answer is null ? "Signature not confirmed" : "Signature declined",
            CardScheme = "visa",
            MaskedPan = MaskedPan,
            EntryMode = "chip",
            TerminalReference = TerminalReference(transaction.Id),
        };

    public static TerminalResult Cancelled(TerminalTransaction transaction) =>
        new(transaction.Id, TransactionOutcome.Cancelled)
        {
            ResponseCode = "CANCELLED",
            ResponseText = "Cancelled",
            TerminalReference = TerminalReference(transaction.Id),
        };

    /// <summary>Six characters (digits and capitals) from a hash of the transaction id: stable across runs.</summary>
    public static string AuthCode(string transactionId)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(transactionId));
        var code = new char[6];
        for (var i = 0; i < code.Length; i++)
        {
            code[i] = alphabet[hash[i] % alphabet.Length];
        }

        return new string(code);
    }

    public static string TerminalReference(string transactionId) =>
        "SIM" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("ref:" + transactionId)), 0, 4);

    private static TerminalResult Approved(TerminalTransaction transaction, long? amountAuthorised)
    {
        var card = amountAuthorised is not null;
        var authCode = card ? AuthCode(transaction.Id) : null;
        return new TerminalResult(transaction.Id, TransactionOutcome.Approved)
        {
            ResponseCode = "00",
            ResponseText = "Approved",
            AuthCode = authCode,
            CardScheme = card ? "visa" : null,
            MaskedPan = card ? MaskedPan : null,
            EntryMode = card ? "contactless" : null,
            TerminalReference = TerminalReference(transaction.Id),
            AmountAuthorised = amountAuthorised,
            TipAmount = card ? transaction.TipAmount : null,
            MerchantReceipt = card ? CardReceipt(transaction, "APPROVED", authCode, "MERCHANT COPY") : AdminReceipt(transaction),
            CustomerReceipt = card ? CardReceipt(transaction, "APPROVED", authCode, "CUSTOMER COPY") : null,
        };
    }

    private static string CardReceipt(TerminalTransaction transaction, string verdict, string? authCode, string copy)
    {
        var lines = new List<string> { "RELAY SIMULATOR", Header(transaction) };
        if (transaction.Amount is { } amount)
        {
            lines.Add(Line("AMOUNT", Money.Format(amount, transaction.Currency)));
            if (transaction.CashOutAmount is { } cashOut)
            {
                lines.Add(Line("CASH OUT", Money.Format(cashOut, transaction.Currency)));
            }

            if (transaction.TipAmount is { } tip)
            {
                lines.Add(Line("TIP", Money.Format(tip, transaction.Currency)));
                lines.Add(Line("TOTAL", Money.Format(amount + tip, transaction.Currency)));
            }
        }

        lines.Add(Line("VISA", MaskedPan));
        lines.Add("CONTACTLESS");
        if (authCode is not null)
        {
            lines.Add(Line("AUTH", authCode));
        }

        lines.Add(Line("REF", TerminalReference(transaction.Id)));
        lines.Add(verdict);
        lines.Add(copy);
        return string.Join('\n', lines);
    }

    private static string AdminReceipt(TerminalTransaction transaction)
    {
        var body = transaction.Type switch
        {
            TransactionType.Settlement => "SETTLEMENT COMPLETE",
            TransactionType.SettlementInquiry => "SETTLEMENT TOTALS: 0 TRANSACTIONS",
            TransactionType.Reprint => "NO RECEIPT TO REPRINT",
            TransactionType.Logon => "LOGON OK",
            _ => "APPROVED",
        };
        return string.Join('\n', "RELAY SIMULATOR", Header(transaction), body, Line("REF", TerminalReference(transaction.Id)));
    }

    private static string Header(TerminalTransaction transaction) =>
        WireNames.Of(transaction.Type).Replace('_', ' ').ToUpperInvariant()
            + (transaction.Reference is { } reference ? " " + reference : "");

    private static string Line(string label, string value) =>
        label + new string(' ', Math.Max(1, ReceiptWidth - label.Length - value.Length)) + value;
}
