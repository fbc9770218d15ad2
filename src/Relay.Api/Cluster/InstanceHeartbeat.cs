using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Relay.Api.Data;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;

namespace Relay.Api.Cluster;

/// <summary>
/// Keeps this instance's heartbeat in the database (a connected terminal is seen as long as its instance beats); shows
/// offline the terminals of an instance whose heartbeat stopped (it died: nobody else would ever clear them); re-sends pending
/// work to its terminals in case a push was lost; and on shutdown closes its terminal sockets so they reconnect to
/// another instance at once, and leaves the database saying so.
/// </summary>
public sealed class InstanceHeartbeat(
    IServiceScopeFactory scopes, ThisInstance instance, Peers peers, TerminalConnections connections, IHostApplicationLifetime lifetime,
    TimeProvider clock, IOptions<RelayOptions> options, ILogger<InstanceHeartbeat> logger) : BackgroundService
{
    private ClusterOptions Options => options.Value.Cluster;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the server takes connections: a terminal that connects here must find this instance alive, and the
        // other instances must know it is here (so they send it hints) before a request or a terminal reaches it.
        await BeatAsync(cancellationToken);
        await AnnounceAsync(cancellationToken);
        logger.LogInformation("Relay instance {InstanceId} ({Name}) started", instance.Id, instance.Name);
        lifetime.ApplicationStopping.Register(() =>
        {
            logger.LogInformation("Stopping: closing {Count} terminal connections so they reconnect to another instance", connections.Count);
            connections.CloseAll();
        });
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Options.HeartbeatInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await BeatAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Heartbeat failed ({Error}); retrying at the next tick", e.Message);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
            await MarkOfflineAsync(scope, db.Terminals.Where(t => t.InstanceId == instance.Id && t.ConnectionId != null), null);
            await db.Instances.Where(i => i.Id == instance.Id).ExecuteDeleteAsync(cancellationToken);
            logger.LogInformation("Relay instance {InstanceId} stopped", instance.Id);
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not record this instance's stop ({Error}); the others will see its heartbeat stop", e.Message);
        }
    }

    private async Task BeatAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
        var now = clock.Now();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO relay_instances (id, name, started_at, heartbeat_at) VALUES ({instance.Id}, {instance.Name}, {now}, {now})
            ON CONFLICT (id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at
            """, ct);

        // Terminals held by an instance that stopped beating (or by none at all) are not connected to anything.
        var deadline = now - Options.DeadAfter;
        var alive = db.Instances.Where(i => i.HeartbeatAt >= deadline).Select(i => (Guid?)i.Id);
        if (await alive.AnyAsync(i => i != instance.Id, ct))
        {
            peers.Seen();
        }

        var stranded = db.Terminals.Where(t => t.ConnectionId != null && (t.InstanceId == null || !alive.Contains(t.InstanceId)));
        var marked = await MarkOfflineAsync(scope, stranded, deadline);
        if (marked > 0)
        {
            logger.LogWarning("{Count} terminals shown offline: the relay instance holding them stopped beating", marked);
        }

        await db.Instances.Where(i => i.HeartbeatAt < deadline && !db.Terminals.Any(t => t.InstanceId == i.Id)).ExecuteDeleteAsync(ct);
        await scope.ServiceProvider.GetRequiredService<TerminalChannel>().ResendPendingAsync(Options.ResendAfter, ct);
    }

    private async Task AnnounceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PeerNotify>().SendAsync(new PeerHint.InstanceStarted(instance.Id), ct);
    }

    /// <summary>Marks the terminals offline, last seen at their instance's last heartbeat (or <paramref name="lastSeen"/>; null: now).</summary>
    private static async Task<int> MarkOfflineAsync(AsyncServiceScope scope, IQueryable<Terminals.Terminal> terminals, DateTimeOffset? lastSeen)
    {
        var presence = scope.ServiceProvider.GetRequiredService<TerminalPresence>();
        var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
        var held = await terminals
            .Select(t => new { t.Id, t.ConnectionId, Beat = db.Instances.Where(i => i.Id == t.InstanceId).Select(i => (DateTimeOffset?)i.HeartbeatAt).FirstOrDefault() })
            .ToListAsync();
        // All at once, so they are written together (a dead instance may have held thousands).
        await Task.WhenAll(held.Select(terminal =>
            presence.DisconnectedAsync(terminal.Id, terminal.ConnectionId!, lastSeen is null ? null : terminal.Beat ?? lastSeen)));

        return held.Count;
    }
}
