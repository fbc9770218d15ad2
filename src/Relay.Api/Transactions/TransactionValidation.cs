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

        return errors;
    }

    private static void Money(ValidationErrors errors, string field, long? value, long minimum)
    {
        if (value is { } v && (v < minimum || v > MaxAmount))
            errors.Add(field, $"{field} must be between {minimum} and {MaxAmount} minor units.");
    }
}
