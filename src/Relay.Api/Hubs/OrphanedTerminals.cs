using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Relay.Api.Cluster;
using Relay.Api.Data;
using Relay.Api.Infrastructure;
using Relay.Api.Terminals;

namespace Relay.Api.Hubs;

/// <summary>
/// Shows offline the terminals that no live instance holds: every heartbeat interval, those of an instance whose
/// heartbeat stopped (it died, and nobody else would ever clear them); and when this instance stops, its own, after
/// closing their sockets so they reconnect to another instance at once.
/// </summary>
/// <remarks>Registered after <see cref="InstanceHeartbeat"/>, so it stops first: the instance leaves the database after its
/// terminals.</remarks>
public sealed class OrphanedTerminals(
    IServiceScopeFactory scopes, ThisInstance instance, TerminalConnections connections, IHostApplicationLifetime lifetime,
    TimeProvider clock, IOptions<RelayOptions> options, ILogger<OrphanedTerminals> logger)
    : PeriodicWork(clock, logger)
{
    private ClusterOptions Options => options.Value.Cluster;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() =>
        {
            logger.LogInformation("Stopping: closing {Count} terminal connections so they reconnect to another instance",
                connections.Count);
            connections.CloseAll();
        });
        return base.StartAsync(cancellationToken);
    }

    protected override TimeSpan Interval => Options.HeartbeatInterval;

    protected override string What => "Looking for terminals of stopped instances";

    protected override async Task RunAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
        var deadline = Clock.GetUtcNow() - Options.DeadAfter;
        var alive = db.Instances.Where(i => i.HeartbeatAt >= deadline).Select(i => (Guid?)i.Id);
        // Never this instance's own: it is running this, whatever its last heartbeat says (one late behind a database stall,
        // or a clock that jumped ahead).
        var stranded = db.Terminals.Where(t => t.ConnectionId != null && t.InstanceId != instance.Id
                                               && (t.InstanceId == null || !alive.Contains(t.InstanceId)));
        var marked = await MarkOfflineAsync(scope, stranded, deadline);
        if (marked > 0)
        {
            logger.LogWarning("{Count} terminals shown offline: the relay instance holding them stopped beating", marked);
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
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not show this instance's terminals offline ({Error}); the others will, once its heartbeat stops",
                e.Message);
        }
    }

    /// <summary>Marks the terminals offline, last seen at their instance's last heartbeat (or <paramref name="lastSeen"/>; null:
    /// now).</summary>
    private static async Task<int> MarkOfflineAsync(AsyncServiceScope scope, IQueryable<Terminal> terminals, DateTimeOffset? lastSeen)
    {
        var presence = scope.ServiceProvider.GetRequiredService<TerminalPresence>();
        var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
        var held = await terminals
            .Select(t => new
            {
                t.Id,
                t.ConnectionId,
                Beat = db.Instances.Where(i => i.Id == t.InstanceId).Select(i => (DateTimeOffset?)i.HeartbeatAt).FirstOrDefault(),
            })
            .ToListAsync();
        // All at once, so they are written together (a dead instance may have held thousands).
        await Task.WhenAll(held.Select(terminal =>
            presence.DisconnectedAsync(terminal.Id, terminal.ConnectionId!, lastSeen is null ? null : terminal.Beat ?? lastSeen)));

        return held.Count;
    }
}
