using Microsoft.EntityFrameworkCore;
using Relay.Api.Cluster;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Infrastructure;

namespace Relay.Api.Hubs;

/// <summary>
/// Records in the database which connection holds a terminal, so any request can tell whether it is online, and
/// tells the account (terminal.online / terminal.offline) when that changes.
/// </summary>
public sealed class TerminalPresence(RelayDbContext db, EventLog events, ThisInstance instance, TimeProvider clock)
{
    public Task ConnectedAsync(Guid terminalId, string connectionId) => events.InTransactionAsync(async () =>
    {
        var now = clock.Now();
        var before = await LockAsync(terminalId);
        await db.Terminals.Where(t => t.Id == terminalId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConnectionId, connectionId).SetProperty(t => t.InstanceId, instance.Id)
                .SetProperty(t => t.LastSeenAt, now));
        if (before is { WasOnline: false })
        {
            await events.AppendAsync(before.AccountId, EventTypes.TerminalOnline, new TerminalPresenceEvent(terminalId, before.Label, true, now), terminalId: terminalId);
        }

        return true;
    });

    /// <summary>
    /// Marks the terminal offline unless a newer connection already took it over; <paramref name="lastSeen"/> is when it
    /// was last heard from (now, unless its instance died).
    /// </summary>
    public Task DisconnectedAsync(Guid terminalId, string connectionId, DateTimeOffset? lastSeen = null) => events.InTransactionAsync(async () =>
    {
        var now = lastSeen ?? clock.Now();
        var before = await LockAsync(terminalId);
        var cleared = await db.Terminals.Where(t => t.Id == terminalId && t.ConnectionId == connectionId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConnectionId, (string?)null).SetProperty(t => t.InstanceId, (Guid?)null)
                .SetProperty(t => t.LastSeenAt, now));
        if (cleared == 1)
        {
            await events.AppendAsync(before!.AccountId, EventTypes.TerminalOffline, new TerminalPresenceEvent(terminalId, before.Label, false, now), terminalId: terminalId);
        }

        return true;
    });

    private sealed record Before(Guid AccountId, string? Label, bool WasOnline);

    private async Task<Before?> LockAsync(Guid terminalId) =>
        (await db.Database.SqlQuery<Before>($"""
            SELECT account_id, label, connection_id IS NOT NULL AS was_online FROM terminals WHERE id = {terminalId} FOR UPDATE
            """).ToListAsync()).FirstOrDefault();
}
