using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Relay.Api.Cluster;

/// <summary>
/// Tells the other relay instances (LISTEN relay, see <see cref="PeerListener"/>) about a committed change: ids only, a hint.
/// </summary>
/// <remarks>
/// Sent after the change commits, in a transaction of its own that does not wait for a disk flush (relay_notify):
/// PostgreSQL holds one global lock from a notifying commit's start to its end, so notifications sent inside durable
/// commits would make every such commit in the database wait, one fsync at a time, for the ones before it. In a
/// caller's open transaction it is sent with that transaction's commit instead.
/// </remarks>
public static class PeerNotify
{
    public static async Task NotifyPeersAsync(this DatabaseFacade database, string payload, ILogger logger, CancellationToken ct = default)
    {
        if (database.CurrentTransaction is not null)
        {
            // A failure fails the caller's transaction, as any statement in it would.
            await database.ExecuteSqlAsync($"SELECT pg_notify({PeerListener.Channel}, {payload})", ct);
            return;
        }

        try
        {
            await database.ExecuteSqlAsync($"SELECT relay_notify({payload})", ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The change stands. Instances that miss the hint see it when they re-read: waiters within a second, event
            // streams at their interval, terminals' pending work when it is re-sent.
            logger.LogWarning("Could not tell the other relay instances {Payload}: {Error}", payload, e.Message);
        }
    }
}
