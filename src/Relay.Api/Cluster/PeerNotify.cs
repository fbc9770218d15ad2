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
    public static Task NotifyPeersAsync(this DatabaseFacade database, string payload, CancellationToken ct = default) =>
        database.CurrentTransaction is null
            ? database.ExecuteSqlAsync($"SELECT relay_notify({payload})", ct)
            : database.ExecuteSqlAsync($"SELECT pg_notify({PeerListener.Channel}, {payload})", ct);
}
