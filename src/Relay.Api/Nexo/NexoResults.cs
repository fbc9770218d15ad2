using System.Text.Json;

namespace Relay.Api.Nexo;

/// <summary>The pieces every nexo answer is made of: the response header, Response, and AdditionalResponse's key=value text.</summary>
public static class NexoResults
{
    public static readonly Response Success = new("Success");

    public static Response Failure(string condition, string message) => new("Failure", condition, Details(("message", message)));

    public static Response MessageFormat(string message) => Failure("MessageFormat", message);

    /// <summary>The answer to a request: its header as sent, with MessageType Response.</summary>
    public static SaleToPoiResponseEnvelope Envelope(MessageHeader request, SaleToPoiResponse body) =>
        new(body with { MessageHeader = request with { MessageType = "Response" } });

    /// <summary>AdditionalResponse as Adyen writes it: URL-encoded <c>key=value</c> pairs joined by <c>&amp;</c>; null when there
    /// is nothing to say.</summary>
    public static string? Details(params (string Key, string? Value)[] pairs)
    {
        var said = pairs.Where(p => p.Value is not null).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        return said.Count == 0 ? null : string.Join('&', said);
    }

    /// <summary>As much of the header as can be read from a message that does not parse as a whole (for the Reject's header).</summary>
    public static MessageHeader? HeaderOf(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("SaleToPOIRequest", out var request)
                   && request.ValueKind == JsonValueKind.Object
                   && request.TryGetProperty("MessageHeader", out var header) && header.ValueKind == JsonValueKind.Object
                ? new MessageHeader
                {
                    ProtocolVersion = Text(header, "ProtocolVersion"), ServiceID = Text(header, "ServiceID"),
                    DeviceID = Text(header, "DeviceID"), SaleID = Text(header, "SaleID"), POIID = Text(header, "POIID"),
                }
                : null;
        }
        catch (JsonException)
        {
            return null;
        }

        static string? Text(JsonElement header, string name)
        {
            if (!header.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String) return null;
            try
            {
                return value.GetString();
            }
            catch (InvalidOperationException)
            {
                return null; // not valid UTF-8: left out
            }
        }
    }
}
