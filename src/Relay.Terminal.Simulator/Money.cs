using System.Globalization;

namespace Relay.Terminal.Simulator;

internal static class Money
{
    // The few ISO 4217 currencies without minor units that a demo might plausibly use.
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.OrdinalIgnoreCase) { "JPY", "KRW", "ISK", "CLP", "VND" };

    public static string Format(long minorUnits, string? currency)
    {
        var code = string.IsNullOrEmpty(currency) ? "" : currency.ToUpperInvariant() + " ";
        return ZeroDecimal.Contains(currency ?? "")
            ? code + minorUnits.ToString("N0", CultureInfo.InvariantCulture)
            : code + (minorUnits / 100m).ToString("N2", CultureInfo.InvariantCulture);
    }
}
