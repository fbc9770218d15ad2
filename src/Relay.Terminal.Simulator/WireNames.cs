using System.Text.Json;

namespace Relay.Terminal.Simulator;

/// <summary>Enum values as they appear on the wire and in the API (cash_out, settlement_inquiry).</summary>
internal static class WireNames
{
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>The transaction type a wire name names (purchase, cash_out, ...).</summary>
    public static TransactionType TypeOf(string name) =>
        Enum.GetValues<TransactionType>().Single(t => Of(t) == name);
}
