using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Relay.Terminal.Transport;

/// <summary>
/// The transport HubConnection lacks here (Http.Connections.Client is not available): a straight WebSocket to the hub,
/// with no negotiate request (what the JavaScript client calls skipNegotiation).
/// </summary>
internal sealed class WebSocketConnectionFactory(
    Func<Uri, string, CancellationToken, ValueTask<WebSocket>> openWebSocket,
    string deviceToken,
    ILogger logger) : IConnectionFactory
{
    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not UriEndPoint { Uri: var uri })
        {
            throw new NotSupportedException($"Expected a {nameof(UriEndPoint)}, got {endpoint.GetType().Name}.");
        }

        var socket = await openWebSocket(uri, deviceToken, cancellationToken);
        return new WebSocketConnection(socket, logger);
    }

    /// <summary>The default: a ClientWebSocket that authenticates with <c>Authorization: Bearer &lt;device token&gt;</c>.</summary>
    public static async ValueTask<WebSocket> OpenClientWebSocketAsync(Uri uri, string deviceToken, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + deviceToken);
        try
        {
            await socket.ConnectAsync(uri, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
