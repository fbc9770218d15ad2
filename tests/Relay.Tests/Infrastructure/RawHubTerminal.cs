using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Relay.Terminal;

namespace Relay.Tests.Infrastructure;

/// <summary>
/// A terminal's hub connection through the official SignalR .NET client and nothing else: no SDK to shape the calls, so a
/// test can invoke any method with any arguments, as a third-party terminal app (or a broken one) could.
/// </summary>
public static class RawHubTerminal
{
    public static async Task<(HubConnection Connection, string TerminalId)> ConnectNewAsync(
        this RelayFixture relay, Merchant merchant, Action<HubConnection>? handlers = null)
    {
        var (terminalId, deviceToken) = await relay.ActivateNewAsync(merchant);
        var connection = await relay.ConnectRawAsync(deviceToken, handlers);
        await merchant.Http.UntilOnlineAsync(terminalId);
        return (connection, terminalId);
    }

    /// <summary>A new terminal of the merchant, activated and not connected.</summary>
    public static async Task<(string TerminalId, string DeviceToken)> ActivateNewAsync(this RelayFixture relay, Merchant merchant)
    {
        var code = await merchant.NewActivationCodeAsync("Raw hub terminal");
        var activation = await TerminalActivation.ActivateAsync(relay.Factory.CreateClient(), relay.Factory.Server.BaseAddress, code,
            "SN-RAW-" + Guid.NewGuid().ToString("N")[..8]);
        return (activation.TerminalId, activation.DeviceToken);
    }

    /// <summary>Pairs a register with the connection's terminal, as <see cref="Scenario.PairAsync"/> does through the SDK.</summary>
    public static async Task PairAsync(this HubConnection hub, Merchant merchant, string registerId)
    {
        var code = await hub.InvokeAsync<System.Text.Json.Nodes.JsonObject>("RequestPairingCode");
        await merchant.Http.PostJson("/api/v1/pairings", new { pairingCode = (string?)code["code"], registerId }).Expect(201);
    }

    /// <summary>A connection with the device token that, like the client's default, never reconnects once closed.</summary>
    /// <param name="handlers">Registers the connection's handlers before it starts (what the relay sends on connect).</param>
    public static async Task<HubConnection> ConnectRawAsync(
        this RelayFixture relay, string deviceToken, Action<HubConnection>? handlers = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(relay.Factory.Server.BaseAddress, TerminalActivation.DefaultHubPath), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.WebSocketFactory = (context, ct) => relay.OpenWebSocketAsync(context.Uri, "Bearer " + deviceToken, ct);
            })
            .Build();
        handlers?.Invoke(connection);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(Scenario.Patience));
        await connection.StartAsync(cts.Token);
        return connection;
    }
}
