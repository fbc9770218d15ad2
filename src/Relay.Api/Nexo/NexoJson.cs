using System.Buffers;
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

    /// <summary>An amount (every decimal in nexo is one) with more significant digits than a decimal keeps exactly (28) makes the
    /// message unreadable: refused, never rounded.</summary>
    private sealed class ExactDecimal : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
            if (reader.TokenType != JsonTokenType.Number || SignificantDigits(raw) > 28 || !reader.TryGetDecimal(out var value))
                throw new JsonException("An amount must be a number of at most 28 significant digits.");
            return value;
        }

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(value);

        /// <summary>The digits of the number's mantissa between its first and last that is not 0.</summary>
        private static int SignificantDigits(ReadOnlySpan<byte> number)
        {
            int first = -1, last = -1, count = 0;
            foreach (var c in number)
            {
                if (c is (byte)'e' or (byte)'E') break;
                if (c is < (byte)'0' or > (byte)'9') continue;
                if (c != '0') (first, last) = (first < 0 ? count : first, count);
                count++;
            }

            return first < 0 ? 0 : last - first + 1;
        }
    }
}
