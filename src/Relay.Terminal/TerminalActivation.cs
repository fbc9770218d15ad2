using System.Net.Http.Json;

namespace Relay.Terminal;

public sealed record ActivationResult(string TerminalId, string DeviceToken, string HubPath);

/// <summary>Trades a one-time activation code for the device token the hub expects.</summary>
public static class TerminalActivation
{
    public const string DefaultHubPath = "/hubs/terminal";

    public static async Task<ActivationResult> ActivateAsync(
        HttpClient http,
        Uri relayUrl,
        string activationCode,
        string serialNumber,
        string? model = null,
        string? appVersion = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentException.ThrowIfNullOrWhiteSpace(activationCode);
        ArgumentException.ThrowIfNullOrWhiteSpace(serialNumber);

        var url = RelayUrls.Combine(relayUrl, "api/v1/terminal-activations");
        var request = new ActivationRequest(activationCode, serialNumber, model, appVersion);
        using var response = await http.PostAsJsonAsync(url, request, TerminalJson.Options, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw await RelayActivationException.FromResponseAsync(response, ct);
        }

        var body = await response.Content.ReadFromJsonAsync<ActivationResponse>(TerminalJson.Options, ct);
        if (body?.TerminalId is not { Length: > 0 } terminalId || body.DeviceToken is not { Length: > 0 } token)
        {
            throw new RelayActivationException(response.StatusCode, null,
                "The relay's activation response had no terminal id or device token.");
        }

        return new ActivationResult(terminalId, token, string.IsNullOrEmpty(body.HubPath) ? DefaultHubPath : body.HubPath);
    }

    private sealed record ActivationRequest(string ActivationCode, string SerialNumber, string? Model, string? AppVersion);

    private sealed record ActivationResponse(string? TerminalId, string? DeviceToken, string? HubPath);
}
