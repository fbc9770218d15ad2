using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Relay.Terminal;

public sealed class RelayTerminalOptions
{
    /// <summary>The relay's base URL (http:// or https://); the hub is reached over ws:// or wss://.</summary>
    public required Uri RelayUrl { get; set; }

    /// <summary>From activation; sent as <c>Authorization: Bearer</c> on the WebSocket request.</summary>
    public required string DeviceToken { get; set; }

    public string HubPath { get; set; } = TerminalActivation.DefaultHubPath;

    /// <summary>
    /// Folder for the durable outbox: one file per transaction result, and in its <c>actions</c> subfolder one per action
    /// completion. Survives process restarts.
    /// </summary>
    public required string OutboxDirectory { get; set; }

    /// <summary>Opens the hub WebSocket given its URI and the device token (a test server's, say). Null: the SignalR client's own, with the
    /// Authorization header.</summary>
    public Func<Uri, string, CancellationToken, ValueTask<WebSocket>>? WebSocketFactory { get; set; }

    /// <summary>Delay before each (re)connect attempt; the last one repeats forever. Null: 0, 1, 2, 5, 10 s.</summary>
    public TimeSpan[]? ReconnectDelays { get; set; }

    public ILoggerFactory? LoggerFactory { get; set; }
}
