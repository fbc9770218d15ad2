using Relay.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;

namespace Relay.Api.Hubs;

/// <summary>Records in the database which connection holds a terminal, so any request can tell whether it is online.</summary>
public sealed class TerminalPresence(RelayDbContext db, TimeProvider clock)
{
    public Task ConnectedAsync(Guid terminalId, string connectionId)
    {
        var now = clock.Now();
        return db.Terminals.Where(t => t.Id == terminalId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConnectionId, connectionId).SetProperty(t => t.LastSeenAt, now));
    }

    /// <summary>Marks the terminal offline unless a newer connection already took it over.</summary>
    public Task DisconnectedAsync(Guid terminalId, string connectionId)
    {
        var now = clock.Now();
        return db.Terminals.Where(t => t.Id == terminalId && t.ConnectionId == connectionId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConnectionId, (string?)null).SetProperty(t => t.LastSeenAt, now));
    }
}
