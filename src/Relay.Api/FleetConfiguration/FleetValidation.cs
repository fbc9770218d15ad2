using System.Text.RegularExpressions;
using Relay.Api.Infrastructure;
using Relay.Api.Transactions;

namespace Relay.Api.FleetConfiguration;

public static partial class FleetValidation
{
    public const int MaxHeaderOrFooter = 500;
    public const int MaxStoreId = 100;

    public static ValidationErrors Validate(FleetSettings s)
    {
        var errors = new ValidationErrors();
        if (s.Tipping is { } tipping)
        {
            // The same rules as a transaction's options.tipping: the presets reach the same tip screen.
            TransactionValidation.TipPresets(errors, "tipping", tipping.Percentages, tipping.FixedAmounts);
        }

        ReceiptText(errors, "receiptHeader", s.ReceiptHeader);
        ReceiptText(errors, "receiptFooter", s.ReceiptFooter);
        if (s.Language is { } language && (language.Length > 35 || !LanguageTag().IsMatch(language)))
            errors.Add("language", "language must be a BCP 47 tag such as en or en-NZ.");
        if (s.OfflineLimit is { } limit)
        {
            if (limit.Amount is null) errors.Add("offlineLimit.amount", "offlineLimit.amount is required, in minor units.");
            TransactionValidation.Money(errors, "offlineLimit.amount", limit.Amount, minimum: 0);
            if (limit.Currency is null || !Iso4217.IsCode(limit.Currency))
                errors.Add("offlineLimit.currency", "offlineLimit.currency must be an ISO 4217 alpha-3 code in upper case, such as NZD.");
        }

        return errors;
    }

    /// <summary>The merchant's own store id, as a terminal's storeId takes it.</summary>
    public static ValidationErrors ValidateStoreId(string storeId)
    {
        var errors = new ValidationErrors();
        errors.Text("storeId", storeId, MaxStoreId, required: true);
        return errors;
    }

    // "" is a value ("no header here"), unlike the blank text other fields refuse.
    private static void ReceiptText(ValidationErrors errors, string field, string? value)
    {
        if (value is { Length: > 0 }) errors.Text(field, value, MaxHeaderOrFooter, multiline: true);
    }

    // A primary language of 2–3 letters, then subtags (script, region, variant) of 1–8 letters or digits:
    // en, en-NZ, zh-Hant-TW, es-419.
    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\z")]
    private static partial Regex LanguageTag();
}
