using System.Globalization;

namespace Relay.Terminal.Simulator;

internal static class Money
{
    // The few ISO 4217 currencies without minor units that a demo might plausibly use.
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.OrdinalIgnoreCase) { "JPY", "KRW", "ISK", "CLP", "VND" };

    public static string Format(long minorUnits, string? currency) =>
        (string.IsNullOrEmpty(currency) ? "" : currency.ToUpperInvariant() + " ") + Amount(minorUnits, currency);

    /// <summary>The amount without its currency code (<c>2.50</c>), for a list after the first one that has it.</summary>
    public static string Amount(long minorUnits, string? currency) => ZeroDecimal.Contains(currency ?? "")
        ? minorUnits.ToString("N0", CultureInfo.InvariantCulture)
        : (minorUnits / 100m).ToString("N2", CultureInfo.InvariantCulture);
}
