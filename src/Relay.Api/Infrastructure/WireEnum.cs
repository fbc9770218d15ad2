using System.Text.Json;

namespace Relay.Api.Infrastructure;

/// <summary>An enum's wire names (snake_case), for query strings and SQL that bypass the JSON serializer.</summary>
public static class WireEnum<TEnum> where TEnum : struct, Enum
{
    private static readonly Dictionary<TEnum, string> Names =
        Enum.GetValues<TEnum>().ToDictionary(v => v, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));

    private static readonly Dictionary<string, TEnum> Values = Names.ToDictionary(p => p.Value, p => p.Key);

    public static string Name(TEnum value) => Names[value];

    public static TEnum Parse(string name) => Values[name];

    public static bool TryParse(string? name, out TEnum value) => Values.TryGetValue(name ?? "", out value);

    public static string AllNames => string.Join(", ", Names.Values);
}
