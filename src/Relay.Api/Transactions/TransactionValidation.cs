using Relay.Api.Infrastructure;

namespace Relay.Api.Transactions;

public static class TransactionValidation
{
    public const long MaxAmount = 999_999_999_999;

    private static readonly TransactionType[] NeedAmount =
        [TransactionType.Purchase, TransactionType.Refund, TransactionType.CashOut, TransactionType.PreAuth, TransactionType.Capture];

    private static readonly TransactionType[] TakeNoAmount =
        [TransactionType.Settlement, TransactionType.SettlementInquiry, TransactionType.Reprint, TransactionType.Logon];

    public static ValidationErrors Validate(CreateTransactionRequest r)
    {
        var errors = new ValidationErrors();
        errors.Text("registerId", r.RegisterId, 100, required: true);
        errors.Text("reference", r.Reference, 100);

        if (r.Type is not { } type)
        {
            errors.Add("type", $"type is required: one of {WireEnum<TransactionType>.AllNames}.");
            return errors;
        }

        if (TakeNoAmount.Contains(type))
        {
            if (r.Amount is not null) errors.Add("amount", $"{WireEnum<TransactionType>.Name(type)} takes no amount.");
            if (r.CashOutAmount is not null) errors.Add("cashOutAmount", $"{WireEnum<TransactionType>.Name(type)} takes no amount.");
            if (r.TipAmount is not null) errors.Add("tipAmount", $"{WireEnum<TransactionType>.Name(type)} takes no amount.");
        }
        else
        {
            if (r.Amount is null && NeedAmount.Contains(type)) errors.Add("amount", "amount is required for this type.");
            Money(errors, "amount", r.Amount, minimum: 1);
            Money(errors, "cashOutAmount", r.CashOutAmount, minimum: 0);
            Money(errors, "tipAmount", r.TipAmount, minimum: 0);
            if (r.CashOutAmount is not null && type is not (TransactionType.Purchase or TransactionType.CashOut))
                errors.Add("cashOutAmount", "cashOutAmount goes with purchase or cash_out only.");
        }

        if (r.Currency is not null && !Iso4217.IsCode(r.Currency))
            errors.Add("currency", "currency must be an ISO 4217 alpha-3 code in upper case, such as NZD.");
        else if (r.Currency is null && (r.Amount ?? r.CashOutAmount ?? r.TipAmount) is not null)
            errors.Add("currency", "currency is required with an amount.");

        if (type is TransactionType.Capture or TransactionType.Void && string.IsNullOrEmpty(r.OriginalTransactionId))
            errors.Add("originalTransactionId", $"{WireEnum<TransactionType>.Name(type)} needs originalTransactionId.");
        else if (r.OriginalTransactionId is not null && !Guid.TryParse(r.OriginalTransactionId, out _))
            errors.Add("originalTransactionId", "originalTransactionId is not a transaction id.");

        if (r.ExpiresInSeconds is < 5 or > 600)
            errors.Add("expiresInSeconds", "expiresInSeconds must be between 5 and 600.");

        if (r.CallbackUrl is not null && (r.CallbackUrl.Length > 2000
                || !Uri.TryCreate(r.CallbackUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
            errors.Add("callbackUrl", "callbackUrl must be an absolute http or https URL of at most 2000 characters.");

        if (r.Options is { } options) Options(errors, options, r, type);
        return errors;
    }

    private static readonly string[] ReceiptPlaces = ["terminal", "pos", "none"];

    private static void Options(ValidationErrors errors, TransactionOptions o, CreateTransactionRequest r, TransactionType type)
    {
        var payment = type is TransactionType.Purchase or TransactionType.CashOut or TransactionType.PreAuth;
        if (o.Tipping is { } tipping)
        {
            if (type != TransactionType.Purchase) errors.Add("options.tipping", "Tipping goes with a purchase only.");
            if (tipping.OnTerminal == true && r.TipAmount is not null)
                errors.Add("tipAmount", "Send a tipAmount or ask for the tip on the terminal (options.tipping.onTerminal), not both.");
            TipPresets(errors, "options.tipping", tipping.Percentages, tipping.FixedAmounts);
        }

        if (o.AllowPartialAuthorisation == true && !payment)
            errors.Add("options.allowPartialAuthorisation", "Partial authorisation goes with purchase, cash_out or pre_auth.");
        if (o.PaymentMethods is { } methods && (methods.Length == 0 || methods.Any(m => !Hubs.TerminalResult.PaymentMethods.Contains(m))
                || methods.Distinct().Count() != methods.Length))
            errors.Add("options.paymentMethods", "paymentMethods: one or more of card, qr, wallet, each once.");
        Money(errors, "options.surchargeAmount", o.SurchargeAmount, minimum: 0);
        if (o.PrintReceipt is { } place && !ReceiptPlaces.Contains(place))
            errors.Add("options.printReceipt", "printReceipt must be terminal, pos or none.");
    }

    /// <summary>The tip screen's presets, wherever they are given (a transaction's options, the fleet configuration).</summary>
    public static void TipPresets(ValidationErrors errors, string field, int[]? percentages, long[]? fixedAmounts)
    {
        if (percentages is { Length: > 4 } || percentages?.Any(p => p is < 1 or > 100) == true)
            errors.Add($"{field}.percentages", "percentages: up to 4, each from 1 to 100.");
        if (fixedAmounts is { Length: > 4 } || fixedAmounts?.Any(a => a < 1 || a > MaxAmount) == true)
            errors.Add($"{field}.fixedAmounts", $"fixedAmounts: up to 4, each from 1 to {MaxAmount} minor units.");
        if (percentages is { Length: > 0 } && fixedAmounts is { Length: > 0 })
            errors.Add(field, "Give percentages or fixedAmounts, not both.");
    }

    public static void Money(ValidationErrors errors, string field, long? value, long minimum)
    {
        if (value is { } v && (v < minimum || v > MaxAmount))
            errors.Add(field, $"{field} must be between {minimum} and {MaxAmount} minor units.");
    }
}
