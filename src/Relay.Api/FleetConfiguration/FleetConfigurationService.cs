using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Cluster;
using Relay.Api.Data;
using Relay.Api.Events;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;
using Relay.Api.Terminals;

namespace Relay.Api.FleetConfiguration;

/// <summary>
/// The account's fleet configuration: its levels (stored, each change with its <c>configuration.changed</c> event), a
/// terminal's effective configuration, and the pushes of it (<c>ConfigurationChanged</c>) to terminals on every connect and
/// after every change.
/// </summary>
/// <remarks>
/// A change reaches the terminals it covers wherever they are connected: this instance pushes to the ones it holds, and one
/// hint (<see cref="PeerHint.ConfigurationChanged"/>) has every other instance push to its own, however many terminals a store
/// or the account's default covers. A hint can be lost (it is only a notification); what makes up for it is the push on every
/// connect, and the push to every terminal held here when this instance's listener reconnects (a listener that was away may
/// have missed hints). A terminal that stays connected through a lost hint keeps the older configuration until then.
/// </remarks>
public sealed class FleetConfigurationService(
    RelayDbContext db, EventLog events, PeerNotify notify, ConfigurationPushes pushes, TerminalConnections connections,
    ThisInstance instance, TimeProvider clock, ILogger<FleetConfigurationService> logger)
{
    public async Task<FleetLevelResponse> GetLevelAsync(Guid accountId, FleetScope scope, string key, CancellationToken ct)
    {
        var row = await db.FleetSettings.AsNoTracking()
            .FirstOrDefaultAsync(s => s.AccountId == accountId && s.Scope == scope && s.Key == key, ct);
        return FleetLevelResponse.From(scope, key, row);
    }

    /// <summary>Replaces what the level sets (nothing set: the level is cleared), then pushes to the terminals it covers.</summary>
    public async Task<FleetLevelResponse> SetLevelAsync(Guid accountId, FleetScope scope, string key, FleetSettings? settings)
    {
        var clearing = settings is null || settings == FleetSettings.None;
        var row = clearing ? null : new FleetSetting
        {
            AccountId = accountId, Scope = scope, Key = key, Settings = settings!, UpdatedAt = clock.Now(),
        };
        var level = FleetLevelResponse.From(scope, key, row);
        var changed = await events.InTransactionAsync(async () =>
        {
            if (row is null)
            {
                if (await db.FleetSettings.Where(s => s.AccountId == accountId && s.Scope == scope && s.Key == key)
                        .ExecuteDeleteAsync() == 0)
                {
                    return false; // it set nothing before either
                }
            }
            else
            {
                var json = JsonSerializer.Serialize(row.Settings, RelayJson.Options);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO fleet_settings (account_id, scope, key, settings, updated_at)
                    VALUES ({accountId}, {WireEnum<FleetScope>.Name(scope)}, {key}, CAST({json} AS jsonb), {row.UpdatedAt})
                    ON CONFLICT (account_id, scope, key) DO UPDATE SET settings = EXCLUDED.settings, updated_at = EXCLUDED.updated_at
                    """);
            }

            await events.AppendAsync(accountId, EventTypes.ConfigurationChanged, level, terminalId: level.TerminalId);
            return true;
        });
        if (changed)
        {
            logger.LogInformation("Fleet configuration of {Scope} {Key} in account {AccountId} {Change}",
                level.Scope, key, accountId, clearing ? "cleared" : "set");
            await PushAfterChangeAsync(accountId, scope, key);
        }

        return level;
    }

    /// <summary>The terminal's effective configuration and its sources; null for a terminal not in the account or removed.</summary>
    public async Task<TerminalConfigurationResponse?> GetTerminalAsync(Guid accountId, Guid terminalId, CancellationToken ct)
    {
        var terminal = await ActiveTerminals(accountId).Where(t => t.Id == terminalId)
            .Select(t => new { t.Id, t.StoreId }).FirstOrDefaultAsync(ct);
        if (terminal is null)
        {
            return null;
        }

        var (configuration, sources) = Resolve(await LevelsOf(accountId, terminalId).ToListAsync(ct));
        return new TerminalConfigurationResponse(terminalId, terminal.StoreId, configuration, sources);
    }

    public Task<bool> TerminalExistsAsync(Guid accountId, Guid terminalId, CancellationToken ct) =>
        ActiveTerminals(accountId).AnyAsync(t => t.Id == terminalId, ct);

    /// <summary>On every connect, before its open work: the terminal's effective configuration, read in one statement.</summary>
    public async Task PushOnConnectAsync(Guid accountId, Guid terminalId, string connectionId)
    {
        try
        {
            var ticket = pushes.Ticket();
            var rows = await LevelsOf(accountId, terminalId).ToListAsync();
            await pushes.SendAsync(terminalId, connectionId, ticket, Resolve(rows).Configuration);
        }
        catch (Exception e)
        {
            // The connection and its payments go on; the configuration comes with the next connect or change.
            logger.LogWarning("Could not send terminal {TerminalId} its configuration on connect: {Error}", terminalId, e.Message);
        }
    }

    /// <summary>
    /// Pushes the effective configuration to the terminals held here that a level covers: every one of the account's (its
    /// default), a store's, or one terminal; with no account and no scope, every terminal held here (the listener's catch-up).
    /// </summary>
    public async Task PushToHeldAsync(Guid? accountId, FleetScope? scope, string? key, CancellationToken ct = default)
    {
        var terminalId = Guid.Empty;
        if (connections.IsEmpty
            || (scope == FleetScope.Terminal && (!Guid.TryParse(key, out terminalId) || connections.ConnectionIdOf(terminalId) is null)))
        {
            return;
        }

        var held = scope == FleetScope.Terminal
            ? db.Terminals.Where(t => t.Id == terminalId) // addressed: it may be connected here before the database says so
            : db.Terminals.Where(t => t.InstanceId == instance.Id);
        held = held.Where(t => t.Status != TerminalStatus.Removed);
        if (accountId is not null) held = held.Where(t => t.AccountId == accountId);
        if (scope == FleetScope.Store) held = held.Where(t => t.StoreId == key);
        var targets = (await held.AsNoTracking().Select(t => new { t.Id, t.AccountId, t.StoreId }).ToListAsync(ct))
            .Select(t => (t.Id, t.AccountId, t.StoreId, ConnectionId: connections.ConnectionIdOf(t.Id)))
            .Where(t => t.ConnectionId is not null).ToList();
        if (targets.Count == 0)
        {
            return;
        }

        var ticket = pushes.Ticket();
        var accounts = targets.Select(t => t.AccountId).Distinct().ToList();
        var stores = targets.Where(t => t.StoreId is not null).Select(t => t.StoreId!).Distinct().ToList();
        var terminals = targets.Select(t => FleetSetting.KeyOf(t.Id)).ToList();
        var rows = (await db.FleetSettings.AsNoTracking()
                .Where(s => accounts.Contains(s.AccountId) && (s.Scope == FleetScope.Account
                                                               || (s.Scope == FleetScope.Store && stores.Contains(s.Key))
                                                               || (s.Scope == FleetScope.Terminal && terminals.Contains(s.Key))))
                .ToListAsync(ct))
            .ToDictionary(s => (s.AccountId, s.Scope, s.Key), s => s.Settings);
        foreach (var t in targets)
        {
            var (configuration, _) = FleetSettings.Resolve(
                rows.GetValueOrDefault((t.AccountId, FleetScope.Account, "")),
                t.StoreId is null ? null : rows.GetValueOrDefault((t.AccountId, FleetScope.Store, t.StoreId)),
                rows.GetValueOrDefault((t.AccountId, FleetScope.Terminal, FleetSetting.KeyOf(t.Id))));
            await pushes.SendAsync(t.Id, t.ConnectionId!, ticket, configuration);
        }
    }

    private async Task PushAfterChangeAsync(Guid accountId, FleetScope scope, string key)
    {
        try
        {
            if (scope == FleetScope.Terminal && connections.ConnectionIdOf(Guid.Parse(key)) is not null)
            {
                await PushToHeldAsync(accountId, scope, key); // held here, so by no other instance
                return;
            }

            if (scope != FleetScope.Terminal)
            {
                await PushToHeldAsync(accountId, scope, key);
            }

            await notify.SendAsync(new PeerHint.ConfigurationChanged(accountId, instance.Id, WireEnum<FleetScope>.Name(scope), key));
        }
        catch (Exception e)
        {
            // The change stands; terminals get it on their next connect.
            logger.LogWarning("Could not push the configuration change of {Scope} {Key} in account {AccountId}: {Error}",
                scope, key, accountId, e.Message);
        }
    }

    /// <summary>The levels that cover one terminal, in one statement: the account's default, its store's and its own.</summary>
    private IQueryable<FleetSetting> LevelsOf(Guid accountId, Guid terminalId)
    {
        var key = FleetSetting.KeyOf(terminalId);
        return db.FleetSettings.AsNoTracking()
            .Where(s => s.AccountId == accountId
                        && (s.Scope == FleetScope.Account || (s.Scope == FleetScope.Terminal && s.Key == key)
                            || (s.Scope == FleetScope.Store && db.Terminals.Any(t => t.Id == terminalId && t.StoreId == s.Key))));
    }

    private IQueryable<Terminal> ActiveTerminals(Guid accountId) =>
        db.Terminals.AsNoTracking().Where(t => t.AccountId == accountId && t.Status != TerminalStatus.Removed);

    /// <summary>One terminal's levels (at most one row of each scope) resolved.</summary>
    private static (FleetSettings Configuration, FleetSources Sources) Resolve(List<FleetSetting> rows) => FleetSettings.Resolve(
        rows.FirstOrDefault(r => r.Scope == FleetScope.Account)?.Settings,
        rows.FirstOrDefault(r => r.Scope == FleetScope.Store)?.Settings,
        rows.FirstOrDefault(r => r.Scope == FleetScope.Terminal)?.Settings);
}
