using System.Net.WebSockets;
using Relay.Terminal;

namespace Relay.Tests.Infrastructure;

/// <summary>A device's credentials as the relay sees them: activation over plain HTTP, and whether a device token
/// still gets onto the hub.</summary>
public static class DeviceAccess
{
    /// <summary>POST /api/v1/terminal-activations without any account key, as a device sends it.</summary>
    public static Task<HttpResponseMessage> ActivateAsync(this RelayFixture relay, string? activationCode, string? serialNumber = "SN-TEST",
        string? model = null, string? appVersion = null) =>
        relay.Factory.CreateClient().PostJson("/api/v1/terminal-activations", new { activationCode, serialNumber, model, appVersion });

    /// <summary>Opens a raw WebSocket to the hub with the token as a bearer: true when the relay accepts the handshake.</summary>
    public static async Task<bool> HubAcceptsAsync(this RelayFixture relay, string deviceToken)
    {
        var client = relay.Factory.Server.CreateWebSocketClient();
        client.ConfigureRequest = r => r.Headers.Authorization = "Bearer " + deviceToken;
        var uri = new UriBuilder(relay.Factory.Server.BaseAddress) { Scheme = "ws", Path = "/hubs/terminal" }.Uri;
        WebSocket socket;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            socket = await client.ConnectAsync(uri, cts.Token);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("401"))
        {
            return false; // the test server reports a refused upgrade as "Incomplete handshake, status code: 401"
        }

        socket.Abort();
        socket.Dispose();
        return true;
    }

    /// <summary>
    /// Starts a fresh SDK client with the token (as a device would after a restart) and reports whether it got connected
    /// within <paramref name="window"/>. The SDK retries forever on a refused token, so a refusal shows as the window passing.
    /// </summary>
    public static async Task<bool> SdkConnectsWithinAsync(this RelayFixture relay, string deviceToken, TimeSpan window)
    {
        var client = new RelayTerminalClient(new RelayTerminalOptions
        {
            RelayUrl = relay.Factory.Server.BaseAddress,
            DeviceToken = deviceToken,
            OutboxDirectory = Directory.CreateTempSubdirectory("relay-outbox-").FullName,
            ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250)],
            WebSocketFactory = (uri, token, ct) => relay.OpenWebSocketAsync(uri, "Bearer " + token, ct),
        });
        await using (client)
        {
            using var cts = new CancellationTokenSource(window);
            try
            {
                await client.StartAsync(cts.Token);
                return client.IsConnected;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
