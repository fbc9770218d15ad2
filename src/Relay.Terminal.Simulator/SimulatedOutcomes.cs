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
///   <item><term>55</term><description>
///     a partial approval of half the total (amountAuthorised = (amount + tip + surcharge) / 2), partial, responseCode
///     <c>10</c> "Partial approval"; reported whether or not the options allowed it, as a card network would. Refused
///     by the relay, it is reversed: <see cref="PartialReversed"/>
///   </description></item>
///   <item><term>56</term><description>
///     with <c>options.tipping.onTerminal</c>, the customer picks the first preset (<see cref="TipOnTerminal"/>):
///     tipAmount is it and amountAuthorised includes it; without, an ordinary approval
///   </description></item>
///   <item><term>57</term><description>
///     paid by a QR wallet: <c>approved</c>, paymentMethod <c>qr</c>, wallet <c>alipay</c>, entryMode <c>qr</c>, no card
///     (an ordinary card approval when <c>options.paymentMethods</c> leaves <c>qr</c> out)
///   </description></item>
///   <item><term>anything else</term><description><c>approved</c>, responseCode <c>00</c>, "Approved"</description></item>
///   <item><term>no amount</term><description>
///     (settlement, settlement_inquiry, reprint, logon) <c>approved</c> with a short receipt
///   </description></item>
/// </list>
/// A card approval carries a 6-character authCode derived from the transaction id, paymentMethod <c>card</c>, cardScheme
/// <c>visa</c>, maskedPan <c>************4242</c>, entryMode <c>contactless</c>, a terminalReference, amountAuthorised =
/// amount + tipAmount + surchargeAmount (the options' surcharge, when set), and merchant and customer receipts. A cancel
/// that arrives before the outcome is decided ends the transaction <c>cancelled</c>; after that it is ignored and the
/// decided outcome is reported.
/// </summary>
public static class SimulatedOutcomes
{
    public const string MaskedPan = "************4242";
    public const string QrWallet = "alipay";
    public const string PartialResponseCode = "10";
    public const string ReversedResponseCode = "PA";
    public const string ReversedResponseText = "Partial approval not allowed; reversed";

    private const int ReceiptWidth = 28;

    /// <summary>The outcome for <paramref name="transaction"/>, or null for a hold (amount ending in 53).</summary>
    public static TerminalResult? Decide(TerminalTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Amount is not { } amount)
        {
            return AdminApproval(transaction);
        }

        return (Math.Abs(amount) % 100) switch
        {
            51 => WithReceipts(transaction, new TerminalResult(transaction.Id, TransactionOutcome.Declined)
            {
                ResponseCode = "51",
                ResponseText = "Insufficient funds",
                CardScheme = "visa",
                MaskedPan = MaskedPan,
                EntryMode = "contactless",
                TerminalReference = TerminalReference(transaction.Id),
            }, "DECLINED 51 INSUFFICIENT FUNDS"),
            52 => new TerminalResult(transaction.Id, TransactionOutcome.Failed)
            {
                ResponseCode = "96",
                ResponseText = "Card read error",
                TerminalReference = TerminalReference(transaction.Id),
            },
            53 => null,
            55 => PartialApproval(transaction),
            56 when TipOnTerminal(transaction) is { } tip => CardApproval(transaction, tip.Amount),
            57 when PaysByQr(transaction) => QrApproval(transaction),
            _ => CardApproval(transaction, transaction.TipAmount),
        };
    }

    /// <summary>Amounts ending in 54 need the customer's signature, checked by the POS operator.</summary>
    public static bool NeedsSignature(TerminalTransaction transaction) =>
        transaction.Amount is { } amount && Math.Abs(amount) % 100 == 54;

    /// <summary>
    /// Amounts ending in 57 are paid by scanning a QR code with a wallet app, unless the POS's options leave <c>qr</c> out of
    /// the payment methods (then the customer pays by card).
    /// </summary>
    public static bool PaysByQr(TerminalTransaction transaction) =>
        transaction.Amount is { } amount && Math.Abs(amount) % 100 == 57
        && (transaction.Options?.PaymentMethods is not { } methods || methods.Contains(TransactionOptions.MethodQr));

    /// <summary>
    /// The tip the customer picks on the terminal (amounts ending in 56 with <c>options.tipping.onTerminal</c>): the first
    /// of the percentages (of the amount, rounded half up to a minor unit), or with none, the first fixed amount; null
    /// for any other amount, without tipping on the terminal, or with no presets.
    /// </summary>
    public static ChosenTip? TipOnTerminal(TerminalTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Amount is not { } amount || Math.Abs(amount) % 100 != 56
            || transaction.Options?.Tipping is not { OnTerminal: true } tipping)
        {
            return null;
        }

        if (tipping.Percentages is [var percentage, ..])
        {
            var tip = (long)Math.Round(amount * (decimal)percentage / 100m, MidpointRounding.AwayFromZero);
            return new ChosenTip(tip, $"{percentage}%");
        }

        return tipping.FixedAmounts is [var fixedAmount, ..]
            ? new ChosenTip(fixedAmount, Money.Format(fixedAmount, transaction.Currency))
            : null;
    }

    /// <summary>Whether receipts print on the terminal: not when the POS's options print them itself (<c>pos</c>) or not at all.</summary>
    public static bool PrintsReceipts(TerminalTransaction transaction) =>
        transaction.Options?.PrintReceipt is not (TransactionOptions.ReceiptOnPos or TransactionOptions.ReceiptNone);

    /// <summary>The outcome of a signature transaction given the POS's answer ("yes", "no", or null when none came in time).</summary>
    public static TerminalResult AfterSignature(TerminalTransaction transaction, string? answer) => answer == "yes"
        ? CardApproval(transaction, transaction.TipAmount)
        : new TerminalResult(transaction.Id, TransactionOutcome.Declined)
        {
            ResponseCode = "05",
            ResponseText = answer is null ? "Signature not confirmed" : "Signature declined",
            CardScheme = "visa",
            MaskedPan = MaskedPan,
            EntryMode = "chip",
            TerminalReference = TerminalReference(transaction.Id),
        };

    /// <summary>
    /// The result after the relay refused a partial approval (the options did not allow one) and the terminal reversed it:
    /// <c>declined</c>, responseCode <c>PA</c>, "Partial approval not allowed; reversed".
    /// </summary>
    public static TerminalResult PartialReversed(TerminalTransaction transaction) =>
        WithReceipts(transaction, new TerminalResult(transaction.Id, TransactionOutcome.Declined)
        {
            ResponseCode = ReversedResponseCode,
            ResponseText = ReversedResponseText,
            CardScheme = "visa",
            MaskedPan = MaskedPan,
            EntryMode = "contactless",
            TerminalReference = TerminalReference(transaction.Id),
            PaymentMethod = TransactionOptions.MethodCard,
        }, "PARTIAL APPROVAL REVERSED");

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

    /// <summary>What the whole payment asks for: amount, cash out, tip and the options' surcharge.</summary>
    private static long Total(TerminalTransaction transaction, long? tip) =>
        transaction.Amount!.Value + (transaction.CashOutAmount ?? 0) + (tip ?? 0) + (transaction.Options?.SurchargeAmount ?? 0);

    private static TerminalResult CardApproval(TerminalTransaction transaction, long? tip) =>
        WithReceipts(transaction, Approval(transaction, tip) with
        {
            CardScheme = "visa",
            MaskedPan = MaskedPan,
            EntryMode = "contactless",
            PaymentMethod = TransactionOptions.MethodCard,
        }, "APPROVED");

    private static TerminalResult PartialApproval(TerminalTransaction transaction) =>
        WithReceipts(transaction, Approval(transaction, transaction.TipAmount) with
        {
            ResponseCode = PartialResponseCode,
            ResponseText = "Partial approval",
            CardScheme = "visa",
            MaskedPan = MaskedPan,
            EntryMode = "contactless",
            PaymentMethod = TransactionOptions.MethodCard,
            AmountAuthorised = Total(transaction, transaction.TipAmount) / 2,
            Partial = true,
        }, "PARTIAL APPROVAL");

    private static TerminalResult QrApproval(TerminalTransaction transaction) =>
        WithReceipts(transaction, Approval(transaction, transaction.TipAmount) with
        {
            EntryMode = "qr",
            PaymentMethod = TransactionOptions.MethodQr,
            Wallet = QrWallet,
        }, "APPROVED");

    private static TerminalResult Approval(TerminalTransaction transaction, long? tip) =>
        new(transaction.Id, TransactionOutcome.Approved)
        {
            ResponseCode = "00",
            ResponseText = "Approved",
            AuthCode = AuthCode(transaction.Id),
            TerminalReference = TerminalReference(transaction.Id),
            AmountAuthorised = Total(transaction, tip),
            TipAmount = tip,
            SurchargeAmount = transaction.Options?.SurchargeAmount,
        };

    private static TerminalResult AdminApproval(TerminalTransaction transaction) =>
        new(transaction.Id, TransactionOutcome.Approved)
        {
            ResponseCode = "00",
            ResponseText = "Approved",
            TerminalReference = TerminalReference(transaction.Id),
            MerchantReceipt = AdminReceipt(transaction),
        };

    private static TerminalResult WithReceipts(TerminalTransaction transaction, TerminalResult result, string verdict) => result with
    {
        MerchantReceipt = PaymentReceipt(transaction, result, verdict, "MERCHANT COPY"),
        CustomerReceipt = PaymentReceipt(transaction, result, verdict, "CUSTOMER COPY"),
    };

    private static string PaymentReceipt(TerminalTransaction transaction, TerminalResult result, string verdict, string copy)
    {
        var currency = transaction.Currency;
        var lines = new List<string> { "RELAY SIMULATOR", Header(transaction) };
        if (transaction.Amount is { } amount)
        {
            lines.Add(Line("AMOUNT", Money.Format(amount, currency)));
            if (transaction.CashOutAmount is { } cashOut)
            {
                lines.Add(Line("CASH OUT", Money.Format(cashOut, currency)));
            }

            var tip = result.TipAmount ?? transaction.TipAmount;
            if (tip is { } tipAmount)
            {
                lines.Add(Line("TIP", Money.Format(tipAmount, currency)));
            }

            if (result.SurchargeAmount is { } surcharge)
            {
                lines.Add(Line("SURCHARGE", Money.Format(surcharge, currency)));
            }

            if (tip is not null || result.SurchargeAmount is not null)
            {
                lines.Add(Line("TOTAL", Money.Format(amount + (tip ?? 0) + (result.SurchargeAmount ?? 0), currency)));
            }
        }

        if (result.PaymentMethod == TransactionOptions.MethodQr)
        {
            lines.Add(Line("QR", (result.Wallet ?? "wallet").ToUpperInvariant()));
        }
        else
        {
            lines.Add(Line("VISA", MaskedPan));
            lines.Add("CONTACTLESS");
        }

        if (result.AuthCode is { } authCode)
        {
            lines.Add(Line("AUTH", authCode));
        }

        if (result.Partial == true && result.AmountAuthorised is { } authorised)
        {
            lines.Add(Line("AUTHORISED", Money.Format(authorised, currency)));
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

/// <summary>A tip the customer picked on the terminal: its amount in minor units, and the preset as shown ("10%").</summary>
public sealed record ChosenTip(long Amount, string Choice);
