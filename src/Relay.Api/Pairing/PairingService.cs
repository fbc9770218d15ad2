using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Security;

namespace Relay.Api.Pairing;

public sealed class PairingService(
    RelayDbContext db, TerminalChannel terminals, EventLog events, TimeProvider clock, IOptions<RelayOptions> options,
    ILogger<PairingService> logger)
{
    /// <summary>A fresh code for the terminal to show; its earlier codes stop working.</summary>
    public async Task<PairingCodeResponse> NewCodeAsync(Guid accountId, Guid terminalId)
    {
        await db.PairingCodes.Where(c => c.TerminalId == terminalId).ExecuteDeleteAsync();
        var now = clock.Now();
        for (var attempt = 1; ; attempt++)
        {
            var code = new PairingCode
            {
                Id = Guid.CreateVersion7(), AccountId = accountId, TerminalId = terminalId, Code = Secrets.NewPairingCode(),
                CreatedAt = now, ExpiresAt = now + options.Value.PairingCodeLifetime,
            };
            db.PairingCodes.Add(code);
            try
            {
                await db.SaveChangesAsync();
                logger.LogInformation("Pairing code issued to terminal {TerminalId}, valid until {ExpiresAt}", terminalId, code.ExpiresAt);
                return new PairingCodeResponse(code.Code, code.ExpiresAt);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation()
                && attempt < 10)
            {
                db.ChangeTracker.Clear(); // another live code in this account has these digits; draw again
            }
        }
    }

    /// <summary>Consumes the code and pairs the register with its terminal, moving the register if it was paired elsewhere.</summary>
    public async Task<CreatedPairingResponse?> PairAsync(
        Guid accountId, string code, string registerId, string? registerName, string? storeName)
    {
        var now = clock.Now();
        await using var dbTransaction = await db.Database.BeginTransactionAsync();
        var found = await db.PairingCodes.AsNoTracking()
            .Where(c => c.AccountId == accountId && c.Code == code && c.ExpiresAt > now)
            .Select(c => new { c.Id, c.TerminalId }).FirstOrDefaultAsync();
        // Deleting is what makes the code single use: of two racing requests only one deletes it.
        if (found is null || await db.PairingCodes.Where(c => c.Id == found.Id).ExecuteDeleteAsync() == 0)
        {
            return null;
        }

        var previous = await db.Database.SqlQuery<Guid>($"""
            SELECT terminal_id AS "Value" FROM pairings WHERE account_id = {accountId} AND register_id = {registerId} FOR UPDATE
            """).ToListAsync();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO pairings (account_id, register_id, register_name, store_name, terminal_id, paired_at)
            VALUES ({accountId}, {registerId}, {registerName}, {storeName}, {found.TerminalId}, {now})
            ON CONFLICT (account_id, register_id) DO UPDATE
            SET register_name = EXCLUDED.register_name, store_name = EXCLUDED.store_name,
                terminal_id = EXCLUDED.terminal_id, paired_at = EXCLUDED.paired_at
            """);
        Guid? replaced = previous.Count == 1 && previous[0] != found.TerminalId ? previous[0] : null;
        if (replaced is { } moved)
        {
            await events.AppendAsync(accountId, EventTypes.PairingChanged,
                new PairingChangedEvent(registerId, registerName, moved, Paired: false), registerId, moved);
        }

        await events.AppendAsync(accountId, EventTypes.PairingChanged,
            new PairingChangedEvent(registerId, registerName, found.TerminalId, Paired: true, replaced), registerId, found.TerminalId);
        await dbTransaction.CommitAsync();
        events.Publish();

        if (replaced is { } old)
        {
            logger.LogInformation("Register {RegisterId} moved from terminal {ReplacedTerminalId} to terminal {TerminalId}",
                registerId, old, found.TerminalId);
            await terminals.PairingChanged(old, new PairingChangedMessage(registerId, registerName, Paired: false));
        }
        else
        {
            logger.LogInformation("Register {RegisterId} paired with terminal {TerminalId}", registerId, found.TerminalId);
        }

        await terminals.PairingChanged(found.TerminalId, new PairingChangedMessage(registerId, registerName, Paired: true));
        return new CreatedPairingResponse(registerId, registerName, found.TerminalId, now, replaced);
    }

    public async Task<bool> UnpairAsync(Guid accountId, string registerId)
    {
        var pairing = await db.Pairings.AsNoTracking().FirstOrDefaultAsync(p => p.AccountId == accountId && p.RegisterId == registerId);
        if (pairing is null || !await events.InTransactionAsync(async () =>
            {
                if (await db.Pairings
                        .Where(p => p.AccountId == accountId && p.RegisterId == registerId && p.TerminalId == pairing.TerminalId)
                        .ExecuteDeleteAsync() == 0)
                {
                    return false;
                }

                await events.AppendAsync(accountId, EventTypes.PairingChanged,
                    new PairingChangedEvent(registerId, pairing.RegisterName, pairing.TerminalId, Paired: false),
                    registerId, pairing.TerminalId);
                return true;
            }))
        {
            return false;
        }

        logger.LogInformation("Register {RegisterId} unpaired from terminal {TerminalId}", registerId, pairing.TerminalId);
        await terminals.PairingChanged(pairing.TerminalId, new PairingChangedMessage(registerId, pairing.RegisterName, Paired: false));
        return true;
    }
}
