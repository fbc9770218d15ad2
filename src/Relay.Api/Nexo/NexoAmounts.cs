using Relay.Api.Transactions;

namespace Relay.Api.Nexo;

/// <summary>
/// nexo's amounts (major units as JSON numbers, read as <see cref="decimal"/>: no binary floating point) to and from Relay's
/// minor units, by the currency's exponent. An amount with more decimals than its currency has is refused, never rounded.
/// </summary>
public static class NexoAmounts
{
    // ISO 4217 currencies whose minor unit is not 2 decimals; every other alpha-3 code has 2.
    private static readonly Dictionary<string, int> Exponents = new(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0, ["PYG"] = 0,
        ["RWF"] = 0, ["UGX"] = 0, ["UYI"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
        ["CLF"] = 4, ["UYW"] = 4,
    };

    public static int ExponentOf(string currency) => Exponents.GetValueOrDefault(currency, 2);

    /// <summary>12.5 EUR is 1250; 1250 JPY is 1250; 1.234 KWD is 1234. Null when the amount is negative, has too many decimals,
    /// or is more than <see cref="TransactionValidation.MaxAmount"/> minor units.</summary>
    public static long? ToMinor(decimal amount, string currency)
    {
        if (amount < 0 || amount > TransactionValidation.MaxAmount) return null;
        var minor = amount * Pow10(ExponentOf(currency));
        return minor != decimal.Truncate(minor) || minor > TransactionValidation.MaxAmount ? null : (long)minor;
    }

    /// <summary>1250 EUR cents is 12.50, written with the currency's decimals; minor units are never negative.</summary>
    public static decimal ToMajor(long minor, string currency) =>
        new((int)(minor & 0xFFFFFFFF), (int)(minor >> 32), 0, isNegative: false, (byte)ExponentOf(currency));

    private static decimal Pow10(int exponent) => exponent switch { 0 => 1m, 2 => 100m, 3 => 1000m, _ => 10000m };
}
