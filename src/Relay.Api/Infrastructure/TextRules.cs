namespace Relay.Api.Infrastructure;

/// <summary>
/// The text the relay accepts into its records, on REST and on the hub alike: no control characters (save line breaks and
/// tabs in multi-line text such as receipts) and no broken UTF-16. PostgreSQL refuses a NUL in text and in jsonb, and
/// the UTF-8 encoder a lone surrogate, so such input is refused where it arrives, as bad input, never as a failed write.
/// </summary>
public static class TextRules
{
    public static bool IsClean(string value, bool multiline = false)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c) || (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether every string (and property name) in a JSON value is clean; JSON's own whitespace is not text.</summary>
    public static bool IsClean(System.Text.Json.JsonElement json) => json.ValueKind switch
    {
        System.Text.Json.JsonValueKind.String => IsClean(json.GetString()!, multiline: true),
        System.Text.Json.JsonValueKind.Array => json.EnumerateArray().All(IsClean),
        System.Text.Json.JsonValueKind.Object => json.EnumerateObject().All(p => IsClean(p.Name) && IsClean(p.Value)),
        _ => true,
    };
}
