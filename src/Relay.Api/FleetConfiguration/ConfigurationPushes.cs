using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Relay.Api.Hubs;

namespace Relay.Api.FleetConfiguration;

/// <summary>
/// Sends <c>ConfigurationChanged</c> to the terminals connected here so that the last one a connection gets is never older than
/// the last one read for it. A connect and a change can each read the configuration and race to send it: without this, a
/// connect that read before a change committed could send after the change's push, and leave the terminal with the old
/// configuration until it reconnects.
/// </summary>
/// <remarks>
/// Each push takes a ticket (an instance-wide counter) before it reads the database, and a connection is sent only tickets
/// higher than the last it was sent. That is enough: a push is started after the change it is for committed, so a push with a
/// higher ticket read after that commit too, and holds everything the lower one would have brought.
/// </remarks>
public sealed class ConfigurationPushes(IHubContext<TerminalHub> hub, ILogger<ConfigurationPushes> logger)
{
    public const string Method = "ConfigurationChanged";

    private readonly SemaphoreSlim[] _gates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly ConcurrentDictionary<Guid, (string ConnectionId, long Ticket)> _sent = new();
    private long _tickets;

    /// <summary>The connection closed: what was sent on it no longer matters (and is not kept for every terminal ever held).</summary>
    public void Forget(Guid terminalId, string connectionId)
    {
        if (_sent.TryGetValue(terminalId, out var last) && last.ConnectionId == connectionId)
        {
            _sent.TryRemove(new KeyValuePair<Guid, (string ConnectionId, long Ticket)>(terminalId, last));
        }
    }

    /// <summary>Take before reading the configuration to send.</summary>
    public long Ticket() => Interlocked.Increment(ref _tickets);

    public async Task SendAsync(Guid terminalId, string connectionId, long ticket, FleetSettings configuration)
    {
        var gate = _gates[(terminalId.GetHashCode() & int.MaxValue) % _gates.Length];
        await gate.WaitAsync();
        try
        {
            if (_sent.TryGetValue(terminalId, out var last) && last.ConnectionId == connectionId && last.Ticket > ticket)
            {
                return; // a later read went out already
            }

            _sent[terminalId] = (connectionId, ticket);
            await hub.Clients.Client(connectionId).SendAsync(Method, configuration);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not send {Method} to terminal {TerminalId}; it gets it again when it reconnects",
                Method, terminalId);
        }
        finally
        {
            gate.Release();
        }
    }
}
