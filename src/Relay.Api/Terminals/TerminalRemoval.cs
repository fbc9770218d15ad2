using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Pairing;
using Relay.Api.Transactions;

namespace Relay.Api.Terminals;

/// <summary>
/// Removes a terminal: revokes its token, ends its pairings (with their pairing.changed events), cancels its pending
/// transactions and closes its connection, in one database transaction; never while its device holds a transaction.
/// </summary>
public sealed class TerminalRemoval(
    RelayDbContext db, TransactionService transactions, EventLog events, TerminalConnections connections, TimeProvider clock,
    ILogger<TerminalRemoval> logger)
{
    public enum Outcome { Removed, RemovedBefore, NotFound, Busy }

    public async Task<Outcome> RemoveAsync(Guid accountId, Guid id)
    {
        var now = clock.Now();
        var removed = await events.InTransactionAsync(async () =>
        {
            var before = await db.Terminals.Where(t => t.Id == id && t.AccountId == accountId)
                .Select(t => new { t.Label, Online = t.ConnectionId != null }).FirstOrDefaultAsync();
            // Guarded: only a terminal with nothing in the hands of its device can go.
            if (before is null || await db.Terminals
                    .Where(t => t.Id == id && t.AccountId == accountId && t.Status != TerminalStatus.Removed
                                && !db.Transactions.Any(x => x.OpenTerminalId == id && Transaction.Acknowledged.Contains(x.Status)))
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(t => t.Status, TerminalStatus.Removed).SetProperty(t => t.RemovedAt, now)
                        .SetProperty(t => t.DeviceTokenHash, (string?)null).SetProperty(t => t.ActivationCodeHash, (string?)null)
                        .SetProperty(t => t.ConnectionId, (string?)null)) == 0)
            {
                return false;
            }

            await transactions.CancelPendingOfTerminalAsync(id);
            foreach (var pairing in await db.Pairings.AsNoTracking().Where(p => p.TerminalId == id).ToListAsync())
            {
                await events.AppendAsync(accountId, EventTypes.PairingChanged,
                    new PairingChangedEvent(pairing.RegisterId, pairing.RegisterName, id, Paired: false), pairing.RegisterId, id);
            }

            await db.Pairings.Where(p => p.TerminalId == id).ExecuteDeleteAsync();
            await db.PairingCodes.Where(c => c.TerminalId == id).ExecuteDeleteAsync();
            if (before.Online)
            {
                await events.AppendAsync(accountId, EventTypes.TerminalOffline, new TerminalPresenceEvent(id, before.Label, false, now),
                    terminalId: id);
            }

            return true;
        });
        if (!removed)
        {
            var status = await db.Terminals.Where(t => t.Id == id && t.AccountId == accountId)
                .Select(t => (TerminalStatus?)t.Status).FirstOrDefaultAsync();
            return status switch
            {
                null => Outcome.NotFound,
                TerminalStatus.Removed => Outcome.RemovedBefore,
                _ => Outcome.Busy,
            };
        }

        connections.Close(id);
        logger.LogInformation("Terminal {TerminalId} removed from account {AccountId}", id, accountId);
        return Outcome.Removed;
    }
}
