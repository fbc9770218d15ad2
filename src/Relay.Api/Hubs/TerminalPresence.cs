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
        // One statement takes the terminal's row, records this connection and tells whether it was online before.
        var before = (await db.Database.SqlQuery<Before>($"""
            UPDATE terminals t SET connection_id = {connectionId}, instance_id = {instance.Id}, last_seen_at = {now}
            FROM (SELECT id, connection_id IS NOT NULL AS was_online FROM terminals WHERE id = {terminalId} FOR UPDATE) old
            WHERE t.id = old.id
            RETURNING t.account_id, t.label, old.was_online
            """).ToListAsync()).FirstOrDefault();
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
        var cleared = (await db.Database.SqlQuery<Before>($"""
            UPDATE terminals SET connection_id = NULL, instance_id = NULL, last_seen_at = {now}
            WHERE id = {terminalId} AND connection_id = {connectionId}
            RETURNING account_id, label, TRUE AS was_online
            """).ToListAsync()).FirstOrDefault();
        if (cleared is not null)
        {
            await events.AppendAsync(cleared.AccountId, EventTypes.TerminalOffline, new TerminalPresenceEvent(terminalId, cleared.Label, false, now), terminalId: terminalId);
        }

        return true;
    });

    private sealed record Before(Guid AccountId, string? Label, bool WasOnline);
}
