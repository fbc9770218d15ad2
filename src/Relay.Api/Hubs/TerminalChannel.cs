using Microsoft.AspNetCore.SignalR;

namespace Relay.Api.Hubs;

/// <summary>Server → terminal messages, to whichever connection holds the terminal on this instance.</summary>
/// <remarks>
/// A message to a terminal that is not connected is dropped on purpose: the database holds the work, and the
/// terminal gets all of it again when it connects.
/// </remarks>
public sealed class TerminalChannel(IHubContext<TerminalHub> hub, TerminalConnections connections, ILogger<TerminalChannel> logger)
{
    public Task StartTransaction(Guid terminalId, TerminalTransaction transaction) =>
        Send(terminalId, "StartTransaction", transaction);

    public Task CancelTransaction(Guid terminalId, Guid transactionId) =>
        Send(terminalId, "CancelTransaction", transactionId);

    public Task PairingChanged(Guid terminalId, PairingChangedMessage change) =>
        Send(terminalId, "PairingChanged", change);

    private async Task Send(Guid terminalId, string method, object argument)
    {
        if (connections.ConnectionIdOf(terminalId) is not { } connectionId)
        {
            return;
        }

        try
        {
            await hub.Clients.Client(connectionId).SendAsync(method, argument);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not send {Method} to terminal {TerminalId}; it gets it again when it reconnects", method, terminalId);
        }
    }
}
