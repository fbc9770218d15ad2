namespace Relay.Tests.Infrastructure;

/// <summary>
/// tests/interop/terminal.mjs run by node: a terminal written with the official SignalR JavaScript client. It prints one
/// JSON line per step ({"step":"connected"}, {"step":"pairing-code","code":"..."}, ...) which <see cref="NodeScript.Next"/>
/// follows; lines sent with <see cref="NodeScript.SendAsync"/> are what it does by itself (<c>sale REF AMOUNT</c>,
/// <c>settle BATCH</c>).
/// </summary>
public sealed class NodeTerminal : NodeScript
{
    private NodeTerminal(string relayUrl, string deviceToken, string connect)
        : base("the JavaScript terminal", "terminal.mjs", Path.Combine("@microsoft", "signalr"),
            ["--relay", relayUrl, "--token", deviceToken, "--connect", connect])
    {
    }

    /// <summary>Starts the terminal. <paramref name="connect"/>: direct (skipNegotiation), negotiate, or query (?access_token=).</summary>
    public static NodeTerminal Start(string relayUrl, string deviceToken, string connect = "direct") =>
        new(relayUrl, deviceToken, connect);
}
