using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Relay.Api.Nexo;

/// <summary>nexo's JSON convention (Adyen's Terminal API): names as the message definitions spell them, members that have no value
/// left out, numbers as numbers only, amounts exact.</summary>
public static class NexoJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = null,
        PropertyNameCaseInsensitive = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        MaxDepth = 32,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        Converters = { new ExactDecimal() },
    };

    /// <summary>Digits as text, or as a number as some of Adyen's models send DigitInput: read as the characters given, written
    /// as text.</summary>
    internal sealed class DigitsAsText : JsonConverter<string>
    {
        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString()!,
            JsonTokenType.Number => Encoding.UTF8.GetString(Raw(ref reader)),
            _ => throw new JsonException("Digits must be text or a number."),
        };

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    /// <summary>The token's bytes as they came.</summary>
    private static ReadOnlySpan<byte> Raw(ref Utf8JsonReader reader) => reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;

    /// <summary>An amount (every decimal in nexo is one) with more significant digits or decimals than a decimal keeps exactly (28)
    /// makes the message unreadable: refused, never rounded.</summary>
    private sealed class ExactDecimal : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var raw = Raw(ref reader);
            if (reader.TokenType != JsonTokenType.Number || !FitsExactly(raw) || !reader.TryGetDecimal(out var value))
                throw new JsonException("An amount must be a number of at most 28 significant digits and 28 decimals.");
            return value;
        }

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(value);

        /// <summary>At most 28 digits from the first to the last that is not 0, and at most 28 of them after the point once the
        /// exponent is applied.</summary>
        private static bool FitsExactly(ReadOnlySpan<byte> number)
        {
            var e = number.IndexOfAny((byte)'e', (byte)'E');
            var exponent = 0;
            if (e >= 0 && !int.TryParse(number[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
                return false;
            int first = -1, last = -1, count = 0, point = -1;
            foreach (var c in e < 0 ? number : number[..e])
            {
                if (c == '.') point = count;
                if (c is < (byte)'0' or > (byte)'9') continue;
                if (c != '0') (first, last) = (first < 0 ? count : first, count);
                count++;
            }

            if (first < 0) return true; // zero
            var decimals = (point < 0 ? 0 : Math.Max(0, last + 1 - point)) - (long)exponent;
            return last - first + 1 <= 28 && decimals <= 28;
        }
    }
}
