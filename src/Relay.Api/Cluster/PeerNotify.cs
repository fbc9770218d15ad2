using Microsoft.EntityFrameworkCore;
using Relay.Api.Data;

namespace Relay.Api.Cluster;

/// <summary>
/// Tells the other relay instances (see <see cref="PeerListener"/>) about a committed change: a <see cref="PeerHint"/>,
/// addressed to the instances it is for (relay_send_hint): those waiting on its topic (<see cref="PeerInterests"/>), the
/// one holding its terminal, or all. While this instance is alone, only the hints that nothing else covers are sent.
/// </summary>
/// <remarks>
/// Sent after the change commits, in a transaction of its own that does not wait for a disk flush (relay_notify):
/// PostgreSQL holds one global lock from a notifying commit's start to its end, so notifications sent inside durable
/// commits would make every such commit in the database wait, one fsync at a time, for the ones before it. In a
/// caller's open transaction it is sent with that transaction's commit instead.
/// </remarks>
public sealed class PeerNotify(RelayDbContext db, Peers peers, ThisInstance instance, ILogger<PeerNotify> logger)
{
    /// <summary>The channel every instance hears.</summary>
    public const string Channel = "relay";

    /// <summary>The channel of one instance: its addressed hints.</summary>
    public static string ChannelOf(Guid instanceId) => $"relay_{instanceId:N}";

    public async Task SendAsync(PeerHint hint, CancellationToken ct = default)
    {
        if (peers.Alone && !hint.SentWhenAlone)
        {
            return;
        }

        var (payload, topic, terminal) = (hint.Encode(), hint.Topic, hint.Terminal);
        if (db.Database.CurrentTransaction is not null)
        {
            // A failure fails the caller's transaction, as any statement in it would.
            await db.Database.ExecuteSqlAsync($"SELECT relay_send_hint({payload}, {instance.Id}, {topic}::text, {terminal}::uuid)", ct);
            return;
        }

        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT relay_notify({payload}, {instance.Id}, {topic}::text, {terminal}::uuid)", ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The change stands. Instances that miss the hint see it when they re-read: waiters within a second, event
            // streams at their interval, terminals' pending work when it is re-sent.
            logger.LogWarning("Could not tell the other relay instances {Payload}: {Error}", payload, e.Message);
        }
    }
}
