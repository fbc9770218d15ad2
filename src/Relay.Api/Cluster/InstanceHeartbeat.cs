using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Relay.Api.Data;
using Relay.Api.Hubs;
using Relay.Api.Infrastructure;

namespace Relay.Api.Cluster;

/// <summary>
/// Keeps this instance's heartbeat in the database (a connected terminal is seen as long as its instance beats), notes
/// whether others beat too (<see cref="Peers"/>), keeps this instance's interests current while they do
/// (<see cref="PeerInterests"/>), forgets instances that stopped beating and hold no terminal, and leaves the database when
/// it stops. What becomes of a stopped instance's terminals is <see cref="Hubs.OrphanedTerminals"/>.
/// </summary>
public sealed class InstanceHeartbeat(
    IServiceScopeFactory scopes, ThisInstance instance, Peers peers, PeerInterests interests, TerminalConnections connections,
    TerminalPresence presence, TimeProvider clock, IOptions<RelayOptions> options, ILogger<InstanceHeartbeat> logger)
    : PeriodicWork(clock, logger)
{
    private DateTimeOffset? _lastBeat;
    private (int Held, int Recorded)? _lastCount;

    private ClusterOptions Options => options.Value.Cluster;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the server takes connections: a terminal that connects here must find this instance alive, and the
        // other instances must know it is here (so they send it hints) before a request or a terminal reaches it.
        await BeatAsync(cancellationToken);
        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PeerNotify>()
                .SendAsync(new PeerHint.InstanceStarted(instance.Id), cancellationToken);
        }

        logger.LogInformation("Relay instance {InstanceId} ({Name}) started", instance.Id, instance.Name);
        await base.StartAsync(cancellationToken);
    }

    protected override TimeSpan Interval => Options.HeartbeatInterval;

    protected override string What => "Heartbeat";

    protected override Task RunAsync(CancellationToken ct) => BeatAsync(ct);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
            await db.Instances.Where(i => i.Id == instance.Id).ExecuteDeleteAsync(cancellationToken);
            await DeleteInterestsOfGoneInstancesAsync(db, cancellationToken);
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
        var now = Clock.Now();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO relay_instances (id, name, started_at, heartbeat_at) VALUES ({instance.Id}, {instance.Name}, {now}, {now})
            ON CONFLICT (id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at
            """, ct);
        if (_lastBeat is { } last && now - last > Options.DeadAfter)
        {
            // Silent for longer than the others wait (a database outage, a failover): they may have shown this instance's
            // terminals offline, which stay connected here. Record them again (an online one is only touched).
            logger.LogWarning("Heartbeat back after {Seconds:F0} s; recording this instance's {Count} terminal connections again",
                (now - last).TotalSeconds, connections.Count);
            await connections.RecordAgain(presence.ConnectedAsync);
            _lastCount = null;
        }
        else if (!connections.IsEmpty)
        {
            // Another instance may have shown some of them offline while this one was slow to beat, just after it recorded
            // them again. Fewer recorded than held, the same at two beats running (connects being written change the counts),
            // means record them again.
            var count = (Held: connections.Count, Recorded: await db.Terminals.CountAsync(t => t.InstanceId == instance.Id, ct));
            if (count.Recorded < count.Held && count == _lastCount)
            {
                logger.LogWarning("The database shows {Recorded} of this instance's {Count} terminal connections; recording them again",
                    count.Recorded, count.Held);
                await connections.RecordAgain(presence.ConnectedAsync);
                _lastCount = null;
            }
            else
            {
                _lastCount = count;
            }
        }

        _lastBeat = now;

        var deadline = now - Options.DeadAfter;
        if (await db.Instances.AnyAsync(i => i.HeartbeatAt >= deadline && i.Id != instance.Id, ct))
        {
            peers.Seen();
        }

        if (await db.Instances.Where(i => i.HeartbeatAt < deadline && !db.Terminals.Any(t => t.InstanceId == i.Id))
                .ExecuteDeleteAsync(ct) > 0)
        {
            await DeleteInterestsOfGoneInstancesAsync(db, ct);
        }

        if (!peers.Alone)
        {
            await interests.SyncAsync(ct);
        }
    }

    private static Task<int> DeleteInterestsOfGoneInstancesAsync(RelayDbContext db, CancellationToken ct) =>
        db.PeerInterests.Where(p => !db.Instances.Any(i => i.Id == p.InstanceId)).ExecuteDeleteAsync(ct);
}
