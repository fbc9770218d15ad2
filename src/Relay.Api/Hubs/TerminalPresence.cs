using Microsoft.EntityFrameworkCore;
using Relay.Api.Cluster;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Infrastructure;

namespace Relay.Api.Hubs;

/// <summary>
/// Records in the database which connection holds a terminal, so any request can tell whether it is online, and
/// tells the account (terminal.online / terminal.offline, <see cref="TerminalPresenceEvent"/>) when that changes.
/// Each change is one call of a database function that makes it and appends its event.
/// </summary>
public sealed class TerminalPresence(RelayDbContext db, EventLog events, ThisInstance instance, TimeProvider clock)
{
    /// <summary>Records the connection; true when the terminal has open transactions (to send it on connect).</summary>
    public async Task<bool> ConnectedAsync(Guid terminalId, string connectionId)
    {
        var connected = await db.Database.SqlQuery<Connected>($"""
            SELECT * FROM relay_terminal_connected({terminalId}, {connectionId}, {instance.Id}, {clock.Now()})
            """).SingleAsync();
        Appended(connected.EventAccountId);
        return connected.HasOpenWork;
    }

    /// <summary>
    /// Marks the terminal offline unless a newer connection already took it over; <paramref name="lastSeen"/> is when it
    /// was last heard from (now, unless its instance died).
    /// </summary>
    public async Task DisconnectedAsync(Guid terminalId, string connectionId, DateTimeOffset? lastSeen = null)
    {
        var now = clock.Now();
        Appended(await db.Database.SqlQuery<Guid?>($"""
            SELECT relay_terminal_disconnected({terminalId}, {connectionId}, {lastSeen ?? now}, {now}) AS "Value"
            """).SingleAsync());
    }

    private sealed record Connected(Guid? EventAccountId, bool HasOpenWork);

    private void Appended(Guid? accountId)
    {
        if (accountId is { } account)
        {
            events.Appended(account);
        }
    }
}
