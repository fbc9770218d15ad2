using System.Net;
using System.Text.Json;

namespace Relay.Terminal;

/// <summary>The relay refused an activation; <see cref="Code"/> is the problem's stable <c>code</c> (e.g.
/// <c>activation-code-invalid</c>).</summary>
public sealed class RelayActivationException : Exception
{
    public RelayActivationException(HttpStatusCode statusCode, string? code, string message, TimeSpan? retryAfter = null)
        : base(message)
    {
        StatusCode = statusCode;
        Code = code;
        RetryAfter = retryAfter;
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem details' <c>code</c> member; null when the response was not problem JSON.</summary>
    public string? Code { get; }

    /// <summary>From the <c>Retry-After</c> header (sent with 429 <c>rate-limited</c>).</summary>
    public TimeSpan? RetryAfter { get; }

    internal static async Task<RelayActivationException> FromResponseAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string? code = null;
        string? detail = null;
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            using var problem = JsonDocument.Parse(text);
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                code = ReadString(problem.RootElement, "code");
                detail = ReadString(problem.RootElement, "detail") ?? ReadString(problem.RootElement, "title");
            }
        }
        catch (JsonException)
        {
            // Not problem JSON (a proxy's error page, say): the status code is all we have.
        }

        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => (TimeSpan?)null,
        };
        var message = $"Activation failed: {(int)response.StatusCode} {code ?? response.ReasonPhrase}"
            + (detail is null ? "" : $" ({detail})");
        return new RelayActivationException(response.StatusCode, code, message, retryAfter);
    }

    private static string? ReadString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
