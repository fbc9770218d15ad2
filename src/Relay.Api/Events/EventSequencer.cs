using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Relay.Api.Cluster;
using Relay.Api.Data;

namespace Relay.Api.Events;

/// <summary>
/// Numbers an account's committed events in its gap-free sequence and queues their webhook deliveries, in short
/// database transactions of their own (the SQL function <c>relay_sequence_events</c>, one account at a time across all
/// instances), so the changes that write events never wait for each other. Kicked after every commit that wrote events;
/// a sweep every second numbers what a stopped instance left behind. Streams and webhooks see an event about 50 ms
/// after it commits; payments never wait for it.
/// </summary>
/// <remarks>
/// The order is the order in which events became visible (committed), so a reader resuming after sequence N never
/// misses one: an event committed later gets a later number. Events of one transaction keep their insertion order.
/// </remarks>
public sealed class EventSequencer(IServiceScopeFactory scopes, EventSignals signals, ILogger<EventSequencer> logger) : BackgroundService
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(50);
    private readonly Channel<Guid> _kicked = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>The account has new committed events: number them soon.</summary>
    public void Kick(Guid accountId) => _kicked.Writer.TryWrite(accountId);

    /// <summary>Numbers the account's committed events now (readers call it to see everything committed before them).</summary>
    public async Task SequenceAsync(RelayDbContext db, PeerNotify notify, Guid accountId, CancellationToken ct)
    {
        var numbered = await db.Database.SqlQuery<int>($"""SELECT relay_sequence_events({accountId}) AS "Value" """).SingleAsync(ct);
        if (numbered > 0)
        {
            signals.Notify(accountId);
            await notify.SendAsync(new PeerHint.EventsNumbered(accountId), ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var accounts = new HashSet<Guid>();
        var nextSweep = DateTime.UtcNow + SweepInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    wait.CancelAfter(SweepInterval);
                    try
                    {
                        accounts.Add(await _kicked.Reader.ReadAsync(wait.Token));
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                        // a quiet second: time to sweep
                    }
                }

                // A moment for more commits to arrive: one numbering (and one WAL flush) then covers many events.
                await Task.Delay(BatchWindow, stoppingToken);
                while (_kicked.Reader.TryRead(out var more)) accounts.Add(more);
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<RelayDbContext>();
                var notify = scope.ServiceProvider.GetRequiredService<PeerNotify>();
                if (DateTime.UtcNow >= nextSweep)
                {
                    nextSweep = DateTime.UtcNow + SweepInterval;
                    accounts.UnionWith(await db.UnnumberedEvents.Select(u => u.AccountId).Distinct()
                        .ToListAsync(stoppingToken));
                }

                foreach (var accountId in accounts)
                {
                    await SequenceAsync(db, notify, accountId, stoppingToken);
                }

                accounts.Clear();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Kept in the set: retried with the next kick or sweep.
                logger.LogWarning("Numbering events failed ({Error}); retrying shortly", e.Message);
                await Task.Delay(SweepInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
